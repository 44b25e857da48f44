// Fast paths: the composite of a layer on 8-bit RGB in and out (a photo, and the last filter of its stack: the common
// case). The general loops of layer-composite.ts handle every other layout; this computes the same formulas
// (src/engine/layer.ts) per row: the pixels the mask leaves out at either end are the backdrop's bytes copied (bit
// for bit), the others go through the kernels' compositeRgb8 (WebAssembly SIMD, f32, src/wasm/layers.ts), or, for
// the blend modes it lacks (soft-light, color-dodge, color-burn), through f64 loops here.
import type { BlendMode } from '../blend'
import { lookUp, LUMA_B, LUMA_G, LUMA_R, transferTables } from '../light'
import { makeCoarseRow, maskRow, type CoarseMask, type MaskSpan } from '../mask'
import { alignUp, BLOCK_SLACK, SampleKind, type Kernels } from './backend'
import { blendRgbRow } from './blend-rows'
import type { LayerCompositeIO, LayerCompositeJob } from './layer-composite'
import { readSharedRow, writeSharedRow } from './mask-rows'

/** True when {@link rgb8CompositeRows} computes `job`: 3 channels, 8-bit backdrop and result at the same depth. */
export function isRgb8Composite(job: LayerCompositeJob): boolean {
  return job.channels === 3 && job.srcKind === SampleKind.U8 && job.dstKind === SampleKind.U8 && job.depth === 8 && job.scale === 1
}

/** Blend codes of the kernels' compositeRgb8 (src/wasm/layers.ts); other modes take the rows below. */
const KERNEL_BLENDS: readonly BlendMode[] = [
  'normal',
  'multiply',
  'screen',
  'overlay',
  'darken',
  'lighten',
  'difference',
  'exclusion',
  'hard-light',
  'luminosity',
  'color'
]

/** The blend code of compositeRgb8 for `blend`, or -1 where the f64 rows below compute it. */
export function kernelBlendCode(blend: BlendMode): number {
  return KERNEL_BLENDS.indexOf(blend)
}

/**
 * What composites the rows of a band, set up once per band: the row buffers in the kernels' memory (null where
 * the f64 rows below blend), the mask row and its per-row state. layer-fused.ts makes its rows in the same memory.
 */
export interface Rgb8Rows {
  readonly job: LayerCompositeJob
  readonly kernels: Kernels
  readonly heap: KernelRows | null
  readonly code: number
  /** The mask row (in the kernels' memory with `heap`), or null without a mask. */
  readonly maskValues: Float32Array | null
  readonly luminance: Float32Array | null
  readonly coarse: Float32Array | null
  /** The pixels of the last row the layer changes, [start, end), the mask being 1 in [onesStart, onesEnd). */
  readonly span: MaskSpan
}

/**
 * Sets up {@link Rgb8Rows} for `job`; with `base` (a byte offset in the kernels' memory), the row buffers from
 * there, for a kernel output of `fC` f32 per pixel (and linear light's `encodeTable`, if any). Makes the memory fit.
 */
export function rgb8Rows(job: LayerCompositeJob, kernels: Kernels, base: number | null, fC: number, encodeTable: Float64Array | null): Rgb8Rows {
  const mask = job.mask
  const grid = mask?.coarse && !mask.invert ? mask.coarse : null
  const heap = base === null ? null : kernelRows(kernels, base, job.outWidth, fC, grid, encodeTable)
  return {
    job,
    kernels,
    heap,
    code: kernelBlendCode(job.blend),
    maskValues: heap ? heap.mask : mask ? new Float32Array(job.outWidth) : null,
    luminance: mask?.needsLuminance ? new Float32Array(job.outWidth) : null,
    coarse: heap?.grid ? heap.grid.values : mask?.coarse ? new Float32Array(mask.coarse.width) : null,
    span: { start: 0, end: 0, onesStart: 0, onesEnd: 0 }
  }
}

/**
 * The pixels of output row `r` the layer changes (outside them opacity x mask is 0, and the backdrop is copied),
 * the backdrop row being the bytes of `back` from `b0`; the row's mask goes into rows.maskValues (in the kernels'
 * memory, only its values where it is neither 0 nor 1 are sure to be there: a feathered mask's, and a row of the
 * job's shared mask rows).
 */
export function rgb8RowSpan(rows: Rgb8Rows, r: number, back: Uint8Array, b0: number): MaskSpan {
  const { job, heap, luminance, coarse, span, maskValues } = rows
  const { mask, outWidth: width } = job
  span.start = 0
  span.end = job.opacity === 0 ? 0 : width
  span.onesStart = 0
  span.onesEnd = mask ? 0 : span.end
  if (!mask || !maskValues || span.end === 0) return span
  // A row some thread has made before (this run or an earlier one) is copied.
  const shared = heap ? job.maskRows : null
  if (shared && readSharedRow(shared, r, span, maskValues)) return span
  if (luminance) {
    for (let x = 0, o = b0; x < width; x++, o += 3) luminance[x] = (LUMA_R * back[o] + LUMA_G * back[o + 1] + LUMA_B * back[o + 2]) / 255
  }
  if (heap?.grid && mask.coarse && coarse) gridRow(rows, heap, heap.grid, mask.coarse, r)
  else maskRow(mask, r, maskValues, luminance, coarse, span)
  if (shared) writeSharedRow(shared, r, span, maskValues)
  return span
}

/**
 * Row `r` of a feathered mask in the kernels' memory: its span, and its values where it is neither 0 nor 1,
 * interpolated from the grid's row (not kept per thread: the job's shared rows keep the row itself).
 */
function gridRow(rows: Rgb8Rows, heap: KernelRows, grid: NonNullable<KernelRows['grid']>, coarse: CoarseMask, r: number): void {
  const { job, kernels, span } = rows
  makeCoarseRow(coarse, job.outWidth, r, grid.values, span)
  const lerp = (from: number, to: number): void => {
    if (to > from) kernels.lerpMask(heap.maskPtr + from * 4, grid.line, grid.cells, grid.col0 + from * 4, grid.colT + from * 4, to - from)
  }
  lerp(span.start, span.onesStart)
  lerp(span.onesEnd, span.end)
}

/**
 * The kernels' compositeRgb8 over the span's pixels, reading the mask only where it is not 1. The buffers (in
 * the kernels' memory) hold pixel `origin` at `dst`, `back`, `filtered` (`fC` f32 per pixel; `pick` is
 * compositeRgb8's select) and `luma` (the backdrop's Y, or 0 where compositeRgb8 computes it).
 */
export function rgb8RowParts(
  rows: Rgb8Rows,
  span: MaskSpan,
  origin: number,
  dst: number,
  back: number,
  filtered: number,
  fC: number,
  pick: number,
  luma: number
): void {
  const { kernels, code } = rows
  const heap = rows.heap as KernelRows
  const opacity = rows.job.opacity
  const part = (from: number, to: number, masked: boolean): void => {
    if (to <= from) return
    const at = from - origin
    const maskPtr = masked ? heap.maskPtr + from * 4 : 0
    kernels.compositeRgb8(dst + at * 3, back + at * 3, filtered + at * fC * 4, pick, luma && luma + at * 4, maskPtr, opacity, code, to - from)
  }
  part(span.start, span.onesStart, true)
  part(span.onesStart, span.onesEnd, false)
  part(span.onesEnd, span.end, true)
}

/** Writes output rows [r0, r1) of an 8-bit RGB layer (see {@link isRgb8Composite}); `kernels` as in runRowTask. */
export function rgb8CompositeRows(job: LayerCompositeJob, io: LayerCompositeIO, r0: number, r1: number, kernels: Kernels): void {
  const { outWidth: width, select, alignedRows, alignedCols } = job
  const n = width * 3
  const fC = job.filteredChannels
  const rowSamples = job.srcWidth * 3
  const src = new Uint8Array(io.src, io.srcOffset, job.srcHeight * rowSamples)
  const dst = new Uint8Array(io.dst, io.dstOffset, job.outHeight * n)
  const filtered = new Float32Array(io.filtered, 0, width * job.outHeight * fC)
  const gathered = new Uint8Array(n)
  const luma = select === 'luminance'
  const single = select === 'r' ? 0 : select === 'g' ? 1 : select === 'b' ? 2 : -1
  // The kernels' compositeRgb8 on rows copied into their memory; the other modes: the rows below. In linear light
  // the filtered layer is encoded first (by the kernels' encodeLinear for rgb, by linearSourceRow for Y or one
  // channel) and goes to compositeRgb8 as straight R, G, B. A feathered mask (not inverted) is made in the
  // kernels' memory from its grid's rows (see lerpMask).
  const light = job.linear ? transferTables(255) : null
  const sourceChannels = light ? 3 : fC
  const kernelBlend = kernelBlendCode(job.blend) >= 0
  const set = rgb8Rows(job, kernels, kernelBlend ? alignUp(kernels.heapBase, 64) : null, sourceChannels, kernelBlend && light && !luma && single < 0 ? light.encode : null)
  const heap = set.heap
  const rows = heap && !(light && (luma || single >= 0)) ? null : { back: new Float32Array(n), source: new Float64Array(n) }
  // 'same' mode reads whole input rows in place.
  const wholeRows = width === job.srcWidth && alignedCols.every((sc, x) => sc === x)

  for (let r = r0; r < r1; r++) {
    // The backdrop row: the input under the kernel centre (zero outside a zero border).
    const sr = alignedRows[r]
    let back = src
    let b0 = sr * rowSamples
    if (!wholeRows || sr < 0) {
      back = gathered
      b0 = 0
      for (let x = 0, o = 0; x < width; x++, o += 3) {
        const sc = alignedCols[x]
        const s = sr * rowSamples + sc * 3
        const inside = sr >= 0 && sc >= 0
        gathered[o] = inside ? src[s] : 0
        gathered[o + 1] = inside ? src[s + 1] : 0
        gathered[o + 2] = inside ? src[s + 2] : 0
      }
    }
    const span = rgb8RowSpan(set, r, back, b0)
    const x0 = span.start
    const x1 = span.end
    const d0 = r * n
    if (x0 > 0) dst.set(back.subarray(b0, b0 + x0 * 3), d0)
    if (x1 < width) dst.set(back.subarray(b0 + x1 * 3, b0 + n), d0 + x1 * 3)
    if (x1 === x0) continue
    const f0 = r * width * fC
    if (heap) {
      const m = x1 - x0
      heap.u8.set(back.subarray(b0 + x0 * 3, b0 + x1 * 3), heap.back)
      let pick = luma ? -1 : single < 0 ? 3 : single
      if (light && rows) {
        const { back: b32, source } = rows
        for (let i = 0; i < n; i++) b32[i] = back[b0 + i]
        linearSourceRow(width, b32, filtered, f0, fC, luma, single, light.decodeInt, light.encode, source)
        heap.f32.set(source.subarray(x0 * 3, x1 * 3), heap.filtered >> 2)
        pick = 3
      } else {
        heap.f32.set(filtered.subarray(f0 + x0 * fC, f0 + x1 * fC), heap.filtered >> 2)
        if (light && heap.encode) {
          kernels.encodeLinear(heap.filtered, m * 3, heap.encode)
          pick = 3
        }
      }
      // Buffers start at pixel x0.
      rgb8RowParts(set, span, x0, heap.dst, heap.back, heap.filtered, sourceChannels, pick, 0)
      dst.set(heap.u8.subarray(heap.dst, heap.dst + m * 3), d0 + x0 * 3)
    } else if (rows) {
      // The source row, the mode's loop over the whole row (blend-rows.ts), then the mix.
      const { back: b32, source } = rows
      for (let i = 0; i < n; i++) b32[i] = back[b0 + i]
      if (light) linearSourceRow(width, b32, filtered, f0, fC, luma, single, light.decodeInt, light.encode, source)
      else sourceRow(width, b32, filtered, f0, fC, luma, single, source)
      blendRgbRow(job.blend, b32, source, n, 255)
      mixRow(width, back, b0, source, job.opacity, set.maskValues, dst, d0)
    }
  }
}

/** Pointers of one row's buffers in the kernels' memory, and views of it (taken after it grew). */
export interface KernelRows {
  readonly back: number
  readonly filtered: number
  readonly dst: number
  readonly maskPtr: number
  /** The mask row, in place in the kernels' memory (maskRow writes it there). */
  readonly mask: Float32Array
  /**
   * A feathered mask's grid row (`cells` floats at `line`, filled per row through the view `values`) and its
   * column tables (copied once).
   */
  readonly grid: { readonly line: number; readonly values: Float32Array; readonly cells: number; readonly col0: number; readonly colT: number } | null
  /** Linear light's encode table (f64, copied once), or 0. */
  readonly encode: number
  readonly u8: Uint8Array
  readonly f32: Float32Array
}

/** Lays out a row of `width` pixels in the kernels' memory from `base` (a row task's kernels are its own). */
function kernelRows(kernels: Kernels, base: number, width: number, fC: number, coarse: CoarseMask | null, encodeTable: Float64Array | null): KernelRows {
  const back = alignUp(base, 64)
  const filtered = alignUp(back + width * 3 + BLOCK_SLACK, 64)
  const maskPtr = alignUp(filtered + width * fC * 4 + BLOCK_SLACK, 64)
  const dst = alignUp(maskPtr + width * 4 + BLOCK_SLACK, 64)
  const line = alignUp(dst + width * 3 + BLOCK_SLACK, 64)
  const col0 = alignUp(line + (coarse ? coarse.width * 4 : 0) + BLOCK_SLACK, 64)
  const colT = alignUp(col0 + width * 4 + BLOCK_SLACK, 64)
  const encode = encodeTable ? alignUp(colT + width * 4 + BLOCK_SLACK, 64) : 0
  kernels.ensure(Math.max(colT + width * 4, encode + (encodeTable?.byteLength ?? 0)) + BLOCK_SLACK)
  const buffer = kernels.buffer()
  if (encodeTable) new Float64Array(buffer).set(encodeTable, encode >> 3)
  const u8 = new Uint8Array(buffer)
  const f32 = new Float32Array(buffer)
  let grid: KernelRows['grid'] = null
  if (coarse) {
    new Int32Array(buffer).set(coarse.col0, col0 >> 2)
    f32.set(coarse.colT, colT >> 2)
    grid = { line, values: new Float32Array(buffer, line, coarse.width), cells: coarse.width, col0, colT }
  }
  return { back, filtered, dst, maskPtr, mask: new Float32Array(buffer, maskPtr, width), grid, encode, u8, f32 }
}

const clamp255 = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : v)

/** The filtered layer's row (straight colour, 0..255) into `source`. */
function sourceRow(
  width: number,
  back: Float32Array,
  filtered: Float32Array,
  f0: number,
  fC: number,
  luma: boolean,
  single: number,
  source: Float64Array
): void {
  for (let x = 0, o = 0, f = f0; x < width; x++, o += 3, f += fC) {
    const br = back[o]
    const bg = back[o + 1]
    const bb = back[o + 2]
    if (luma) {
      const delta = filtered[f] - (LUMA_R * br + LUMA_G * bg + LUMA_B * bb)
      source[o] = clamp255(br + delta)
      source[o + 1] = clamp255(bg + delta)
      source[o + 2] = clamp255(bb + delta)
    } else if (single < 0) {
      source[o] = clamp255(filtered[f])
      source[o + 1] = clamp255(filtered[f + 1])
      source[o + 2] = clamp255(filtered[f + 2])
    } else {
      source[o] = br
      source[o + 1] = bg
      source[o + 2] = bb
      source[o + single] = clamp255(filtered[f])
    }
  }
}

/** {@link sourceRow} in linear light: the kernel's result encoded back (Y's change added in linear light). */
function linearSourceRow(
  width: number,
  back: Float32Array,
  filtered: Float32Array,
  f0: number,
  fC: number,
  luma: boolean,
  single: number,
  decodeInt: Float32Array,
  encode: Float64Array,
  source: Float64Array
): void {
  for (let x = 0, o = 0, f = f0; x < width; x++, o += 3, f += fC) {
    if (luma) {
      const lr = decodeInt[back[o]]
      const lg = decodeInt[back[o + 1]]
      const lb = decodeInt[back[o + 2]]
      const delta = filtered[f] - (LUMA_R * lr + LUMA_G * lg + LUMA_B * lb)
      source[o] = lookUp(encode, lr + delta, 255)
      source[o + 1] = lookUp(encode, lg + delta, 255)
      source[o + 2] = lookUp(encode, lb + delta, 255)
    } else if (single < 0) {
      source[o] = lookUp(encode, filtered[f], 255)
      source[o + 1] = lookUp(encode, filtered[f + 1], 255)
      source[o + 2] = lookUp(encode, filtered[f + 2], 255)
    } else {
      source[o] = back[o]
      source[o + 1] = back[o + 1]
      source[o + 2] = back[o + 2]
      source[o + single] = lookUp(encode, filtered[f], 255)
    }
  }
}

/** backdrop x (1 - k) + blended x k, clamped and rounded; masked-out pixels copied. */
function mixRow(
  width: number,
  back: Uint8Array,
  b0: number,
  blended: Float64Array,
  opacity: number,
  mask: Float32Array | null,
  dst: Uint8Array,
  d0: number
): void {
  for (let x = 0, o = b0, s = 0, d = d0; x < width; x++, o += 3, s += 3, d += 3) {
    const k = mask ? opacity * mask[x] : opacity
    const br = back[o]
    const bg = back[o + 1]
    const bb = back[o + 2]
    if (k === 0) {
      dst[d] = br
      dst[d + 1] = bg
      dst[d + 2] = bb
      continue
    }
    const j = 1 - k
    dst[d] = clamp255(br * j + blended[s] * k) + 0.5
    dst[d + 1] = clamp255(bg * j + blended[s + 1] * k) + 0.5
    dst[d + 2] = clamp255(bb * j + blended[s + 2] * k) + 0.5
  }
}
