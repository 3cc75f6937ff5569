// Search results as the app holds them, and the original front's display rules (spec §5.2):
// which results are shown, their image src, caption truncation and similarity format.

import { toIdString } from './json-ids'
import { imageDataUrl } from './query-terms'

// One result: `id` as a decimal string, `similarity`, and the metadata columns merged in (the
// first num_images come with them; the rest after /metadata). `embedding` only when asked for.
export interface ResultItem {
  id: string
  similarity: number
  embedding?: number[]
  [column: string]: unknown
}

// One /metadata answer element.
export interface MetadataEntry {
  id: string
  metadata: Record<string, unknown>
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

// Reads a /knn-service answer; throws on anything that is not a list of results with ids.
export function normalizeResults(answer: unknown): ResultItem[] {
  if (!Array.isArray(answer)) throw new Error('the back answered something other than a list')
  return answer.map((raw, i) => {
    if (!isObject(raw)) throw new Error(`result ${i} is not an object`)
    const id = toIdString(raw['id'])
    if (id === null) throw new Error(`result ${i} has no integer id`)
    const similarity = typeof raw['similarity'] === 'number' ? raw['similarity'] : NaN
    return { ...raw, id, similarity } as ResultItem
  })
}

// Reads a /metadata answer; entries without an integer id are skipped.
export function normalizeMetadata(answer: unknown): MetadataEntry[] {
  if (!Array.isArray(answer)) throw new Error('the back answered something other than a list')
  const entries: MetadataEntry[] = []
  for (const raw of answer) {
    if (!isObject(raw)) continue
    const id = toIdString(raw['id'])
    if (id === null) continue
    entries.push({ id, metadata: isObject(raw['metadata']) ? raw['metadata'] : {} })
  }
  return entries
}

// Merges metadata into the results whose ids it has; the result's own fields (id, similarity)
// win over metadata columns of the same name, as the original's `{...metadata, ...image}`.
// Returns a new array when anything changed.
export function mergeMetadata(
  results: readonly ResultItem[],
  entries: readonly MetadataEntry[]
): ResultItem[] {
  const byId = new Map(entries.map((e) => [e.id, e.metadata]))
  return results.map((item) => {
    const metadata = byId.get(item.id)
    return metadata === undefined ? item : ({ ...metadata, ...item } as ResultItem)
  })
}

function stringField(item: ResultItem, column: string): string | undefined {
  const value = item[column]
  if (value === undefined || value === null) return undefined
  return typeof value === 'string' ? value : String(value)
}

export function caption(item: ResultItem): string | undefined {
  return stringField(item, 'caption')
}

// The image src: the url column if present, else the base64 `image` (spec §5.2).
export function imageSrc(item: ResultItem, urlColumn: string): string | undefined {
  const url = stringField(item, urlColumn)
  if (url !== undefined) return url
  const image = stringField(item, 'image')
  return image === undefined ? undefined : imageDataUrl(image)
}

// A result is shown only when it has a caption, the url column or an image.
export function isDisplayable(item: ResultItem, urlColumn: string): boolean {
  return (
    stringField(item, 'caption') !== undefined ||
    stringField(item, urlColumn) !== undefined ||
    stringField(item, 'image') !== undefined
  )
}

export interface DisplayFilter {
  urlColumn: string
  hideDuplicateUrls: boolean
  // Image srcs that failed to load (the original's blacklist).
  brokenImages: ReadonlySet<string>
}

// The results the grid shows, in rank order: displayable, not broken, and (when hiding duplicate
// urls) the first of each url.
export function displayedResults(
  results: readonly ResultItem[],
  filter: DisplayFilter
): ResultItem[] {
  const seenUrls = new Set<string>()
  const shown: ResultItem[] = []
  for (const item of results) {
    if (!isDisplayable(item, filter.urlColumn)) continue
    if (filter.hideDuplicateUrls) {
      const url = stringField(item, filter.urlColumn)
      if (url !== undefined) {
        if (seenUrls.has(url)) continue
        seenUrls.add(url)
      }
    }
    const src = imageSrc(item, filter.urlColumn)
    if (src !== undefined && filter.brokenImages.has(src)) continue
    shown.push(item)
  }
  return shown
}

export const CAPTION_PREVIEW_LENGTH = 50

// The caption under a card: the first 50 characters and "..." unless full captions are on.
export function displayCaption(text: string, full: boolean): string {
  if (full || text.length <= CAPTION_PREVIEW_LENGTH) return text
  return text.substring(0, CAPTION_PREVIEW_LENGTH) + '...'
}

export function formatSimilarity(similarity: number): string {
  return Number.isFinite(similarity) ? similarity.toFixed(4) : ''
}

// The metadata columns of a result for display (everything but id, similarity and embedding).
export function metadataColumns(item: ResultItem): [string, unknown][] {
  return Object.entries(item).filter(
    ([key]) => key !== 'id' && key !== 'similarity' && key !== 'embedding'
  )
}
