// The result grid, windowed: it is as tall as all its rows, but only the rows on screen (plus a
// few either side) are in the DOM, so 3000 results scroll smoothly. Columns follow the container
// width (service/grid-layout.ts); the window is recomputed on scroll and resize in an animation
// frame. Arrow keys move the focus between cards.
// Events: open-detail {position}, search-caption {item}, search-image {item}, image-error {src},
// near-end (the user scrolled to within a screen of the last row).

import { LitElement, css, html, type PropertyValues } from 'lit'
import { repeat } from 'lit/directives/repeat.js'
import {
  GRID_GAP,
  gridLayout,
  visibleRows,
  type GridLayout,
  type RowWindow
} from '../service/grid-layout'
import type { ResultItem } from '../service/results'
import { cardStyles, renderCard, type CardHandlers, type CardOptions } from './result-card'
import { sharedStyles } from './shared-styles'

export class ResultGrid extends LitElement {
  static override properties = {
    items: { attribute: false },
    urlColumn: { type: String },
    displayCaptions: { type: Boolean },
    displayFullCaptions: { type: Boolean },
    displaySimilarities: { type: Boolean },
    rows: { state: true }
  }

  declare items: ResultItem[]
  declare urlColumn: string
  declare displayCaptions: boolean
  declare displayFullCaptions: boolean
  declare displaySimilarities: boolean
  declare rows: RowWindow

  private layout: GridLayout
  private width = 0
  private frame = 0
  private resizeObserver: ResizeObserver | undefined
  private readonly handlers: CardHandlers

  constructor() {
    super()
    this.items = []
    this.urlColumn = 'url'
    this.displayCaptions = true
    this.displayFullCaptions = false
    this.displaySimilarities = false
    this.rows = { firstRow: 0, endRow: 0 }
    this.layout = gridLayout(0, 0, this)
    this.handlers = {
      open: (position) => this.emit('open-detail', { position }),
      searchCaption: (item) => this.emit('search-caption', { item }),
      searchImage: (item) => this.emit('search-image', { item }),
      imageError: (src) => this.emit('image-error', { src })
    }
  }

  static override styles = [
    sharedStyles,
    cardStyles,
    css`
      :host {
        display: block;
      }
      .viewport {
        position: relative;
      }
      .grid {
        position: absolute;
        left: 0;
        right: 0;
        display: grid;
        column-gap: ${GRID_GAP}px;
        row-gap: ${GRID_GAP}px;
      }
    `
  ]

  private readonly onScroll = (): void => this.schedule(true)

  override connectedCallback(): void {
    super.connectedCallback()
    window.addEventListener('scroll', this.onScroll, { passive: true })
    window.addEventListener('resize', this.onScroll, { passive: true })
    this.resizeObserver = new ResizeObserver(() => this.schedule(true))
    this.resizeObserver.observe(this)
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    window.removeEventListener('scroll', this.onScroll)
    window.removeEventListener('resize', this.onScroll)
    this.resizeObserver?.disconnect()
    cancelAnimationFrame(this.frame)
    this.frame = 0
  }

  private emit(name: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }))
  }

  private get totalRows(): number {
    return Math.ceil(this.items.length / this.layout.columns)
  }

  // Recomputes the layout and the rendered rows from the current geometry.
  private measure(): void {
    this.width = this.getBoundingClientRect().width || this.width || window.innerWidth
    this.layout = gridLayout(this.width, window.innerWidth, this)
    const top = this.getBoundingClientRect().top
    const rows = visibleRows(top, window.innerHeight, this.layout.rowHeight, this.totalRows)
    if (rows.firstRow !== this.rows.firstRow || rows.endRow !== this.rows.endRow) this.rows = rows
  }

  // One measurement per animation frame, however many scroll events came.
  private schedule(userScrolled: boolean): void {
    if (this.frame !== 0) return
    this.frame = requestAnimationFrame(() => {
      this.frame = 0
      const before = this.layout
      this.measure()
      if (before.columns !== this.layout.columns || before.rowHeight !== this.layout.rowHeight) {
        this.requestUpdate()
      }
      if (userScrolled && this.isNearEnd()) this.emit('near-end', {})
    })
  }

  // True when the grid's end is within one screen below the viewport's bottom.
  isNearEnd(): boolean {
    const bottom = this.getBoundingClientRect().top + this.totalRows * this.layout.rowHeight
    return bottom - window.innerHeight < window.innerHeight
  }

  // True when the grid reaches below the viewport (the original's "page filled").
  isPageFilled(): boolean {
    const bottom = this.getBoundingClientRect().top + this.totalRows * this.layout.rowHeight
    return bottom > window.innerHeight
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (
      changed.has('items') ||
      changed.has('displayCaptions') ||
      changed.has('displayFullCaptions') ||
      changed.has('displaySimilarities')
    ) {
      this.measure()
    }
  }

  // Brings the card at `position` into view and focuses its image button.
  async focusPosition(position: number): Promise<void> {
    if (position < 0 || position >= this.items.length) return
    const row = Math.floor(position / this.layout.columns)
    const rowTop = this.getBoundingClientRect().top + row * this.layout.rowHeight
    const rowBottom = rowTop + this.layout.rowHeight
    if (rowTop < 0 || rowBottom > window.innerHeight) {
      const target = window.scrollY + rowTop - Math.max(0, (window.innerHeight - this.layout.rowHeight) / 2)
      window.scrollTo({ top: target })
      this.measure()
    }
    await this.updateComplete
    const button = this.renderRoot.querySelector<HTMLButtonElement>(
      `.open[data-position="${position}"]`
    )
    button?.focus()
  }

  private onKeydown(e: KeyboardEvent): void {
    const target = e.target as HTMLElement
    if (!target.classList.contains('open')) return
    const position = Number(target.dataset['position'])
    const columns = this.layout.columns
    const moves: Record<string, number> = {
      ArrowRight: 1,
      ArrowLeft: -1,
      ArrowDown: columns,
      ArrowUp: -columns
    }
    const move = moves[e.key]
    if (move === undefined) return
    const next = position + move
    if (next < 0 || next >= this.items.length) return
    e.preventDefault()
    void this.focusPosition(next)
  }

  override render() {
    const layout = this.layout
    const { firstRow, endRow } = this.rows
    const first = firstRow * layout.columns
    const visible = this.items.slice(first, endRow * layout.columns)
    const options: CardOptions = {
      urlColumn: this.urlColumn,
      displayCaptions: this.displayCaptions,
      displayFullCaptions: this.displayFullCaptions,
      displaySimilarities: this.displaySimilarities,
      imageHeight: layout.imageHeight,
      captionHeight: layout.captionHeight
    }
    const cardHeight = layout.rowHeight - GRID_GAP
    return html`
      <div class="viewport" style=${`height:${this.totalRows * layout.rowHeight}px`}>
        <div
          class="grid"
          role="list"
          aria-label="Search results"
          style=${`top:${firstRow * layout.rowHeight}px;` +
          `grid-template-columns:repeat(${layout.columns},minmax(0,1fr));` +
          `grid-auto-rows:${cardHeight}px`}
          @keydown=${this.onKeydown}
        >
          ${repeat(
            visible,
            (item) => item.id,
            (item, i) => renderCard(item, first + i, options, this.handlers)
          )}
        </div>
      </div>
    `
  }
}

customElements.define('result-grid', ResultGrid)

declare global {
  interface HTMLElementTagNameMap {
    'result-grid': ResultGrid
  }
}
