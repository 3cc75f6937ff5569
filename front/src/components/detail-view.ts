// The detail view of one result (a modal dialog): the full image and caption, similarity, id,
// every metadata column, a link to the url, previous/next (buttons and ArrowLeft/ArrowRight),
// "More like this" and "Add to query". Escape closes it and Tab stays inside it.
// Events: close, navigate {position}, more-like-this {item}, add-to-query {item}.

import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import {
  caption,
  formatSimilarity,
  imageSrc,
  metadataColumns,
  type ResultItem
} from '../service/results'
import { closeIcon, nextIcon, previousIcon } from './icons'
import { sharedStyles } from './shared-styles'

const FOCUSABLE = 'a[href], button:not([disabled]), input, select, textarea, [tabindex]'

function isWebUrl(value: unknown): value is string {
  return typeof value === 'string' && /^https?:\/\//i.test(value)
}

function cellText(key: string, value: unknown): string {
  if (key === 'image' && typeof value === 'string') {
    return `(base64 image, ${value.length.toLocaleString('en-US')} characters)`
  }
  if (value === null || value === undefined) return ''
  return typeof value === 'string' ? value : JSON.stringify(value)
}

export class DetailView extends LitElement {
  static override properties = {
    item: { attribute: false },
    position: { type: Number },
    total: { type: Number },
    urlColumn: { type: String },
    busy: { type: Boolean },
    error: { type: String }
  }

  declare item: ResultItem | null
  declare position: number
  declare total: number
  declare urlColumn: string
  declare busy: boolean
  declare error: string

  constructor() {
    super()
    this.item = null
    this.position = 0
    this.total = 0
    this.urlColumn = 'url'
    this.busy = false
    this.error = ''
  }

  static override styles = [
    sharedStyles,
    css`
      dialog {
        width: min(1100px, 96vw);
        max-height: 94vh;
        padding: 0;
        border: 1px solid var(--border);
        border-radius: 10px;
        background: var(--bg);
        color: var(--fg);
        box-shadow: 0 10px 40px var(--shadow);
      }
      dialog::backdrop {
        background: rgba(0, 0, 0, 0.6);
      }
      header {
        display: flex;
        align-items: center;
        gap: 4px;
        padding: 8px 12px;
        border-bottom: 1px solid var(--border);
      }
      h2 {
        flex: 1;
        margin: 0;
        font-size: 16px;
        font-weight: 600;
      }
      .body {
        display: flex;
        flex-wrap: wrap;
        gap: 16px;
        padding: 16px;
        overflow: auto;
        max-height: calc(94vh - 60px);
      }
      .picture {
        flex: 1 1 420px;
        display: flex;
        align-items: center;
        justify-content: center;
        min-height: 200px;
        background: var(--image-bg);
        border-radius: 6px;
      }
      .picture img {
        display: block;
        width: 100%;
        height: auto;
        max-height: 70vh;
        object-fit: contain;
      }
      .facts {
        flex: 1 1 320px;
        min-width: 0;
      }
      .caption {
        font-size: 16px;
        line-height: 1.4;
        margin: 0 0 12px;
        overflow-wrap: anywhere;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        margin: 12px 0;
      }
      a {
        color: var(--link);
        overflow-wrap: anywhere;
      }
      table {
        width: 100%;
        border-collapse: collapse;
        font-size: 13px;
      }
      th,
      td {
        text-align: left;
        vertical-align: top;
        padding: 4px 6px;
        border-bottom: 1px solid var(--border);
        overflow-wrap: anywhere;
      }
      .error {
        color: var(--error);
      }
      th {
        width: 30%;
        color: var(--muted);
        font-weight: 500;
      }
    `
  ]

  private get dialog(): HTMLDialogElement | null {
    return this.renderRoot.querySelector('dialog')
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed)
    const dialog = this.dialog
    if (dialog === null) return
    if (this.item !== null && !dialog.open) {
      dialog.showModal()
      dialog.querySelector<HTMLElement>('.close')?.focus()
    } else if (this.item === null && dialog.open) {
      dialog.close()
    }
  }

  private emit(name: string, detail: unknown = {}): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }))
  }

  private navigate(delta: number): void {
    const next = this.position + delta
    if (next >= 0 && next < this.total) this.emit('navigate', { position: next })
  }

  // Escape (the dialog's cancel) and the close button both go through the app's state.
  private onCancel(e: Event): void {
    e.preventDefault()
    this.emit('close')
  }

  private onKeydown(e: KeyboardEvent): void {
    const target = e.composedPath()[0] as HTMLElement | undefined
    const typing = target !== undefined && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)
    if (e.key === 'ArrowLeft' && !typing) {
      e.preventDefault()
      this.navigate(-1)
    } else if (e.key === 'ArrowRight' && !typing) {
      e.preventDefault()
      this.navigate(1)
    } else if (e.key === 'Tab') {
      this.trapFocus(e)
    }
  }

  // Tab from the last control goes to the first, Shift+Tab from the first to the last.
  private trapFocus(e: KeyboardEvent): void {
    const dialog = this.dialog
    if (dialog === null) return
    const focusable = Array.from(dialog.querySelectorAll<HTMLElement>(FOCUSABLE))
    if (focusable.length === 0) return
    const first = focusable[0]!
    const last = focusable[focusable.length - 1]!
    const active = this.renderRoot instanceof ShadowRoot ? this.renderRoot.activeElement : null
    if (e.shiftKey && (active === first || !dialog.contains(active))) {
      e.preventDefault()
      last.focus()
    } else if (!e.shiftKey && (active === last || !dialog.contains(active))) {
      e.preventDefault()
      first.focus()
    }
  }

  private renderContent(item: ResultItem) {
    const text = caption(item)
    const src = imageSrc(item, this.urlColumn)
    const url = item[this.urlColumn]
    return html`
      <header>
        <h2 id="detail-title">Result ${this.position + 1} of ${this.total}</h2>
        <button
          class="icon-button"
          aria-label="Previous result"
          title="Previous result (←)"
          ?disabled=${this.position <= 0}
          @click=${() => this.navigate(-1)}
        >
          ${previousIcon}
        </button>
        <button
          class="icon-button"
          aria-label="Next result"
          title="Next result (→)"
          ?disabled=${this.position >= this.total - 1}
          @click=${() => this.navigate(1)}
        >
          ${nextIcon}
        </button>
        <button class="icon-button close" aria-label="Close" title="Close (Esc)" @click=${() => this.emit('close')}>
          ${closeIcon}
        </button>
      </header>
      <div class="body">
        <div class="picture">
          ${src !== undefined ? html`<img src=${src} alt=${text ?? ''} />` : nothing}
        </div>
        <div class="facts">
          ${text !== undefined ? html`<p class="caption">${text}</p>` : nothing}
          <div class="actions">
            <button
              class="text-button"
              ?disabled=${this.busy}
              aria-busy=${this.busy ? 'true' : 'false'}
              @click=${() => this.emit('more-like-this', { item })}
            >
              More like this
            </button>
            <button
              class="text-button"
              ?disabled=${this.busy}
              @click=${() => this.emit('add-to-query', { item })}
            >
              Add to query
            </button>
          </div>
          ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
          ${isWebUrl(url)
            ? html`<p><a href=${url} target="_blank" rel="noopener noreferrer">Open image url</a></p>`
            : nothing}
          <table aria-label="Metadata">
            <tbody>
              <tr><th scope="row">id</th><td>${item.id}</td></tr>
              <tr><th scope="row">similarity</th><td>${formatSimilarity(item.similarity)}</td></tr>
              ${metadataColumns(item).map(
                ([key, value]) =>
                  html`<tr><th scope="row">${key}</th><td>${cellText(key, value)}</td></tr>`
              )}
            </tbody>
          </table>
        </div>
      </div>
    `
  }

  override render() {
    return html`
      <dialog
        role="dialog"
        aria-modal="true"
        aria-labelledby="detail-title"
        @cancel=${this.onCancel}
        @close=${() => {
          // Closed by the browser itself (e.g. a repeated Escape): tell the app.
          if (this.item !== null) this.emit('close')
        }}
        @keydown=${this.onKeydown}
      >
        ${this.item !== null ? this.renderContent(this.item) : nothing}
      </dialog>
    `
  }
}

customElements.define('detail-view', DetailView)

declare global {
  interface HTMLElementTagNameMap {
    'detail-view': DetailView
  }
}
