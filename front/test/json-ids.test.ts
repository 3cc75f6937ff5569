import { describe, expect, it } from 'vitest'
import {
  RawJson,
  isUnsafeIntegerLiteral,
  parseJsonWithIds,
  quoteUnsafeIntegers,
  stringifyJson,
  toIdString
} from '../src/service/json-ids'

describe('parseJsonWithIds', () => {
  it('keeps integers above 2^53 exact as decimal strings', () => {
    const parsed = parseJsonWithIds(
      '[{"id": 9007199254740993, "similarity": 0.25}, {"id": 123456789012345678901, "similarity": 0.5}]'
    ) as { id: unknown; similarity: number }[]
    expect(parsed[0]!.id).toBe('9007199254740993')
    expect(parsed[1]!.id).toBe('123456789012345678901')
    expect(parsed[0]!.similarity).toBe(0.25)
  })

  it('leaves safe integers as numbers, including the largest safe one', () => {
    const parsed = parseJsonWithIds('{"a": 9007199254740991, "b": -9007199254740991, "c": 0}')
    expect(parsed).toEqual({ a: 9007199254740991, b: -9007199254740991, c: 0 })
  })

  it('quotes negative integers below -(2^53 - 1)', () => {
    expect(parseJsonWithIds('[-9007199254740993]')).toEqual(['-9007199254740993'])
  })

  it('does not touch floats or exponents, however long', () => {
    const parsed = parseJsonWithIds('[12345678901234567890.5, 1e300, 9007199254740993e0]')
    expect(parsed).toEqual([12345678901234567890.5, 1e300, 9007199254740993])
  })

  it('never changes text inside strings, escaped quotes included', () => {
    const text =
      '{"caption": "id 9007199254740993, \\"id\\": 9007199254740993 \\\\", "id": 9007199254740995}'
    const parsed = parseJsonWithIds(text) as { caption: string; id: string }
    expect(parsed.caption).toBe('id 9007199254740993, "id": 9007199254740993 \\')
    expect(parsed.id).toBe('9007199254740995')
  })

  it('handles keys that look like numbers and unicode escapes', () => {
    const parsed = parseJsonWithIds('{"9007199254740993": "\\u0022 12345678901234567890", "x": [1,2]}')
    expect(parsed).toEqual({ '9007199254740993': '" 12345678901234567890', x: [1, 2] })
  })

  it('returns the text unchanged when nothing needs quoting', () => {
    const text = '[{"id": 1, "caption": "a \\"cat\\""}]'
    expect(quoteUnsafeIntegers(text)).toBe(text)
  })

  it('throws on malformed JSON like JSON.parse', () => {
    expect(() => parseJsonWithIds('[1, 2')).toThrow(SyntaxError)
    expect(() => parseJsonWithIds('{"a": "unterminated')).toThrow(SyntaxError)
  })
})

describe('isUnsafeIntegerLiteral', () => {
  it('is true only for integer literals outside the safe range', () => {
    expect(isUnsafeIntegerLiteral('9007199254740991')).toBe(false)
    expect(isUnsafeIntegerLiteral('9007199254740992')).toBe(true)
    expect(isUnsafeIntegerLiteral('-9007199254740992')).toBe(true)
    expect(isUnsafeIntegerLiteral('900719925474099.5')).toBe(false)
    expect(isUnsafeIntegerLiteral('1e20')).toBe(false)
    expect(isUnsafeIntegerLiteral('123')).toBe(false)
  })
})

describe('toIdString', () => {
  it('accepts safe integer numbers and integer strings only', () => {
    expect(toIdString(14)).toBe('14')
    expect(toIdString('9007199254740993')).toBe('9007199254740993')
    expect(toIdString(1.5)).toBeNull()
    expect(toIdString('12a')).toBeNull()
    expect(toIdString(null)).toBeNull()
    expect(toIdString(2 ** 60)).toBeNull() // already imprecise: refused
  })
})

describe('stringifyJson', () => {
  it('writes RawJson ids as bare numbers', () => {
    const body = stringifyJson({
      ids: [new RawJson('123456789012345678901'), new RawJson('7')],
      indice_name: 'x'
    })
    expect(body).toBe('{"ids":[123456789012345678901,7],"indice_name":"x"}')
  })

  it('formats like JSON.stringify with and without indentation', () => {
    const value = {
      a: [1, 'two', null, true, { b: [] }, {}],
      c: 'quote " and \\ and \n',
      d: undefined,
      e: [undefined, NaN],
      f: { g: { h: 0.125 } }
    }
    expect(stringifyJson(value)).toBe(JSON.stringify(value))
    expect(stringifyJson(value, 2)).toBe(JSON.stringify(value, null, 2))
    expect(stringifyJson([], 2)).toBe('[]')
  })

  it('refuses RawJson that is not an integer', () => {
    expect(() => new RawJson('1,2')).toThrow()
    expect(() => new RawJson('1]')).toThrow()
    expect(() => new RawJson('')).toThrow()
  })

  it('round-trips big ids through parse and stringify', () => {
    const text = '[{"id":123456789012345678901,"similarity":0.5}]'
    const parsed = parseJsonWithIds(text) as { id: string; similarity: number }[]
    const written = stringifyJson(parsed.map((r) => ({ ...r, id: new RawJson(r.id) })))
    expect(written).toBe(text)
  })
})
