import { describe, expect, it } from 'vitest'
import {
  displayCaption,
  displayedResults,
  formatSimilarity,
  imageSrc,
  isDisplayable,
  mergeMetadata,
  normalizeMetadata,
  normalizeResults,
  type ResultItem
} from '../src/service/results'

const item = (fields: Partial<ResultItem> & { id: string }): ResultItem => ({ similarity: 0.5, ...fields })

describe('display rules (spec §5.2)', () => {
  it('shows a result only with a caption, the url column or an image', () => {
    expect(isDisplayable(item({ id: '1' }), 'url')).toBe(false)
    expect(isDisplayable(item({ id: '1', caption: 'c' }), 'url')).toBe(true)
    expect(isDisplayable(item({ id: '1', url: 'u' }), 'url')).toBe(true)
    expect(isDisplayable(item({ id: '1', link: 'u' }), 'link')).toBe(true)
    expect(isDisplayable(item({ id: '1', image: 'QUJD' }), 'url')).toBe(true)
  })

  it('takes the url column as src, else the base64 image', () => {
    expect(imageSrc(item({ id: '1', url: 'https://x', image: 'QUJD' }), 'url')).toBe('https://x')
    expect(imageSrc(item({ id: '1', image: 'QUJD' }), 'url')).toBe('data:image/png;base64,QUJD')
    expect(imageSrc(item({ id: '1' }), 'url')).toBeUndefined()
  })

  it('truncates captions to 50 characters plus "..." unless full', () => {
    const long = 'x'.repeat(60)
    expect(displayCaption(long, false)).toBe('x'.repeat(50) + '...')
    expect(displayCaption(long, true)).toBe(long)
    expect(displayCaption('x'.repeat(50), false)).toBe('x'.repeat(50))
  })

  it('formats similarities with 4 decimals', () => {
    expect(formatSimilarity(0.23671)).toBe('0.2367')
    expect(formatSimilarity(-0.1)).toBe('-0.1000')
  })

  it('hides duplicate urls (first kept), broken images and undisplayable results', () => {
    const results = [
      item({ id: '1', url: 'a' }),
      item({ id: '2', url: 'a' }),
      item({ id: '3' }),
      item({ id: '4', url: 'broken' }),
      item({ id: '5', caption: 'no url' })
    ]
    const shown = (hide: boolean) =>
      displayedResults(results, { urlColumn: 'url', hideDuplicateUrls: hide, brokenImages: new Set(['broken']) }).map((r) => r.id)
    expect(shown(true)).toEqual(['1', '5'])
    expect(shown(false)).toEqual(['1', '2', '5'])
  })
})

describe('normalizing answers', () => {
  it('keeps ids as strings and rejects results without one', () => {
    expect(normalizeResults([{ id: 14, similarity: 0.2, caption: 'k' }])).toEqual([
      { id: '14', similarity: 0.2, caption: 'k' }
    ])
    expect(() => normalizeResults([{ similarity: 1 }])).toThrow()
    expect(() => normalizeResults({ error: 'x' })).toThrow()
  })

  it('merges metadata by id, the result fields winning', () => {
    const results = [item({ id: '9007199254740993' }), item({ id: '2', caption: 'kept' })]
    const entries = normalizeMetadata([
      { id: '9007199254740993', metadata: { caption: 'big', similarity: 99 } },
      { id: 3, metadata: { caption: 'unknown id' } },
      { metadata: {} }
    ])
    const merged = mergeMetadata(results, entries)
    expect(merged[0]).toEqual({ id: '9007199254740993', similarity: 0.5, caption: 'big' })
    expect(merged[1]).toBe(results[1])
  })
})
