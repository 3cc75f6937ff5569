// The results of the current search and how they fill in: one /knn-service call, then /metadata
// pages (the original's initial fill of up to 6 pages, then more as the user nears the end of the
// grid), the embeddings behind "More like this", and the performance marks the benchmark reads.
// A Lit reactive controller of <clip-front>: every change re-renders the host. A newer search
// supersedes an older one (its requests are aborted, its answers dropped).

import type { ReactiveController, ReactiveControllerHost } from 'lit'
import { BackError, type ClipService } from '../service/clip-service'
import { MetadataPager } from '../service/metadata-pager'
import type { QueryTerm } from '../service/query-terms'
import { buildKnnRequest } from '../service/request-builder'
import { mergeMetadata, type ResultItem } from '../service/results'
import type { SearchSettings } from '../service/ui-state'
import type { ResultGrid } from './result-grid'

export const MARK_SEARCH_START = 'clip-front:search-start'
export const MARK_FIRST_RESULTS = 'clip-front:first-results'
export const MARK_ALL_METADATA = 'clip-front:all-metadata'

// After a search, pages of metadata loaded at most while the page is not filled (the original's).
const INITIAL_FILL_PAGES = 6

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

export function isAborted(e: unknown): boolean {
  return e instanceof BackError && e.kind === 'aborted'
}

export interface SessionHost extends ReactiveControllerHost {
  // The grid, once rendered (to know whether the page is filled).
  readonly resultGrid: ResultGrid | null
}

export class SearchSession implements ReactiveController {
  results: ResultItem[] = []
  searched = false // a search has answered (results, possibly none, or an error)
  searching = false
  error = '' // why the last search failed (shown as an alert)
  unreachable = '' // the last search got no answer at all (shown as the retry banner)
  metadataError = ''

  private readonly host: SessionHost
  private pager: MetadataPager | null = null
  private generation = 0
  private abort: AbortController | null = null
  private embeddings = new Map<string, number[]>()
  private service: ClipService | null = null
  private settings: SearchSettings | null = null
  private terms: QueryTerm[] = []

  constructor(host: SessionHost) {
    this.host = host
    host.addController(this)
  }

  hostDisconnected(): void {
    this.abort?.abort()
  }

  // True when every result of the search has its metadata.
  get metadataDone(): boolean {
    return this.pager === null || this.pager.done
  }

  private changed(): void {
    this.host.requestUpdate()
  }

  clear(): void {
    this.generation++
    this.abort?.abort()
    this.results = []
    this.pager = null
    this.searched = false
    this.searching = false
    this.error = ''
    this.unreachable = ''
    this.metadataError = ''
    this.changed()
  }

  // Runs a search and loads metadata until the page is filled. Failures are kept in `error` or
  // `unreachable`; nothing is thrown.
  async run(service: ClipService, settings: SearchSettings, terms: QueryTerm[]): Promise<void> {
    const generation = ++this.generation
    this.abort?.abort()
    const abort = new AbortController()
    this.abort = abort
    this.service = service
    this.settings = { ...settings }
    this.terms = terms
    this.searching = true
    this.error = ''
    this.unreachable = ''
    this.metadataError = ''
    this.changed()
    performance.clearMarks(MARK_SEARCH_START)
    performance.clearMarks(MARK_FIRST_RESULTS)
    performance.clearMarks(MARK_ALL_METADATA)
    performance.mark(MARK_SEARCH_START)

    let results: ResultItem[]
    try {
      results = await service.knn(buildKnnRequest(settings, terms), abort.signal)
    } catch (e) {
      if (isAborted(e) || generation !== this.generation) return
      this.searching = false
      this.searched = true
      this.results = []
      this.pager = null
      if (e instanceof BackError && e.kind === 'unreachable') this.unreachable = e.message
      else this.error = `Search failed: ${errorMessage(e)}`
      this.changed()
      return
    }
    if (generation !== this.generation) return
    this.embeddings = new Map()
    this.results = results
    const withMetadata = Math.min(settings.numImages, results.length)
    this.pager = new MetadataPager(results.map((r) => r.id), withMetadata, settings.numImages)
    this.searching = false
    this.searched = true
    this.changed()
    await this.rendered()
    if (generation !== this.generation) return
    performance.mark(MARK_FIRST_RESULTS)
    if (this.pager.done) performance.mark(MARK_ALL_METADATA)
    await this.fillPage(generation)
  }

  private async rendered(): Promise<void> {
    await this.host.updateComplete
    await this.host.resultGrid?.updateComplete
  }

  // Loads the next metadata page into the results. False when nothing was loaded (done, busy,
  // failed or superseded).
  async loadMore(): Promise<boolean> {
    const generation = this.generation
    const pager = this.pager
    const service = this.service
    const settings = this.settings
    if (pager === null || service === null || settings === null || pager.done || pager.busy) {
      return false
    }
    const signal = this.abort?.signal
    let entries
    try {
      entries = await pager.loadNext((ids) => service.metadata(ids, settings.index, signal))
    } catch (e) {
      if (!isAborted(e) && generation === this.generation) {
        this.metadataError = `Could not load more results: ${errorMessage(e)}`
        this.changed()
      }
      return false
    }
    if (entries === null || generation !== this.generation) return false
    this.metadataError = ''
    this.results = mergeMetadata(this.results, entries)
    this.changed()
    await this.rendered()
    if (generation !== this.generation) return false
    if (pager.done) performance.mark(MARK_ALL_METADATA)
    return true
  }

  // The original's initial scroll: load pages while the grid does not reach the page bottom.
  private async fillPage(generation: number): Promise<void> {
    for (let page = 0; page < INITIAL_FILL_PAGES; page++) {
      const grid = this.host.resultGrid
      if (generation !== this.generation || grid === null || grid.isPageFilled()) return
      if (!(await this.loadMore())) return
    }
  }

  // The user scrolled near the end: load pages until the grid reaches a screen beyond it.
  async nearEnd(): Promise<void> {
    while (this.host.resultGrid?.isNearEnd() && !this.metadataDone) {
      if (!(await this.loadMore())) return
    }
  }

  // The stored embedding of a result of the current search: the query is sent once more with
  // return_embeddings (same k and filters, so the same results), and every returned embedding is
  // kept for later clicks. Throws when the back returns none (the original back).
  async embeddingOf(item: ResultItem): Promise<number[]> {
    const known = this.embeddings.get(item.id)
    if (known !== undefined) return known
    const service = this.service
    const settings = this.settings
    if (service === null || settings === null) throw new Error('no search to take it from')
    const generation = this.generation
    const body = buildKnnRequest(settings, this.terms, { returnEmbeddings: true })
    const answer = await service.knn(body)
    if (generation === this.generation) {
      for (const r of answer) {
        if (Array.isArray(r.embedding)) this.embeddings.set(r.id, r.embedding)
      }
    }
    const found = answer.find((r) => r.id === item.id)?.embedding
    if (!Array.isArray(found) || found.length === 0) {
      throw new Error(`the back returned no embedding for result ${item.id}`)
    }
    return found
  }
}
