// The query arithmetic editor, collapsed by default ("Advanced: combine queries"): a list of
// weighted terms (text, image url, uploaded image, a result's embedding added from the detail
// view), each with a weight that may be negative, and a button that searches their combination.
// Controlled: it shows `terms` and emits terms-change {terms}; terms-search {terms} runs it;
// open-change {open} when the user opens or closes it.

import { LitElement, css, html, nothing } from 'lit'
import { live } from 'lit/directives/live.js'
import { readAsBase64 } from '../dom/image-file'
import {
  describeTerm,
  imageTerm,
  imageUrlTerm,
  isSendable,
  textTerm,
  type QueryTerm
} from '../service/query-terms'
import { removeIcon } from './icons'
import { sharedStyles } from './shared-styles'

// A weight as typed: a finite number, or NaN (the term is then not sendable).
function parseWeight(text: string): number {
  return text.trim() === '' ? NaN : Number(text)
}

const KIND_LABELS: Record<QueryTerm['kind'], string> = {
  text: 'Text',
  image: 'Image',
  imageUrl: 'Image url',
  embedding: 'Result'
}

export class QueryTermsEditor extends LitElement {
  static override properties = {
    terms: { attribute: false },
    open: { type: Boolean, reflect: true },
    error: { state: true }
  }

  declare terms: QueryTerm[]
  declare open: boolean
  declare error: string

  constructor() {
    super()
    this.terms = []
    this.open = false
    this.error = ''
  }

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
        font-size: 14px;
      }
      summary {
        cursor: pointer;
        color: var(--muted);
        padding: 4px 0;
        width: fit-content;
      }
      .panel {
        margin-top: 8px;
        padding: 12px;
        border: 1px solid var(--border);
        border-radius: 8px;
        background: var(--surface);
      }
      ol {
        list-style: none;
        margin: 0 0 12px;
        padding: 0;
        display: flex;
        flex-direction: column;
        gap: 8px;
      }
      li {
        display: flex;
        align-items: center;
        gap: 8px;
        flex-wrap: wrap;
      }
      .kind {
        width: 5.5em;
        color: var(--muted);
      }
      .value {
        flex: 1 1 200px;
        min-width: 0;
        padding: 6px;
      }
      .thumb {
        flex: 1 1 200px;
        display: flex;
        align-items: center;
        gap: 8px;
        min-width: 0;
      }
      .thumb img {
        width: 48px;
        height: 48px;
        object-fit: cover;
        border-radius: 4px;
        background: var(--image-bg);
      }
      .weight {
        width: 6em;
        padding: 6px;
      }
      .buttons {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
      }
      .primary,
      .primary:hover:not(:disabled) {
        background: var(--accent);
        color: var(--accent-fg);
        border-color: var(--accent);
      }
      .primary:hover:not(:disabled) {
        filter: brightness(0.9);
      }
      .error {
        color: var(--error);
        margin: 8px 0 0;
      }
      .hint {
        color: var(--muted);
        font-size: 12px;
        margin: 0 0 8px;
      }
      input[type='file'] {
        display: none;
      }
    `
  ]

  private emitTerms(terms: QueryTerm[]): void {
    this.error = ''
    this.dispatchEvent(
      new CustomEvent('terms-change', { detail: { terms }, bubbles: true, composed: true })
    )
  }

  private updateTerm(index: number, patch: Partial<QueryTerm>): void {
    this.emitTerms(this.terms.map((t, i) => (i === index ? { ...t, ...patch } : t)))
  }

  private removeTerm(index: number): void {
    this.emitTerms(this.terms.filter((_, i) => i !== index))
  }

  private addTerm(term: QueryTerm): void {
    this.emitTerms([...this.terms, term])
  }

  private async addFile(input: HTMLInputElement): Promise<void> {
    const file = input.files?.[0]
    input.value = ''
    if (!file) return
    try {
      const term = imageTerm(await readAsBase64(file))
      term.label = file.name
      this.addTerm(term)
    } catch (e) {
      this.error = `Could not read ${file.name}: ${e instanceof Error ? e.message : String(e)}`
    }
  }

  private search(): void {
    const bad = this.terms.findIndex((t) => !isSendable(t))
    if (this.terms.length === 0) {
      this.error = 'Add at least one term.'
    } else if (bad >= 0) {
      this.error = `Term ${bad + 1} needs a value and a numeric weight.`
    } else {
      this.error = ''
      this.dispatchEvent(
        new CustomEvent('terms-search', {
          detail: { terms: this.terms },
          bubbles: true,
          composed: true
        })
      )
    }
  }

  private renderValue(term: QueryTerm, n: number) {
    if (term.kind === 'text' || term.kind === 'imageUrl') {
      const label = term.kind === 'text' ? `Term ${n} text` : `Term ${n} image url`
      return html`<input
        class="value"
        type=${term.kind === 'text' ? 'text' : 'url'}
        aria-label=${label}
        placeholder=${term.kind === 'text' ? 'a text' : 'https://…'}
        .value=${live(term.value)}
        @input=${(e: Event) => this.updateTerm(n - 1, { value: (e.target as HTMLInputElement).value })}
      />`
    }
    return html`<span class="thumb">
      ${term.preview ? html`<img src=${term.preview} alt="" />` : nothing}
      <span>${describeTerm(term)}</span>
    </span>`
  }

  private renderTerm(term: QueryTerm, index: number) {
    const n = index + 1
    return html`<li>
      <span class="kind">${KIND_LABELS[term.kind]}</span>
      ${this.renderValue(term, n)}
      <input
        class="weight"
        type="text"
        inputmode="decimal"
        aria-label=${`Term ${n} weight`}
        .value=${live(term.weightText ?? String(term.weight))}
        @input=${(e: Event) => {
          const text = (e.target as HTMLInputElement).value
          this.updateTerm(index, { weightText: text, weight: parseWeight(text) })
        }}
      />
      <button
        class="icon-button"
        aria-label=${`Remove term ${n}`}
        title="Remove"
        @click=${() => this.removeTerm(index)}
      >
        ${removeIcon}
      </button>
    </li>`
  }

  override render() {
    return html`
      <details
        ?open=${this.open}
        @toggle=${(e: Event) => {
          const open = (e.target as HTMLDetailsElement).open
          if (open === this.open) return
          this.open = open
          this.dispatchEvent(
            new CustomEvent('open-change', { detail: { open }, bubbles: true, composed: true })
          )
        }}
      >
        <summary>Advanced: combine queries</summary>
        <div class="panel">
          <p class="hint">
            The query is the weighted sum of the terms' embeddings (a negative weight moves away from
            a term). Add a result with "Add to query" in its detail view.
          </p>
          ${this.terms.length > 0
            ? html`<ol aria-label="Query terms">${this.terms.map((t, i) => this.renderTerm(t, i))}</ol>`
            : nothing}
          <div class="buttons">
            <button class="text-button" @click=${() => this.addTerm(textTerm(''))}>Add text</button>
            <button class="text-button" @click=${() => this.addTerm(imageUrlTerm(''))}>
              Add image url
            </button>
            <button
              class="text-button"
              @click=${() => this.renderRoot.querySelector<HTMLInputElement>('#term-file')?.click()}
            >
              Add image file
            </button>
            <input
              id="term-file"
              type="file"
              accept="image/*"
              aria-label="Term image file"
              @change=${(e: Event) => void this.addFile(e.target as HTMLInputElement)}
            />
            <button
              class="text-button"
              ?disabled=${this.terms.length === 0}
              @click=${() => this.emitTerms([])}
            >
              Clear terms
            </button>
            <button class="text-button primary" @click=${() => this.search()}>
              Search combined query
            </button>
          </div>
          ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        </div>
      </details>
    `
  }
}

customElements.define('query-terms-editor', QueryTermsEditor)

declare global {
  interface HTMLElementTagNameMap {
    'query-terms-editor': QueryTermsEditor
  }
}
