// <clip-front>: the app shell and the owner of the state. It reads config.json and the URL,
// talks to the back through ClipService, runs searches (text, image, image url, embedding,
// combined terms), pages metadata in as the user scrolls, and keeps the URL, the title and the
// performance marks the benchmark reads in step. Expected failures are rendered, never thrown.

import { LitElement, html, nothing, type PropertyValues } from 'lit'
import { readAsBase64 } from '../dom/image-file'
import { listenForPageImages } from '../dom/page-input'
import { saveFile } from '../dom/save-file'
import {
  BackError,
  ClipService,
  loadConfig,
  type IndexInfo
} from '../service/clip-service'
import { CSV_FILENAME, JSON_FILENAME, resultsToCsv, resultsToJson } from '../service/export'
import { adjustToIndex, indexCapabilities } from '../service/index-capabilities'
import { MetadataPager } from '../service/metadata-pager'
import {
  describeQuery,
  embeddingTerm,
  imageTerm,
  imageUrlTerm,
  isPlainQuery,
  textTerm,
  type QueryTerm
} from '../service/query-terms'
import { buildKnnRequest, downloadCount } from '../service/request-builder'
import {
  caption,
  displayedResults,
  imageSrc,
  mergeMetadata,
  type ResultItem
} from '../service/results'
import {
  defaultState,
  initialIndex,
  normalizeBackend,
  resolveIndex,
  stateFromUrl,
  stateToUrl,
  type FrontConfig,
  type UiState
} from '../service/ui-state'
import { appStyles } from './app-styles'
import type { DownloadFormat } from './search-bar'
import type { ResultGrid } from './result-grid'
import type { SettingChange } from './settings-panel'
import { settingsIcon } from './icons'
import { sharedStyles } from './shared-styles'
import './detail-view'
import './query-terms-editor'
import './result-grid'
import './search-bar'
import './settings-panel'

// Performance marks the benchmark reads.
export const MARK_SEARCH_START = 'clip-front:search-start'
export const MARK_FIRST_RESULTS = 'clip-front:first-results'
export const MARK_ALL_METADATA = 'clip-front:all-metadata'

// After a search, pages of metadata loaded at most while the page is not filled (the original's).
const INITIAL_FILL_PAGES = 6
const APP_TITLE = 'clip retrieval'

// Settings whose change re-runs the last search (the original's list, spec §5.2).
const RERUN_KEYS = new Set<keyof UiState>([
  'useMclip',
  'modality',
  'index',
  'hideDuplicateUrls',
  'hideDuplicateImages',
  'safeMode',
  'removeViolence',
  'aestheticScore',
  'aestheticWeight'
])

type Phase = 'starting' | 'ready' | 'unreachable'
type HistoryMode = 'push' | 'replace' | 'none'

interface Banner {
  message: string
  retry: () => void
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

function isAborted(e: unknown): boolean {
  return e instanceof BackError && e.kind === 'aborted'
}

export class ClipFront extends LitElement {
  static override properties = {
    ui: { state: true },
    phase: { state: true },
    indices: { state: true },
    indicesInfo: { state: true },
    results: { state: true },
    searched: { state: true },
    searching: { state: true },
    searchError: { state: true },
    metadataError: { state: true },
    notice: { state: true },
    banner: { state: true },
    draftText: { state: true },
    draftTerms: { state: true },
    termsOpen: { state: true },
    detailPosition: { state: true },
    detailBusy: { state: true },
    detailError: { state: true },
    downloading: { state: true },
    dragging: { state: true },
    panelOpen: { state: true },
    brokenVersion: { state: true }
  }

  declare ui: UiState
  declare phase: Phase
  declare indices: string[]
  declare indicesInfo: IndexInfo[] | null
  declare results: ResultItem[]
  declare searched: boolean
  declare searching: boolean
  declare searchError: string
  declare metadataError: string
  declare notice: string
  declare banner: Banner | null
  declare draftText: string
  declare draftTerms: QueryTerm[]
  declare termsOpen: boolean
  declare detailPosition: number | null
  declare detailBusy: boolean
  declare detailError: string
  declare downloading: boolean
  declare dragging: boolean
  declare panelOpen: boolean
  declare brokenVersion: number

  private config: FrontConfig = { defaultBackend: '', defaultIndex: '', urlColumn: 'url' }
  private service = new ClipService('')
  private pager: MetadataPager | null = null
  private generation = 0 // bumps with every search; stale answers are dropped
  private abort: AbortController | null = null
  private embeddings = new Map<string, number[]>() // of the current search's results
  private readonly brokenImages = new Set<string>()
  private displayed: ResultItem[] = []
  private stopPageInput: (() => void) | null = null

  static override styles = [sharedStyles, appStyles]

  constructor() {
    super()
    this.ui = defaultState('')
    this.phase = 'starting'
    this.indices = []
    this.indicesInfo = null
    this.results = []
    this.searched = false
    this.searching = false
    this.searchError = ''
    this.metadataError = ''
    this.notice = ''
    this.banner = null
    this.draftText = ''
    this.draftTerms = []
    this.termsOpen = false
    this.detailPosition = null
    this.detailBusy = false
    this.detailError = ''
    this.downloading = false
    this.dragging = false
    this.panelOpen = false
    this.brokenVersion = 0
  }

  override connectedCallback(): void {
    super.connectedCallback()
    window.addEventListener('popstate', this.onPopState)
    this.stopPageInput = listenForPageImages(window, {
      image: (file) => this.guard(this.searchImageFile(file)),
      dragging: (active) => {
        this.dragging = active
      }
    })
    this.guard(this.start())
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    window.removeEventListener('popstate', this.onPopState)
    this.stopPageInput?.()
    this.abort?.abort()
  }

  // Runs an async action; anything unexpected becomes a rendered error, not a rejection.
  private guard(action: Promise<unknown>): void {
    action.catch((e: unknown) => {
      if (!isAborted(e)) this.searchError = message(e)
    })
  }

  private get grid(): ResultGrid | null {
    return this.renderRoot.querySelector('result-grid')
  }

  // --- startup and backend ---

  private async start(): Promise<void> {
    this.config = await loadConfig(window.location.origin)
    const search = window.location.search
    const state = stateFromUrl(search, defaultState(this.config.defaultBackend))
    state.index = initialIndex(search, this.config)
    this.ui = state
    this.syncDrafts(state.query)
    const connected = await this.connect(false)
    if (!connected) return
    if (this.ui.query.length > 0) {
      await this.runSearch(this.ui.query, 'replace')
    } else {
      this.writeUrl('replace')
    }
  }

  // Reads /indices-list and /indices-info of ui.backend. On the first load a failing backend
  // falls back to the config's defaultBackend (as the original); when that fails too, the
  // "cannot reach" banner offers a retry. `force` selects the first index (a backend change).
  private async connect(force: boolean): Promise<boolean> {
    this.service = new ClipService(this.ui.backend)
    let indices: string[]
    let info: IndexInfo[] | null
    try {
      ;[indices, info] = await Promise.all([
        this.service.indicesList(),
        this.service.indicesInfo()
      ])
    } catch (e) {
      const fallback = this.config.defaultBackend
      if (!force && normalizeBackend(fallback) !== normalizeBackend(this.ui.backend)) {
        this.notice = `${message(e)}; using ${fallback} instead.`
        this.ui = { ...this.ui, backend: fallback }
        return this.connect(true)
      }
      this.phase = 'unreachable'
      this.banner = {
        message: message(e),
        retry: () => this.guard(this.retryConnect(force))
      }
      return false
    }
    this.indices = indices
    this.indicesInfo = info
    this.ui = { ...this.ui, index: resolveIndex(this.ui.index, indices, force) }
    this.applyIndexInfo()
    this.banner = null
    this.phase = 'ready'
    return true
  }

  private async retryConnect(force: boolean): Promise<void> {
    this.banner = null
    this.phase = 'starting'
    if (!(await this.connect(force))) return
    if (this.ui.query.length > 0) await this.runSearch(this.ui.query, 'replace')
    else this.writeUrl('replace')
  }

  private get selectedInfo(): IndexInfo | null {
    return this.indicesInfo?.find((i) => i.name === this.ui.index) ?? null
  }

  // What /indices-info says about the selected index (service/index-capabilities.ts).
  private applyIndexInfo(): void {
    this.ui = adjustToIndex(this.ui, this.indicesInfo)
  }

  private readonly onPopState = (): void => {
    const search = window.location.search
    const state = stateFromUrl(search, defaultState(this.config.defaultBackend))
    const backendChanged = normalizeBackend(state.backend) !== normalizeBackend(this.ui.backend)
    this.ui = state
    this.syncDrafts(state.query)
    this.guard(
      (async () => {
        if (backendChanged && !(await this.connect(true))) return
        this.ui = { ...this.ui, index: resolveIndex(state.index, this.indices, false) }
        this.applyIndexInfo()
        if (state.query.length > 0) await this.runSearch(state.query, 'none')
        else this.clearResults()
      })()
    )
  }

  // --- URL and title ---

  private writeUrl(mode: HistoryMode): void {
    if (mode === 'none') return
    const url = `${window.location.pathname}?${stateToUrl(this.ui)}${window.location.hash}`
    if (mode === 'push') window.history.pushState({}, '', url)
    else window.history.replaceState({}, '', url)
  }

  private updateTitle(): void {
    const q = this.ui.query
    document.title = q.length > 0 ? `${describeQuery(q)} – ${APP_TITLE}` : APP_TITLE
  }

  private syncDrafts(query: QueryTerm[]): void {
    this.draftText = isPlainQuery(query) && query[0]!.kind === 'text' ? query[0]!.value : ''
    this.draftTerms = query.map((t) => ({ ...t }))
  }

  // --- settings ---

  private onSettingChange(e: CustomEvent<SettingChange>): void {
    const { key, value } = e.detail
    if (key === 'backend') {
      this.guard(this.changeBackend(String(value)))
      return
    }
    this.ui = { ...this.ui, [key]: value }
    if (key === 'index') this.applyIndexInfo()
    if (RERUN_KEYS.has(key) && this.ui.query.length > 0 && this.phase === 'ready') {
      this.guard(this.runSearch(this.ui.query, 'push'))
    } else {
      this.writeUrl(key === 'index' ? 'push' : 'replace')
    }
  }

  private async changeBackend(backend: string): Promise<void> {
    this.abort?.abort()
    this.notice = ''
    this.ui = { ...this.ui, backend }
    this.phase = 'starting'
    if (!(await this.connect(true))) {
      this.clearResults()
      this.writeUrl('push')
      return
    }
    if (this.ui.query.length > 0) await this.runSearch(this.ui.query, 'push')
    else this.writeUrl('push')
  }

  // --- searching ---

  private clearResults(): void {
    this.generation++
    this.abort?.abort()
    this.results = []
    this.pager = null
    this.searched = false
    this.searching = false
  }

  // Runs `terms` as the query: one /knn-service call, then metadata pages until the page is filled.
  private async runSearch(terms: QueryTerm[], history: HistoryMode): Promise<void> {
    if (this.phase !== 'ready') return
    const generation = ++this.generation
    this.abort?.abort()
    const abort = new AbortController()
    this.abort = abort
    this.ui = { ...this.ui, query: terms }
    this.syncDrafts(terms)
    this.searching = true
    this.searchError = ''
    this.metadataError = ''
    this.detailPosition = null
    this.writeUrl(history)
    this.updateTitle()
    performance.clearMarks(MARK_SEARCH_START)
    performance.clearMarks(MARK_FIRST_RESULTS)
    performance.clearMarks(MARK_ALL_METADATA)
    performance.mark(MARK_SEARCH_START)

    let results: ResultItem[]
    try {
      results = await this.service.knn(buildKnnRequest(this.ui, terms), abort.signal)
    } catch (e) {
      if (isAborted(e) || generation !== this.generation) return
      this.searching = false
      this.searched = true
      this.results = []
      this.pager = null
      if (e instanceof BackError && e.kind === 'unreachable') {
        this.banner = {
          message: e.message,
          retry: () => {
            this.banner = null
            this.guard(this.runSearch(terms, 'none'))
          }
        }
      } else {
        this.searchError = `Search failed: ${message(e)}`
      }
      return
    }
    if (generation !== this.generation) return
    this.banner = null
    this.embeddings = new Map()
    this.results = results
    this.pager = new MetadataPager(
      results.map((r) => r.id),
      Math.min(this.ui.numImages, results.length),
      this.ui.numImages
    )
    this.searching = false
    this.searched = true
    await this.renderedWithGrid()
    if (generation !== this.generation) return
    performance.mark(MARK_FIRST_RESULTS)
    if (this.pager.done) performance.mark(MARK_ALL_METADATA)
    await this.fillPage(generation, INITIAL_FILL_PAGES)
  }

  private async renderedWithGrid(): Promise<void> {
    await this.updateComplete
    await this.grid?.updateComplete
  }

  // Loads the next metadata page into the results. False when nothing was loaded (done, busy,
  // failed or superseded).
  private async loadMoreMetadata(generation: number): Promise<boolean> {
    const pager = this.pager
    if (pager === null || pager.done || pager.busy) return false
    const index = this.ui.index
    const signal = this.abort?.signal
    let entries
    try {
      entries = await pager.loadNext((ids) => this.service.metadata(ids, index, signal))
    } catch (e) {
      if (!isAborted(e) && generation === this.generation) {
        this.metadataError = `Could not load more results: ${message(e)}`
      }
      return false
    }
    if (entries === null || generation !== this.generation) return false
    this.metadataError = ''
    this.results = mergeMetadata(this.results, entries)
    await this.renderedWithGrid()
    if (pager.done && generation === this.generation) performance.mark(MARK_ALL_METADATA)
    return generation === this.generation
  }

  // The original's initial scroll: load pages while the grid does not reach the page bottom.
  private async fillPage(generation: number, maxPages: number): Promise<void> {
    for (let page = 0; page < maxPages; page++) {
      const grid = this.grid
      if (grid === null || grid.isPageFilled()) return
      if (!(await this.loadMoreMetadata(generation))) return
    }
  }

  // The user scrolled near the end: load pages until the grid reaches a screen beyond it.
  private async onNearEnd(): Promise<void> {
    const generation = this.generation
    while (this.grid?.isNearEnd() && this.pager !== null && !this.pager.done) {
      if (!(await this.loadMoreMetadata(generation))) return
    }
  }

  private async searchImageFile(file: File): Promise<void> {
    if (this.phase !== 'ready') return
    let base64: string
    try {
      base64 = await readAsBase64(file)
    } catch (e) {
      this.searchError = `Could not read ${file.name}: ${message(e)}`
      return
    }
    const term = imageTerm(base64)
    term.label = file.name
    await this.runSearch([term], 'push')
  }

  private searchByResultImage(item: ResultItem): void {
    const image = item['image']
    const url = item[this.config.urlColumn]
    if (typeof image === 'string' && image !== '') {
      this.guard(this.runSearch([imageTerm(image)], 'push'))
    } else if (typeof url === 'string' && url !== '') {
      this.guard(this.runSearch([imageUrlTerm(url)], 'push'))
    }
  }

  // --- embeddings: "More like this" and "Add to query" ---

  // The stored embedding of a result of the current search: the current query is sent once more
  // with return_embeddings (same k and filters, so the same results) and every returned
  // embedding is kept for later clicks.
  private async embeddingOf(item: ResultItem): Promise<number[]> {
    const known = this.embeddings.get(item.id)
    if (known !== undefined) return known
    const generation = this.generation
    const body = buildKnnRequest(this.ui, this.ui.query, { returnEmbeddings: true })
    const answer = await this.service.knn(body)
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

  private embeddingTermOf(item: ResultItem, vector: number[]): QueryTerm {
    const text = caption(item)
    const label = text ? `result ${item.id}: ${text.slice(0, 40)}` : `result ${item.id}`
    return embeddingTerm(vector, 1, label, imageSrc(item, this.config.urlColumn))
  }

  private async withEmbedding(item: ResultItem, use: (term: QueryTerm) => void): Promise<void> {
    this.detailBusy = true
    this.detailError = ''
    try {
      use(this.embeddingTermOf(item, await this.embeddingOf(item)))
    } catch (e) {
      this.detailError = `Could not get the embedding of this result: ${message(e)}`
    } finally {
      this.detailBusy = false
    }
  }

  private moreLikeThis(item: ResultItem): void {
    this.guard(
      this.withEmbedding(item, (term) => {
        this.detailPosition = null
        this.guard(this.runSearch([term], 'push'))
      })
    )
  }

  private addToQuery(item: ResultItem): void {
    this.guard(
      this.withEmbedding(item, (term) => {
        const base = this.draftTerms.length > 0 ? this.draftTerms : this.ui.query
        this.draftTerms = [...base.map((t) => ({ ...t })), term]
        this.termsOpen = true
        this.detailPosition = null
        this.notice = `Added result ${item.id} to the query terms.`
      })
    )
  }

  // --- detail view ---

  private openDetail(position: number): void {
    this.detailError = ''
    this.detailPosition = position
  }

  private closeDetail(): void {
    const position = this.detailPosition
    this.detailPosition = null
    this.detailError = ''
    if (position !== null) void this.grid?.focusPosition(position)
  }

  private navigateDetail(position: number): void {
    this.detailError = ''
    this.detailPosition = position
    // Reaching the end of what is shown loads more, as scrolling would.
    if (position >= this.displayed.length - 2) {
      void this.loadMoreMetadata(this.generation)
    }
  }

  // --- download ---

  private async download(format: DownloadFormat): Promise<void> {
    if (this.ui.query.length === 0) return
    this.downloading = true
    try {
      const count = downloadCount(this.ui, this.indices)
      const results = await this.service.knn(buildKnnRequest(this.ui, this.ui.query, { count }))
      if (format === 'json') {
        saveFile(JSON_FILENAME, resultsToJson(results), 'application/json;charset=utf-8')
      } else {
        saveFile(CSV_FILENAME, resultsToCsv(results), 'text/csv;charset=utf-8')
      }
    } catch (e) {
      this.searchError = `Download failed: ${message(e)}`
    } finally {
      this.downloading = false
    }
  }

  // --- rendering ---

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('results') || changed.has('brokenVersion') || changed.has('ui')) {
      this.displayed = displayedResults(this.results, {
        urlColumn: this.config.urlColumn,
        hideDuplicateUrls: this.ui.hideDuplicateUrls,
        brokenImages: this.brokenImages
      })
    }
  }

  private onImageError(src: string): void {
    if (this.brokenImages.has(src)) return
    this.brokenImages.add(src)
    this.brokenVersion++
  }

  private queryImages(): string[] {
    return this.ui.query
      .filter((t) => t.kind === 'image' || t.kind === 'imageUrl' || t.kind === 'embedding')
      .map((t) => t.preview ?? '')
      .filter((src) => src !== '')
  }

  private renderStatus() {
    let text = ''
    if (this.phase === 'starting') text = 'Connecting to the back…'
    else if (this.searching) text = 'Searching…'
    else if (this.searched && !this.searchError) {
      text = `Showing ${this.displayed.length} of ${this.results.length} results`
    }
    return html`<div class="status">
      ${this.searching || this.phase === 'starting'
        ? html`<span class="spinner" aria-hidden="true"></span>`
        : nothing}
      <span role="status">${text}</span>
    </div>`
  }

  private renderMessages() {
    const safeModeEmpty =
      this.ui.safeMode && !this.searching && this.results.length > 0 && this.displayed.length === 0
    const noResults = this.searched && !this.searching && !this.searchError && this.results.length === 0
    return html`
      ${this.notice
        ? html`<div class="message notice">
            <span aria-live="polite">${this.notice}</span>
            <button
              class="text-button"
              @click=${() => {
                this.notice = ''
              }}
            >
              Dismiss
            </button>
          </div>`
        : nothing}
      ${this.searchError
        ? html`<p class="message error" role="alert">${this.searchError}</p>`
        : nothing}
      ${this.metadataError
        ? html`<p class="message error" role="alert">${this.metadataError}</p>`
        : nothing}
      ${safeModeEmpty
        ? html`<p class="message">Displaying only nice pictures in safe mode!</p>`
        : nothing}
      ${noResults ? html`<p class="message">No results.</p>` : nothing}
    `
  }

  private renderBanner() {
    if (this.banner === null) return nothing
    const banner = this.banner
    return html`<section class="banner" aria-label="Back unreachable">
      <p role="alert">${banner.message}</p>
      <button class="text-button" @click=${() => banner.retry()}>Retry</button>
    </section>`
  }

  override render() {
    const ready = this.phase === 'ready'
    const detailItem =
      this.detailPosition === null ? null : (this.displayed[this.detailPosition] ?? null)
    return html`
      <header>
        <div class="top">
          <h1>${APP_TITLE}</h1>
          <search-bar
            .text=${this.draftText}
            .canDownload=${ready && this.ui.query.length > 0}
            .downloading=${this.downloading}
            @text-search=${(e: CustomEvent<{ text: string }>) =>
              this.guard(this.runSearch([textTerm(e.detail.text)], 'push'))}
            @image-file=${(e: CustomEvent<{ file: File }>) =>
              this.guard(this.searchImageFile(e.detail.file))}
            @download=${(e: CustomEvent<{ format: DownloadFormat }>) =>
              this.guard(this.download(e.detail.format))}
          ></search-bar>
          <button
            class="icon-button settings-toggle"
            aria-label="Settings"
            aria-controls="settings"
            aria-expanded=${this.panelOpen ? 'true' : 'false'}
            @click=${() => {
              this.panelOpen = !this.panelOpen
            }}
          >
            ${settingsIcon}
          </button>
        </div>
      </header>
      ${this.renderBanner()}
      <div class="layout">
        <aside id="settings" aria-label="Settings" ?data-collapsed=${!this.panelOpen}>
          <settings-panel
            .state=${this.ui}
            .indices=${this.indices}
            .indexInfo=${this.selectedInfo}
            .capabilities=${indexCapabilities(this.indicesInfo, this.ui.index)}
            .queryImages=${this.queryImages()}
            @setting-change=${this.onSettingChange}
          ></settings-panel>
        </aside>
        <main aria-label="Results" aria-busy=${this.searching ? 'true' : 'false'}>
          <query-terms-editor
            .terms=${this.draftTerms}
            .open=${this.termsOpen}
            @open-change=${(e: CustomEvent<{ open: boolean }>) => {
              this.termsOpen = e.detail.open
            }}
            @terms-change=${(e: CustomEvent<{ terms: QueryTerm[] }>) => {
              this.draftTerms = e.detail.terms
            }}
            @terms-search=${(e: CustomEvent<{ terms: QueryTerm[] }>) =>
              ready && this.guard(this.runSearch(e.detail.terms, 'push'))}
          ></query-terms-editor>
          ${this.renderStatus()} ${this.renderMessages()}
          <result-grid
            .items=${this.displayed}
            .urlColumn=${this.config.urlColumn}
            .displayCaptions=${this.ui.displayCaptions}
            .displayFullCaptions=${this.ui.displayFullCaptions}
            .displaySimilarities=${this.ui.displaySimilarities}
            @open-detail=${(e: CustomEvent<{ position: number }>) =>
              this.openDetail(e.detail.position)}
            @search-caption=${(e: CustomEvent<{ item: ResultItem }>) => {
              const text = caption(e.detail.item)
              if (text) this.guard(this.runSearch([textTerm(text)], 'push'))
            }}
            @search-image=${(e: CustomEvent<{ item: ResultItem }>) =>
              this.searchByResultImage(e.detail.item)}
            @image-error=${(e: CustomEvent<{ src: string }>) => this.onImageError(e.detail.src)}
            @near-end=${() => this.guard(this.onNearEnd())}
          ></result-grid>
        </main>
      </div>
      <detail-view
        .item=${detailItem}
        .position=${this.detailPosition ?? 0}
        .total=${this.displayed.length}
        .urlColumn=${this.config.urlColumn}
        .busy=${this.detailBusy}
        .error=${this.detailError}
        @close=${() => this.closeDetail()}
        @navigate=${(e: CustomEvent<{ position: number }>) =>
          this.navigateDetail(e.detail.position)}
        @more-like-this=${(e: CustomEvent<{ item: ResultItem }>) => this.moreLikeThis(e.detail.item)}
        @add-to-query=${(e: CustomEvent<{ item: ResultItem }>) => this.addToQuery(e.detail.item)}
      ></detail-view>
      ${this.dragging
        ? html`<div class="drop-overlay" aria-hidden="true">Drop an image to search</div>`
        : nothing}
    `
  }
}

customElements.define('clip-front', ClipFront)

declare global {
  interface HTMLElementTagNameMap {
    'clip-front': ClipFront
  }
}
