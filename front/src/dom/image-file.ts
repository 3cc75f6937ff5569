// Image files from a file chooser, a drop or the clipboard, read as base64 (the part after the
// comma of a data URL, as the original front sends it).

export function readAsBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => {
      const result = String(reader.result ?? '')
      const comma = result.indexOf(',')
      resolve(comma < 0 ? '' : result.slice(comma + 1))
    }
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'))
    reader.readAsDataURL(file)
  })
}

// The first image file of a drop or paste, if any.
export function firstImageFile(data: DataTransfer | null): File | null {
  if (data === null) return null
  for (const file of Array.from(data.files)) {
    if (file.type.startsWith('image/')) return file
  }
  for (const item of Array.from(data.items ?? [])) {
    if (item.kind === 'file' && item.type.startsWith('image/')) {
      const file = item.getAsFile()
      if (file !== null) return file
    }
  }
  return null
}

// True while dragging something that holds files (so the page can show the drop target).
export function hasFiles(data: DataTransfer | null): boolean {
  return data !== null && Array.from(data.types).includes('Files')
}
