import { describe, expect, it } from 'vitest'
import { breakpointColumns, columnCount, gridLayout, visibleRows } from '../src/service/grid-layout'

const captions = { displayCaptions: true, displayFullCaptions: false, displaySimilarities: false }

describe('columns', () => {
  it("follows the original's breakpoints", () => {
    expect([400, 500, 700, 1000, 1300, 1600].map(breakpointColumns)).toEqual([3, 2, 4, 5, 7, 8])
  })

  it('never goes below the breakpoints for a normal container, and adds columns on 4K', () => {
    expect(columnCount(1000, 1280)).toBe(5)
    expect(columnCount(1300, 1600)).toBe(8)
    expect(columnCount(3500, 3840)).toBeGreaterThan(12)
  })

  it('keeps cards at least 60px wide on tiny containers', () => {
    expect(columnCount(150, 1600)).toBe(2)
  })
})

describe('gridLayout', () => {
  it('has a fixed row height per display mode', () => {
    const base = gridLayout(1000, 1280, captions)
    const full = gridLayout(1000, 1280, { ...captions, displayFullCaptions: true })
    const none = gridLayout(1000, 1280, { ...captions, displayCaptions: false })
    const sims = gridLayout(1000, 1280, { ...captions, displaySimilarities: true })
    expect(full.rowHeight).toBeGreaterThan(base.rowHeight)
    expect(none.rowHeight).toBeLessThan(base.rowHeight)
    expect(sims.rowHeight).toBe(base.rowHeight + 20)
    expect(base.cardWidth * base.columns).toBeLessThanOrEqual(1000)
  })
})

describe('visibleRows', () => {
  it('renders the rows on screen plus overscan, never beyond the grid', () => {
    expect(visibleRows(100, 800, 200, 75)).toEqual({ firstRow: 0, endRow: 6 })
    expect(visibleRows(-10000, 800, 200, 75)).toEqual({ firstRow: 48, endRow: 56 })
    expect(visibleRows(-100000, 800, 200, 75)).toEqual({ firstRow: 75, endRow: 75 })
    expect(visibleRows(0, 800, 200, 0)).toEqual({ firstRow: 0, endRow: 0 })
  })
})
