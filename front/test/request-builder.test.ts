// Expected bodies are written out by hand from the original front's field list and defaults
// (spec §5.2), not computed from the code under test.
import { describe, expect, it } from 'vitest'
import {
  embeddingTerm,
  imageTerm,
  imageUrlTerm,
  textTerm
} from '../src/service/query-terms'
import { buildKnnRequest, downloadCount } from '../src/service/request-builder'
import { defaultState, type SearchSettings } from '../src/service/ui-state'

function settings(overrides: Partial<SearchSettings> = {}): SearchSettings {
  return { ...defaultState('http://back'), index: 'laion5B', ...overrides }
}

describe('buildKnnRequest', () => {
  it('sends a text search with the original defaults, field for field', () => {
    const body = buildKnnRequest(settings(), [textTerm('a cat')])
    expect(JSON.stringify(body)).toBe(
      JSON.stringify({
        text: 'a cat',
        image: null,
        image_url: null,
        embedding_input: null,
        modality: 'image',
        num_images: 40,
        indice_name: 'laion5B',
        num_result_ids: 3000,
        use_mclip: false,
        deduplicate: true,
        use_safety_model: true,
        use_violence_detector: true,
        aesthetic_score: '',
        aesthetic_weight: '0.5'
      })
    )
  })

  it('clears the text for an image search (base64 in image)', () => {
    const body = buildKnnRequest(settings(), [imageTerm('iVBORw0KGgo=')])
    expect(body.text).toBe('')
    expect(body.image).toBe('iVBORw0KGgo=')
    expect(body.image_url).toBeNull()
    expect(body.embedding_input).toBeNull()
    expect(body).not.toHaveProperty('query_terms')
  })

  it('clears the text for an image url search', () => {
    const body = buildKnnRequest(settings(), [imageUrlTerm('https://x/cat.jpg')])
    expect(body).toMatchObject({ text: '', image: null, image_url: 'https://x/cat.jpg', embedding_input: null })
  })

  it('sends a single embedding as embedding_input', () => {
    const body = buildKnnRequest(settings(), [embeddingTerm([0.5, -0.25])])
    expect(body).toMatchObject({ text: '', image: null, image_url: null, embedding_input: [0.5, -0.25] })
    expect(body).not.toHaveProperty('query_terms')
  })

  it('maps each toggle to its field', () => {
    expect(buildKnnRequest(settings({ safeMode: false }), [textTerm('x')]).use_safety_model).toBe(false)
    expect(buildKnnRequest(settings({ removeViolence: false }), [textTerm('x')]).use_violence_detector).toBe(false)
    expect(buildKnnRequest(settings({ hideDuplicateImages: false }), [textTerm('x')]).deduplicate).toBe(false)
    expect(buildKnnRequest(settings({ useMclip: true }), [textTerm('x')]).use_mclip).toBe(true)
    expect(buildKnnRequest(settings({ modality: 'text' }), [textTerm('x')]).modality).toBe('text')
  })

  it('sends aesthetic score and weight as strings', () => {
    const body = buildKnnRequest(settings({ aestheticScore: '9' }), [textTerm('x')])
    expect(body.aesthetic_score).toBe('9')
    expect(body.aesthetic_weight).toBe('0.5')
    const other = buildKnnRequest(settings({ aestheticScore: '3', aestheticWeight: '1.5' }), [textTerm('x')])
    expect(other).toMatchObject({ aesthetic_score: '3', aesthetic_weight: '1.5' })
  })

  it('uses the count override for both num_images and num_result_ids (download)', () => {
    const body = buildKnnRequest(settings(), [textTerm('x')], { count: 10000 })
    expect(body.num_images).toBe(10000)
    expect(body.num_result_ids).toBe(10000)
  })

  it('adds return_embeddings only when asked', () => {
    expect(buildKnnRequest(settings(), [textTerm('x')])).not.toHaveProperty('return_embeddings')
    expect(buildKnnRequest(settings(), [textTerm('x')], { returnEmbeddings: true }).return_embeddings).toBe(true)
  })

  it('sends query_terms for several terms, with the single fields null', () => {
    const body = buildKnnRequest(settings(), [
      textTerm('a dog'),
      imageTerm('QUJD', 0.5),
      imageUrlTerm('https://x/y.png'),
      embeddingTerm([0.1, 0.2], -1)
    ])
    expect(JSON.parse(JSON.stringify(body))).toEqual({
      text: null,
      image: null,
      image_url: null,
      embedding_input: null,
      modality: 'image',
      num_images: 40,
      indice_name: 'laion5B',
      num_result_ids: 3000,
      use_mclip: false,
      deduplicate: true,
      use_safety_model: true,
      use_violence_detector: true,
      aesthetic_score: '',
      aesthetic_weight: '0.5',
      query_terms: [
        { text: 'a dog', weight: 1 },
        { image: 'QUJD', weight: 0.5 },
        { image_url: 'https://x/y.png', weight: 1 },
        { embedding_input: [0.1, 0.2], weight: -1 }
      ]
    })
  })

  it('sends query_terms for one term whose weight is not 1', () => {
    const body = buildKnnRequest(settings(), [textTerm('blurry', -1)])
    expect(body.text).toBeNull()
    expect(body.query_terms).toEqual([{ text: 'blurry', weight: -1 }])
  })
})

describe('downloadCount', () => {
  it('is 10000 for image search on the first listed index, else 100', () => {
    const indices = ['laion5B', 'other']
    expect(downloadCount(settings(), indices)).toBe(10000)
    expect(downloadCount(settings({ modality: 'text' }), indices)).toBe(100)
    expect(downloadCount(settings({ index: 'other' }), indices)).toBe(100)
  })
})
