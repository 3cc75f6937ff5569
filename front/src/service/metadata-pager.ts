// Infinite scroll's metadata paging (spec §5.2): the first num_images results come with their
// metadata; the rest are fetched from /metadata a page of num_images ids at a time, in rank
// order, one fetch at a time.

import type { MetadataEntry } from './results'

export type MetadataFetcher = (ids: string[]) => Promise<MetadataEntry[]>

export class MetadataPager {
  private readonly ids: readonly string[]
  private readonly pageSize: number
  private next: number // position of the first id without metadata
  private inFlight = false

  // `ids` in rank order; the first `loaded` of them already have metadata.
  constructor(ids: readonly string[], loaded: number, pageSize: number) {
    this.ids = ids
    this.pageSize = Math.max(1, pageSize)
    this.next = Math.min(Math.max(0, loaded), ids.length)
  }

  // True when every id has its metadata.
  get done(): boolean {
    return this.next >= this.ids.length
  }

  get busy(): boolean {
    return this.inFlight
  }

  // How many ids have their metadata.
  get loaded(): number {
    return this.next
  }

  get total(): number {
    return this.ids.length
  }

  // The ids the next page asks for (empty when done).
  nextIds(): string[] {
    return this.ids.slice(this.next, this.next + this.pageSize)
  }

  // Fetches the next page. Returns its entries, or null without fetching when done or when a
  // fetch is already running. A failed fetch leaves the position unchanged (the next call retries
  // the same page) and rethrows.
  async loadNext(fetcher: MetadataFetcher): Promise<MetadataEntry[] | null> {
    if (this.inFlight || this.done) return null
    this.inFlight = true
    const ids = this.nextIds()
    try {
      const entries = await fetcher(ids)
      this.next += ids.length
      return entries
    } finally {
      this.inFlight = false
    }
  }
}
