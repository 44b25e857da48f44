// Runs one band of output rows of a planned filter on a kernel backend: pads source rows once into a ring (or an
// FFT strip), runs the planned passes, finishes the rows and copies them into the shared destination. Used by
// the worker threads and, for small images, in-process. Pure: no node:* imports; buffers may be shared.
import { alignUp, Arena, FinishMode, SampleKind, tilePitch, type Kernels } from './backend'
import { Fft64, kernelSpectrum64 } from './fft64'
import type { FilterPlan } from './plan'

/** The buffers one filter stage reads and writes (SharedArrayBuffer when workers share them). */
export interface BandIO {
  /** Source samples of plan.srcKind, srcWidth x srcHeight x channels, row-major, from byte srcOffset. */
  readonly src: ArrayBufferLike
  /** Where the source starts in `src`, in bytes. @default 0 */
  readonly srcOffset?: number
  /** Destination of plan.dstKind, outWidth x outHeight x channels, from byte dstOffset. */
  readonly dst: ArrayBufferLike
  /** Where the destination starts in `dst`, in bytes. @default 0 */
  readonly dstOffset?: number
  /** Stage 'map' only: the unmapped values written by stage 'raw' (f32, or f64 for f64 plans). */
  readonly raw?: ArrayBufferLike
}

/** What a band reports back. */
export interface BandResult {
  /** Range of the unmapped colour values (stage 'raw'); Infinity / -Infinity otherwise. */
  readonly low: number
  readonly high: number
  /** True when `stop` asked to end early; the band's rows are then incomplete. */
  readonly aborted: boolean
}

/** Output rows per band must be a multiple of this (FFT strips are not split). */
export function bandAlignment(plan: FilterPlan): number {
  return plan.method === 'fft' ? (1 << plan.logN) - plan.kh + 1 : 1
}

const BYTES: readonly number[] = [1, 2, 4]

/** Bytes per sample of the unmapped values a plan's stage 'raw' writes (and its stage 'map' reads). */
export function rawBytes(plan: FilterPlan): number {
  return plan.precision === 'f64' ? 8 : 4
}

interface Prepared {
  readonly plan: FilterPlan
  readonly n: number
  readonly paddedSamples: number
  readonly staging: number
  readonly segs: number
  readonly nSeg: number
  readonly sums: number
  readonly outRow: number
  /** Room to move a finished row to the destination's alignment before it is copied out (see store). */
  readonly outAligned: number
  readonly baseRow: number
  // Row methods.
  readonly slots: number
  readonly slotPtrs: number[]
  readonly ring: number
  readonly ptrs: number
  readonly tapRows: number
  readonly tapOffs: number
  readonly tapWeights: number
  readonly sums16: number
  readonly tmp: number
  readonly terms: readonly {
    colRows: number
    colWeights: number
    colCount: number
    zeros: number
    rowPtrs: number
    rowWeights: number
    rowCount: number
  }[]
  /** 'separable-i16': tap pointers, rows, zero offsets and weights of both passes, and the i16 row. */
  readonly fixed: {
    ptrs: number
    colRows: number
    zeros: number
    colCount: number
    colWeights: number
    row16: number
    rowOffs: number
    rowWeights: number
    rowPairs: number
    /** Symmetric columns: a row of zeros (the centre tap's partner). */
    zeroRow: number
  } | null
  // FFT.
  readonly tile: number
  readonly stripPtrs: number
  readonly stripRows: number[]
  readonly re: number
  readonly im: number
  readonly tre: number
  readonly tim: number
  readonly kre: number
  readonly kim: number
  readonly tw: number
  /** FFT: samples per strip row (the padded row, then zeros up to the last tile's end). */
  readonly stripSamples: number
  /** FFT: the window sums of one strip, one plane per channel, rows sumRowBytes apart. */
  readonly stripSums: number
  readonly sumRowBytes: number
  /** f64 FFT: the transforms, two tiles, the kernel spectrum and one plane of window sums per channel. */
  readonly fft64: {
    readonly fft: Fft64
    readonly re: Float64Array
    readonly im: Float64Array
    readonly kre: Float64Array
    readonly kim: Float64Array
    readonly planes: Float64Array[]
  } | null
}

/** Executes bands of planned filters on one backend; keeps the scratch of the last plan between bands. */
export class BandRunner {
  private readonly arena: Arena
  private prepared: Prepared | null = null
  // Byte views of the kernel memory and of the last buffers read and written, kept between rows: a row copy then
  // creates one view instead of two (rows are copied thousands of times per run).
  private heap: Uint8Array = new Uint8Array(0)
  private srcBytes: Uint8Array = new Uint8Array(0)
  private dstBytes: Uint8Array = new Uint8Array(0)

  /** A byte view of `buffer`, reusing `view` when it is of the same buffer. */
  private static view(view: Uint8Array, buffer: ArrayBufferLike): Uint8Array {
    return view.buffer === buffer ? view : new Uint8Array(buffer)
  }

  constructor(readonly kernels: Kernels) {
    this.arena = new Arena(kernels)
  }

  /**
   * Computes output rows [r0, r1) of `plan` from io.src into io.dst. `stop` is polled between rows (FFT: strips)
   * and ends the band early when it returns true.
   */
  run(plan: FilterPlan, io: BandIO, r0: number, r1: number, stop: () => boolean = () => false): BandResult {
    const p = this.prepared?.plan === plan ? this.prepared : this.prepare(plan)
    this.kernels.resetRange()
    let aborted: boolean
    if (plan.method === 'map') aborted = this.runMap(p, io, r0, r1, stop)
    else if (plan.method === 'fft' && p.fft64) aborted = this.runFft64(p, p.fft64, io, r0, r1, stop)
    else if (plan.method === 'fft') aborted = this.runFft(p, io, r0, r1, stop)
    else aborted = this.runRows(p, io, r0, r1, stop)
    return { low: this.kernels.getRangeLow(), high: this.kernels.getRangeHigh(), aborted }
  }

  private prepare(plan: FilterPlan): Prepared {
    this.prepared = null
    const k = this.kernels
    const a = this.arena
    a.reset()
    const C = plan.channels
    const n = plan.outWidth * C
    const paddedSamples = (plan.outWidth + plan.kw - 1) * C
    const i16 = plan.method === 'direct-i16'
    // The integer paths keep u8 padded rows.
    const u8Rows = i16 || plan.method === 'separable-i16'
    const sb = plan.precision === 'f64' ? 8 : 4
    // 8 bytes more: a row is staged at its source offset's alignment (see pad).
    const staging = a.alloc(plan.srcWidth * C * BYTES[plan.srcKind] + 8)
    const segs = a.alloc(plan.segs.byteLength)
    const sums = a.alloc(Math.max(n, paddedSamples) * sb)
    const outRow = a.alloc(n * 8)
    const outAligned = a.alloc(n * 8 + 8)
    const needBase = plan.opacity < 1 && (plan.hasAlpha || i16 || plan.method === 'map')
    const baseRow = needBase ? a.alloc(paddedSamples * sb) : 0

    let slots = 0
    const slotPtrs: number[] = []
    let ptrs = 0
    let tapRows = 0
    let tapOffs = 0
    let tapWeights = 0
    let sums16 = 0
    let tmp = 0
    const terms: Prepared['terms'][number][] = []
    let tile = 0
    let stripSamples = 0
    let stripPtrs = 0
    const stripRows: number[] = []
    let re = 0
    let im = 0
    let tre = 0
    let tim = 0
    let kre = 0
    let kim = 0
    let tw = 0
    let sumRowBytes = 0
    let stripSums = 0
    let pending: (() => void)[] = []

    let fixed: Prepared['fixed'] = null
    if (plan.method === 'direct' || plan.method === 'direct-i16' || plan.method === 'separable' || plan.method === 'separable-i16') {
      slots = a.alloc(plan.kh * 4)
      for (let i = 0; i < plan.kh; i++) slotPtrs.push(a.alloc(paddedSamples * (u8Rows ? 1 : sb)))
      pending.push(() => new Uint32Array(k.buffer(), slots, plan.kh).set(slotPtrs))
    }
    if (plan.taps) {
      const taps = plan.taps
      const count = taps.rows.length
      ptrs = a.alloc(count * 4)
      tapRows = a.alloc(count * 4)
      tapOffs = a.alloc(count * 4)
      tapWeights = a.alloc(count * 8)
      if (i16) sums16 = a.alloc(n * 2)
      pending.push(() => {
        new Int32Array(k.buffer(), tapRows, count).set(taps.rows)
        new Int32Array(k.buffer(), tapOffs, count).set(taps.offsets.map((o) => o * (i16 ? 1 : sb)))
        if (i16) new Int16Array(k.buffer(), tapWeights, count).set(taps.weightsI16)
        else if (sb === 8) new Float64Array(k.buffer(), tapWeights, count).set(taps.weights)
        else new Float32Array(k.buffer(), tapWeights, count).set(taps.weights)
      })
    }
    if (plan.method === 'separable') {
      tmp = a.alloc(paddedSamples * sb)
      let maxCol = 0
      for (const t of plan.terms) maxCol = Math.max(maxCol, t.columnRows.length)
      ptrs = a.alloc(maxCol * 4)
      for (const t of plan.terms) {
        const colCount = t.columnRows.length
        const rowCount = t.rowOffsets.length
        const term = {
          colRows: a.alloc(colCount * 4),
          colWeights: a.alloc(colCount * 8),
          colCount,
          zeros: a.alloc(colCount * 4),
          rowPtrs: a.alloc(rowCount * 4),
          rowWeights: a.alloc(rowCount * 8),
          rowCount
        }
        terms.push(term)
        pending.push(() => {
          new Int32Array(k.buffer(), term.colRows, colCount).set(t.columnRows)
          const Weights = sb === 8 ? Float64Array : Float32Array
          new Weights(k.buffer(), term.colWeights, colCount).set(t.columnWeights)
          new Uint32Array(k.buffer(), term.rowPtrs, rowCount).set(Array.from(t.rowOffsets, (o) => tmp + o * sb))
          new Weights(k.buffer(), term.rowWeights, rowCount).set(t.rowWeights)
        })
      }
    }
    if (plan.method === 'separable-i16' && plan.fixed) {
      const fx = plan.fixed
      const colCount = fx.columnRows.length
      const rowCount = fx.rowOffsets.length
      const prepared = {
        ptrs: a.alloc(colCount * 4),
        colRows: a.alloc(colCount * 4),
        zeros: a.alloc(colCount * 4),
        colCount,
        colWeights: a.alloc(colCount * 2),
        row16: a.alloc(paddedSamples * 2),
        rowOffs: a.alloc(rowCount * 4),
        rowWeights: a.alloc(fx.rowWeights.length * 4),
        // Folded: the pairs before the last step.
        rowPairs: fx.rowFolded ? fx.rowWeights.length - 1 : rowCount / 2,
        zeroRow: fx.symmetric ? a.alloc(paddedSamples) : 0
      }
      fixed = prepared
      pending.push(() => {
        new Int32Array(k.buffer(), prepared.colRows, colCount).set(fx.columnRows)
        new Int32Array(k.buffer(), prepared.colWeights, fx.columnWeights.length).set(fx.columnWeights)
        new Int32Array(k.buffer(), prepared.rowOffs, rowCount).set(fx.rowOffsets.map((o) => o * 2))
        new Int32Array(k.buffer(), prepared.rowWeights, fx.rowWeights.length).set(fx.rowWeights)
      })
    }
    let fft64: Prepared['fft64'] = null
    if (plan.method === 'fft' && plan.precision === 'f64') {
      tile = 1 << plan.logN
      const tv = tile - plan.kh + 1
      const tw1 = tile - plan.kw + 1
      stripSamples = ((Math.ceil(plan.outWidth / tw1) - 1) * tw1 + tile) * C
      for (let i = 0; i < tile; i++) stripRows.push(a.alloc(stripSamples * 8))
      const fft = new Fft64(plan.logN)
      const spectrum = kernelSpectrum64(fft, plan.weights, plan.kh, plan.kw)
      fft64 = {
        fft,
        re: new Float64Array(tile * tile),
        im: new Float64Array(tile * tile),
        kre: spectrum.re,
        kim: spectrum.im,
        planes: Array.from({ length: C }, () => new Float64Array(tv * plan.outWidth))
      }
    } else if (plan.method === 'fft') {
      tile = 1 << plan.logN
      const tv = tile - plan.kh + 1
      const tw1 = tile - plan.kw + 1
      const tilesX = Math.ceil(plan.outWidth / tw1)
      stripSamples = ((tilesX - 1) * tw1 + tile) * C
      stripPtrs = a.alloc(tile * 4)
      for (let i = 0; i < tile; i++) stripRows.push(a.alloc(stripSamples * 4))
      sumRowBytes = alignUp(plan.outWidth * 4 + 256, 64)
      stripSums = a.alloc(sumRowBytes * tv * C)
      const tileBytes = tile * tilePitch(tile)
      // Stagger the six tile arrays across 4 KiB so their streams do not evict or alias each other.
      const tiles: number[] = []
      for (let i = 0; i < 6; i++) tiles.push(a.alloc(tileBytes + 4096))
      ;[re, im, tre, tim, kre, kim] = tiles.map((t, i) => t + ((i * 576) % 4096))
      tw = a.alloc(tile * 4)
      pending.push(() => {
        new Uint32Array(k.buffer(), stripPtrs, tile).set(stripRows)
        const twiddles = new Float32Array(k.buffer(), tw, tile)
        for (let i = 0; i < tile / 2; i++) {
          twiddles[2 * i] = Math.cos((2 * Math.PI * i) / tile)
          twiddles[2 * i + 1] = -Math.sin((2 * Math.PI * i) / tile)
        }
        // The kernel spectrum: correlation with K is circular convolution with K[-i][-j]; 1 / N^2 folds in
        // the inverse transform's scaling.
        const pitch = tilePitch(tile) >> 2
        const g = new Float32Array(k.buffer(), kre, tile * pitch)
        g.fill(0)
        new Float32Array(k.buffer(), kim, tile * pitch).fill(0)
        const scale = 1 / (tile * tile)
        for (let i = 0; i < plan.kh; i++) {
          for (let j = 0; j < plan.kw; j++) {
            g[((tile - i) % tile) * pitch + ((tile - j) % tile)] = plan.weights[i * plan.kw + j] * scale
          }
        }
        k.fft2d(kre, kim, tre, tim, plan.logN, tw)
        const bytes = tile * tilePitch(tile)
        new Uint8Array(k.buffer()).copyWithin(kre, tre, tre + bytes)
        new Uint8Array(k.buffer()).copyWithin(kim, tim, tim + bytes)
      })
    }
    // Memory may have grown during allocation: only now write through views.
    new Int32Array(k.buffer(), segs, plan.segs.length).set(plan.segs)
    for (const f of pending) f()
    pending = []

    this.prepared = {
      plan,
      n,
      paddedSamples,
      staging,
      segs,
      nSeg: plan.segs.length / 3,
      sums,
      outRow,
      outAligned,
      baseRow,
      slots,
      slotPtrs,
      ring: plan.kh,
      ptrs,
      tapRows,
      tapOffs,
      tapWeights,
      sums16,
      tmp,
      terms,
      fixed,
      tile,
      stripPtrs,
      stripRows,
      stripSamples,
      re,
      im,
      tre,
      tim,
      kre,
      kim,
      tw,
      stripSums,
      sumRowBytes,
      fft64
    }
    return this.prepared
  }

  /** Pads padded row `p` (source row plan.rows[p]) into `dst`: f32 or f64 (premultiplied with alpha), or u8. */
  private pad(p: Prepared, io: BandIO, row: number, dst: number, outU8: boolean, premul: boolean): void {
    const plan = p.plan
    const k = this.kernels
    const sr = plan.rows[row]
    const wide = plan.precision === 'f64' && !outU8
    const bytes = p.paddedSamples * (outU8 ? 1 : wide ? 8 : 4)
    if (sr < 0) {
      new Uint8Array(k.buffer(), dst, bytes).fill(0)
      return
    }
    const rowBytes = plan.srcWidth * plan.channels * BYTES[plan.srcKind]
    // The kernel memory may have grown since the last row (a new buffer): the views follow it.
    this.heap = BandRunner.view(this.heap, k.buffer())
    this.srcBytes = BandRunner.view(this.srcBytes, io.src)
    const from = (io.srcOffset ?? 0) + sr * rowBytes
    // Copies out of (and into) shared memory go word by word only where both sides share their alignment; a
    // row staged at its source offset's alignment copies 5x faster than one that is not (odd image widths).
    const staged = p.staging + (from & 7)
    this.heap.set(this.srcBytes.subarray(from, from + rowBytes), staged)
    if (wide) k.padRow64(dst, staged, plan.srcKind, p.segs, p.nSeg, plan.channels, premul ? 1 : 0, plan.max)
    else k.padRow(dst, staged, plan.srcKind, outU8 ? 1 : 0, p.segs, p.nSeg, plan.channels, premul ? 1 : 0, plan.max)
  }

  /**
   * Pads strip row `row` for the FFT and zeroes the strip past it: the last tile of a strip reads beyond the padded
   * row, and padRow's SIMD blocks leave whatever followed the staged source row there. Those values would change
   * the transform's rounding with the rows padded before, which depend on the bands a thread happened to take.
   */
  private padStripRow(p: Prepared, io: BandIO, row: number, dst: number, bytes: 4 | 8): void {
    this.pad(p, io, row, dst, false, p.plan.hasAlpha)
    new Uint8Array(this.kernels.buffer(), dst + p.paddedSamples * bytes, (p.stripSamples - p.paddedSamples) * bytes).fill(0)
  }

  /** The finishing steps of output row r from window sums at `sums`; `centre` is the padded row r + cy. */
  private finishRow(p: Prepared, io: BandIO, r: number, sums: number, centre: number): void {
    const plan = p.plan
    const k = this.kernels
    const C = plan.channels
    const wide = plan.precision === 'f64'
    const sb = wide ? 8 : 4
    let divisor = plan.divisor
    let offset = plan.offset
    if (plan.hasAlpha && plan.method !== 'map') {
      const alphaPtr = centre + (plan.centreX * C + C - 1) * sb
      const convolved = plan.alphaConvolved ? 1 : 0
      if (wide) k.alphaValues64(sums, plan.outWidth, C, divisor, offset, plan.max, alphaPtr, C * sb, convolved)
      else k.alphaValues(sums, plan.outWidth, C, divisor, offset, plan.max, alphaPtr, C * sb, convolved)
      divisor = 1
      offset = 0
    }
    if (plan.method === 'map') {
      divisor = 1
      offset = 0
    }
    let base = 0
    if (plan.opacity < 1) {
      if (p.baseRow) {
        this.pad(p, io, r + plan.centreY, p.baseRow, false, false)
        base = p.baseRow + plan.centreX * C * sb
      } else {
        base = centre + plan.centreX * C * sb
      }
    }
    const mode = plan.finishMode
    if (wide) {
      k.finish64(p.outRow, plan.dstKind, sums, p.n, C, divisor, offset, mode, plan.p1, plan.p2, plan.max, plan.scale, base, plan.opacity)
    } else if (
      plan.dstKind === SampleKind.U8 &&
      !plan.hasAlpha &&
      base === 0 &&
      plan.scale === 1 &&
      plan.max === 255 &&
      mode <= FinishMode.Shift
    ) {
      k.finishU8(p.outRow, sums, p.n, divisor, offset, mode, plan.p1)
    } else {
      k.finish(p.outRow, plan.dstKind, sums, p.n, C, divisor, offset, mode, plan.p1, plan.p2, plan.max, plan.scale, base, plan.opacity)
    }
    this.store(p, io, r)
  }

  private store(p: Prepared, io: BandIO, r: number): void {
    const plan = p.plan
    // Unmapped values (stage 'raw') keep their alpha lanes; the mapping stage fills them.
    if (plan.fillAlpha && plan.stage !== 'raw') {
      this.kernels.fillAlpha(p.outRow, plan.dstKind, plan.outWidth, plan.channels, plan.max)
    }
    // A fully transparent pixel has colour 0, whatever the offset, mapping or blend gave it (as the reference).
    if (plan.hasAlpha && plan.stage !== 'raw') {
      this.kernels.clearTransparent(p.outRow, plan.dstKind, plan.outWidth, plan.channels)
    }
    const bytes = p.n * (plan.stage === 'raw' ? rawBytes(plan) : BYTES[plan.dstKind])
    this.heap = BandRunner.view(this.heap, this.kernels.buffer())
    this.dstBytes = BandRunner.view(this.dstBytes, io.dst)
    const at = (io.dstOffset ?? 0) + r * bytes
    // As in pad: moved to the destination's alignment first (a copy inside the kernel memory is cheap).
    let row = p.outRow
    if ((at & 7) !== 0) {
      row = p.outAligned + (at & 7)
      this.heap.copyWithin(row, p.outRow, p.outRow + bytes)
    }
    this.dstBytes.set(this.heap.subarray(row, row + bytes), at)
  }

  private runRows(p: Prepared, io: BandIO, r0: number, r1: number, stop: () => boolean): boolean {
    const plan = p.plan
    const k = this.kernels
    const kh = plan.kh
    const i16 = plan.method === 'direct-i16'
    const u8Rows = i16 || plan.method === 'separable-i16'
    const premul = plan.hasAlpha
    const sb = plan.precision === 'f64' ? 8 : 4
    const wsum = plan.precision === 'f64' ? k.wsum64.bind(k) : k.wsum.bind(k)
    // 8-bit output without alpha or blend: the last pass rounds to bytes itself (the sums stay in registers).
    const fused =
      plan.precision === 'f32' &&
      !i16 &&
      plan.dstKind === SampleKind.U8 &&
      !plan.hasAlpha &&
      plan.opacity === 1 &&
      plan.scale === 1 &&
      plan.max === 255 &&
      plan.finishMode <= FinishMode.Shift &&
      (plan.method === 'direct' || p.terms.length > 0)
    const out = (taps: number, ptrs: number, weights: number, accumulate: number): void =>
      k.wsumU8Out(p.outRow, ptrs, weights, taps, p.n, accumulate, p.sums, plan.divisor, plan.offset, plan.finishMode, plan.p1)
    let next = r0 // next padded row to fill
    for (let r = r0; r < r1; r++) {
      if (stop()) return true
      for (; next < r + kh; next++) this.pad(p, io, next, p.slotPtrs[next % kh], u8Rows, premul)
      const fx = plan.fixed
      if (p.fixed && fx) {
        const f = p.fixed
        if (fx.symmetric) {
          const ptrs = new Uint32Array(k.buffer(), f.ptrs, f.colCount)
          for (let t = 0; t < f.colCount; t++) {
            const row = fx.columnRows[t]
            ptrs[t] = row < 0 ? f.zeroRow : p.slotPtrs[(r + row) % kh]
          }
          k.vpassU8Sym(f.row16, f.ptrs, f.colWeights, f.colCount / 4, p.paddedSamples, fx.bias1, fx.shift1)
        } else {
          k.tapPointers(f.ptrs, p.slots, kh, r, f.colRows, f.zeros, f.colCount)
          k.vpassU8(f.row16, f.ptrs, f.colWeights, f.colCount / 2, p.paddedSamples, fx.bias1, fx.shift1)
        }
        if (fx.rowFolded) k.hpassI16U8Sym(p.outRow, f.row16, f.rowOffs, f.rowWeights, f.rowPairs, p.n, fx.bias2, fx.shift2)
        else k.hpassI16U8(p.outRow, f.row16, f.rowOffs, f.rowWeights, f.rowPairs, p.n, fx.bias2, fx.shift2)
        this.store(p, io, r)
        continue
      }
      if (plan.method === 'separable') {
        if (p.terms.length === 0) new Uint8Array(k.buffer(), p.sums, p.n * sb).fill(0)
        const last = p.terms.length - 1
        p.terms.forEach((t, index) => {
          k.tapPointers(p.ptrs, p.slots, kh, r, t.colRows, t.zeros, t.colCount)
          wsum(p.tmp, p.ptrs, t.colWeights, t.colCount, p.paddedSamples, 0)
          if (fused && index === last) out(t.rowCount, t.rowPtrs, t.rowWeights, index > 0 ? 1 : 0)
          else wsum(p.sums, t.rowPtrs, t.rowWeights, t.rowCount, p.n, index > 0 ? 1 : 0)
        })
        if (fused) {
          this.store(p, io, r)
          continue
        }
      } else {
        const taps = plan.taps?.rows.length ?? 0
        k.tapPointers(p.ptrs, p.slots, kh, r, p.tapRows, p.tapOffs, taps)
        if (i16) {
          if (plan.intFinish) {
            k.wsumU8(p.outRow, p.ptrs, p.tapWeights, taps, p.n, plan.offset, plan.finishMode)
            this.store(p, io, r)
            continue
          }
          k.wsumU8(p.sums16, p.ptrs, p.tapWeights, taps, p.n, 0, -1)
          k.i16ToF32(p.sums, p.sums16, p.n)
        } else if (fused) {
          out(taps, p.ptrs, p.tapWeights, 0)
          this.store(p, io, r)
          continue
        } else {
          wsum(p.sums, p.ptrs, p.tapWeights, taps, p.n, 0)
        }
      }
      this.finishRow(p, io, r, p.sums, i16 ? 0 : p.slotPtrs[(r + plan.centreY) % kh])
    }
    return false
  }

  private runFft(p: Prepared, io: BandIO, r0: number, r1: number, stop: () => boolean): boolean {
    const plan = p.plan
    const k = this.kernels
    const C = plan.channels
    const tile = p.tile
    const tv = tile - plan.kh + 1
    const tw1 = tile - plan.kw + 1
    const tilesX = Math.ceil(plan.outWidth / tw1)
    const tableRows = plan.rows.length
    const jobChannels = (plan.hasAlpha && !plan.alphaConvolved) || plan.fillAlpha ? C - 1 : C
    const jobs: [number, number][] = []
    for (let tx = 0; tx < tilesX; tx++) for (let ch = 0; ch < jobChannels; ch++) jobs.push([tx, ch])
    const pitchBytes = tile * tilePitch(tile)
    for (let y0 = r0; y0 < r1; y0 += tv) {
      if (stop()) return true
      const rows = Math.min(tv, r1 - y0)
      const padded = Math.min(tile, tableRows - y0)
      for (let i = 0; i < padded; i++) this.padStripRow(p, io, y0 + i, p.stripRows[i], 4)
      const planeBytes = p.sumRowBytes * tv
      for (let j = 0; j < jobs.length; j += 2) {
        const [txA, chA] = jobs[j]
        k.gatherTile(p.re, p.stripPtrs, padded, txA * tw1, chA, C, tile)
        const second = j + 1 < jobs.length ? jobs[j + 1] : null
        if (second) k.gatherTile(p.im, p.stripPtrs, padded, second[0] * tw1, second[1], C, tile)
        else new Uint8Array(k.buffer(), p.im, pitchBytes).fill(0)
        k.convolveTile(p.re, p.im, p.tre, p.tim, p.kre, p.kim, plan.logN, p.tw)
        const colsA = Math.min(tw1, plan.outWidth - txA * tw1)
        k.scatterTile(p.stripSums + chA * planeBytes, p.sumRowBytes, p.re, tile, rows, colsA, txA * tw1)
        if (second) {
          const colsB = Math.min(tw1, plan.outWidth - second[0] * tw1)
          k.scatterTile(p.stripSums + second[1] * planeBytes, p.sumRowBytes, p.im, tile, rows, colsB, second[0] * tw1)
        }
      }
      for (let y = 0; y < rows; y++) {
        k.interleave(p.sums, p.stripSums + y * p.sumRowBytes, planeBytes, plan.outWidth, C)
        this.finishRow(p, io, y0 + y, p.sums, p.stripRows[y + plan.centreY])
      }
    }
    return false
  }

  /**
   * {@link runFft} in f64 (see fft64.ts): strips padded in f64, two channel tiles per complex transform in the
   * same order, window sums finished by the f64 steps.
   */
  private runFft64(p: Prepared, f: NonNullable<Prepared['fft64']>, io: BandIO, r0: number, r1: number, stop: () => boolean): boolean {
    const plan = p.plan
    const C = plan.channels
    const tile = p.tile
    const tv = tile - plan.kh + 1
    const tw1 = tile - plan.kw + 1
    const width = plan.outWidth
    const tilesX = Math.ceil(width / tw1)
    const jobChannels = (plan.hasAlpha && !plan.alphaConvolved) || plan.fillAlpha ? C - 1 : C
    const jobs: [number, number][] = []
    for (let tx = 0; tx < tilesX; tx++) for (let ch = 0; ch < jobChannels; ch++) jobs.push([tx, ch])
    const { re, im } = f
    const gather = (into: Float64Array, heap: Float64Array, rows: number, tx: number, ch: number): void => {
      into.fill(0)
      for (let y = 0; y < rows; y++) {
        const from = (p.stripRows[y] >> 3) + tx * tw1 * C + ch
        for (let x = 0; x < tile; x++) into[y * tile + x] = heap[from + x * C]
      }
    }
    const scatter = (from: Float64Array, rows: number, tx: number, ch: number): void => {
      const cols = Math.min(tw1, width - tx * tw1)
      const plane = f.planes[ch]
      for (let y = 0; y < rows; y++) plane.set(from.subarray(y * tile, y * tile + cols), y * width + tx * tw1)
    }
    for (let y0 = r0; y0 < r1; y0 += tv) {
      if (stop()) return true
      const rows = Math.min(tv, r1 - y0)
      const padded = Math.min(tile, plan.rows.length - y0)
      for (let i = 0; i < padded; i++) this.padStripRow(p, io, y0 + i, p.stripRows[i], 8)
      const heap = new Float64Array(this.kernels.buffer())
      for (let j = 0; j < jobs.length; j += 2) {
        gather(re, heap, padded, jobs[j][0], jobs[j][1])
        if (j + 1 < jobs.length) gather(im, heap, padded, jobs[j + 1][0], jobs[j + 1][1])
        else im.fill(0)
        f.fft.convolve(re, im, f.kre, f.kim)
        scatter(re, rows, jobs[j][0], jobs[j][1])
        if (j + 1 < jobs.length) scatter(im, rows, jobs[j + 1][0], jobs[j + 1][1])
      }
      for (let y = 0; y < rows; y++) {
        const sums = new Float64Array(this.kernels.buffer(), p.sums, width * C)
        for (let ch = 0; ch < jobChannels; ch++) {
          const plane = f.planes[ch]
          for (let x = 0; x < width; x++) sums[x * C + ch] = plane[y * width + x]
        }
        this.finishRow(p, io, y0 + y, p.sums, p.stripRows[y + plan.centreY])
      }
    }
    return false
  }

  private runMap(p: Prepared, io: BandIO, r0: number, r1: number, stop: () => boolean): boolean {
    const raw = io.raw
    if (!raw) throw new Error('stage "map" needs the raw values')
    const bytes = p.n * rawBytes(p.plan)
    for (let r = r0; r < r1; r++) {
      if (stop()) return true
      new Uint8Array(this.kernels.buffer(), p.sums, bytes).set(new Uint8Array(raw, r * bytes, bytes))
      this.finishRow(p, io, r, p.sums, 0)
    }
    return false
  }
}
