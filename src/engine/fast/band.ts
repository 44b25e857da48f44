// Runs one band of output rows of a planned filter on a kernel backend: pads source rows once into a ring (or an
// FFT strip), runs the planned passes, finishes the rows and copies them into the shared destination. Used by
// the worker threads and, for small images, in-process. Pure: no node:* imports; buffers may be shared.
import { Arena, FinishMode, SampleKind, tilePitch, type Kernels } from './backend'
import { prepareScratches, type Fft64Buffers, type FftBuffers, type Scratch, type Strip } from './band-scratch'
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
  /**
   * Filters fused in front of this one, in order (see {@link fusable}): `src` is then the first one's input, and
   * each one's output rows are computed in kernel memory as the next one pads them, never stored. A band
   * recomputes the few rows its neighbours also need; every row is computed on its own, so results are the
   * same bytes as running the filters one after another through an f32 image.
   */
  readonly before?: readonly FilterPlan[]
  /**
   * Running in place (`dst` is `src`, see savedRows): copies of the source rows a band could otherwise read after
   * some band overwrote them. `index[s]` is source row s's place among `rows` (whole rows, back to back), or -1.
   */
  readonly saved?: { readonly rows: ArrayBufferLike; readonly index: Int32Array }
  /**
   * The source rows are read from this open file instead of `src` (a decode's spool file, laid out as `src`
   * would be from byte `offset`): each row goes straight into kernel memory, with no copy of the whole image in
   * between. Needs a BandRunner given a {@link FileReader}.
   */
  readonly srcFile?: { readonly fd: number; readonly offset: number }
}

/** Reads exactly `into.length` bytes of the open file `fd` from byte `position` into `into`; throws otherwise. */
export type FileReader = (fd: number, into: Uint8Array, position: number) => void

/**
 * True when `plans` (fused in that order, the last one writing the result) can write their result over their
 * source: row methods that keep the image's size, the result of the source's sample type.
 */
export function inPlaceable(plans: readonly FilterPlan[]): boolean {
  const first = plans[0]
  const last = plans[plans.length - 1]
  return (
    plans.every((p) => rowMethod(p) && p.stage === 'final' && p.outWidth === p.srcWidth && p.outHeight === p.srcHeight) &&
    first.srcKind === last.dstKind &&
    first.srcKind !== SampleKind.F32
  )
}

/**
 * The source rows to copy before filters run in place over their source (BandIO.saved), for output bands
 * `bands` of an image `height` rows high whose filters read at most `halo` rows above and below each output row
 * in all (the kernel heights less one, summed over fused filters): the rows within `halo` of a band boundary,
 * which two bands read, and within `halo` of the top and bottom edges, which borders read out of order (mirrored
 * and wrapped rows). Every other row is read by its own band only, before that band writes it.
 */
export function savedRows(bands: readonly (readonly [number, number])[], height: number, halo: number): number[] {
  const rows = new Set<number>()
  const around = (from: number, to: number): void => {
    for (let r = Math.max(0, from); r < Math.min(height, to); r++) rows.add(r)
  }
  around(0, halo)
  around(height - halo, height)
  for (const [r0] of bands) if (r0 > 0) around(r0 - halo, r0 + halo)
  return [...rows].sort((a, b) => a - b)
}

/** A row method: output rows from a ring of padded rows (not FFT strips, not the stretch mapping). */
function rowMethod(plan: FilterPlan): boolean {
  return plan.method !== 'fft' && plan.method !== 'map'
}

/** True when a plan reads a padded source row of its own for the opacity blend (see RowBuffers.baseRow). */
function blendsOwnRow(plan: FilterPlan): boolean {
  return plan.opacity < 1 && (plan.hasAlpha || plan.method === 'direct-i16' || plan.method === 'map')
}

/**
 * True when `first`, whose output is `second`'s input, can run fused in front of it (BandIO.before): both are
 * row methods of the final stage (no stretch), `first` writes f32 without an opacity blend of its own input
 * rows when it is fed itself, and `second` pads every source row once, in order, within a band. `fedFirst`:
 * `first` is itself fed by an earlier fused filter.
 */
export function fusable(first: FilterPlan, second: FilterPlan, fedFirst = false): boolean {
  return (
    rowMethod(first) &&
    rowMethod(second) &&
    first.stage === 'final' &&
    second.stage === 'final' &&
    first.dstKind === SampleKind.F32 &&
    second.srcKind === SampleKind.F32 &&
    first.outWidth === second.srcWidth &&
    first.outHeight === second.srcHeight &&
    !(fedFirst && blendsOwnRow(first)) &&
    !blendsOwnRow(second)
  )
}

/** A fused filter's state within a band: its scratch, what feeds it, and the rows its ring holds. */
interface Feed {
  readonly p: Scratch
  readonly from: Feed | null
  /** The output row finished in p.row.outRow (-1: none yet). */
  row: number
  /** The next padded row to pad into the ring, which holds the kh padded rows before it. */
  next: number
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

/**
 * Source rows read from a file at once, at most (BandIO.srcFile): a read per row costs about as much in system
 * calls as it saves in copies; 16 rows (at most 256 KiB) a read make it cheaper than reading the whole image
 * into memory and copying its rows from there.
 */
const FILE_BLOCK_ROWS = 16
const FILE_BLOCK_BYTES = 256 * 1024

/** Source rows [first, first + count) of a BandIO.srcFile, read into kernel memory at `ptr`. */
interface FileBlock {
  readonly ptr: number
  readonly rowBytes: number
  readonly capacity: number
  first: number
  count: number
}

/** Bytes per sample of the unmapped values a plan's stage 'raw' writes (and its stage 'map' reads). */
export function rawBytes(plan: FilterPlan): number {
  return plan.precision === 'f64' ? 8 : 4
}

/** Executes bands of planned filters on one backend; keeps the scratch of the last plan between bands. */
export class BandRunner {
  private readonly arena: Arena
  private prepared: Scratch | null = null
  /** The fused filters in front of the prepared plan and what feeds each scratch (null: io.src). */
  private before: readonly FilterPlan[] = []
  private readonly feeds = new Map<Scratch, Feed | null>()
  // Byte views of the kernel memory and of the last buffers read and written, kept between rows: a row copy then
  // creates one view instead of two (rows are copied thousands of times per run).
  private heap: Uint8Array = new Uint8Array(0)
  private srcBytes: Uint8Array = new Uint8Array(0)
  private dstBytes: Uint8Array = new Uint8Array(0)
  /** The rows last read from a source file, in the arena past the prepared plan's scratch. */
  private block: FileBlock | null = null

  /** A byte view of `buffer`, reusing `view` when it is of the same buffer. */
  private static view(view: Uint8Array, buffer: ArrayBufferLike): Uint8Array {
    return view.buffer === buffer ? view : new Uint8Array(buffer)
  }

  /** `readFile`: how rows of a BandIO.srcFile are read (the engine itself does no I/O); none: such IO throws. */
  constructor(
    readonly kernels: Kernels,
    private readonly readFile?: FileReader
  ) {
    this.arena = new Arena(kernels)
  }

  /**
   * Computes output rows [r0, r1) of `plan` from io.src into io.dst. `stop` is polled between rows (FFT: strips)
   * and ends the band early when it returns true.
   */
  run(plan: FilterPlan, io: BandIO, r0: number, r1: number, stop: () => boolean = () => false): BandResult {
    const before = io.before ?? []
    const same = this.prepared?.plan === plan && before.length === this.before.length && before.every((b, i) => b === this.before[i])
    const p = same && this.prepared ? this.prepared : this.prepare(plan, before)
    // A band starts with every fused ring empty: its rows never depend on the bands computed before.
    for (let feed = this.feeds.get(p) ?? null; feed; feed = feed.from) feed.row = feed.next = -1
    // A file's descriptor may be another file's by now: a band never takes rows read before it.
    if (this.block) this.block.count = 0
    this.kernels.resetRange()
    let aborted: boolean
    if (plan.method === 'map') aborted = this.runMap(p, io, r0, r1, stop)
    else if (p.fft64) aborted = this.runFft64(p, p.fft64, io, r0, r1, stop)
    else if (p.fft) aborted = this.runFft(p, p.fft, io, r0, r1, stop)
    else aborted = this.runRows(p, io, r0, r1, stop)
    return { low: this.kernels.getRangeLow(), high: this.kernels.getRangeHigh(), aborted }
  }

  private prepare(plan: FilterPlan, before: readonly FilterPlan[]): Scratch {
    this.prepared = null
    this.block = null
    this.feeds.clear()
    for (let i = 0; i < before.length; i++) {
      const next = i + 1 < before.length ? before[i + 1] : plan
      if (!fusable(before[i], next, i > 0)) throw new Error(`filter ${i + 1} of a fused run cannot feed the next one`)
    }
    const scratches = prepareScratches(this.kernels, this.arena, [...before, plan])
    let from: Feed | null = null
    for (const p of scratches) {
      this.feeds.set(p, from)
      from = { p, from: this.feeds.get(p) ?? null, row: -1, next: -1 }
    }
    this.before = before
    this.prepared = scratches[scratches.length - 1]
    return this.prepared
  }

  /**
   * Finishes output row `r` of a fused filter in its p.row.outRow and returns that pointer: the row kept from the
   * last call, the next one from one more padded row, any other from a refilled ring.
   */
  private produce(feed: Feed, io: BandIO, r: number): number {
    const p = feed.p
    if (feed.row !== r) {
      if (feed.row < 0 || r !== feed.row + 1) feed.next = r
      feed.next = this.rowOf(p, io, r, feed.next)
      this.settle(p)
      feed.row = r
    }
    return p.row.outRow
  }

  /** Pads padded row `p` (source row plan.rows[p]) into `dst`: f32 or f64 (premultiplied with alpha), or u8. */
  private pad(p: Scratch, io: BandIO, row: number, dst: number, outU8: boolean, premul: boolean): void {
    const plan = p.plan
    const k = this.kernels
    const sr = plan.rows[row]
    const wide = plan.precision === 'f64' && !outU8
    const bytes = p.row.paddedSamples * (outU8 ? 1 : wide ? 8 : 4)
    if (sr < 0) {
      new Uint8Array(k.buffer(), dst, bytes).fill(0)
      return
    }
    const feed = this.feeds.get(p)
    if (feed) {
      // A fused filter's row, finished in kernel memory: padded from there, no copy.
      const from = this.produce(feed, io, sr)
      if (wide) k.padRow64(dst, from, plan.srcKind, p.row.segs, p.row.nSeg, plan.channels, premul ? 1 : 0, plan.max)
      else k.padRow(dst, from, plan.srcKind, outU8 ? 1 : 0, p.row.segs, p.row.nSeg, plan.channels, premul ? 1 : 0, plan.max)
      return
    }
    const rowBytes = plan.srcWidth * plan.channels * BYTES[plan.srcKind]
    // The kernel memory may have grown since the last row (a new buffer): the views follow it.
    this.heap = BandRunner.view(this.heap, k.buffer())
    if (io.srcFile) {
      const staged = this.fileRow(io.srcFile, sr, rowBytes, plan.srcHeight)
      if (wide) k.padRow64(dst, staged, plan.srcKind, p.row.segs, p.row.nSeg, plan.channels, premul ? 1 : 0, plan.max)
      else k.padRow(dst, staged, plan.srcKind, outU8 ? 1 : 0, p.row.segs, p.row.nSeg, plan.channels, premul ? 1 : 0, plan.max)
      return
    }
    // Running in place, rows that may be overwritten before this read come from their copy (BandIO.saved).
    const saved = io.saved
    const copy = saved ? saved.index[sr] : -1
    this.srcBytes = BandRunner.view(this.srcBytes, saved && copy >= 0 ? saved.rows : io.src)
    const from = copy >= 0 ? copy * rowBytes : (io.srcOffset ?? 0) + sr * rowBytes
    // Copies out of (and into) shared memory go word by word only where both sides share their alignment; a
    // row staged at its source offset's alignment copies 5x faster than one that is not (odd image widths).
    const staged = p.row.staging + (from & 7)
    this.heap.set(this.srcBytes.subarray(from, from + rowBytes), staged)
    if (wide) k.padRow64(dst, staged, plan.srcKind, p.row.segs, p.row.nSeg, plan.channels, premul ? 1 : 0, plan.max)
    else k.padRow(dst, staged, plan.srcKind, outU8 ? 1 : 0, p.row.segs, p.row.nSeg, plan.channels, premul ? 1 : 0, plan.max)
  }

  /** Where source row `sr` of `file` is in kernel memory: read with the rows after it unless it was already. */
  private fileRow(file: NonNullable<BandIO['srcFile']>, sr: number, rowBytes: number, height: number): number {
    if (!this.readFile) throw new Error('this band runner cannot read source rows from a file')
    let block = this.block
    if (!block || block.rowBytes !== rowBytes) {
      const capacity = Math.max(1, Math.min(FILE_BLOCK_ROWS, Math.floor(FILE_BLOCK_BYTES / rowBytes)))
      block = this.block = { ptr: this.arena.alloc(capacity * rowBytes), rowBytes, capacity, first: 0, count: 0 }
      this.heap = BandRunner.view(this.heap, this.kernels.buffer())
    }
    if (sr < block.first || sr >= block.first + block.count) {
      const count = Math.min(block.capacity, height - sr)
      this.readFile(file.fd, this.heap.subarray(block.ptr, block.ptr + count * rowBytes), file.offset + sr * rowBytes)
      block.first = sr
      block.count = count
    }
    return block.ptr + (sr - block.first) * rowBytes
  }

  /**
   * Pads strip row `row` for the FFT and zeroes the strip past it: the last tile of a strip reads beyond the padded
   * row, and padRow's SIMD blocks leave whatever followed the staged source row there. Those values would change
   * the transform's rounding with the rows padded before, which depend on the bands a thread happened to take.
   */
  private padStripRow(p: Scratch, io: BandIO, row: number, dst: number, strip: Strip, bytes: 4 | 8): void {
    this.pad(p, io, row, dst, false, p.plan.hasAlpha)
    new Uint8Array(this.kernels.buffer(), dst + p.row.paddedSamples * bytes, (strip.samples - p.row.paddedSamples) * bytes).fill(0)
  }

  /** The finishing steps of output row r from window sums at `sums`; `centre` is the padded row r + cy. */
  private finishRow(p: Scratch, io: BandIO, r: number, sums: number, centre: number): void {
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
      if (p.row.baseRow) {
        this.pad(p, io, r + plan.centreY, p.row.baseRow, false, false)
        base = p.row.baseRow + plan.centreX * C * sb
      } else {
        base = centre + plan.centreX * C * sb
      }
    }
    const mode = plan.finishMode
    if (wide) {
      k.finish64(p.row.outRow, plan.dstKind, sums, p.row.n, C, divisor, offset, mode, plan.p1, plan.p2, plan.max, plan.scale, base, plan.opacity)
    } else if (
      plan.dstKind === SampleKind.U8 &&
      !plan.hasAlpha &&
      base === 0 &&
      plan.scale === 1 &&
      plan.max === 255 &&
      mode <= FinishMode.Shift
    ) {
      k.finishU8(p.row.outRow, sums, p.row.n, divisor, offset, mode, plan.p1)
    } else {
      k.finish(p.row.outRow, plan.dstKind, sums, p.row.n, C, divisor, offset, mode, plan.p1, plan.p2, plan.max, plan.scale, base, plan.opacity)
    }
  }

  /** The last steps of a finished row in p.row.outRow, before it is stored or fed to a fused filter. */
  private settle(p: Scratch): void {
    const plan = p.plan
    // Unmapped values (stage 'raw') keep their alpha lanes; the mapping stage fills them.
    if (plan.fillAlpha && plan.stage !== 'raw') {
      this.kernels.fillAlpha(p.row.outRow, plan.dstKind, plan.outWidth, plan.channels, plan.max)
    }
    // A fully transparent pixel has colour 0, whatever the offset, mapping or blend gave it (as the reference).
    if (plan.hasAlpha && plan.stage !== 'raw') {
      this.kernels.clearTransparent(p.row.outRow, plan.dstKind, plan.outWidth, plan.channels)
    }
  }

  /** Settles the row in p.row.outRow and copies it into output row `r` of io.dst. */
  private store(p: Scratch, io: BandIO, r: number): void {
    const plan = p.plan
    this.settle(p)
    const bytes = p.row.n * (plan.stage === 'raw' ? rawBytes(plan) : BYTES[plan.dstKind])
    this.heap = BandRunner.view(this.heap, this.kernels.buffer())
    this.dstBytes = BandRunner.view(this.dstBytes, io.dst)
    const at = (io.dstOffset ?? 0) + r * bytes
    // As in pad: moved to the destination's alignment first (a copy inside the kernel memory is cheap).
    let row = p.row.outRow
    if ((at & 7) !== 0) {
      row = p.row.outAligned + (at & 7)
      this.heap.copyWithin(row, p.row.outRow, p.row.outRow + bytes)
    }
    this.dstBytes.set(this.heap.subarray(row, row + bytes), at)
  }

  private runRows(p: Scratch, io: BandIO, r0: number, r1: number, stop: () => boolean): boolean {
    let next = r0 // next padded row to fill
    for (let r = r0; r < r1; r++) {
      if (stop()) return true
      next = this.rowOf(p, io, r, next)
      this.store(p, io, r)
    }
    return false
  }

  /**
   * Computes output row `r` of a row method into p.row.outRow (not settled), padding the ring's rows from
   * `next` up to the ones it needs; returns the next padded row to fill.
   */
  private rowOf(p: Scratch, io: BandIO, r: number, next: number): number {
    const plan = p.plan
    const k = this.kernels
    const kh = plan.kh
    const { slots, slotPtrs } = p.ring as NonNullable<Scratch['ring']>
    const i16 = plan.method === 'direct-i16'
    const u8Rows = i16 || plan.method === 'separable-i16'
    const premul = plan.hasAlpha
    const wide = plan.precision === 'f64'
    const sb = wide ? 8 : 4
    const { n, sums, outRow, paddedSamples } = p.row
    // Output without alpha or blend, as bytes or as the f32 rows a fused filter reads: the last pass finishes
    // the sums itself (they stay in registers).
    const u8Out = plan.dstKind === SampleKind.U8 && plan.scale === 1 && plan.max === 255
    const fused =
      plan.precision === 'f32' &&
      !i16 &&
      (u8Out || plan.dstKind === SampleKind.F32) &&
      !plan.hasAlpha &&
      plan.opacity === 1 &&
      plan.finishMode <= FinishMode.Shift &&
      (plan.method === 'direct' || (p.separable?.terms.length ?? 0) > 0)
    for (; next < r + kh; next++) this.pad(p, io, next, slotPtrs[next % kh], u8Rows, premul)
    const fx = plan.fixed
    const f = p.fixed
    if (f && fx) {
      if (fx.symmetric) {
        const ptrs = new Uint32Array(k.buffer(), f.ptrs, f.colCount)
        for (let t = 0; t < f.colCount; t++) {
          const row = fx.columnRows[t]
          ptrs[t] = row < 0 ? f.zeroRow : slotPtrs[(r + row) % kh]
        }
        k.vpassU8Sym(f.row16, f.ptrs, f.colWeights, f.colCount / 4, paddedSamples, fx.bias1, fx.shift1)
      } else {
        k.tapPointers(f.ptrs, slots, kh, r, f.colRows, f.zeros, f.colCount)
        k.vpassU8(f.row16, f.ptrs, f.colWeights, f.colCount / 2, paddedSamples, fx.bias1, fx.shift1)
      }
      if (fx.rowFolded) k.hpassI16U8Sym(outRow, f.row16, f.rowOffs, f.rowWeights, f.rowPairs, n, fx.bias2, fx.shift2)
      else k.hpassI16U8(outRow, f.row16, f.rowOffs, f.rowWeights, f.rowPairs, n, fx.bias2, fx.shift2)
      return next
    }
    const sep = p.separable
    if (sep) {
      if (sep.terms.length === 0) new Uint8Array(k.buffer(), sums, n * sb).fill(0)
      const last = sep.terms.length - 1
      for (let index = 0; index <= last; index++) {
        const t = sep.terms[index]
        const accumulate = index > 0 ? 1 : 0
        k.tapPointers(sep.ptrs, slots, kh, r, t.colRows, t.zeros, t.colCount)
        if (wide) k.wsum64(sep.tmp, sep.ptrs, t.colWeights, t.colCount, paddedSamples, 0)
        else k.wsum(sep.tmp, sep.ptrs, t.colWeights, t.colCount, paddedSamples, 0)
        if (fused && index === last) this.finishedSums(p, u8Out, t.rowCount, t.rowPtrs, t.rowWeights, accumulate)
        else if (wide) k.wsum64(sums, t.rowPtrs, t.rowWeights, t.rowCount, n, accumulate)
        else k.wsum(sums, t.rowPtrs, t.rowWeights, t.rowCount, n, accumulate)
      }
      if (fused) return next
    } else {
      const taps = p.taps as NonNullable<Scratch['taps']>
      k.tapPointers(taps.ptrs, slots, kh, r, taps.rows, taps.offsets, taps.count)
      if (i16) {
        if (plan.intFinish) {
          k.wsumU8(outRow, taps.ptrs, taps.weights, taps.count, n, plan.offset, plan.finishMode)
          return next
        }
        k.wsumU8(taps.sums16, taps.ptrs, taps.weights, taps.count, n, 0, -1)
        k.i16ToF32(sums, taps.sums16, n)
      } else if (fused) {
        this.finishedSums(p, u8Out, taps.count, taps.ptrs, taps.weights, 0)
        return next
      } else if (wide) {
        k.wsum64(sums, taps.ptrs, taps.weights, taps.count, n, 0)
      } else {
        k.wsum(sums, taps.ptrs, taps.weights, taps.count, n, 0)
      }
    }
    this.finishRow(p, io, r, sums, i16 ? 0 : slotPtrs[(r + plan.centreY) % kh])
    return next
  }

  /** The last pass of a row whose finish runs in the same pass (see rowOf): sums to bytes or f32 in p.row.outRow. */
  private finishedSums(p: Scratch, u8Out: boolean, taps: number, ptrs: number, weights: number, accumulate: number): void {
    const { plan, row } = p
    if (u8Out) this.kernels.wsumU8Out(row.outRow, ptrs, weights, taps, row.n, accumulate, row.sums, plan.divisor, plan.offset, plan.finishMode, plan.p1)
    else this.kernels.wsumF32Out(row.outRow, ptrs, weights, taps, row.n, accumulate, row.sums, plan.divisor, plan.offset, plan.finishMode, plan.p1, plan.max)
  }

  private runFft(p: Scratch, f: FftBuffers, io: BandIO, r0: number, r1: number, stop: () => boolean): boolean {
    const plan = p.plan
    const k = this.kernels
    const C = plan.channels
    const tile = f.strip.tile
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
      for (let i = 0; i < padded; i++) this.padStripRow(p, io, y0 + i, f.strip.rows[i], f.strip, 4)
      const planeBytes = f.sumRowBytes * tv
      for (let j = 0; j < jobs.length; j += 2) {
        const [txA, chA] = jobs[j]
        k.gatherTile(f.re, f.strip.ptrs, padded, txA * tw1, chA, C, tile)
        const second = j + 1 < jobs.length ? jobs[j + 1] : null
        if (second) k.gatherTile(f.im, f.strip.ptrs, padded, second[0] * tw1, second[1], C, tile)
        else new Uint8Array(k.buffer(), f.im, pitchBytes).fill(0)
        k.convolveTile(f.re, f.im, f.tre, f.tim, f.kre, f.kim, plan.logN, f.tw)
        const colsA = Math.min(tw1, plan.outWidth - txA * tw1)
        k.scatterTile(f.sums + chA * planeBytes, f.sumRowBytes, f.re, tile, rows, colsA, txA * tw1)
        if (second) {
          const colsB = Math.min(tw1, plan.outWidth - second[0] * tw1)
          k.scatterTile(f.sums + second[1] * planeBytes, f.sumRowBytes, f.im, tile, rows, colsB, second[0] * tw1)
        }
      }
      for (let y = 0; y < rows; y++) {
        k.interleave(p.row.sums, f.sums + y * f.sumRowBytes, planeBytes, plan.outWidth, C)
        this.finishRow(p, io, y0 + y, p.row.sums, f.strip.rows[y + plan.centreY])
        this.store(p, io, y0 + y)
      }
    }
    return false
  }

  /**
   * {@link runFft} with f64 tiles (see fft64.ts): strips padded in f64, two channel tiles per complex transform
   * in the same order, window sums finished by the f64 steps.
   */
  private runFft64(p: Scratch, f: Fft64Buffers, io: BandIO, r0: number, r1: number, stop: () => boolean): boolean {
    const plan = p.plan
    const k = this.kernels
    const C = plan.channels
    const tile = f.strip.tile
    const tv = tile - plan.kh + 1
    const tw1 = tile - plan.kw + 1
    const width = plan.outWidth
    const tilesX = Math.ceil(width / tw1)
    const jobChannels = (plan.hasAlpha && !plan.alphaConvolved) || plan.fillAlpha ? C - 1 : C
    const jobs: [number, number][] = []
    for (let tx = 0; tx < tilesX; tx++) for (let ch = 0; ch < jobChannels; ch++) jobs.push([tx, ch])
    const gather = (heap: Float64Array, into: number, rows: number, tx: number, ch: number): void => {
      const at = into >> 3
      heap.fill(0, at, at + tile * tile)
      for (let y = 0; y < rows; y++) {
        const from = (f.strip.rows[y] >> 3) + tx * tw1 * C + ch
        for (let x = 0; x < tile; x++) heap[at + y * tile + x] = heap[from + x * C]
      }
    }
    const scatter = (heap: Float64Array, from: number, rows: number, tx: number, ch: number): void => {
      const cols = Math.min(tw1, width - tx * tw1)
      const at = from >> 3
      for (let y = 0; y < rows; y++) f.planes[ch].set(heap.subarray(at + y * tile, at + y * tile + cols), y * width + tx * tw1)
    }
    for (let y0 = r0; y0 < r1; y0 += tv) {
      if (stop()) return true
      const rows = Math.min(tv, r1 - y0)
      const padded = Math.min(tile, plan.rows.length - y0)
      for (let i = 0; i < padded; i++) this.padStripRow(p, io, y0 + i, f.strip.rows[i], f.strip, 8)
      const heap = new Float64Array(k.buffer())
      for (let j = 0; j < jobs.length; j += 2) {
        gather(heap, f.re, padded, jobs[j][0], jobs[j][1])
        if (j + 1 < jobs.length) gather(heap, f.im, padded, jobs[j + 1][0], jobs[j + 1][1])
        else heap.fill(0, f.im >> 3, (f.im >> 3) + tile * tile)
        k.convolveTile64(f.re, f.im, f.tre, f.tim, f.kre, f.kim, plan.logN, f.tables)
        scatter(heap, f.re, rows, jobs[j][0], jobs[j][1])
        if (j + 1 < jobs.length) scatter(heap, f.im, rows, jobs[j + 1][0], jobs[j + 1][1])
      }
      for (let y = 0; y < rows; y++) {
        const sums = new Float64Array(k.buffer(), p.row.sums, width * C)
        for (let ch = 0; ch < jobChannels; ch++) {
          const plane = f.planes[ch]
          for (let x = 0; x < width; x++) sums[x * C + ch] = plane[y * width + x]
        }
        this.finishRow(p, io, y0 + y, p.row.sums, f.strip.rows[y + plan.centreY])
        this.store(p, io, y0 + y)
      }
    }
    return false
  }

  private runMap(p: Scratch, io: BandIO, r0: number, r1: number, stop: () => boolean): boolean {
    const raw = io.raw
    if (!raw) throw new Error('stage "map" needs the raw values')
    const bytes = p.row.n * rawBytes(p.plan)
    for (let r = r0; r < r1; r++) {
      if (stop()) return true
      new Uint8Array(this.kernels.buffer(), p.row.sums, bytes).set(new Uint8Array(raw, r * bytes, bytes))
      this.finishRow(p, io, r, p.row.sums, 0)
      this.store(p, io, r)
    }
    return false
  }
}
