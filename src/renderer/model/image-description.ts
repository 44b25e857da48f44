// Runs in the renderer (pure, unit-tested in Node): how the status bar describes an image and its pixels.
import type { Channels } from '../../engine/types'
import type { ImageInfo } from '../../contract/api'

/** Channel names for pixel readouts: `L`, `L A`, `R G B`, `R G B A`. */
export function channelNames(channels: Channels): readonly string[] {
  switch (channels) {
    case 1:
      return ['L']
    case 2:
      return ['L', 'A']
    case 3:
      return ['R', 'G', 'B']
    default:
      return ['R', 'G', 'B', 'A']
  }
}

/** A short description such as `8-bit RGB` or `16-bit grey + alpha`. */
export function describeImage(info: Pick<ImageInfo, 'channels' | 'depth'>): string {
  const kind = ['grey', 'grey + alpha', 'RGB', 'RGBA'][info.channels - 1] ?? `${info.channels} channels`
  return `${info.depth}-bit ${kind}`
}

/** Megapixels with one decimal, e.g. `24.2 MP`; '' for images under 0.1 MP, where the number says nothing. */
export function megapixels(width: number, height: number): string {
  const mp = (width * height) / 1e6
  return mp >= 0.1 ? `${mp.toFixed(1)} MP` : ''
}
