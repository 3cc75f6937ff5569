import { describe, expect, it } from 'vitest'
import type { IndexInfo } from '../src/service/clip-service'
import { adjustToIndex, indexCapabilities } from '../src/service/index-capabilities'
import { defaultState } from '../src/service/ui-state'

function info(name: string, modalities: ('image' | 'text')[], useMclip = false): IndexInfo {
  return {
    name,
    modalities,
    vectors: {},
    dimension: 512,
    clipModel: 'ViT-B/32',
    metadataColumns: [],
    metadataRows: 0,
    filters: { useSafetyModel: false, useViolenceDetector: false, aesthetic: false, useMclip }
  }
}

const infos = [info('both', ['image', 'text']), info('text_only', ['text']), info('multi', ['image'], true)]

describe('indexCapabilities', () => {
  it('enables everything, mclip shown, without /indices-info (the original back)', () => {
    expect(indexCapabilities(null, 'anything')).toEqual({ modalities: { image: true, text: true }, showMclip: true })
  })

  it('disables a modality the index lacks and shows mclip only where offered', () => {
    expect(indexCapabilities(infos, 'text_only')).toEqual({ modalities: { image: false, text: true }, showMclip: false })
    expect(indexCapabilities(infos, 'multi')).toEqual({ modalities: { image: true, text: false }, showMclip: true })
  })
})

describe('adjustToIndex', () => {
  const state = { ...defaultState(''), index: 'text_only', useMclip: true }

  it('switches a text-only index to text and turns mclip off', () => {
    expect(adjustToIndex(state, infos)).toMatchObject({ modality: 'text', useMclip: false })
  })

  it('changes nothing without /indices-info', () => {
    expect(adjustToIndex(state, null)).toBe(state)
  })

  it('keeps the settings object when they fit the index', () => {
    const fine = { ...defaultState(''), index: 'both' }
    expect(adjustToIndex(fine, infos)).toBe(fine)
  })
})
