import { describe, expect, it } from 'vitest'
import { MetadataPager } from '../src/service/metadata-pager'
import type { MetadataEntry } from '../src/service/results'

const ids = Array.from({ length: 100 }, (_, i) => String(1000 + i))

function recordingFetcher() {
  const calls: string[][] = []
  const fetcher = async (page: string[]): Promise<MetadataEntry[]> => {
    calls.push(page)
    return page.map((id) => ({ id, metadata: { caption: `c${id}` } }))
  }
  return { calls, fetcher }
}

describe('MetadataPager', () => {
  it('asks for the ids after the first num_images, a page at a time, in rank order', async () => {
    const pager = new MetadataPager(ids, 40, 40)
    const { calls, fetcher } = recordingFetcher()
    expect(pager.nextIds()).toEqual(ids.slice(40, 80))
    await pager.loadNext(fetcher)
    await pager.loadNext(fetcher)
    expect(calls).toEqual([ids.slice(40, 80), ids.slice(80, 100)])
    expect(pager.done).toBe(true)
    expect(await pager.loadNext(fetcher)).toBeNull()
    expect(calls).toHaveLength(2)
  })

  it('runs one fetch at a time', async () => {
    const pager = new MetadataPager(ids, 40, 40)
    let release: () => void = () => {}
    let started = 0
    const slow = (page: string[]) =>
      new Promise<MetadataEntry[]>((resolve) => {
        started++
        release = () => resolve(page.map((id) => ({ id, metadata: {} })))
      })
    const first = pager.loadNext(slow)
    expect(pager.busy).toBe(true)
    expect(await pager.loadNext(slow)).toBeNull()
    expect(started).toBe(1)
    release()
    expect(await first).toHaveLength(40)
    expect(pager.busy).toBe(false)
    expect(pager.loaded).toBe(80)
  })

  it('retries the same page after a failure', async () => {
    const pager = new MetadataPager(ids, 40, 40)
    await expect(pager.loadNext(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    expect(pager.busy).toBe(false)
    expect(pager.nextIds()).toEqual(ids.slice(40, 80))
  })

  it('is done at once when every result came with metadata', () => {
    expect(new MetadataPager(ids.slice(0, 10), 10, 40).done).toBe(true)
    expect(new MetadataPager([], 0, 40).done).toBe(true)
  })

  it('uses the page size it is given', async () => {
    const pager = new MetadataPager(ids, 10, 25)
    const { calls, fetcher } = recordingFetcher()
    await pager.loadNext(fetcher)
    expect(calls[0]).toEqual(ids.slice(10, 35))
  })
})
