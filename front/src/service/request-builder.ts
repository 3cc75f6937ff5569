// The /knn-service request body of a query and settings, field for field as the original front
// (spec §5.2): text, image, image_url, embedding_input, modality, num_images, indice_name,
// num_result_ids, use_mclip, deduplicate, use_safety_model, use_violence_detector,
// aesthetic_score, aesthetic_weight. New fields are added only when used: `query_terms` for a
// combined query, `return_embeddings` when asked for.

import { isPlainQuery, toWireTerm, type QueryTerm, type WireTerm } from './query-terms'
import type { SearchSettings } from './ui-state'

export interface KnnRequestBody {
  text: string | null
  image: string | null
  image_url: string | null
  embedding_input: number[] | null
  modality: string
  num_images: number
  indice_name: string
  num_result_ids: number
  use_mclip: boolean
  deduplicate: boolean
  use_safety_model: boolean
  use_violence_detector: boolean
  aesthetic_score: string
  aesthetic_weight: string
  query_terms?: WireTerm[]
  return_embeddings?: boolean
}

export interface RequestOptions {
  // Overrides both num_images and num_result_ids (the download's count, as the original).
  count?: number
  returnEmbeddings?: boolean
}

interface QueryFields {
  text: string | null
  image: string | null
  image_url: string | null
  embedding_input: number[] | null
  query_terms?: WireTerm[]
}

// As the original: a text search sends no image or image_url (null); an image or image-url
// search clears the text (''). A combined query sends all four as null.
function queryFields(terms: readonly QueryTerm[]): QueryFields {
  if (!isPlainQuery(terms)) {
    return {
      text: null,
      image: null,
      image_url: null,
      embedding_input: null,
      query_terms: terms.map(toWireTerm)
    }
  }
  const term = terms[0]!
  const fields: QueryFields = { text: '', image: null, image_url: null, embedding_input: null }
  switch (term.kind) {
    case 'text':
      fields.text = term.value
      break
    case 'image':
      fields.image = term.value
      break
    case 'imageUrl':
      fields.image_url = term.value
      break
    case 'embedding':
      fields.embedding_input = term.embedding ?? []
      break
  }
  return fields
}

export function buildKnnRequest(
  settings: SearchSettings,
  terms: readonly QueryTerm[],
  options: RequestOptions = {}
): KnnRequestBody {
  const { query_terms, ...inputs } = queryFields(terms)
  const count = options.count
  const body: KnnRequestBody = {
    ...inputs,
    modality: settings.modality,
    num_images: count ?? settings.numImages,
    indice_name: settings.index,
    num_result_ids: count ?? settings.numResultIds,
    use_mclip: settings.useMclip,
    deduplicate: settings.hideDuplicateImages,
    use_safety_model: settings.safeMode,
    use_violence_detector: settings.removeViolence,
    aesthetic_score: settings.aestheticScore,
    aesthetic_weight: settings.aestheticWeight
  }
  if (query_terms !== undefined) body.query_terms = query_terms
  if (options.returnEmbeddings) body.return_embeddings = true
  return body
}

// The original download's count (spec §5.2): 10000 when searching images of the first listed
// index, else 100.
export function downloadCount(settings: SearchSettings, indices: readonly string[]): number {
  return settings.modality === 'image' && settings.index === indices[0] ? 10000 : 100
}
