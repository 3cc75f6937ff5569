// Inline SVG icons (no image files, no icon font). Each is decorative: the button around it
// carries the accessible name.

import { svg, type SVGTemplateResult } from 'lit'

function icon(paths: SVGTemplateResult): SVGTemplateResult {
  return svg`<svg class="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"
    focusable="false" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"
    stroke-linejoin="round">${paths}</svg>`
}

export const searchIcon = icon(svg`<circle cx="11" cy="11" r="7"/><path d="M20 20l-4.2-4.2"/>`)

export const imageSearchIcon = icon(
  svg`<rect x="3" y="4" width="14" height="12" rx="2"/><path d="M3 13l4-4 4 4 2-2 4 4"/>
    <circle cx="17.5" cy="17.5" r="3"/><path d="M22 22l-2.3-2.3"/>`
)

export const downloadIcon = icon(svg`<path d="M12 4v11M7 10l5 5 5-5M5 20h14"/>`)

export const closeIcon = icon(svg`<path d="M6 6l12 12M18 6L6 18"/>`)

export const previousIcon = icon(svg`<path d="M15 5l-7 7 7 7"/>`)

export const nextIcon = icon(svg`<path d="M9 5l7 7-7 7"/>`)

export const captionSearchIcon = icon(
  svg`<path d="M4 6h10M4 10h7M4 14h5"/><circle cx="16" cy="15" r="4"/><path d="M22 21l-3.2-3.2"/>`
)

export const settingsIcon = icon(
  svg`<path d="M4 6h16M4 12h16M4 18h16"/><circle cx="9" cy="6" r="2"/><circle cx="15" cy="12" r="2"/>
    <circle cx="8" cy="18" r="2"/>`
)

export const removeIcon = icon(svg`<path d="M6 6l12 12M18 6L6 18"/>`)
