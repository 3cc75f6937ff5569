// Styles every component shares: colours come from the page's custom properties (index.html sets
// them for light and dark schemes); buttons and focus rings look the same everywhere.

import { css } from 'lit'

export const sharedStyles = css`
  :host {
    color: var(--fg);
    font-family: var(--font);
  }
  * {
    box-sizing: border-box;
  }
  button {
    font: inherit;
    color: inherit;
    cursor: pointer;
  }
  button:disabled {
    cursor: default;
    opacity: 0.5;
  }
  .icon-button {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    width: 40px;
    height: 40px;
    padding: 0;
    border: 1px solid transparent;
    border-radius: 50%;
    background: transparent;
  }
  .icon-button:hover:not(:disabled) {
    background: var(--hover);
  }
  .text-button {
    padding: 6px 12px;
    border: 1px solid var(--border);
    border-radius: 6px;
    background: var(--surface);
  }
  .text-button:hover:not(:disabled) {
    background: var(--hover);
  }
  :focus-visible {
    outline: 3px solid var(--focus);
    outline-offset: 2px;
  }
  input,
  select {
    font: inherit;
    color: var(--fg);
    background: var(--input-bg);
    border: 1px solid var(--border);
    border-radius: 4px;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
`
