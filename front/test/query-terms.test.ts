import { describe, expect, it } from 'vitest'
import {
  decodeEmbedding,
  describeQuery,
  embeddingTerm,
  encodeEmbedding,
  imageTerm,
  isPlainQuery,
  isSendable,
  textTerm
} from '../src/service/query-terms'

describe('query terms', () => {
  it('is plain only for one term of weight 1', () => {
    expect(isPlainQuery([textTerm('a')])).toBe(true)
    expect(isPlainQuery([textTerm('a', 0.5)])).toBe(false)
    expect(isPlainQuery([textTerm('a'), textTerm('b')])).toBe(false)
    expect(isPlainQuery([])).toBe(false)
  })

  it('needs a value and a finite weight to be sent', () => {
    expect(isSendable(textTerm(' '))).toBe(false)
    expect(isSendable(textTerm('a', NaN))).toBe(false)
    expect(isSendable(embeddingTerm([]))).toBe(false)
    expect(isSendable(embeddingTerm([0.1], -2))).toBe(true)
  })

  it('describes combinations readably', () => {
    const photo = imageTerm('QUJD', 0.5)
    photo.label = 'photo.jpg'
    expect(describeQuery([textTerm('a dog'), photo, textTerm('blurry', -1)])).toBe(
      'a dog + 0.5 × photo.jpg − blurry'
    )
    expect(describeQuery([textTerm('cat')])).toBe('cat')
  })

  it('encodes embeddings as base64url float32 and back', () => {
    const values = [0.5, -1.25, 3.0517578125e-5, 0]
    const text = encodeEmbedding(values)
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(decodeEmbedding(text)).toEqual(values)
    expect(decodeEmbedding('abc')).toBeNull() // not a whole number of floats
    expect(decodeEmbedding('a+b/')).toBeNull() // not base64url
  })
})
