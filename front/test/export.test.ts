import { describe, expect, it } from 'vitest'
import { csvColumns, csvField, resultsToCsv, resultsToJson } from '../src/service/export'
import { parseJsonWithIds } from '../src/service/json-ids'
import { normalizeResults } from '../src/service/results'

const answer = parseJsonWithIds(
  '[{"url": "https://x/a.jpg", "caption": "a, \\"quoted\\"\\ncat", "id": 123456789012345678901, "similarity": 0.5},' +
    ' {"id": 7, "similarity": 0.25, "NSFW": "UNLIKELY", "caption": "dog"}]'
)
const results = normalizeResults(answer)

describe('resultsToJson', () => {
  it('pretty-prints with 2 spaces and writes ids as exact bare numbers', () => {
    expect(resultsToJson(results)).toBe(
      [
        '[',
        '  {',
        '    "url": "https://x/a.jpg",',
        '    "caption": "a, \\"quoted\\"\\ncat",',
        '    "id": 123456789012345678901,',
        '    "similarity": 0.5',
        '  },',
        '  {',
        '    "id": 7,',
        '    "similarity": 0.25,',
        '    "NSFW": "UNLIKELY",',
        '    "caption": "dog"',
        '  }',
        ']'
      ].join('\n')
    )
  })

  it('leaves embeddings out', () => {
    const withEmbedding = [{ id: '1', similarity: 1, embedding: [0.5] }]
    expect(resultsToJson(withEmbedding)).not.toContain('embedding')
  })
})

describe('CSV', () => {
  it('puts id and similarity first, then columns in first-seen order', () => {
    expect(csvColumns(results)).toEqual(['id', 'similarity', 'url', 'caption', 'NSFW'])
  })

  it('quotes per RFC 4180', () => {
    expect(csvField('plain')).toBe('plain')
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('two\nlines')).toBe('"two\nlines"')
    expect(csvField('cr\r')).toBe('"cr\r"')
    expect(csvField(null)).toBe('')
    expect(csvField(undefined)).toBe('')
    expect(csvField(0.5)).toBe('0.5')
    expect(csvField({ a: 1 })).toBe('"{""a"":1}"')
  })

  it('writes a header and one CRLF-terminated row per result, ids exact, missing cells empty', () => {
    expect(resultsToCsv(results)).toBe(
      'id,similarity,url,caption,NSFW\r\n' +
        '123456789012345678901,0.5,https://x/a.jpg,"a, ""quoted""\ncat",\r\n' +
        '7,0.25,,dog,UNLIKELY\r\n'
    )
  })

  it('keeps unicode as is', () => {
    expect(resultsToCsv([{ id: '1', similarity: 1, caption: 'café 猫' }])).toContain('café 猫')
  })
})
