// Fast paths, before a layer's kernel runs: the image it filters, as f32 rows (linear light decoded, reduced to the
// luminance Y or one channel, alpha kept), as src/engine/layer.ts defines it. Pure: row ranges of shared buffers.
import { maxValue } from '../image'
import { effectiveChannels, singleChannel } from '../layer'
import { lookUp, LUMA_B, LUMA_G, LUMA_R, transferTables } from '../light'
import type { BitDepth, Channels, LayerChannels } from '../types'
import { SampleKind } from './backend'
import type { KindCode } from './plan'

/** What the filter input of a layer is made from; plain data. */
export interface LayerInputJob {
  readonly width: number
  readonly height: number
  /** Channels of the image entering the layer. */
  readonly channels: Channels
  readonly depth: BitDepth
  readonly srcKind: KindCode
  /** `rgb`, `luminance`, `r`, `g` or `b`, already reduced to `rgb` for grey images. */
  readonly select: LayerChannels
  readonly linear: boolean
}

/** Channels of the filter input: all of them for `rgb`, else one (plus alpha). */
export function layerInputChannels(channels: Channels, select: LayerChannels): Channels {
  if (select === 'rgb') return channels
  return channels === 2 || channels === 4 ? 2 : 1
}

/** The job for an image of `channels` entering a layer with these settings. */
export function layerInputJob(
  width: number,
  height: number,
  channels: Channels,
  depth: BitDepth,
  srcKind: KindCode,
  select: LayerChannels,
  linear: boolean
): LayerInputJob {
  const colours = channels === 2 || channels === 4 ? channels - 1 : channels
  return { width, height, channels, depth, srcKind, select: effectiveChannels(select, colours), linear }
}

/** A typed view of `buffer` from byte `offset` for samples of `kind`. */
export function samplesView(buffer: ArrayBufferLike, offset: number, kind: KindCode, length: number): Uint8Array | Uint16Array | Float32Array {
  if (kind === SampleKind.U8) return new Uint8Array(buffer, offset, length)
  if (kind === SampleKind.U16) return new Uint16Array(buffer, offset, length)
  return new Float32Array(buffer, offset, length)
}

/** Writes rows [r0, r1) of the filter input (f32, {@link layerInputChannels} per pixel) into `dst`. */
export function layerInputRows(
  job: LayerInputJob,
  src: ArrayBufferLike,
  srcOffset: number,
  dst: ArrayBufferLike,
  r0: number,
  r1: number
): void {
  const { width, channels, select, linear } = job
  const max = maxValue(job.depth)
  const outChannels = layerInputChannels(channels, select)
  const input = samplesView(src, srcOffset, job.srcKind, width * job.height * channels)
  const out = new Float32Array(dst, 0, width * job.height * outChannels)
  const alpha = channels === 2 || channels === 4
  const colours = alpha ? channels - 1 : channels
  const tables = transferTables(max)
  const whole = job.srcKind !== SampleKind.F32
  const decodeInt = tables.decodeInt
  const decodeTable = tables.decode
  const decode = (v: number): number => (whole ? decodeInt[v] : lookUp(decodeTable, v, max))
  const single = singleChannel(select)
  for (let r = r0; r < r1; r++) {
    let p = r * width * channels
    let q = r * width * outChannels
    const end = p + width * channels
    if (select === 'rgb') {
      for (; p < end; p += channels, q += channels) {
        for (let c = 0; c < colours; c++) out[q + c] = linear ? decode(input[p + c]) : input[p + c]
        if (alpha) out[q + colours] = input[p + colours]
      }
    } else if (single >= 0) {
      for (; p < end; p += channels, q += outChannels) {
        out[q] = linear ? decode(input[p + single]) : input[p + single]
        if (alpha) out[q + 1] = input[p + colours]
      }
    } else if (linear) {
      for (; p < end; p += channels, q += outChannels) {
        out[q] = LUMA_R * decode(input[p]) + LUMA_G * decode(input[p + 1]) + LUMA_B * decode(input[p + 2])
        if (alpha) out[q + 1] = input[p + colours]
      }
    } else {
      for (; p < end; p += channels, q += outChannels) {
        out[q] = LUMA_R * input[p] + LUMA_G * input[p + 1] + LUMA_B * input[p + 2]
        if (alpha) out[q + 1] = input[p + colours]
      }
    }
  }
}
