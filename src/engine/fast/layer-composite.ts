// Fast paths, after a layer's kernel ran: the filtered layer rebuilt from the kernel's output (luminance change added
// to R, G, B, one channel put back, linear light encoded), blended with the image entering the layer, weighted by
// opacity and mask, and stored (f32 between filters, rounded integers after the last). Computes what
// src/engine/layer.ts defines, on row ranges of shared buffers, with no allocation per pixel.
import { isNonSeparable, SEPARABLE_BLENDS, setLum, lum, type BlendMode } from '../blend'
import { TRANSPARENT_ALPHA } from '../convolve'
import { maxValue } from '../image'
import { singleChannel } from '../layer'
import { lookUp, LUMA_B, LUMA_G, LUMA_R, transferTables } from '../light'
import { maskRow, type MaskPlan } from '../mask'
import type { BitDepth, Channels, LayerChannels } from '../types'
import { SampleKind, type Kernels } from './backend'
import { blendRgbRow } from './blend-rows'
import { isRgb8Composite, rgb8CompositeRows } from './layer-rgb8'
import { samplesView } from './layer-input'
import type { SharedMaskRows } from './mask-rows'
import type { KindCode } from './plan'

/** Everything the composite of one layer needs; plain data. */
export interface LayerCompositeJob {
  readonly outWidth: number
  readonly outHeight: number
  readonly channels: Channels
  readonly depth: BitDepth
  /** The image entering the layer (the backdrop, before alignment). */
  readonly srcKind: KindCode
  readonly srcWidth: number
  readonly srcHeight: number
  /** Source row / column under the kernel centre of each output row / column; -1 for a zero border. */
  readonly alignedRows: Int32Array
  readonly alignedCols: Int32Array
  /** `rgb`, `luminance`, `r`, `g` or `b` (grey images: `rgb`). */
  readonly select: LayerChannels
  readonly linear: boolean
  readonly blend: BlendMode
  readonly opacity: number
  /** Channels per pixel of the kernel's output. */
  readonly filteredChannels: number
  readonly mask: MaskPlan | null
  /** The mask's rows the threads share between runs (mask-rows.ts; 8-bit RGB blended in the kernels), or null. */
  readonly maskRows: SharedMaskRows | null
  readonly dstKind: KindCode
  /** Output samples scale to the target depth. */
  readonly scale: number
}

/** The buffers of a composite: the backdrop's source, the kernel's f32 output and the destination. */
export interface LayerCompositeIO {
  readonly src: ArrayBufferLike
  readonly srcOffset: number
  readonly filtered: ArrayBufferLike
  readonly dst: ArrayBufferLike
  readonly dstOffset: number
}

/** Writes output rows [r0, r1) of the layer; `kernels`: the calling thread's row-task kernels (see runRowTask). */
export function layerCompositeRows(job: LayerCompositeJob, io: LayerCompositeIO, r0: number, r1: number, kernels: Kernels): void {
  if (isRgb8Composite(job)) return rgb8CompositeRows(job, io, r0, r1, kernels)
  const { outWidth: width, channels: C, select, linear, blend, opacity, mask, scale } = job
  const max = maxValue(job.depth)
  const inv = 1 / max
  const alpha = C === 2 || C === 4
  const colours = alpha ? C - 1 : C
  const fC = job.filteredChannels
  const src = samplesView(io.src, io.srcOffset, job.srcKind, job.srcWidth * job.srcHeight * C)
  const filtered = new Float32Array(io.filtered, 0, width * job.outHeight * fC)
  const total = width * job.outHeight * C
  const dstF32 = job.dstKind === SampleKind.F32 ? new Float32Array(io.dst, io.dstOffset, total) : null
  const dstInt = dstF32 ? null : (samplesView(io.dst, io.dstOffset, job.dstKind, total) as Uint8Array | Uint16Array)
  const outMax = job.dstKind === SampleKind.U16 ? 65535 : 255
  const tables = transferTables(max)
  const whole = job.srcKind !== SampleKind.F32
  const decodeInt = tables.decodeInt
  const decodeTable = tables.decode
  const encodeTable = tables.encode
  const single = singleChannel(select)
  const separable = isNonSeparable(blend) ? null : SEPARABLE_BLENDS[blend as keyof typeof SEPARABLE_BLENDS]
  const normal = blend === 'normal'

  const back = new Float32Array(width * C)
  const rowSource = new Float64Array(width * C)
  const source = new Float64Array(4)
  const blended = new Float64Array(4)
  const rgb = new Float64Array(3)
  const maskValues = mask ? new Float32Array(width) : null
  const luminanceRow = mask?.needsLuminance ? new Float32Array(width) : null
  const coarse = mask?.coarse ? new Float32Array(mask.coarse.width) : null
  const { alignedRows, alignedCols } = job
  const rowSamples = job.srcWidth * C
  // 'same' mode reads whole input rows: one native typed-array copy per row instead of a loop per sample.
  const wholeRows = width === job.srcWidth && alignedCols.every((sc, x) => sc === x)

  for (let r = r0; r < r1; r++) {
    // The backdrop row: the input under the kernel centre (the input row itself in 'same' mode).
    const sr = alignedRows[r]
    if (wholeRows && sr >= 0) {
      back.set(src.subarray(sr * rowSamples, (sr + 1) * rowSamples))
    } else {
      for (let x = 0, o = 0; x < width; x++, o += C) {
        const sc = alignedCols[x]
        if (sr < 0 || sc < 0) {
          for (let c = 0; c < C; c++) back[o + c] = 0
        } else {
          const s = sr * rowSamples + sc * C
          for (let c = 0; c < C; c++) back[o + c] = src[s + c]
        }
      }
    }
    if (maskValues) {
      if (luminanceRow) {
        for (let x = 0, o = 0; x < width; x++, o += C) {
          luminanceRow[x] = (colours >= 3 ? LUMA_R * back[o] + LUMA_G * back[o + 1] + LUMA_B * back[o + 2] : back[o]) * inv
        }
      }
      maskRow(mask as MaskPlan, r, maskValues, luminanceRow, coarse)
    }
    const rowStart = r * width
    if (C === 3 && !linear) {
      const out = dstF32 ?? (dstInt as Uint8Array | Uint16Array)
      rgbRow(width, back, filtered, rowStart * fC, single, select === 'luminance', blend, rowSource, opacity, maskValues, out, rowStart * 3, max, dstF32 ? 0 : scale)
      continue
    }
    for (let x = 0, o = 0; x < width; x++, o += C) {
      const k = maskValues ? opacity * maskValues[x] : opacity
      const d = (rowStart + x) * C
      const f = (rowStart + x) * fC
      if (k === 0) {
        // Outside the mask: the backdrop, bit for bit.
        for (let c = 0; c < C; c++) blended[c] = back[o + c]
      } else {
        // The filtered layer (straight colour, clamped).
        if (select === 'rgb') {
          for (let c = 0; c < colours; c++) {
            const v = filtered[f + c]
            source[c] = linear ? lookUp(encodeTable, v, max) : v < 0 ? 0 : v > max ? max : v
          }
        } else if (single >= 0) {
          for (let c = 0; c < colours; c++) source[c] = back[o + c]
          source[single] = linear ? lookUp(encodeTable, filtered[f], max) : filtered[f]
        } else if (linear) {
          const l0 = whole ? decodeInt[back[o]] : lookUp(decodeTable, back[o], max)
          const l1 = whole ? decodeInt[back[o + 1]] : lookUp(decodeTable, back[o + 1], max)
          const l2 = whole ? decodeInt[back[o + 2]] : lookUp(decodeTable, back[o + 2], max)
          const delta = filtered[f] - (LUMA_R * l0 + LUMA_G * l1 + LUMA_B * l2)
          source[0] = lookUp(encodeTable, l0 + delta, max)
          source[1] = lookUp(encodeTable, l1 + delta, max)
          source[2] = lookUp(encodeTable, l2 + delta, max)
        } else {
          const delta = filtered[f] - (LUMA_R * back[o] + LUMA_G * back[o + 1] + LUMA_B * back[o + 2])
          for (let c = 0; c < 3; c++) {
            const v = back[o + c] + delta
            source[c] = v < 0 ? 0 : v > max ? max : v
          }
        }
        // Blend with the backdrop (mixed by its alpha, as the specification does), then weigh by k.
        const ab = alpha ? back[o + colours] * inv : 1
        if (normal) {
          for (let c = 0; c < colours; c++) blended[c] = source[c]
        } else if (separable) {
          for (let c = 0; c < colours; c++) {
            const s = source[c]
            blended[c] = s + ab * (separable(back[o + c] * inv, s * inv) * max - s)
          }
        } else if (colours >= 3) {
          const b0 = back[o] * inv
          const b1 = back[o + 1] * inv
          const b2 = back[o + 2] * inv
          const s0 = source[0] * inv
          const s1 = source[1] * inv
          const s2 = source[2] * inv
          if (blend === 'luminosity') setLum(b0, b1, b2, lum(s0, s1, s2), rgb)
          else setLum(s0, s1, s2, lum(b0, b1, b2), rgb)
          for (let c = 0; c < 3; c++) blended[c] = source[c] + ab * (rgb[c] * max - source[c])
        } else {
          blended[0] = blend === 'luminosity' ? source[0] : source[0] + ab * (back[o] - source[0])
        }
        if (alpha) blended[colours] = filtered[f + fC - 1]
        for (let c = 0; c < C; c++) {
          const v = back[o + c] * (1 - k) + blended[c] * k
          blended[c] = v < 0 ? 0 : v > max ? max : v
        }
      }
      if (alpha && blended[colours] < TRANSPARENT_ALPHA) for (let c = 0; c < colours; c++) blended[c] = 0
      if (dstF32) {
        for (let c = 0; c < C; c++) dstF32[d + c] = blended[c]
      } else {
        const out = dstInt as Uint8Array | Uint16Array
        for (let c = 0; c < C; c++) {
          const v = Math.round(blended[c] * scale)
          out[d + c] = v > outMax ? outMax : v
        }
      }
    }
  }
}

/**
 * One row of an RGB layer on stored values in three tight loops (the common case, several times faster than the
 * general loop above, with the same arithmetic): the filtered layer into `source`, the blend mode over the whole
 * row, then the weighted mix stored. `scale` 0 stores floats as they are.
 */
function rgbRow(
  width: number,
  back: Float32Array,
  filtered: Float32Array,
  f0: number,
  single: number,
  luma: boolean,
  blend: BlendMode,
  source: Float64Array,
  opacity: number,
  mask: Float32Array | null,
  out: Uint8Array | Uint16Array | Float32Array,
  d0: number,
  max: number,
  scale: number
): void {
  const n = width * 3
  if (luma) {
    for (let o = 0, f = f0; o < n; o += 3, f++) {
      const br = back[o]
      const bg = back[o + 1]
      const bb = back[o + 2]
      const delta = filtered[f] - (LUMA_R * br + LUMA_G * bg + LUMA_B * bb)
      const sr = br + delta
      const sg = bg + delta
      const sb = bb + delta
      source[o] = sr < 0 ? 0 : sr > max ? max : sr
      source[o + 1] = sg < 0 ? 0 : sg > max ? max : sg
      source[o + 2] = sb < 0 ? 0 : sb > max ? max : sb
    }
  } else if (single >= 0) {
    for (let o = 0; o < n; o++) source[o] = back[o]
    for (let o = single, f = f0; o < n; o += 3, f++) source[o] = filtered[f]
  } else {
    for (let o = 0, f = f0; o < n; o++, f++) source[o] = filtered[f]
  }
  blendRgbRow(blend, back, source, n, max)
  for (let x = 0, o = 0, d = d0; x < width; x++, o += 3, d += 3) {
    const k = mask ? opacity * mask[x] : opacity
    const j = 1 - k
    let r = back[o] * j + source[o] * k
    let g = back[o + 1] * j + source[o + 1] * k
    let b = back[o + 2] * j + source[o + 2] * k
    r = r < 0 ? 0 : r > max ? max : r
    g = g < 0 ? 0 : g > max ? max : g
    b = b < 0 ? 0 : b > max ? max : b
    if (scale === 0) {
      out[d] = r
      out[d + 1] = g
      out[d + 2] = b
    } else {
      // r, g, b are in 0..max, so + 0.5 then the store's truncation rounds half up, as Math.round does, and
      // stays within 0..outMax (measurably faster here than Math.round and a clamp).
      out[d] = r * scale + 0.5
      out[d + 1] = g * scale + 0.5
      out[d + 2] = b * scale + 0.5
    }
  }
}
