// Fast paths, before a layer's kernel runs: the image it filters, as f32 rows (linear light decoded, reduced to the
// luminance Y or one channel, alpha kept), as src/engine/layer.ts defines it. Pure: row ranges of shared buffers.
import { maxValue } from '../image'
import { effectiveChannels, singleChannel } from '../layer'
import { lookUp, LUMA_B, LUMA_G, LUMA_R, transferTables } from '../light'
import type { BitDepth, Channels, LayerChannels } from '../types'
import { alignUp, BLOCK_SLACK, SampleKind, type Kernels } from './backend'
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

/**
 * Writes rows [r0, r1) of the filter input (f32, {@link layerInputChannels} per pixel) into `dst`; `kernels`: the
 * calling thread's row-task kernels (see runRowTask).
 */
export function layerInputRows(
  job: LayerInputJob,
  src: ArrayBufferLike,
  srcOffset: number,
  dst: ArrayBufferLike,
  r0: number,
  r1: number,
  kernels: Kernels
): void {
  if (job.srcKind === SampleKind.U8 && job.channels === 3) return rgb8InputRows(job, src, srcOffset, dst, r0, r1, kernels)
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

/** {@link layerInputRows} for 8-bit RGB (a photo entering its first filter), with monomorphic arrays. */
function rgb8InputRows(
  job: LayerInputJob,
  src: ArrayBufferLike,
  srcOffset: number,
  dst: ArrayBufferLike,
  r0: number,
  r1: number,
  kernels: Kernels
): void {
  const { width, select, linear } = job
  const outChannels = select === 'rgb' ? 3 : 1
  const input = new Uint8Array(src, srcOffset, width * job.height * 3)
  const out = new Float32Array(dst, 0, width * job.height * outChannels)
  const decode = transferTables(255).decodeInt
  const single = singleChannel(select)
  const end = r1 * width * 3
  if (select === 'rgb' && linear) {
    // Every sample through the decode table: the kernels' decodeU8 on chunks copied into their memory.
    const samples = Math.min(LUMA_CHUNK * 3, end - r0 * width * 3)
    const table = alignUp(kernels.heapBase, 64)
    const from = alignUp(table + 256 * 4 + BLOCK_SLACK, 64)
    const to = alignUp(from + samples + BLOCK_SLACK, 64)
    kernels.ensure(to + samples * 4 + BLOCK_SLACK)
    const heapU8 = new Uint8Array(kernels.buffer())
    const heapF32 = new Float32Array(kernels.buffer())
    heapF32.set(decode, table >> 2)
    for (let p = r0 * width * 3; p < end; p += samples) {
      const m = Math.min(samples, end - p)
      heapU8.set(input.subarray(p, p + m), from)
      kernels.decodeU8(to, from, m, table)
      out.set(heapF32.subarray(to >> 2, (to >> 2) + m), p)
    }
  } else if (select === 'rgb') {
    for (let p = r0 * width * 3; p < end; p++) out[p] = input[p]
  } else if (single >= 0) {
    for (let p = r0 * width * 3 + single, q = r0 * width; p < end; p += 3, q++) out[q] = linear ? decode[input[p]] : input[p]
  } else if (linear) {
    for (let p = r0 * width * 3, q = r0 * width; p < end; p += 3, q++) {
      out[q] = LUMA_R * decode[input[p]] + LUMA_G * decode[input[p + 1]] + LUMA_B * decode[input[p + 2]]
    }
  } else {
    // Y of stored values: the kernels' lumaRgb8 (SIMD) on chunks copied into their memory.
    const chunk = Math.min(LUMA_CHUNK, (r1 - r0) * width)
    const from = alignUp(kernels.heapBase, 64)
    const to = alignUp(from + chunk * 3 + BLOCK_SLACK, 64)
    kernels.ensure(to + chunk * 4 + BLOCK_SLACK)
    const heapU8 = new Uint8Array(kernels.buffer())
    const heapF32 = new Float32Array(kernels.buffer())
    for (let q = r0 * width; q < r1 * width; q += chunk) {
      const m = Math.min(chunk, r1 * width - q)
      heapU8.set(input.subarray(q * 3, (q + m) * 3), from)
      kernels.lumaRgb8(to, from, m)
      out.set(heapF32.subarray(to >> 2, (to >> 2) + m), q)
    }
  }
}

/** Pixels per lumaRgb8 call: its buffers stay in the L2 cache. */
const LUMA_CHUNK = 16384
