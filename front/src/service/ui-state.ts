// The UI state, its defaults (the original front's, spec §5.2) and its URL form. The original's
// five parameters keep their names (`back`, `index`, `query`, `imageUrl`, `useMclip`); the rest
// of the state has readable names of its own, written only when it differs from the default.
// Unknown or malformed parameters are ignored (the default stays).

import {
  decodeEmbedding,
  embeddingTerm,
  encodeEmbedding,
  imageUrlTerm,
  isPlainQuery,
  textTerm,
  type QueryTerm,
  type TermKind
} from './query-terms'

export type Modality = 'image' | 'text'

// Everything a search request depends on, besides the query and the backend.
export interface SearchSettings {
  index: string
  modality: Modality
  useMclip: boolean
  safeMode: boolean // → use_safety_model
  removeViolence: boolean // → use_violence_detector
  hideDuplicateImages: boolean // → deduplicate
  aestheticScore: string // '' or '0'..'9'
  aestheticWeight: string
  numImages: number // results that come with metadata; also the /metadata page size
  numResultIds: number // k of the search
}

// Display-only options (client side).
export interface DisplaySettings {
  displayCaptions: boolean
  displayFullCaptions: boolean
  displaySimilarities: boolean
  hideDuplicateUrls: boolean
}

export interface UiState extends SearchSettings, DisplaySettings {
  backend: string
  query: QueryTerm[] // empty: no search yet
}

export const DEFAULT_NUM_IMAGES = 40
export const DEFAULT_NUM_RESULT_IDS = 3000
// Bounds for counts read from a URL (a typo must not ask the back for a billion results).
export const MAX_NUM_IMAGES = 10000
export const MAX_NUM_RESULT_IDS = 100000

export function defaultState(backend: string): UiState {
  return {
    backend,
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
    numImages: DEFAULT_NUM_IMAGES,
    numResultIds: DEFAULT_NUM_RESULT_IDS
  }
}

// URL parameter names. The first five are the original front's.
export const PARAM = {
  backend: 'back',
  index: 'index',
  query: 'query',
  imageUrl: 'imageUrl',
  useMclip: 'useMclip',
  modality: 'modality',
  displayCaptions: 'captions',
  displayFullCaptions: 'fullCaptions',
  displaySimilarities: 'similarities',
  safeMode: 'safeMode',
  removeViolence: 'removeViolence',
  hideDuplicateUrls: 'hideDuplicateUrls',
  hideDuplicateImages: 'hideDuplicateImages',
  aestheticScore: 'aestheticScore',
  aestheticWeight: 'aestheticWeight',
  numImages: 'numImages',
  numResultIds: 'numResultIds',
  embedding: 'embedding',
  term: 'term'
} as const

type BooleanKey =
  | 'displayCaptions'
  | 'displayFullCaptions'
  | 'displaySimilarities'
  | 'safeMode'
  | 'removeViolence'
  | 'hideDuplicateUrls'
  | 'hideDuplicateImages'

const BOOLEAN_KEYS: readonly BooleanKey[] = [
  'displayCaptions',
  'displayFullCaptions',
  'displaySimilarities',
  'safeMode',
  'removeViolence',
  'hideDuplicateUrls',
  'hideDuplicateImages'
]

function parseBoolean(text: string | null): boolean | null {
  if (text === 'true') return true
  if (text === 'false') return false
  return null
}

function parseCount(text: string | null, max: number): number | null {
  if (text === null || !/^[0-9]{1,7}$/.test(text)) return null
  const n = Number(text)
  return n >= 1 && n <= max ? n : null
}

export function isAestheticScore(text: string): boolean {
  return text === '' || /^[0-9]$/.test(text)
}

export function isAestheticWeight(text: string): boolean {
  return text.trim() !== '' && Number.isFinite(Number(text))
}

const TERM_KINDS: readonly TermKind[] = ['text', 'imageUrl', 'embedding']

// `term=<kind>:<weight>:<value>`: kind text, imageUrl or embedding (base64url float32); the
// value is the rest of the parameter (it may contain ':'). Uploaded images are not put in URLs.
export function formatTermParam(term: QueryTerm): string | null {
  if (term.kind === 'image') return null
  const value = term.kind === 'embedding' ? encodeEmbedding(term.embedding ?? []) : term.value
  return `${term.kind}:${term.weight}:${value}`
}

export function parseTermParam(text: string): QueryTerm | null {
  const first = text.indexOf(':')
  const second = first < 0 ? -1 : text.indexOf(':', first + 1)
  if (second < 0) return null
  const kind = text.slice(0, first) as TermKind
  const weightText = text.slice(first + 1, second)
  const value = text.slice(second + 1)
  if (!TERM_KINDS.includes(kind) || weightText.trim() === '') return null
  const weight = Number(weightText)
  if (!Number.isFinite(weight) || value === '') return null
  if (kind === 'text') return textTerm(value, weight)
  if (kind === 'imageUrl') return imageUrlTerm(value, weight)
  const embedding = decodeEmbedding(value)
  return embedding === null ? null : embeddingTerm(embedding, weight, 'embedding from link')
}

// The query a URL asks for: `term`s when present; else `imageUrl` (which wins over `query`, as
// in the original, whose image-url search clears the text); else `embedding`; else `query`.
function queryFromParams(params: URLSearchParams): QueryTerm[] {
  const terms = params
    .getAll(PARAM.term)
    .map(parseTermParam)
    .filter((t): t is QueryTerm => t !== null)
  if (terms.length > 0) return terms
  const imageUrl = params.get(PARAM.imageUrl)
  if (imageUrl) return [imageUrlTerm(imageUrl)]
  const embedding = params.get(PARAM.embedding)
  const vector = embedding === null ? null : decodeEmbedding(embedding)
  if (vector !== null) return [embeddingTerm(vector, 1, 'embedding from link')]
  const query = params.get(PARAM.query)
  if (query) return [textTerm(query)]
  return []
}

// The state a URL describes, over `base` (defaults plus config). `index` is taken as given; the
// caller applies the original's initial-index rule (initialIndex) to the raw parameters.
export function stateFromUrl(search: string, base: UiState): UiState {
  const params = new URLSearchParams(search)
  const state: UiState = { ...base, query: queryFromParams(params) }
  const back = params.get(PARAM.backend)
  if (back) state.backend = back
  const index = params.get(PARAM.index)
  if (index !== null) state.index = index
  const useMclip = parseBoolean(params.get(PARAM.useMclip))
  if (useMclip !== null) state.useMclip = useMclip
  const modality = params.get(PARAM.modality)
  if (modality === 'image' || modality === 'text') state.modality = modality
  for (const key of BOOLEAN_KEYS) {
    const value = parseBoolean(params.get(PARAM[key]))
    if (value !== null) state[key] = value
  }
  const score = params.get(PARAM.aestheticScore)
  if (score !== null && isAestheticScore(score)) state.aestheticScore = score
  const weight = params.get(PARAM.aestheticWeight)
  if (weight !== null && isAestheticWeight(weight)) state.aestheticWeight = weight
  const numImages = parseCount(params.get(PARAM.numImages), MAX_NUM_IMAGES)
  if (numImages !== null) state.numImages = numImages
  const numResultIds = parseCount(params.get(PARAM.numResultIds), MAX_NUM_RESULT_IDS)
  if (numResultIds !== null) state.numResultIds = numResultIds
  return state
}

// The URL query string (without '?') of a state. The original's `back`, `index` and `useMclip`
// are always written (as the original does), `query`/`imageUrl` when that is the search; the
// other settings only when they differ from the defaults.
export function stateToUrl(state: UiState): string {
  const params = new URLSearchParams()
  const q = state.query
  if (isPlainQuery(q) && q[0]!.kind === 'text') {
    params.set(PARAM.query, q[0]!.value)
  } else if (isPlainQuery(q) && q[0]!.kind === 'imageUrl') {
    params.set(PARAM.imageUrl, q[0]!.value)
  } else if (isPlainQuery(q) && q[0]!.kind === 'embedding') {
    params.set(PARAM.embedding, encodeEmbedding(q[0]!.embedding ?? []))
  } else if (!isPlainQuery(q)) {
    for (const term of q) {
      const text = formatTermParam(term)
      if (text !== null) params.append(PARAM.term, text)
    }
  }
  params.set(PARAM.backend, state.backend)
  params.set(PARAM.index, state.index)
  params.set(PARAM.useMclip, String(state.useMclip))
  const defaults = defaultState(state.backend)
  if (state.modality !== defaults.modality) params.set(PARAM.modality, state.modality)
  for (const key of BOOLEAN_KEYS) {
    if (state[key] !== defaults[key]) params.set(PARAM[key], String(state[key]))
  }
  if (state.aestheticScore !== defaults.aestheticScore) {
    params.set(PARAM.aestheticScore, state.aestheticScore)
  }
  if (state.aestheticWeight !== defaults.aestheticWeight) {
    params.set(PARAM.aestheticWeight, state.aestheticWeight)
  }
  if (state.numImages !== defaults.numImages) params.set(PARAM.numImages, String(state.numImages))
  if (state.numResultIds !== defaults.numResultIds) {
    params.set(PARAM.numResultIds, String(state.numResultIds))
  }
  return params.toString()
}

// What config.json gives (spec §5.2); absent fields are ''/'url'.
export interface FrontConfig {
  defaultBackend: string
  defaultIndex: string
  urlColumn: string
}

// The original's initial index (spec §5.2): the `index` parameter; else the config's defaultIndex
// when `back` is absent or equals defaultBackend; else '' (meaning: the first of /indices-list).
export function initialIndex(search: string, config: FrontConfig): string {
  const params = new URLSearchParams(search)
  const index = params.get(PARAM.index)
  if (index !== null) return index
  const back = params.get(PARAM.backend)
  return back === null || back === config.defaultBackend ? config.defaultIndex : ''
}

// The index to search once /indices-list is known: the chosen one, or the first when none was
// chosen ('') or a backend change forces it.
export function resolveIndex(chosen: string, indices: readonly string[], force: boolean): string {
  if (force || chosen === '') return indices[0] ?? ''
  return chosen
}

// The backend URL without trailing slashes, so paths join as `${backend}/knn-service`.
export function normalizeBackend(url: string): string {
  return url.trim().replace(/\/+$/, '')
}
