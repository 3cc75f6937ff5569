// What the selected index offers, from /indices-info (new endpoint of our back). Without it (the
// original back answers 404) everything stays available, as in the original front.

import type { IndexInfo } from './clip-service'
import type { Modality, SearchSettings } from './ui-state'

export interface IndexCapabilities {
  modalities: Record<Modality, boolean> // false: the option is shown disabled
  showMclip: boolean // the "Search with multilingual clip" toggle
}

// `indicesInfo` null: the back has no /indices-info.
export function indexCapabilities(indicesInfo: readonly IndexInfo[] | null, index: string): IndexCapabilities {
  if (indicesInfo === null) return { modalities: { image: true, text: true }, showMclip: true }
  const info = indicesInfo.find((i) => i.name === index)
  if (info === undefined) return { modalities: { image: true, text: true }, showMclip: false }
  return {
    modalities: { image: info.modalities.includes('image'), text: info.modalities.includes('text') },
    showMclip: info.filters.useMclip
  }
}

// The settings adjusted to the index: a modality it lacks is switched to one it has, and
// multilingual clip is turned off where it is not offered. Returns `settings` itself when
// nothing changes.
export function adjustToIndex<S extends SearchSettings>(settings: S, indicesInfo: readonly IndexInfo[] | null): S {
  const caps = indexCapabilities(indicesInfo, settings.index)
  let modality = settings.modality
  if (!caps.modalities[modality]) {
    const other: Modality = modality === 'image' ? 'text' : 'image'
    if (caps.modalities[other]) modality = other
  }
  const useMclip = settings.useMclip && caps.showMclip
  if (modality === settings.modality && useMclip === settings.useMclip) return settings
  return { ...settings, modality, useMclip }
}
