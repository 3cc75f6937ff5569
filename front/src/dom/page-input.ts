// Page-wide image input: an image dropped anywhere on the page or pasted (Ctrl+V) searches by
// that image. Text pastes are left alone. Returns a function that removes the listeners.

import { firstImageFile, hasFiles } from './image-file'

export interface PageInputHandlers {
  image(file: File): void
  // true while files are dragged over the page (to show the drop target)
  dragging(active: boolean): void
}

export function listenForPageImages(target: Window, handlers: PageInputHandlers): () => void {
  let depth = 0 // dragenter/dragleave pairs, which also fire for every child element
  const onDragEnter = (e: DragEvent) => {
    if (!hasFiles(e.dataTransfer)) return
    e.preventDefault()
    depth++
    handlers.dragging(true)
  }
  const onDragOver = (e: DragEvent) => {
    if (!hasFiles(e.dataTransfer)) return
    e.preventDefault() // allows the drop
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy'
  }
  const onDragLeave = (e: DragEvent) => {
    if (!hasFiles(e.dataTransfer)) return
    depth = Math.max(0, depth - 1)
    if (depth === 0) handlers.dragging(false)
  }
  const onDrop = (e: DragEvent) => {
    if (!hasFiles(e.dataTransfer)) return
    e.preventDefault() // the browser would otherwise open the file
    depth = 0
    handlers.dragging(false)
    const file = firstImageFile(e.dataTransfer)
    if (file !== null) handlers.image(file)
  }
  const onPaste = (e: ClipboardEvent) => {
    const file = firstImageFile(e.clipboardData)
    if (file === null) return
    e.preventDefault()
    handlers.image(file)
  }
  target.addEventListener('dragenter', onDragEnter)
  target.addEventListener('dragover', onDragOver)
  target.addEventListener('dragleave', onDragLeave)
  target.addEventListener('drop', onDrop)
  target.addEventListener('paste', onPaste)
  return () => {
    target.removeEventListener('dragenter', onDragEnter)
    target.removeEventListener('dragover', onDragOver)
    target.removeEventListener('dragleave', onDragLeave)
    target.removeEventListener('drop', onDrop)
    target.removeEventListener('paste', onPaste)
  }
}
