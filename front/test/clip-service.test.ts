// The HTTP layer against a faked fetch: URLs, bodies, error messages and /indices-info absence.
import { describe, expect, it } from 'vitest'
import { BackError, ClipService, loadConfig, type FetchFn } from '../src/service/clip-service'
import { buildKnnRequest } from '../src/service/request-builder'
import { textTerm } from '../src/service/query-terms'
import { defaultState } from '../src/service/ui-state'

interface Call {
  url: string
  method: string
  body: string | undefined
}

function fakeFetch(routes: Record<string, () => Response | Promise<Response>>) {
  const calls: Call[] = []
  const fetchFn: FetchFn = async (url, init) => {
    calls.push({ url, method: init?.method ?? 'GET', body: init?.body as string | undefined })
    const path = url.replace(/^https?:\/\/[^/]+/, '')
    const route = routes[path]
    if (route === undefined) return new Response('not found', { status: 404, statusText: 'Not Found' })
    return route()
  }
  return { calls, fetchFn }
}

const json = (text: string, status = 200) =>
  new Response(text, { status, headers: { 'Content-Type': 'application/json' } })

describe('ClipService', () => {
  it('joins paths without double slashes', async () => {
    const { calls, fetchFn } = fakeFetch({ '/indices-list': () => json('["a","b"]') })
    const service = new ClipService('http://back:1234/', fetchFn)
    expect(await service.indicesList()).toEqual(['a', 'b'])
    expect(calls[0]!.url).toBe('http://back:1234/indices-list')
  })

  it('returns null for /indices-info on the original back (404)', async () => {
    const { fetchFn } = fakeFetch({})
    expect(await new ClipService('http://back', fetchFn).indicesInfo()).toBeNull()
  })

  it('returns null for /indices-info when the answer is not JSON', async () => {
    const { fetchFn } = fakeFetch({ '/indices-info': () => new Response('<html>') })
    expect(await new ClipService('http://back', fetchFn).indicesInfo()).toBeNull()
  })

  it('reads /indices-info entries', async () => {
    const { fetchFn } = fakeFetch({
      '/indices-info': () =>
        json(
          '[{"name": "t", "modalities": ["text"], "vectors": {"text": 120}, "dimension": 512,' +
            ' "clip_model": "ViT-B/32", "metadata_columns": ["url", "caption"], "metadata_rows": 120,' +
            ' "filters": {"use_safety_model": true, "use_violence_detector": false, "aesthetic": false, "use_mclip": true}}]'
        )
    })
    const info = await new ClipService('http://back', fetchFn).indicesInfo()
    expect(info).toEqual([
      {
        name: 't',
        modalities: ['text'],
        vectors: { text: 120 },
        dimension: 512,
        clipModel: 'ViT-B/32',
        metadataColumns: ['url', 'caption'],
        metadataRows: 120,
        filters: { useSafetyModel: true, useViolenceDetector: false, aesthetic: false, useMclip: true }
      }
    ])
  })

  it("shows the back's error message on a 400", async () => {
    const { fetchFn } = fakeFetch({
      '/knn-service': () => json('{"error": "index \'x\' has no text.index"}', 400)
    })
    const service = new ClipService('http://back', fetchFn)
    const body = buildKnnRequest({ ...defaultState(''), index: 'x' }, [textTerm('cat')])
    await expect(service.knn(body)).rejects.toMatchObject({
      kind: 'http',
      status: 400,
      message: "index 'x' has no text.index"
    })
  })

  it('uses the status line when an error answer has no JSON error', async () => {
    const { fetchFn } = fakeFetch({
      '/knn-service': () => new Response('<h1>Internal Server Error</h1>', { status: 500, statusText: 'Internal Server Error' })
    })
    const body = buildKnnRequest(defaultState(''), [textTerm('cat')])
    await expect(new ClipService('http://back', fetchFn).knn(body)).rejects.toMatchObject({
      kind: 'http',
      message: '500 Internal Server Error'
    })
  })

  it('reports an unreachable back with its url', async () => {
    const fetchFn: FetchFn = async () => {
      throw new TypeError('Failed to fetch')
    }
    const error = await new ClipService('http://down:1', fetchFn).indicesList().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BackError)
    expect(error).toMatchObject({ kind: 'unreachable', message: 'Cannot reach the back at http://down:1: Failed to fetch' })
  })

  it('reports an aborted request as aborted', async () => {
    const fetchFn: FetchFn = async () => {
      throw new DOMException('The operation was aborted.', 'AbortError')
    }
    await expect(new ClipService('http://b', fetchFn).indicesList()).rejects.toMatchObject({ kind: 'aborted' })
  })

  it('posts the /knn-service body and keeps big ids exact', async () => {
    const { calls, fetchFn } = fakeFetch({
      '/knn-service': () => json('[{"caption": "id 9007199254740993", "id": 9007199254740993, "similarity": 0.3}]')
    })
    const body = buildKnnRequest(defaultState(''), [textTerm('cat')])
    const results = await new ClipService('http://back', fetchFn).knn(body)
    expect(results[0]).toEqual({ caption: 'id 9007199254740993', id: '9007199254740993', similarity: 0.3 })
    expect(calls[0]!.method).toBe('POST')
    expect(JSON.parse(calls[0]!.body!)).toEqual(body)
  })

  it('posts /metadata ids as bare JSON numbers', async () => {
    const { calls, fetchFn } = fakeFetch({
      '/metadata': () => json('[{"id": 123456789012345678901, "metadata": {"caption": "big"}}, {"id": 5, "metadata": {}}]')
    })
    const entries = await new ClipService('http://back', fetchFn).metadata(['123456789012345678901', '5'], 'idx')
    expect(calls[0]!.body).toBe('{"ids":[123456789012345678901,5],"indice_name":"idx"}')
    expect(entries).toEqual([
      { id: '123456789012345678901', metadata: { caption: 'big' } },
      { id: '5', metadata: {} }
    ])
  })

  it('refuses an answer that is not a list of results', async () => {
    const { fetchFn } = fakeFetch({ '/knn-service': () => json('{"oops": 1}') })
    const body = buildKnnRequest(defaultState(''), [textTerm('cat')])
    await expect(new ClipService('http://back', fetchFn).knn(body)).rejects.toMatchObject({ kind: 'invalid' })
  })
})

describe('loadConfig', () => {
  it('reads config.json', async () => {
    const { fetchFn, calls } = fakeFetch({
      'config.json': () => json('{"defaultBackend": "https://knn.laion.ai", "defaultIndex": "laion5B-H-14"}')
    })
    expect(await loadConfig('http://page', fetchFn)).toEqual({
      defaultBackend: 'https://knn.laion.ai',
      defaultIndex: 'laion5B-H-14',
      urlColumn: 'url'
    })
    expect(calls[0]!.url).toBe('config.json')
  })

  it("falls back to the page's origin when config.json is missing or broken", async () => {
    const expected = { defaultBackend: 'http://page', defaultIndex: '', urlColumn: 'url' }
    expect(await loadConfig('http://page', fakeFetch({}).fetchFn)).toEqual(expected)
    const broken = fakeFetch({ 'config.json': () => new Response('{not json') })
    expect(await loadConfig('http://page', broken.fetchFn)).toEqual(expected)
    const down: FetchFn = async () => Promise.reject(new TypeError('offline'))
    expect(await loadConfig('http://page', down)).toEqual(expected)
  })

  it('takes urlColumn from the config', async () => {
    const { fetchFn } = fakeFetch({ 'config.json': () => json('{"defaultBackend": "", "urlColumn": "link"}') })
    expect(await loadConfig('http://page', fetchFn)).toMatchObject({ defaultBackend: 'http://page', urlColumn: 'link' })
  })
})
