// The messages above the grid: the status line (role="status", "Showing N of M results" — the
// benchmark reads it), errors (role="alert"), notices, and the "cannot reach the back" banner.

import { html, nothing } from 'lit'

export interface StatusView {
  connecting: boolean
  searching: boolean
  // null before any answer and after a failed search
  counts: { shown: number; total: number } | null
}

export function renderStatus(view: StatusView) {
  let text = ''
  if (view.connecting) text = 'Connecting to the back…'
  else if (view.searching) text = 'Searching…'
  else if (view.counts !== null) text = `Showing ${view.counts.shown} of ${view.counts.total} results`
  return html`<div class="status">
    ${view.connecting || view.searching
      ? html`<span class="spinner" aria-hidden="true"></span>`
      : nothing}
    <span role="status">${text}</span>
  </div>`
}

export interface MessagesView {
  notice: string
  errors: string[]
  safeModeEmpty: boolean // safe mode on, results returned, none displayable (the original's line)
  noResults: boolean
  dismissNotice: () => void
}

export function renderMessages(view: MessagesView) {
  return html`
    ${view.notice
      ? html`<div class="message notice">
          <span aria-live="polite">${view.notice}</span>
          <button class="text-button" @click=${view.dismissNotice}>Dismiss</button>
        </div>`
      : nothing}
    ${view.errors
      .filter((e) => e !== '')
      .map((e) => html`<p class="message error" role="alert">${e}</p>`)}
    ${view.safeModeEmpty
      ? html`<p class="message">Displaying only nice pictures in safe mode!</p>`
      : nothing}
    ${view.noResults ? html`<p class="message">No results.</p>` : nothing}
  `
}

export function renderBanner(message: string, retry: () => void) {
  return html`<section class="banner" aria-label="Back unreachable">
    <p role="alert">${message}</p>
    <button class="text-button" @click=${retry}>Retry</button>
  </section>`
}
