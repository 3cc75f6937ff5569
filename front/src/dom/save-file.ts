// Saves text as a file through a Blob and an <a download> (no server round trip).

export function saveFile(filename: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }))
  const link = document.createElement('a')
  link.href = url
  link.download = filename
  link.style.display = 'none'
  document.body.appendChild(link)
  link.click()
  link.remove()
  // Let the download start before the URL goes.
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}
