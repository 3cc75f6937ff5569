// <clip-front>: the app shell and the owner of the UI state. It reads config.json and the URL,
// connects to the back (/indices-list, /indices-info), turns user actions into searches (text,
// image, image url, embedding, combined terms; SearchSession runs them), and keeps the URL and
// the title in step. Expected failures are rendered, never thrown.

import { LitElement, html, nothing, type PropertyValues } from 'lit'
import { readAsBase64 } from '../dom/image-file'
import { listenForPageImages } from '../dom/page-input'
import { saveFile } from '../dom/save-file'
import { ClipService, loadConfig, type IndexInfo } from '../service/clip-service'
import { CSV_FILENAME, JSON_FILENAME, resultsToCsv, resultsToJson } from '../service/export'
import { adjustToIndex, indexCapabilities } from '../service/index-capabilities'
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
import { caption, displayedResults, imageSrc, type ResultItem } from '../service/results'
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
import { renderBanner, renderMessages, renderStatus } from './app-messages'
import { appStyles } from './app-styles'
import { settingsIcon } from './icons'
import type { ResultGrid } from './result-grid'
import type { DownloadFormat } from './search-bar'
import { SearchSession, errorMessage, isAborted } from './search-session'
import type { SettingChange } from './settings-panel'
import { sharedStyles } from './shared-styles'
import './detail-view'
import './query-terms-editor'
import './result-grid'
import './search-bar'
import './settings-panel'

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

export class ClipFront extends LitElement {
  static override properties = {
    ui: { state: true },
    phase: { state: true },
    connectError: { state: true },
    indices: { state: true },
    indicesInfo: { state: true },
    actionError: { state: true },
    notice: { state: true },
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
  declare connectError: string // why /indices-list failed (phase 'unreachable')
  declare indices: string[]
  declare indicesInfo: IndexInfo[] | null // null: the back has no /indices-info
  declare actionError: string // a failed download or file read
  declare notice: string
  declare draftText: string // the search bar
  declare draftTerms: QueryTerm[] // the query terms editor
  declare termsOpen: boolean
  declare detailPosition: number | null // position in `displayed` of the open detail view
  declare detailBusy: boolean
  declare detailError: string
  declare downloading: boolean
  declare dragging: boolean
  declare panelOpen: boolean // the settings panel on narrow screens
  declare brokenVersion: number // bumps when an image fails to load

  private readonly session = new SearchSession(this)
  private config: FrontConfig = { defaultBackend: '', defaultIndex: '', urlColumn: 'url' }
  private service = new ClipService('')
  private readonly brokenImages = new Set<string>()
  private displayed: ResultItem[] = []
  private displayedKey: unknown[] = []
  private stopPageInput: (() => void) | null = null

  static override styles = [sharedStyles, appStyles]

  constructor() {
    super()
    this.ui = defaultState('')
    this.phase = 'starting'
    this.connectError = ''
    this.indices = []
    this.indicesInfo = null
    this.actionError = ''
    this.notice = ''
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

  get resultGrid(): ResultGrid | null {
    return this.renderRoot.querySelector('result-grid')
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
  }

  // Runs an async action; anything unexpected becomes a rendered error, not a rejection.
  private guard(action: Promise<unknown>): void {
    action.catch((e: unknown) => {
      if (!isAborted(e)) this.actionError = errorMessage(e)
    })
  }

  // --- startup and backend ---

  private async start(): Promise<void> {
    this.config = await loadConfig(window.location.origin)
    const search = window.location.search
    const state = stateFromUrl(search, defaultState(this.config.defaultBackend))
    state.index = initialIndex(search, this.config)
    this.ui = state
    this.syncDrafts(state.query)
    if (await this.connect(false)) await this.searchOrWriteUrl('replace')
  }

  private async searchOrWriteUrl(history: HistoryMode): Promise<void> {
    if (this.ui.query.length > 0) await this.runSearch(this.ui.query, history)
    else this.writeUrl(history)
  }

  // Reads /indices-list and /indices-info of ui.backend. On the first load a failing backend
  // falls back to the config's defaultBackend (as the original); when that fails too, the
  // "cannot reach" banner offers a retry. `force` selects the first index (a backend change).
  private async connect(force: boolean): Promise<boolean> {
    this.service = new ClipService(this.ui.backend)
    this.phase = 'starting'
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
        this.notice = `${errorMessage(e)}; using ${fallback} instead.`
        this.ui = { ...this.ui, backend: fallback }
        return this.connect(true)
      }
      this.phase = 'unreachable'
      this.connectError = errorMessage(e)
      this.session.clear()
      return false
    }
    this.indices = indices
    this.indicesInfo = info
    this.ui = adjustToIndex(
      { ...this.ui, index: resolveIndex(this.ui.index, indices, force) },
      info
    )
    this.connectError = ''
    this.phase = 'ready'
    return true
  }

  private async retryConnect(): Promise<void> {
    if (await this.connect(false)) await this.searchOrWriteUrl('replace')
  }

  private get selectedInfo(): IndexInfo | null {
    return this.indicesInfo?.find((i) => i.name === this.ui.index) ?? null
  }

  private readonly onPopState = (): void => {
    const state = stateFromUrl(window.location.search, defaultState(this.config.defaultBackend))
    const backendChanged = normalizeBackend(state.backend) !== normalizeBackend(this.ui.backend)
    this.ui = state
    this.syncDrafts(state.query)
    this.guard(
      (async () => {
        if (backendChanged && !(await this.connect(true))) return
        this.ui = adjustToIndex(
          { ...this.ui, index: resolveIndex(state.index, this.indices, false) },
          this.indicesInfo
        )
        if (state.query.length > 0) await this.runSearch(state.query, 'none')
        else this.session.clear()
      })()
    )
  }

  private async changeBackend(backend: string): Promise<void> {
    this.notice = ''
    this.ui = { ...this.ui, backend }
    if (await this.connect(true)) await this.searchOrWriteUrl('push')
    else this.writeUrl('push')
  }

  private onSettingChange(e: CustomEvent<SettingChange>): void {
    const { key, value } = e.detail
    if (key === 'backend') {
      this.guard(this.changeBackend(String(value)))
      return
    }
    this.ui = { ...this.ui, [key]: value }
    if (key === 'index') this.ui = adjustToIndex(this.ui, this.indicesInfo)
    if (RERUN_KEYS.has(key) && this.ui.query.length > 0 && this.phase === 'ready') {
      this.guard(this.runSearch(this.ui.query, 'push'))
    } else {
      this.writeUrl(key === 'index' ? 'push' : 'replace')
    }
  }

  // --- URL, title and drafts ---

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

  // The search bar shows a plain text query; the terms editor shows any query.
  private syncDrafts(query: QueryTerm[]): void {
    this.draftText = isPlainQuery(query) && query[0]!.kind === 'text' ? query[0]!.value : ''
    this.draftTerms = query.map((t) => ({ ...t }))
  }

  // --- searching ---

  private async runSearch(terms: QueryTerm[], history: HistoryMode): Promise<void> {
    if (this.phase !== 'ready') return
    this.ui = { ...this.ui, query: terms }
    this.syncDrafts(terms)
    this.actionError = ''
    this.detailPosition = null
    this.writeUrl(history)
    this.updateTitle()
    await this.session.run(this.service, this.ui, terms)
  }

  private async searchImageFile(file: File): Promise<void> {
    if (this.phase !== 'ready') return
    let base64: string
    try {
      base64 = await readAsBase64(file)
    } catch (e) {
      this.actionError = `Could not read ${file.name}: ${errorMessage(e)}`
      return
    }
    const term = imageTerm(base64)
    term.label = file.name
    await this.runSearch([term], 'push')
  }

  // The original's "search by image" icon: the result's own image if it has one, else its url.
  private searchByResultImage(item: ResultItem): void {
    const image = item['image']
    const url = item[this.config.urlColumn]
    if (typeof image === 'string' && image !== '') {
      this.guard(this.runSearch([imageTerm(image)], 'push'))
    } else if (typeof url === 'string' && url !== '') {
      this.guard(this.runSearch([imageUrlTerm(url)], 'push'))
    }
  }

  // --- "More like this" and "Add to query" (a result's embedding) ---

  private async withEmbedding(item: ResultItem, use: (term: QueryTerm) => void): Promise<void> {
    this.detailBusy = true
    this.detailError = ''
    try {
      const vector = await this.session.embeddingOf(item)
      const text = caption(item)
      const label = text ? `result ${item.id}: ${text.slice(0, 40)}` : `result ${item.id}`
      use(embeddingTerm(vector, 1, label, imageSrc(item, this.config.urlColumn)))
    } catch (e) {
      this.detailError = `Could not get the embedding of this result: ${errorMessage(e)}`
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

  private closeDetail(): void {
    const position = this.detailPosition
    this.detailPosition = null
    this.detailError = ''
    if (position === null) return
    // Closing a modal dialog gives the focus back to the card that opened it; once it has closed,
    // move the focus to the card of the result shown last (the user may have stepped to another).
    void this.detailClosed().then(() => this.resultGrid?.focusPosition(position))
  }

  private async detailClosed(): Promise<void> {
    await this.updateComplete
    await this.renderRoot.querySelector('detail-view')?.updateComplete
  }

  private navigateDetail(position: number): void {
    this.detailError = ''
    this.detailPosition = position
    // Reaching the end of what is shown loads more, as scrolling would.
    if (position >= this.displayed.length - 2) this.guard(this.session.loadMore())
  }

  // --- download (the original's: the query again with a larger count) ---

  private async download(format: DownloadFormat): Promise<void> {
    if (this.ui.query.length === 0) return
    this.downloading = true
    this.actionError = ''
    try {
      const count = downloadCount(this.ui, this.indices)
      const results = await this.service.knn(buildKnnRequest(this.ui, this.ui.query, { count }))
      if (format === 'json') {
        saveFile(JSON_FILENAME, resultsToJson(results), 'application/json;charset=utf-8')
      } else {
        saveFile(CSV_FILENAME, resultsToCsv(results), 'text/csv;charset=utf-8')
      }
    } catch (e) {
      this.actionError = `Download failed: ${errorMessage(e)}`
    } finally {
      this.downloading = false
    }
  }

  // --- rendering ---

  // The grid's items, recomputed when what they depend on changed (results change through the
  // session, which re-renders the host).
  protected override willUpdate(_changed: PropertyValues): void {
    const key: unknown[] = [
      this.session.results,
      this.brokenVersion,
      this.ui.hideDuplicateUrls,
      this.config.urlColumn
    ]
    if (key.every((v, i) => v === this.displayedKey[i])) return
    this.displayedKey = key
    this.displayed = displayedResults(this.session.results, {
      urlColumn: this.config.urlColumn,
      hideDuplicateUrls: this.ui.hideDuplicateUrls,
      brokenImages: this.brokenImages
    })
  }

  private onImageError(src: string): void {
    if (this.brokenImages.has(src)) return
    this.brokenImages.add(src)
    this.brokenVersion++
  }

  private queryImages(): string[] {
    return this.ui.query
      .filter((t) => t.kind !== 'text')
      .map((t) => t.preview ?? '')
      .filter((src) => src !== '')
  }

  private renderBanners() {
    if (this.phase === 'unreachable') {
      return renderBanner(this.connectError, () => this.guard(this.retryConnect()))
    }
    if (this.session.unreachable) {
      return renderBanner(this.session.unreachable, () =>
        this.guard(this.runSearch(this.ui.query, 'none'))
      )
    }
    return nothing
  }

  private renderResultsHead() {
    const s = this.session
    const answered = s.searched && !s.searching
    return html`${renderStatus({
      connecting: this.phase === 'starting',
      searching: s.searching,
      counts:
        answered && !s.error && !s.unreachable
          ? { shown: this.displayed.length, total: s.results.length }
          : null
    })}
    ${renderMessages({
      notice: this.notice,
      errors: [s.error, s.metadataError, this.actionError],
      safeModeEmpty: this.ui.safeMode && answered && s.results.length > 0 && this.displayed.length === 0,
      noResults: answered && !s.error && !s.unreachable && s.results.length === 0,
      dismissNotice: () => {
        this.notice = ''
      }
    })}`
  }

  override render() {
    const ready = this.phase === 'ready'
    const detailItem =
      this.detailPosition === null ? null : (this.displayed[this.detailPosition] ?? null)
    const search = (terms: QueryTerm[]) => this.guard(this.runSearch(terms, 'push'))
    return html`
      <header>
        <div class="top">
          <h1>${APP_TITLE}</h1>
          <search-bar
            .text=${this.draftText}
            .canDownload=${ready && this.ui.query.length > 0}
            .downloading=${this.downloading}
            @text-search=${(e: CustomEvent<{ text: string }>) => search([textTerm(e.detail.text)])}
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
      ${this.renderBanners()}
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
        <main aria-label="Results" aria-busy=${this.session.searching ? 'true' : 'false'}>
          <query-terms-editor
            .terms=${this.draftTerms}
            .open=${this.termsOpen}
            @open-change=${(e: CustomEvent<{ open: boolean }>) => {
              this.termsOpen = e.detail.open
            }}
            @terms-change=${(e: CustomEvent<{ terms: QueryTerm[] }>) => {
              this.draftTerms = e.detail.terms
            }}
            @terms-search=${(e: CustomEvent<{ terms: QueryTerm[] }>) => search(e.detail.terms)}
          ></query-terms-editor>
          ${this.renderResultsHead()}
          <result-grid
            .items=${this.displayed}
            .urlColumn=${this.config.urlColumn}
            .displayCaptions=${this.ui.displayCaptions}
            .displayFullCaptions=${this.ui.displayFullCaptions}
            .displaySimilarities=${this.ui.displaySimilarities}
            @open-detail=${(e: CustomEvent<{ position: number }>) => {
              this.detailError = ''
              this.detailPosition = e.detail.position
            }}
            @search-caption=${(e: CustomEvent<{ item: ResultItem }>) => {
              const text = caption(e.detail.item)
              if (text) search([textTerm(text)])
            }}
            @search-image=${(e: CustomEvent<{ item: ResultItem }>) =>
              this.searchByResultImage(e.detail.item)}
            @image-error=${(e: CustomEvent<{ src: string }>) => this.onImageError(e.detail.src)}
            @near-end=${() => this.guard(this.session.nearEnd())}
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
        @navigate=${(e: CustomEvent<{ position: number }>) => this.navigateDetail(e.detail.position)}
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
