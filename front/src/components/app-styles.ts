// Layout of the app shell: the search line on top, the settings panel on the left (a collapsible
// section on narrow screens), the results on the right.

import { css } from 'lit'

export const NARROW_LAYOUT = 900 // px: below this the settings panel collapses

export const appStyles = css`
  :host {
    display: block;
    min-height: 100vh;
    background: var(--bg);
  }
  header {
    position: sticky;
    top: 0;
    z-index: 10;
    display: flex;
    flex-direction: column;
    gap: 4px;
    padding: 12px 16px 8px;
    background: var(--bg);
    border-bottom: 1px solid var(--border);
  }
  .top {
    display: flex;
    align-items: center;
    gap: 12px;
  }
  h1 {
    margin: 0;
    font-size: 18px;
    font-weight: 600;
    white-space: nowrap;
  }
  search-bar {
    flex: 1;
    min-width: 0;
  }
  .settings-toggle {
    display: none;
  }
  .layout {
    display: flex;
    align-items: flex-start;
    gap: 24px;
    padding: 16px;
  }
  aside {
    flex: 0 0 250px;
    position: sticky;
    top: 80px;
    max-height: calc(100vh - 90px);
    overflow-y: auto;
    padding-right: 4px;
  }
  main {
    flex: 1;
    min-width: 0;
  }
  .status {
    min-height: 20px;
    margin-bottom: 8px;
    color: var(--muted);
    font-size: 14px;
    display: flex;
    align-items: center;
    gap: 8px;
  }
  .spinner {
    width: 16px;
    height: 16px;
    border: 2px solid var(--border);
    border-top-color: var(--accent);
    border-radius: 50%;
    animation: spin 0.8s linear infinite;
  }
  @keyframes spin {
    to {
      transform: rotate(360deg);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation-duration: 3s;
    }
  }
  .message {
    margin: 0 0 12px;
    padding: 10px 14px;
    border-radius: 6px;
    border: 1px solid var(--border);
    background: var(--surface);
  }
  .message.notice {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 12px;
  }
  .message.error {
    border-color: var(--error);
    color: var(--error);
  }
  .banner {
    margin: 16px;
    padding: 16px;
    border: 1px solid var(--error);
    border-radius: 8px;
    background: var(--surface);
  }
  .banner p {
    margin: 0 0 12px;
    overflow-wrap: anywhere;
  }
  .drop-overlay {
    position: fixed;
    inset: 0;
    z-index: 100;
    display: flex;
    align-items: center;
    justify-content: center;
    font-size: 24px;
    color: var(--fg);
    background: color-mix(in srgb, var(--bg) 85%, transparent);
    border: 4px dashed var(--accent);
    pointer-events: none;
  }
  @media (max-width: ${NARROW_LAYOUT - 1}px) {
    header {
      position: static;
      padding: 8px;
    }
    .top {
      flex-wrap: wrap;
      gap: 6px;
    }
    h1 {
      flex: 1;
      font-size: 16px;
    }
    .settings-toggle {
      display: inline-flex;
    }
    search-bar {
      order: 3;
      flex-basis: 100%;
    }
    .layout {
      flex-direction: column;
      gap: 8px;
      padding: 8px;
    }
    aside {
      position: static;
      flex: none;
      width: 100%;
      max-height: none;
      overflow: visible;
    }
    aside[data-collapsed] {
      display: none;
    }
    main {
      width: 100%;
    }
  }
`
