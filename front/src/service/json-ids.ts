// Precision-safe JSON for result ids. The back writes ids as bare JSON integers, which may exceed
// 2^53 (the original front used json-bigint for this, spec §5.2 and §11). parseJsonWithIds turns
// every integer literal outside the safe range into a decimal string before JSON.parse; the app
// keeps ids as decimal strings (toIdString), and stringifyJson writes them back as bare numbers
// through RawJson.

const QUOTE = 0x22
const BACKSLASH = 0x5c
const MINUS = 0x2d
const ZERO = 0x30
const NINE = 0x39

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)
// Integers with at most this many digits are always exact as doubles (2^53 has 16 digits).
const ALWAYS_SAFE_DIGITS = 15

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE
}

// A character that can continue a JSON number token: digits, '.', 'e', 'E', '+', '-'.
function isNumberChar(c: number): boolean {
  return isDigit(c) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === MINUS
}

// True when `token` is an integer literal (optional '-', digits only) that a double cannot hold
// exactly.
export function isUnsafeIntegerLiteral(token: string): boolean {
  const start = token.charCodeAt(0) === MINUS ? 1 : 0
  if (token.length - start <= ALWAYS_SAFE_DIGITS) return false
  for (let i = start; i < token.length; i++) {
    if (!isDigit(token.charCodeAt(i))) return false
  }
  const magnitude = BigInt(token.slice(start))
  return magnitude > MAX_SAFE
}

// The index just past the JSON string that opens at `start` (a '"'); escapes are skipped, so an
// escaped quote does not end the string. An unterminated string runs to the end of the text.
function skipString(text: string, start: number): number {
  let i = start + 1
  while (i < text.length) {
    const c = text.charCodeAt(i)
    if (c === BACKSLASH) {
      i += 2
    } else if (c === QUOTE) {
      return i + 1
    } else {
      i++
    }
  }
  return text.length
}

// Rewrites the JSON text so that unsafe integer literals (outside strings) become JSON strings.
// Text inside strings, captions that look like ids included, is never changed.
export function quoteUnsafeIntegers(text: string): string {
  const parts: string[] = []
  let copiedUpTo = 0
  let i = 0
  while (i < text.length) {
    const c = text.charCodeAt(i)
    if (c === QUOTE) {
      i = skipString(text, i)
    } else if (c === MINUS || isDigit(c)) {
      const start = i
      while (i < text.length && isNumberChar(text.charCodeAt(i))) i++
      const token = text.slice(start, i)
      if (isUnsafeIntegerLiteral(token)) {
        parts.push(text.slice(copiedUpTo, start), '"', token, '"')
        copiedUpTo = i
      }
    } else {
      i++
    }
  }
  if (copiedUpTo === 0) return text
  parts.push(text.slice(copiedUpTo))
  return parts.join('')
}

// JSON.parse that keeps integers above 2^53 exact (as decimal strings). Throws SyntaxError on
// malformed JSON, like JSON.parse.
export function parseJsonWithIds(text: string): unknown {
  return JSON.parse(quoteUnsafeIntegers(text))
}

const INTEGER_TEXT = /^-?(0|[1-9][0-9]*)$/

// The decimal string of an id as parsed: a safe integer number or an already-quoted big one.
// Returns null for anything else (a float, an object, a non-numeric string).
export function toIdString(value: unknown): string | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? String(value) : null
  if (typeof value === 'string' && INTEGER_TEXT.test(value)) return value
  if (typeof value === 'bigint') return value.toString()
  return null
}

// A JSON number written as given (an exact id). Only integer text is accepted, so a RawJson can
// never inject other JSON.
export class RawJson {
  readonly text: string
  constructor(text: string) {
    if (!INTEGER_TEXT.test(text)) throw new Error(`not an integer: ${JSON.stringify(text)}`)
    this.text = text
  }
}

function stringifyValue(value: unknown, indent: string, depth: number): string | undefined {
  if (value instanceof RawJson) return value.text
  if (value === null) return 'null'
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value)
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null'
    case 'bigint':
      return value.toString()
    case 'object':
      break
    default:
      return undefined // undefined and functions are left out, as JSON.stringify does
  }
  const inner = indent === '' ? '' : '\n' + indent.repeat(depth + 1)
  const outer = indent === '' ? '' : '\n' + indent.repeat(depth)
  const colon = indent === '' ? ':' : ': '
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]'
    const items = value.map((v) => stringifyValue(v, indent, depth + 1) ?? 'null')
    return '[' + inner + items.join(',' + inner) + outer + ']'
  }
  const members: string[] = []
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const text = stringifyValue(v, indent, depth + 1)
    if (text !== undefined) members.push(JSON.stringify(key) + colon + text)
  }
  if (members.length === 0) return '{}'
  return '{' + inner + members.join(',' + inner) + outer + '}'
}

// JSON.stringify(value, null, indent) with RawJson values written bare.
export function stringifyJson(value: unknown, indent = 0): string {
  return stringifyValue(value, ' '.repeat(indent), 0) ?? 'null'
}
