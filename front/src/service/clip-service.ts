// HTTP calls to the back (spec §3.4, docs/back.md): /indices-list, /indices-info (new),
// /knn-service and /metadata, plus the front's own config.json. Answers are parsed with
// parseJsonWithIds so ids above 2^53 stay exact. Every failure is a BackError whose message
// can be shown as is.

import { RawJson, parseJsonWithIds, stringifyJson } from './json-ids'
import type { KnnRequestBody } from './request-builder'
import {
  normalizeMetadata,
  normalizeResults,
  type MetadataEntry,
  type ResultItem
} from './results'
import { normalizeBackend, type FrontConfig, type Modality } from './ui-state'

export type FetchFn = (url: string, init?: RequestInit) => Promise<Response>

// unreachable: no HTTP answer (network, CORS, DNS); http: an error status (the message is the
// back's `error` when it gave one); invalid: an answer that is not what the endpoint returns;
// aborted: superseded by a newer request (not an error to show).
export type BackErrorKind = 'unreachable' | 'http' | 'invalid' | 'aborted'

export class BackError extends Error {
  readonly kind: BackErrorKind
  readonly status: number | undefined
  constructor(kind: BackErrorKind, message: string, status?: number) {
    super(message)
    this.name = 'BackError'
    this.kind = kind
    this.status = status
  }
}

// What /indices-info says about one index (new endpoint of our back; absent on the original).
export interface IndexInfo {
  name: string
  modalities: Modality[]
  vectors: Partial<Record<Modality, number>>
  dimension: number | undefined
  clipModel: string | undefined
  metadataColumns: string[]
  metadataRows: number | undefined
  filters: {
    useSafetyModel: boolean
    useViolenceDetector: boolean
    aesthetic: boolean
    useMclip: boolean
  }
}

const defaultFetch: FetchFn = (url, init) => fetch(url, init)

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

function isAbort(e: unknown): boolean {
  return e instanceof DOMException ? e.name === 'AbortError' : (e as Error)?.name === 'AbortError'
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined
}

function parseIndexInfo(raw: unknown): IndexInfo | null {
  if (typeof raw !== 'object' || raw === null) return null
  const o = raw as Record<string, unknown>
  if (typeof o['name'] !== 'string') return null
  const modalities = Array.isArray(o['modalities'])
    ? o['modalities'].filter((m): m is Modality => m === 'image' || m === 'text')
    : []
  const vectorsRaw = (o['vectors'] ?? {}) as Record<string, unknown>
  const vectors: Partial<Record<Modality, number>> = {}
  for (const m of ['image', 'text'] as const) {
    const n = num(vectorsRaw[m])
    if (n !== undefined) vectors[m] = n
  }
  const filters = (o['filters'] ?? {}) as Record<string, unknown>
  return {
    name: o['name'],
    modalities,
    vectors,
    dimension: num(o['dimension']),
    clipModel: typeof o['clip_model'] === 'string' ? o['clip_model'] : undefined,
    metadataColumns: Array.isArray(o['metadata_columns'])
      ? o['metadata_columns'].filter((c): c is string => typeof c === 'string')
      : [],
    metadataRows: num(o['metadata_rows']),
    filters: {
      useSafetyModel: filters['use_safety_model'] === true,
      useViolenceDetector: filters['use_violence_detector'] === true,
      aesthetic: filters['aesthetic'] === true,
      useMclip: filters['use_mclip'] === true
    }
  }
}

export class ClipService {
  readonly backend: string
  private readonly fetchFn: FetchFn

  constructor(backend: string, fetchFn: FetchFn = defaultFetch) {
    this.backend = normalizeBackend(backend)
    this.fetchFn = fetchFn
  }

  url(path: string): string {
    return `${this.backend}/${path.replace(/^\/+/, '')}`
  }

  // The answer's text, or a BackError: unreachable, or http with the back's `error` message.
  private async request(path: string, init: RequestInit): Promise<string> {
    let response: Response
    try {
      response = await this.fetchFn(this.url(path), init)
    } catch (e) {
      if (isAbort(e)) throw new BackError('aborted', 'request superseded')
      throw new BackError(
        'unreachable',
        `Cannot reach the back at ${this.backend}: ${errorMessage(e)}`
      )
    }
    let text: string
    try {
      text = await response.text()
    } catch (e) {
      if (isAbort(e)) throw new BackError('aborted', 'request superseded')
      throw new BackError('unreachable', `The back at ${this.backend} stopped answering: ${errorMessage(e)}`)
    }
    if (!response.ok) {
      let message = `${response.status} ${response.statusText}`.trim()
      try {
        const body = JSON.parse(text) as { error?: unknown }
        if (typeof body?.error === 'string' && body.error !== '') message = body.error
      } catch {
        // not JSON: keep the status line
      }
      throw new BackError('http', message, response.status)
    }
    return text
  }

  private async requestJson(path: string, init: RequestInit): Promise<unknown> {
    const text = await this.request(path, init)
    try {
      return parseJsonWithIds(text)
    } catch (e) {
      throw new BackError('invalid', `/${path} answered invalid JSON: ${errorMessage(e)}`)
    }
  }

  async indicesList(signal?: AbortSignal): Promise<string[]> {
    const answer = await this.requestJson('indices-list', { signal: signal ?? null })
    if (!Array.isArray(answer) || !answer.every((n) => typeof n === 'string')) {
      throw new BackError('invalid', '/indices-list did not answer a list of index names')
    }
    return answer
  }

  // null when the back has no /indices-info (the original back: 404) or it fails in any way;
  // the front then behaves as the original.
  async indicesInfo(signal?: AbortSignal): Promise<IndexInfo[] | null> {
    try {
      const answer = await this.requestJson('indices-info', { signal: signal ?? null })
      if (!Array.isArray(answer)) return null
      return answer.map(parseIndexInfo).filter((i): i is IndexInfo => i !== null)
    } catch (e) {
      if (e instanceof BackError && e.kind === 'aborted') throw e
      return null
    }
  }

  async knn(body: KnnRequestBody, signal?: AbortSignal): Promise<ResultItem[]> {
    const answer = await this.requestJson('knn-service', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      signal: signal ?? null
    })
    try {
      return normalizeResults(answer)
    } catch (e) {
      throw new BackError('invalid', `/knn-service: ${errorMessage(e)}`)
    }
  }

  // Metadata of `ids` (decimal strings, written as bare JSON numbers).
  async metadata(ids: string[], index: string, signal?: AbortSignal): Promise<MetadataEntry[]> {
    const body = stringifyJson({ ids: ids.map((id) => new RawJson(id)), indice_name: index })
    const answer = await this.requestJson('metadata', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
      signal: signal ?? null
    })
    try {
      return normalizeMetadata(answer)
    } catch (e) {
      throw new BackError('invalid', `/metadata: ${errorMessage(e)}`)
    }
  }
}

// config.json next to the page (spec §5.2). Without one (or when it is unreadable) the back is the
// page's own origin; urlColumn defaults to `url`.
export async function loadConfig(pageOrigin: string, fetchFn: FetchFn = defaultFetch): Promise<FrontConfig> {
  const fallback: FrontConfig = { defaultBackend: pageOrigin, defaultIndex: '', urlColumn: 'url' }
  try {
    const response = await fetchFn('config.json')
    if (!response.ok) return fallback
    const config = (await response.json()) as Record<string, unknown>
    const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)
    return {
      defaultBackend: str(config['defaultBackend']) ?? pageOrigin,
      defaultIndex: str(config['defaultIndex']) ?? '',
      urlColumn: str(config['urlColumn']) ?? 'url'
    }
  } catch {
    return fallback
  }
}
