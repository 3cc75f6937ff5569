import { describe, expect, it } from 'vitest'
import { embeddingTerm, imageTerm, imageUrlTerm, textTerm } from '../src/service/query-terms'
import {
  defaultState,
  formatTermParam,
  initialIndex,
  normalizeBackend,
  parseTermParam,
  resolveIndex,
  stateFromUrl,
  stateToUrl,
  type FrontConfig
} from '../src/service/ui-state'

const BACK = 'https://knn.example'

describe('defaultState', () => {
  it('has the original front defaults (spec §5.2)', () => {
    expect(defaultState(BACK)).toEqual({
      backend: BACK,
      index: '',
      query: [],
      modality: 'image',
      useMclip: false,
      displayCaptions: true,
      displayFullCaptions: false,
      displaySimilarities: false,
      safeMode: true,
      removeViolence: true,
      hideDuplicateUrls: true,
      hideDuplicateImages: true,
      aestheticScore: '',
      aestheticWeight: '0.5',
      numImages: 40,
      numResultIds: 3000
    })
  })
})

describe('stateFromUrl', () => {
  const base = defaultState(BACK)

  it('reads the original five parameters', () => {
    const s = stateFromUrl('?back=http://other:1234&index=idx&query=a%20cat&useMclip=true', base)
    expect(s.backend).toBe('http://other:1234')
    expect(s.index).toBe('idx')
    expect(s.query).toEqual([textTerm('a cat')])
    expect(s.useMclip).toBe(true)
  })

  it('lets imageUrl win over query, as the original image-url search clears the text', () => {
    const s = stateFromUrl('?query=cat&imageUrl=https%3A%2F%2Fx%2Fcat.jpg', base)
    expect(s.query).toEqual([imageUrlTerm('https://x/cat.jpg')])
  })

  it('ignores malformed values and unknown parameters', () => {
    const s = stateFromUrl(
      '?useMclip=yes&modality=audio&safeMode=0&aestheticScore=12&aestheticWeight=abc&numImages=-5&numResultIds=1e9&foo=bar&captions=',
      base
    )
    expect(s).toEqual(base)
  })

  it('bounds counts', () => {
    expect(stateFromUrl('?numImages=20000', base).numImages).toBe(40)
    expect(stateFromUrl('?numImages=100&numResultIds=500', base)).toMatchObject({
      numImages: 100,
      numResultIds: 500
    })
  })
})

describe('URL round trip', () => {
  it('reproduces every setting', () => {
    const state = {
      ...defaultState(BACK),
      backend: 'http://localhost:1234',
      index: 'my index',
      query: [textTerm('a dog & a cat')],
      modality: 'text' as const,
      useMclip: true,
      displayCaptions: false,
      displayFullCaptions: true,
      displaySimilarities: true,
      safeMode: false,
      removeViolence: false,
      hideDuplicateUrls: false,
      hideDuplicateImages: false,
      aestheticScore: '7',
      aestheticWeight: '0.25',
      numImages: 80,
      numResultIds: 500
    }
    const url = stateToUrl(state)
    expect(stateFromUrl('?' + url, defaultState(BACK))).toEqual(state)
  })

  it('writes the original names for a plain search and only non-default new settings', () => {
    const state = { ...defaultState(BACK), index: 'idx', query: [textTerm('cat')] }
    expect(stateToUrl(state)).toBe('query=cat&back=https%3A%2F%2Fknn.example&index=idx&useMclip=false')
    const byUrl = { ...state, query: [imageUrlTerm('https://x/c.jpg')] }
    expect(new URLSearchParams(stateToUrl(byUrl)).get('imageUrl')).toBe('https://x/c.jpg')
    expect(new URLSearchParams(stateToUrl(byUrl)).has('query')).toBe(false)
  })

  it('round-trips combined terms, negative weights and embeddings', () => {
    const vector = [0.5, -0.25, 0.125]
    const state = {
      ...defaultState(BACK),
      query: [textTerm('a dog'), imageUrlTerm('https://x/a:b.png', 0.5), embeddingTerm(vector, -1)]
    }
    const back = stateFromUrl('?' + stateToUrl(state), defaultState(BACK))
    expect(back.query.map((t) => [t.kind, t.value, t.weight, t.embedding])).toEqual([
      ['text', 'a dog', 1, undefined],
      ['imageUrl', 'https://x/a:b.png', 0.5, undefined],
      ['embedding', '', -1, vector]
    ])
  })

  it('round-trips a single embedding search ("more like this")', () => {
    const state = { ...defaultState(BACK), query: [embeddingTerm([1, 0.5])] }
    const url = stateToUrl(state)
    expect(new URLSearchParams(url).has('embedding')).toBe(true)
    expect(stateFromUrl('?' + url, defaultState(BACK)).query[0]!.embedding).toEqual([1, 0.5])
  })

  it('leaves uploaded images out of the URL', () => {
    const state = { ...defaultState(BACK), query: [imageTerm('QUJD')] }
    const params = new URLSearchParams(stateToUrl(state))
    expect(params.has('query') || params.has('term') || params.has('imageUrl')).toBe(false)
  })
})

describe('term parameters', () => {
  it('parses kind:weight:value with colons in the value', () => {
    expect(parseTermParam('text:-0.5:a: b')).toMatchObject({ kind: 'text', weight: -0.5, value: 'a: b' })
    expect(formatTermParam(textTerm('x', 2))).toBe('text:2:x')
  })

  it('refuses malformed terms', () => {
    for (const bad of ['text', 'text:1', 'text::x', 'text:abc:x', 'image:1:QUJD', 'embedding:1:!!', 'text:1:']) {
      expect(parseTermParam(bad)).toBeNull()
    }
  })
})

describe('initialIndex (spec §5.2)', () => {
  const config: FrontConfig = { defaultBackend: BACK, defaultIndex: 'laion5B', urlColumn: 'url' }

  it('takes the index parameter first', () => {
    expect(initialIndex('?index=other&back=http://x', config)).toBe('other')
  })

  it('takes defaultIndex when back is absent or is the default backend', () => {
    expect(initialIndex('', config)).toBe('laion5B')
    expect(initialIndex(`?back=${encodeURIComponent(BACK)}`, config)).toBe('laion5B')
  })

  it('leaves it to the first listed index for another backend', () => {
    expect(initialIndex('?back=http://elsewhere', config)).toBe('')
    expect(resolveIndex('', ['a', 'b'], false)).toBe('a')
  })

  it('keeps a chosen index unless a backend change forces the first', () => {
    expect(resolveIndex('b', ['a', 'b'], false)).toBe('b')
    expect(resolveIndex('b', ['a', 'b'], true)).toBe('a')
    expect(resolveIndex('', [], false)).toBe('')
  })
})

describe('normalizeBackend', () => {
  it('strips trailing slashes', () => {
    expect(normalizeBackend('http://h:1234/')).toBe('http://h:1234')
    expect(normalizeBackend('http://h/api//')).toBe('http://h/api')
    expect(normalizeBackend(' http://h ')).toBe('http://h')
  })
})
