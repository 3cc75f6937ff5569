// One result card of the grid, as a template (the grid renders many; no element per card):
// similarity (when shown), the image (a button that opens the detail view), the hover/focus
// actions "Search by caption" and "Search by image", and the caption (spec §5.2).

import { css, html, nothing } from 'lit'
import {
  caption,
  displayCaption,
  formatSimilarity,
  imageSrc,
  type ResultItem
} from '../service/results'
import { captionSearchIcon, imageSearchIcon } from './icons'

export interface CardOptions {
  urlColumn: string
  displayCaptions: boolean
  displayFullCaptions: boolean
  displaySimilarities: boolean
  imageHeight: number
  captionHeight: number
}

export interface CardHandlers {
  open(position: number): void
  searchCaption(item: ResultItem): void
  searchImage(item: ResultItem): void
  imageError(src: string): void
}

export function renderCard(
  item: ResultItem,
  position: number,
  options: CardOptions,
  handlers: CardHandlers
) {
  const text = caption(item)
  const src = imageSrc(item, options.urlColumn)
  const name = text !== undefined && text !== '' ? text : `result ${item.id}`
  return html`
    <div class="card" role="listitem" data-position=${position}>
      ${options.displaySimilarities
        ? html`<div class="similarity" title="similarity">${formatSimilarity(item.similarity)}</div>`
        : nothing}
      <button
        class="open"
        data-position=${position}
        aria-label=${`Open details: ${name}`}
        style=${`height:${options.imageHeight}px`}
        @click=${() => handlers.open(position)}
      >
        <img
          src=${src ?? ''}
          alt=${text ?? ''}
          title=${text ?? ''}
          decoding="async"
          @error=${() => {
            if (src !== undefined) handlers.imageError(src)
          }}
        />
      </button>
      <div class="actions">
        ${text !== undefined
          ? html`<button
              class="action"
              aria-label="Search by caption"
              title="Search by caption"
              @click=${() => handlers.searchCaption(item)}
            >
              ${captionSearchIcon}
            </button>`
          : nothing}
        <button
          class="action"
          aria-label="Search by image"
          title="Search by image"
          @click=${() => handlers.searchImage(item)}
        >
          ${imageSearchIcon}
        </button>
      </div>
      ${options.displayCaptions
        ? html`<div
            class=${options.displayFullCaptions ? 'caption full' : 'caption'}
            style=${`height:${options.captionHeight}px`}
          >
            ${text === undefined ? '' : displayCaption(text, options.displayFullCaptions)}
          </div>`
        : nothing}
    </div>
  `
}

export const cardStyles = css`
  .card {
    position: relative;
    display: flex;
    flex-direction: column;
    min-width: 0;
    padding: 4px;
    border-radius: 6px;
    background: var(--card-bg);
    overflow: hidden;
  }
  .card:hover,
  .card:focus-within {
    box-shadow: 0 0 0 1px var(--border), 0 2px 8px var(--shadow);
  }
  .open {
    display: block;
    width: 100%;
    padding: 0;
    border: none;
    border-radius: 4px;
    background: var(--image-bg);
    overflow: hidden;
  }
  .open:focus-visible {
    outline-offset: -3px;
  }
  .open img {
    display: block;
    width: 100%;
    height: 100%;
    object-fit: contain;
  }
  .actions {
    position: absolute;
    top: 8px;
    right: 8px;
    display: flex;
    gap: 4px;
    opacity: 0;
    transition: opacity 0.1s;
  }
  .card:hover .actions,
  .card:focus-within .actions {
    opacity: 1;
  }
  @media (hover: none) {
    .actions {
      opacity: 1;
    }
  }
  .action {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    width: 32px;
    height: 32px;
    padding: 0;
    border: 1px solid var(--border);
    border-radius: 50%;
    background: var(--surface);
    box-shadow: 0 1px 3px var(--shadow);
  }
  .action:hover {
    background: var(--hover);
  }
  .similarity {
    height: 20px;
    font-size: 12px;
    line-height: 20px;
    color: var(--muted);
    font-variant-numeric: tabular-nums;
  }
  .caption {
    font-size: 14px;
    line-height: 18px;
    overflow: hidden;
    overflow-wrap: anywhere;
  }
  .caption:not(.full) {
    display: -webkit-box;
    -webkit-box-orient: vertical;
    -webkit-line-clamp: 3;
  }
  .caption.full {
    overflow-y: auto;
  }
  @media (max-width: 499px) {
    .caption {
      font-size: 12px;
      line-height: 15px;
    }
    /* the box is sized for three 18px lines: clip at three of these, or a fourth shows in part */
    .caption:not(.full) {
      max-height: 45px;
    }
  }
`
