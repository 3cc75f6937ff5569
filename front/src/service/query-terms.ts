// The query as a list of weighted terms (query arithmetic): "a dog" + 0.5 × photo − "blurry".
// A plain search (text, image, image url, "more like this") is one term of weight 1, sent with the
// original's single fields so the original back still works; anything else goes out as the new
// `query_terms` field.

export type TermKind = 'text' | 'image' | 'imageUrl' | 'embedding'

export interface QueryTerm {
  kind: TermKind
  // text: the text; image: base64 image bytes (no data-URL prefix); imageUrl: the url;
  // embedding: unused ('').
  value: string
  // embedding terms only: the vector, used as given.
  embedding?: number[]
  weight: number
  // The weight as the user is typing it (the editor's draft), when it differs from `weight`.
  weightText?: string
  // For display only: a thumbnail src (image, result embedding) and a short label.
  preview?: string
  label?: string
}

// One term of the wire format: exactly one input key plus its weight.
export type WireTerm =
  | { text: string; weight: number }
  | { image: string; weight: number }
  | { image_url: string; weight: number }
  | { embedding_input: number[]; weight: number }

export function textTerm(text: string, weight = 1): QueryTerm {
  return { kind: 'text', value: text, weight }
}

export function imageTerm(base64: string, weight = 1): QueryTerm {
  return { kind: 'image', value: base64, weight, preview: imageDataUrl(base64) }
}

export function imageUrlTerm(url: string, weight = 1): QueryTerm {
  return { kind: 'imageUrl', value: url, weight, preview: url }
}

export function embeddingTerm(
  embedding: number[],
  weight = 1,
  label?: string,
  preview?: string
): QueryTerm {
  const term: QueryTerm = { kind: 'embedding', value: '', embedding, weight }
  if (label !== undefined) term.label = label
  if (preview !== undefined) term.preview = preview
  return term
}

// The src of base64 image bytes, as the original writes it (PNG type; browsers sniff the real one).
export function imageDataUrl(base64: string): string {
  return `data:image/png;base64,${base64}`
}

// True when the query is one term of weight 1: the original's single fields can carry it.
export function isPlainQuery(terms: readonly QueryTerm[]): boolean {
  return terms.length === 1 && terms[0]!.weight === 1
}

// True when the term has an input to send (empty text or url terms are not sendable).
export function isSendable(term: QueryTerm): boolean {
  if (!Number.isFinite(term.weight)) return false
  if (term.kind === 'embedding') return (term.embedding?.length ?? 0) > 0
  return term.value.trim() !== ''
}

export function toWireTerm(term: QueryTerm): WireTerm {
  switch (term.kind) {
    case 'text':
      return { text: term.value, weight: term.weight }
    case 'image':
      return { image: term.value, weight: term.weight }
    case 'imageUrl':
      return { image_url: term.value, weight: term.weight }
    case 'embedding':
      return { embedding_input: term.embedding ?? [], weight: term.weight }
  }
}

// A short human description of a term, for titles and the status line.
export function describeTerm(term: QueryTerm): string {
  switch (term.kind) {
    case 'text':
      return term.value
    case 'image':
      return term.label ?? 'uploaded image'
    case 'imageUrl':
      return term.value
    case 'embedding':
      return term.label ?? 'result embedding'
  }
}

export function describeQuery(terms: readonly QueryTerm[]): string {
  if (isPlainQuery(terms)) return describeTerm(terms[0]!)
  return terms
    .map((t, i) => {
      const sign = t.weight < 0 ? '− ' : i === 0 ? '' : '+ '
      const magnitude = Math.abs(t.weight)
      const factor = magnitude === 1 ? '' : `${magnitude} × `
      return `${sign}${factor}${describeTerm(t)}`
    })
    .join(' ')
}

// --- embeddings in URLs: float32 little-endian, base64url without padding ---

export function encodeEmbedding(values: readonly number[]): string {
  const bytes = new Uint8Array(values.length * 4)
  const view = new DataView(bytes.buffer)
  values.forEach((v, i) => view.setFloat32(i * 4, v, true))
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

// null when the text is not base64url of a whole number of float32 values, or holds a non-finite.
export function decodeEmbedding(text: string): number[] | null {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return null
  let binary: string
  try {
    binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'))
  } catch {
    return null
  }
  if (binary.length === 0 || binary.length % 4 !== 0) return null
  const view = new DataView(new ArrayBuffer(binary.length))
  for (let i = 0; i < binary.length; i++) view.setUint8(i, binary.charCodeAt(i))
  const values: number[] = []
  for (let i = 0; i < binary.length; i += 4) {
    const v = view.getFloat32(i, true)
    if (!Number.isFinite(v)) return null
    values.push(v)
  }
  return values
}
