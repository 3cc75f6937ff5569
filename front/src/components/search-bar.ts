// The search line: query input (Enter or the magnifier runs a text search), image search by file
// (the button opens a file chooser), and the results download as JSON or CSV.
// Events: text-search {text}, image-file {file}, download {format: 'json' | 'csv'}.

import { LitElement, css, html } from 'lit'
import { downloadIcon, imageSearchIcon, searchIcon } from './icons'
import { sharedStyles } from './shared-styles'

export type DownloadFormat = 'json' | 'csv'

export class SearchBar extends LitElement {
  static override properties = {
    text: { type: String },
    downloading: { type: Boolean },
    canDownload: { type: Boolean }
  }

  declare text: string
  declare downloading: boolean
  declare canDownload: boolean

  constructor() {
    super()
    this.text = ''
    this.downloading = false
    this.canDownload = false
  }

  static override styles = [
    sharedStyles,
    css`
      form {
        display: flex;
        align-items: center;
        gap: 4px;
        flex-wrap: wrap;
      }
      .box {
        flex: 1 1 260px;
        display: flex;
        align-items: center;
        min-width: 0;
        border: 1px solid var(--border);
        border-radius: 25px;
        background: var(--input-bg);
        padding: 0 4px 0 16px;
      }
      .box:hover,
      .box:focus-within {
        box-shadow: 0 0 7px var(--shadow);
      }
      input[type='search'] {
        flex: 1;
        min-width: 0;
        border: none;
        background: transparent;
        padding: 12px 0;
        font-size: 16px;
        outline: none;
      }
      .box:focus-within {
        outline: 3px solid var(--focus);
        outline-offset: 1px;
      }
      .tools {
        display: flex;
        align-items: center;
      }
      .download {
        width: auto;
        gap: 2px;
        padding: 0 10px;
        border-radius: 20px;
        font-size: 12px;
      }
      input[type='file'] {
        display: none;
      }
    `
  ]

  private get fileInput(): HTMLInputElement | null {
    return this.renderRoot.querySelector('input[type="file"]')
  }

  private emit(name: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }))
  }

  private onSubmit(e: Event): void {
    e.preventDefault()
    const text = this.text.trim()
    if (text !== '') this.emit('text-search', { text })
  }

  private onFile(e: Event): void {
    const input = e.target as HTMLInputElement
    const file = input.files?.[0]
    if (file) this.emit('image-file', { file })
    input.value = '' // choosing the same file again searches again
  }

  override render() {
    return html`
      <form role="search" aria-label="Search" @submit=${this.onSubmit}>
        <div class="box">
          <input
            type="search"
            aria-label="Search query"
            placeholder="Search by text, or drop or paste an image"
            autocomplete="off"
            .value=${this.text}
            @input=${(e: Event) => {
              this.text = (e.target as HTMLInputElement).value
            }}
          />
          <button class="icon-button" type="submit" aria-label="Search" title="Search">
            ${searchIcon}
          </button>
        </div>
        <div class="tools">
          <button
            class="icon-button"
            type="button"
            aria-label="Search by image file"
            title="Search by image file"
            @click=${() => this.fileInput?.click()}
          >
            ${imageSearchIcon}
          </button>
          <input type="file" accept="image/*" aria-label="Image file" @change=${this.onFile} />
          <button
            class="icon-button download"
            type="button"
            aria-label="Download results as JSON"
            title="Download results as JSON (clipsubset.json)"
            ?disabled=${!this.canDownload || this.downloading}
            @click=${() => this.emit('download', { format: 'json' })}
          >
            ${downloadIcon}<span aria-hidden="true">JSON</span>
          </button>
          <button
            class="icon-button download"
            type="button"
            aria-label="Download results as CSV"
            title="Download results as CSV (clipsubset.csv)"
            ?disabled=${!this.canDownload || this.downloading}
            @click=${() => this.emit('download', { format: 'csv' })}
          >
            ${downloadIcon}<span aria-hidden="true">CSV</span>
          </button>
        </div>
      </form>
    `
  }
}

customElements.define('search-bar', SearchBar)

declare global {
  interface HTMLElementTagNameMap {
    'search-bar': SearchBar
  }
}
