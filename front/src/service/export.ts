// Results as files: JSON as the original's download (`clipsubset.json`, pretty-printed with 2
// spaces) and CSV with every metadata column (the original's issue #67). Ids are written exactly
// (bare JSON numbers; digits in CSV).

import { RawJson, stringifyJson } from './json-ids'
import type { ResultItem } from './results'

export const JSON_FILENAME = 'clipsubset.json'
export const CSV_FILENAME = 'clipsubset.csv'

// Embeddings are not metadata; they are left out of exports.
const EXCLUDED = new Set(['embedding'])

export function resultsToJson(results: readonly ResultItem[]): string {
  const rows = results.map((item) => {
    const row: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(item)) {
      if (EXCLUDED.has(key)) continue
      row[key] = key === 'id' ? new RawJson(item.id) : value
    }
    return row
  })
  return stringifyJson(rows, 2)
}

// The CSV header: id and similarity first, then every other column in first-seen order.
export function csvColumns(results: readonly ResultItem[]): string[] {
  const columns = ['id', 'similarity']
  const seen = new Set(columns)
  for (const item of results) {
    for (const key of Object.keys(item)) {
      if (!seen.has(key) && !EXCLUDED.has(key)) {
        seen.add(key)
        columns.push(key)
      }
    }
  }
  return columns
}

function cellText(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value)
  }
  return JSON.stringify(value)
}

// RFC 4180: a field holding a comma, a quote, CR or LF is quoted, with quotes doubled.
export function csvField(value: unknown): string {
  const text = cellText(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

// CSV text (CRLF line ends as RFC 4180; the caller writes it as UTF-8).
export function resultsToCsv(results: readonly ResultItem[]): string {
  const columns = csvColumns(results)
  const lines = [columns.map(csvField).join(',')]
  for (const item of results) lines.push(columns.map((c) => csvField(item[c])).join(','))
  return lines.join('\r\n') + '\r\n'
}
