// Geometry of the windowed result grid: columns from the container width (the original's
// breakpoints are a floor), a fixed row height per display mode, and the rows to render for a
// scroll position. Pure functions, so the grid component only measures and renders.

export const GRID_GAP = 8 // px between cards
export const MIN_CARD_WIDTH = 150 // px, the original's figure width
const LINE_HEIGHT = 18 // px of one caption line (14px text)
const CARD_PADDING = 8 // px of vertical padding inside a card
const CAPTION_LINES = 3 // a 50-character caption fits in 3 lines at the narrowest width
const FULL_CAPTION_LINES = 7 // full captions scroll inside this
const SIMILARITY_HEIGHT = 20 // px
const MAX_ROW_IMAGE = 320 // px: on very wide screens cards stop growing, columns are added

// The original's columns by viewport width (spec §5.2): 3 below 500px, then 2, 4, 5, 7, 8.
export function breakpointColumns(viewportWidth: number): number {
  if (viewportWidth >= 1600) return 8
  if (viewportWidth >= 1300) return 7
  if (viewportWidth >= 1000) return 5
  if (viewportWidth >= 700) return 4
  if (viewportWidth >= 500) return 2
  return 3
}

// Columns for a container: at least the original's, more when cards would exceed
// MIN_CARD_WIDTH + a third (4K screens), never so many that a card is under 60px.
export function columnCount(containerWidth: number, viewportWidth: number): number {
  const width = Math.max(containerWidth, 1)
  const byWidth = Math.floor((width + GRID_GAP) / (MIN_CARD_WIDTH * 1.33 + GRID_GAP))
  const narrowest = Math.max(1, Math.floor((width + GRID_GAP) / (60 + GRID_GAP)))
  return Math.max(1, Math.min(narrowest, Math.max(breakpointColumns(viewportWidth), byWidth)))
}

export interface CardMode {
  displayCaptions: boolean
  displayFullCaptions: boolean
  displaySimilarities: boolean
}

export interface GridLayout {
  columns: number
  cardWidth: number
  imageHeight: number
  captionHeight: number
  rowHeight: number // card height + GRID_GAP
}

export function gridLayout(containerWidth: number, viewportWidth: number, mode: CardMode): GridLayout {
  const columns = columnCount(containerWidth, viewportWidth)
  const cardWidth = Math.max(
    1,
    Math.floor((Math.max(containerWidth, 1) - GRID_GAP * (columns - 1)) / columns)
  )
  const imageHeight = Math.min(cardWidth, MAX_ROW_IMAGE)
  const lines = !mode.displayCaptions ? 0 : mode.displayFullCaptions ? FULL_CAPTION_LINES : CAPTION_LINES
  const captionHeight = lines * LINE_HEIGHT
  const similarity = mode.displaySimilarities ? SIMILARITY_HEIGHT : 0
  const rowHeight = imageHeight + captionHeight + similarity + CARD_PADDING + GRID_GAP
  return { columns, cardWidth, imageHeight, captionHeight, rowHeight }
}

export interface RowWindow {
  firstRow: number // first rendered row
  endRow: number // one past the last rendered row
}

// Rows to render when the grid's top is at `gridTop` px relative to the viewport (negative when
// scrolled past) and the viewport is `viewportHeight` tall, with `overscan` rows either side.
export function visibleRows(
  gridTop: number,
  viewportHeight: number,
  rowHeight: number,
  totalRows: number,
  overscan = 2
): RowWindow {
  if (totalRows <= 0 || rowHeight <= 0) return { firstRow: 0, endRow: 0 }
  const from = Math.max(0, -gridTop)
  const to = Math.max(0, viewportHeight - gridTop)
  const firstRow = Math.max(0, Math.floor(from / rowHeight) - overscan)
  const endRow = Math.min(totalRows, Math.ceil(to / rowHeight) + overscan)
  return { firstRow: Math.min(firstRow, endRow), endRow }
}
