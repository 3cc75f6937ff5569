// The settings panel (the original's left panel, spec §5.2, with its labels): backend url, index,
// the query image, display and filter checkboxes, aesthetic scoring, modality and multilingual
// clip. Emits setting-change {key, value} for every change; the app decides what re-runs.

import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import { live } from 'lit/directives/live.js'
import type { IndexInfo } from '../service/clip-service'
import type { IndexCapabilities } from '../service/index-capabilities'
import type { UiState } from '../service/ui-state'
import { sharedStyles } from './shared-styles'

export type SettingKey = Exclude<keyof UiState, 'query'>

export interface SettingChange {
  key: SettingKey
  value: UiState[SettingKey]
}

type CheckboxKey =
  | 'displayCaptions'
  | 'displayFullCaptions'
  | 'displaySimilarities'
  | 'safeMode'
  | 'removeViolence'
  | 'hideDuplicateUrls'
  | 'hideDuplicateImages'

// The original's checkboxes, in its order and with its labels.
const CHECKBOXES: readonly [CheckboxKey, string][] = [
  ['displayCaptions', 'Display captions'],
  ['displayFullCaptions', 'Display full captions'],
  ['displaySimilarities', 'Display similarities'],
  ['safeMode', 'Safe mode'],
  ['removeViolence', 'Remove violence'],
  ['hideDuplicateUrls', 'Hide duplicate urls'],
  ['hideDuplicateImages', 'Hide (near) duplicate images']
]

const AESTHETIC_SCORES = ['', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']
const WEIGHT_DEBOUNCE_MS = 400

export class SettingsPanel extends LitElement {
  static override properties = {
    state: { attribute: false },
    indices: { attribute: false },
    // The selected index's /indices-info entry; null when the back has no /indices-info.
    indexInfo: { attribute: false },
    // What the selected index offers (modalities, multilingual clip).
    capabilities: { attribute: false },
    // Thumbnails of the current query's images.
    queryImages: { attribute: false }
  }

  declare state: UiState
  declare indices: string[]
  declare indexInfo: IndexInfo | null
  declare capabilities: IndexCapabilities
  declare queryImages: string[]

  private weightTimer: ReturnType<typeof setTimeout> | undefined

  constructor() {
    super()
    this.indices = []
    this.indexInfo = null
    this.capabilities = { modalities: { image: true, text: true }, showMclip: true }
    this.queryImages = []
  }

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
        font-size: 14px;
      }
      .field {
        display: flex;
        flex-direction: column;
        gap: 4px;
        margin-bottom: 12px;
      }
      .field input[type='text'],
      .field select {
        width: 100%;
        padding: 6px;
      }
      .check {
        display: flex;
        align-items: center;
        gap: 8px;
        padding: 3px 0;
        cursor: pointer;
      }
      .check input {
        width: 16px;
        height: 16px;
        margin: 0;
      }
      .inline {
        display: flex;
        align-items: center;
        justify-content: space-between;
        gap: 8px;
        padding: 3px 0;
      }
      .inline select,
      .inline input {
        width: 6.5em;
        padding: 4px;
      }
      .info {
        color: var(--muted);
        font-size: 12px;
        margin: -6px 0 12px;
      }
      .thumbs {
        display: flex;
        flex-wrap: wrap;
        gap: 6px;
        margin-bottom: 12px;
      }
      .thumbs img {
        width: 100px;
        max-height: 100px;
        object-fit: contain;
        border-radius: 4px;
        background: var(--surface);
      }
      fieldset {
        border: none;
        margin: 0 0 12px;
        padding: 0;
      }
      legend {
        font-weight: 600;
        padding: 0;
        margin-bottom: 4px;
      }
      p {
        color: var(--muted);
        font-size: 12px;
        line-height: 1.4;
      }
      a {
        color: var(--link);
      }
    `
  ]

  // A select's selection is not an attribute once the user picked an option: set it from the
  // state after every render (options are rendered by then).
  protected override updated(changed: PropertyValues): void {
    super.updated(changed)
    const s = this.state
    if (s === undefined) return
    const set = (id: string, value: string) => {
      const select = this.renderRoot.querySelector<HTMLSelectElement>(`#${id}`)
      if (select !== null && select.value !== value) select.value = value
    }
    set('index', s.index)
    set('aesthetic-score', s.aestheticScore)
    set('modality', s.modality)
    // The backend url is typed: only overwrite it when the user is not editing it.
    const backend = this.renderRoot.querySelector<HTMLInputElement>('#backend')
    if (backend !== null && !backend.matches(':focus') && backend.value !== s.backend) {
      backend.value = s.backend
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    clearTimeout(this.weightTimer)
  }

  private change(key: SettingKey, value: UiState[SettingKey]): void {
    this.dispatchEvent(
      new CustomEvent<SettingChange>('setting-change', {
        detail: { key, value },
        bubbles: true,
        composed: true
      })
    )
  }

  private commitBackend(input: HTMLInputElement): void {
    const value = input.value.trim()
    if (value !== '' && value !== this.state.backend) this.change('backend', value)
  }

  // The weight is typed: search once the typing pauses (or on Enter/blur).
  private onWeightInput(input: HTMLInputElement, immediate: boolean): void {
    clearTimeout(this.weightTimer)
    const commit = () => {
      if (input.value !== this.state.aestheticWeight) this.change('aestheticWeight', input.value)
    }
    if (immediate) commit()
    else this.weightTimer = setTimeout(commit, WEIGHT_DEBOUNCE_MS)
  }

  private renderIndexInfo() {
    const info = this.indexInfo
    if (info === null) return nothing
    const parts: string[] = []
    for (const m of info.modalities) {
      const n = info.vectors[m]
      if (n !== undefined) parts.push(`${n.toLocaleString('en-US')} ${m} vectors`)
    }
    if (info.clipModel) parts.push(info.clipModel)
    if (info.dimension) parts.push(`${info.dimension}-d`)
    return html`<div class="info">${parts.join(' · ')}</div>`
  }

  private renderCheckbox(key: CheckboxKey, label: string) {
    return html`<label class="check">
      <input
        type="checkbox"
        .checked=${live(this.state[key])}
        @change=${(e: Event) => this.change(key, (e.target as HTMLInputElement).checked)}
      />${label}</label
    >`
  }

  override render() {
    const s = this.state
    if (s === undefined) return nothing
    return html`
      <div class="field">
        <label for="backend">Backend url</label>
        <input
          id="backend"
          type="text"
          spellcheck="false"
          @change=${(e: Event) => this.commitBackend(e.target as HTMLInputElement)}
          @keydown=${(e: KeyboardEvent) => {
            if (e.key === 'Enter') this.commitBackend(e.target as HTMLInputElement)
          }}
        />
      </div>
      <div class="field">
        <label for="index">Index</label>
        <select
          id="index"
          @change=${(e: Event) => this.change('index', (e.target as HTMLSelectElement).value)}
        >
          ${this.indices.map(
            (name) => html`<option value=${name} ?selected=${name === s.index}>${name}</option>`
          )}
        </select>
      </div>
      ${this.renderIndexInfo()}
      ${this.queryImages.length > 0
        ? html`<div class="thumbs">
            ${this.queryImages.map((src) => html`<img src=${src} alt="Query image" />`)}
          </div>`
        : nothing}
      <p>
        <a href="https://github.com/rom1504/clip-retrieval" target="_blank" rel="noopener"
          >Clip retrieval</a
        >
        works by converting the text query to a CLIP embedding, then using that embedding to query a
        knn index of clip image embeddings.
      </p>
      <fieldset>
        <legend>Display</legend>
        ${CHECKBOXES.slice(0, 3).map(([key, label]) => this.renderCheckbox(key, label))}
      </fieldset>
      <fieldset>
        <legend>Filters</legend>
        ${CHECKBOXES.slice(3).map(([key, label]) => this.renderCheckbox(key, label))}
      </fieldset>
      <fieldset>
        <legend>Aesthetics</legend>
        <label class="check">
          <input
            type="checkbox"
            .checked=${live(s.aestheticScore !== '')}
            @change=${() => this.change('aestheticScore', s.aestheticScore === '' ? '9' : '')}
          />Enable aesthetic scoring</label
        >
        <div class="inline">
          <label for="aesthetic-score">Aesthetic score</label>
          <select
            id="aesthetic-score"
            @change=${(e: Event) =>
              this.change('aestheticScore', (e.target as HTMLSelectElement).value)}
          >
            ${AESTHETIC_SCORES.map(
              (v) =>
                html`<option value=${v} ?selected=${v === s.aestheticScore}>${v === '' ? '—' : v}</option>`
            )}
          </select>
        </div>
        <div class="inline">
          <label for="aesthetic-weight">Aesthetic weight</label>
          <input
            id="aesthetic-weight"
            type="text"
            inputmode="decimal"
            .value=${s.aestheticWeight}
            @input=${(e: Event) => this.onWeightInput(e.target as HTMLInputElement, false)}
            @change=${(e: Event) => this.onWeightInput(e.target as HTMLInputElement, true)}
          />
        </div>
      </fieldset>
      <fieldset>
        <legend>Search</legend>
        <div class="inline">
          <label for="modality">Search over</label>
          <select
            id="modality"
            @change=${(e: Event) => this.change('modality', (e.target as HTMLSelectElement).value)}
          >
            ${(['image', 'text'] as const).map(
              (m) => html`<option
                value=${m}
                ?selected=${m === s.modality}
                ?disabled=${!this.capabilities.modalities[m]}
              >
                ${m}
              </option>`
            )}
          </select>
        </div>
        ${this.capabilities.showMclip
          ? html`<label class="check">
              <input
                type="checkbox"
                .checked=${live(s.useMclip)}
                @change=${(e: Event) => this.change('useMclip', (e.target as HTMLInputElement).checked)}
              />Search with multilingual clip</label
            >`
          : nothing}
      </fieldset>
      <p>
        This UI may contain results with nudity and is best used by adults. The images are under
        their own copyright.
      </p>
      <p>
        Are you seeing near duplicates ? KNN search are good at spotting those, especially so in
        large datasets.
      </p>
    `
  }
}

customElements.define('settings-panel', SettingsPanel)

declare global {
  interface HTMLElementTagNameMap {
    'settings-panel': SettingsPanel
  }
}
