// The kernel memory a band runner needs for one planned filter, laid out once per plan and kept between bands:
// the buffers every row passes through, then one part per method (ring of padded rows, taps, separable terms,
// fixed-point passes, FFT strips and tiles). Pure: no node:* imports.
import { alignUp, type Arena, tilePitch, type Kernels } from './backend'
import { fft64TableSize, fft64Tables } from './fft64'
import type { FilterPlan } from './plan'

const BYTES: readonly number[] = [1, 2, 4]

/** The buffers every plan uses: a row on its way in (staged, padded) and out (sums, finished, aligned). */
export interface RowBuffers {
  /** Output samples per row. */
  readonly n: number
  /** Samples per padded source row: the output row widened by the kernel. */
  readonly paddedSamples: number
  /** Where a source row is staged, at its source offset's alignment, before padding. */
  readonly staging: number
  /** The plan's padded-row runs (see FilterPlan.segs) and their count. */
  readonly segs: number
  readonly nSeg: number
  /** Window sums of one output row: f32, or f64 for f64 plans. */
  readonly sums: number
  /** The finished row, and room to move it to the destination's alignment before it is copied out. */
  readonly outRow: number
  readonly outAligned: number
  /** A padded input row for the opacity blend where the padded rows themselves cannot serve; 0 when unused. */
  readonly baseRow: number
}

/** Row methods: a ring of kh padded rows; `slots` holds their pointers in kernel memory. */
export interface Ring {
  readonly slots: number
  readonly slotPtrs: readonly number[]
}

/** Direct 2-D passes: a pointer per tap, the taps' kernel rows, offsets and weights; i16 sums (integer path). */
export interface TapBuffers {
  readonly count: number
  readonly ptrs: number
  readonly rows: number
  readonly offsets: number
  readonly weights: number
  readonly sums16: number
}

/** One column x row term of a separable plan. */
export interface TermBuffers {
  readonly colRows: number
  readonly colWeights: number
  readonly colCount: number
  /** Zero offsets for the column taps (tapPointers adds an offset per tap). */
  readonly zeros: number
  readonly rowPtrs: number
  readonly rowWeights: number
  readonly rowCount: number
}

/** Separable plans: the vertical pass's output row, its tap pointers and the terms. */
export interface SeparableBuffers {
  readonly tmp: number
  readonly ptrs: number
  readonly terms: readonly TermBuffers[]
}

/** 'separable-i16': tap pointers, rows, zero offsets and weights of both passes, and the i16 row between them. */
export interface FixedBuffers {
  readonly ptrs: number
  readonly colRows: number
  readonly zeros: number
  readonly colCount: number
  readonly colWeights: number
  readonly row16: number
  readonly rowOffs: number
  readonly rowWeights: number
  /** Tap pairs of the horizontal pass (folded: the pairs before the last step). */
  readonly rowPairs: number
  /** Symmetric columns: a row of zeros (the centre tap's partner). */
  readonly zeroRow: number
}

/** FFT strips: `tile` padded rows (pointers at `ptrs`), each `samples` long (zeros after the padded row). */
export interface Strip {
  readonly tile: number
  readonly ptrs: number
  readonly rows: readonly number[]
  readonly samples: number
}

/** f32 FFT: the strip, six tile arrays, the twiddles and one plane of window sums per channel. */
export interface FftBuffers {
  readonly strip: Strip
  readonly re: number
  readonly im: number
  readonly tre: number
  readonly tim: number
  readonly kre: number
  readonly kim: number
  readonly tw: number
  /** Window sums of one strip, a plane per channel, rows `sumRowBytes` apart. */
  readonly sums: number
  readonly sumRowBytes: number
}

/** f64 FFT (fft64.ts): the strip, six f64 tiles, the transform tables and one plane of window sums per channel. */
export interface Fft64Buffers {
  readonly strip: Strip
  readonly re: number
  readonly im: number
  readonly tre: number
  readonly tim: number
  readonly kre: number
  readonly kim: number
  readonly tables: number
  readonly planes: readonly Float64Array[]
}

/** Everything one plan needs; the parts its method does not use are null. */
export interface Scratch {
  readonly plan: FilterPlan
  readonly row: RowBuffers
  readonly ring: Ring | null
  readonly taps: TapBuffers | null
  readonly separable: SeparableBuffers | null
  readonly fixed: FixedBuffers | null
  readonly fft: FftBuffers | null
  readonly fft64: Fft64Buffers | null
}

/** Writes into kernel memory, run once every buffer is allocated (allocating may replace the memory). */
type Writes = (() => void)[]

/** Lays out the scratch of `plan` in `arena` (freed first) and fills its constant parts (weights, spectra). */
export function prepareScratch(kernels: Kernels, arena: Arena, plan: FilterPlan): Scratch {
  return prepareScratches(kernels, arena, [plan])[0]
}

/**
 * Lays out the scratch of every plan side by side in `arena` (freed first), for filters fused in one band run
 * (BandIO.before), and fills their constant parts.
 */
export function prepareScratches(kernels: Kernels, arena: Arena, plans: readonly FilterPlan[]): Scratch[] {
  arena.reset()
  const writes: Writes = []
  const scratches = plans.map((plan) => layout(kernels, arena, plan, writes))
  for (const write of writes) write()
  return scratches
}

function layout(kernels: Kernels, arena: Arena, plan: FilterPlan, writes: Writes): Scratch {
  const rowMethod = plan.method !== 'fft' && plan.method !== 'map'
  return {
    plan,
    row: rowBuffers(kernels, arena, plan, writes),
    ring: rowMethod ? ring(kernels, arena, plan, writes) : null,
    taps: plan.taps ? taps(kernels, arena, plan, writes) : null,
    separable: plan.method === 'separable' ? separable(kernels, arena, plan, writes) : null,
    fixed: plan.method === 'separable-i16' ? fixed(kernels, arena, plan, writes) : null,
    fft: plan.method === 'fft' && plan.precision === 'f32' ? fft(kernels, arena, plan, writes) : null,
    fft64: plan.method === 'fft' && plan.precision === 'f64' ? fft64(kernels, arena, plan, writes) : null
  }
}

/** Bytes per sample of the float rows of `plan`. */
function sampleBytes(plan: FilterPlan): number {
  return plan.precision === 'f64' ? 8 : 4
}

function paddedSamples(plan: FilterPlan): number {
  return (plan.outWidth + plan.kw - 1) * plan.channels
}

function rowBuffers(kernels: Kernels, a: Arena, plan: FilterPlan, writes: Writes): RowBuffers {
  const n = plan.outWidth * plan.channels
  const padded = paddedSamples(plan)
  const sb = sampleBytes(plan)
  const segs = a.alloc(plan.segs.byteLength)
  writes.push(() => new Int32Array(kernels.buffer(), segs, plan.segs.length).set(plan.segs))
  const needBase = plan.opacity < 1 && (plan.hasAlpha || plan.method === 'direct-i16' || plan.method === 'map')
  return {
    n,
    paddedSamples: padded,
    // 8 bytes more: a row is staged at its source offset's alignment.
    staging: a.alloc(plan.srcWidth * plan.channels * BYTES[plan.srcKind] + 8),
    segs,
    nSeg: plan.segs.length / 3,
    sums: a.alloc(Math.max(n, padded) * sb),
    outRow: a.alloc(n * 8),
    outAligned: a.alloc(n * 8 + 8),
    baseRow: needBase ? a.alloc(padded * sb) : 0
  }
}

function ring(kernels: Kernels, a: Arena, plan: FilterPlan, writes: Writes): Ring {
  // The integer paths keep u8 padded rows.
  const u8Rows = plan.method === 'direct-i16' || plan.method === 'separable-i16'
  const slots = a.alloc(plan.kh * 4)
  const slotPtrs: number[] = []
  for (let i = 0; i < plan.kh; i++) slotPtrs.push(a.alloc(paddedSamples(plan) * (u8Rows ? 1 : sampleBytes(plan))))
  writes.push(() => new Uint32Array(kernels.buffer(), slots, plan.kh).set(slotPtrs))
  return { slots, slotPtrs }
}

function taps(kernels: Kernels, a: Arena, plan: FilterPlan, writes: Writes): TapBuffers {
  const list = plan.taps as NonNullable<FilterPlan['taps']>
  const i16 = plan.method === 'direct-i16'
  const sb = sampleBytes(plan)
  const count = list.rows.length
  const buffers: TapBuffers = {
    count,
    ptrs: a.alloc(count * 4),
    rows: a.alloc(count * 4),
    offsets: a.alloc(count * 4),
    weights: a.alloc(count * 8),
    sums16: i16 ? a.alloc(plan.outWidth * plan.channels * 2) : 0
  }
  writes.push(() => {
    const memory = kernels.buffer()
    new Int32Array(memory, buffers.rows, count).set(list.rows)
    new Int32Array(memory, buffers.offsets, count).set(list.offsets.map((o) => o * (i16 ? 1 : sb)))
    if (i16) new Int16Array(memory, buffers.weights, count).set(list.weightsI16)
    else if (sb === 8) new Float64Array(memory, buffers.weights, count).set(list.weights)
    else new Float32Array(memory, buffers.weights, count).set(list.weights)
  })
  return buffers
}

function separable(kernels: Kernels, a: Arena, plan: FilterPlan, writes: Writes): SeparableBuffers {
  const sb = sampleBytes(plan)
  const tmp = a.alloc(paddedSamples(plan) * sb)
  let maxCol = 0
  for (const t of plan.terms) maxCol = Math.max(maxCol, t.columnRows.length)
  const ptrs = a.alloc(maxCol * 4)
  const terms = plan.terms.map((t): TermBuffers => {
    const colCount = t.columnRows.length
    const rowCount = t.rowOffsets.length
    const term: TermBuffers = {
      colRows: a.alloc(colCount * 4),
      colWeights: a.alloc(colCount * 8),
      colCount,
      zeros: a.alloc(colCount * 4),
      rowPtrs: a.alloc(rowCount * 4),
      rowWeights: a.alloc(rowCount * 8),
      rowCount
    }
    writes.push(() => {
      const memory = kernels.buffer()
      const Weights = sb === 8 ? Float64Array : Float32Array
      new Int32Array(memory, term.colRows, colCount).set(t.columnRows)
      new Weights(memory, term.colWeights, colCount).set(t.columnWeights)
      new Uint32Array(memory, term.rowPtrs, rowCount).set(Array.from(t.rowOffsets, (o) => tmp + o * sb))
      new Weights(memory, term.rowWeights, rowCount).set(t.rowWeights)
    })
    return term
  })
  return { tmp, ptrs, terms }
}

function fixed(kernels: Kernels, a: Arena, plan: FilterPlan, writes: Writes): FixedBuffers {
  const fx = plan.fixed as NonNullable<FilterPlan['fixed']>
  const colCount = fx.columnRows.length
  const rowCount = fx.rowOffsets.length
  const padded = paddedSamples(plan)
  const buffers: FixedBuffers = {
    ptrs: a.alloc(colCount * 4),
    colRows: a.alloc(colCount * 4),
    zeros: a.alloc(colCount * 4),
    colCount,
    colWeights: a.alloc(colCount * 2),
    row16: a.alloc(padded * 2),
    rowOffs: a.alloc(rowCount * 4),
    rowWeights: a.alloc(fx.rowWeights.length * 4),
    rowPairs: fx.rowFolded ? fx.rowWeights.length - 1 : rowCount / 2,
    zeroRow: fx.symmetric ? a.alloc(padded) : 0
  }
  writes.push(() => {
    const memory = kernels.buffer()
    new Int32Array(memory, buffers.colRows, colCount).set(fx.columnRows)
    new Int32Array(memory, buffers.colWeights, fx.columnWeights.length).set(fx.columnWeights)
    new Int32Array(memory, buffers.rowOffs, rowCount).set(fx.rowOffsets.map((o) => o * 2))
    new Int32Array(memory, buffers.rowWeights, fx.rowWeights.length).set(fx.rowWeights)
  })
  return buffers
}

/** Strip rows for FFT tiles of `plan`, `bytes` per sample, wide enough for the last tile of a row. */
function strip(kernels: Kernels | null, a: Arena, plan: FilterPlan, bytes: number, writes: Writes): Strip {
  const tile = 1 << plan.logN
  const tw1 = tile - plan.kw + 1
  const samples = ((Math.ceil(plan.outWidth / tw1) - 1) * tw1 + tile) * plan.channels
  const ptrs = kernels ? a.alloc(tile * 4) : 0
  const rows: number[] = []
  for (let i = 0; i < tile; i++) rows.push(a.alloc(samples * bytes))
  if (kernels) writes.push(() => new Uint32Array(kernels.buffer(), ptrs, tile).set(rows))
  return { tile, ptrs, rows, samples }
}

function fft(kernels: Kernels, a: Arena, plan: FilterPlan, writes: Writes): FftBuffers {
  const rows = strip(kernels, a, plan, 4, writes)
  const tile = rows.tile
  const sumRowBytes = alignUp(plan.outWidth * 4 + 256, 64)
  const sums = a.alloc(sumRowBytes * (tile - plan.kh + 1) * plan.channels)
  const tileBytes = tile * tilePitch(tile)
  // Stagger the six tile arrays across 4 KiB so their streams do not evict or alias each other.
  const tiles: number[] = []
  for (let i = 0; i < 6; i++) tiles.push(a.alloc(tileBytes + 4096) + ((i * 576) % 4096))
  const [re, im, tre, tim, kre, kim] = tiles
  const tw = a.alloc(tile * 4)
  writes.push(() => {
    const twiddles = new Float32Array(kernels.buffer(), tw, tile)
    for (let i = 0; i < tile / 2; i++) {
      twiddles[2 * i] = Math.cos((2 * Math.PI * i) / tile)
      twiddles[2 * i + 1] = -Math.sin((2 * Math.PI * i) / tile)
    }
    // The kernel spectrum: correlation with K is circular convolution with K[-i][-j]; 1 / N^2 folds in the
    // inverse transform's scaling.
    const pitch = tilePitch(tile) >> 2
    const g = new Float32Array(kernels.buffer(), kre, tile * pitch)
    g.fill(0)
    new Float32Array(kernels.buffer(), kim, tile * pitch).fill(0)
    const scale = 1 / (tile * tile)
    for (let i = 0; i < plan.kh; i++) {
      for (let j = 0; j < plan.kw; j++) g[((tile - i) % tile) * pitch + ((tile - j) % tile)] = plan.weights[i * plan.kw + j] * scale
    }
    kernels.fft2d(kre, kim, tre, tim, plan.logN, tw)
    const memory = new Uint8Array(kernels.buffer())
    memory.copyWithin(kre, tre, tre + tileBytes)
    memory.copyWithin(kim, tim, tim + tileBytes)
  })
  return { strip: rows, re, im, tre, tim, kre, kim, tw, sums, sumRowBytes }
}

function fft64(kernels: Kernels, a: Arena, plan: FilterPlan, writes: Writes): Fft64Buffers {
  const rows = strip(null, a, plan, 8, writes)
  const tile = rows.tile
  const tileBytes = tile * tile * 8
  // Staggered across 4 KiB like the f32 tiles.
  const tiles: number[] = []
  for (let i = 0; i < 6; i++) tiles.push(a.alloc(tileBytes + 4096) + ((i * 576) % 4096))
  const [re, im, tre, tim, kre, kim] = tiles
  const tables = a.alloc(fft64TableSize(plan.logN) * 8)
  writes.push(() => {
    fft64Tables(new Float64Array(kernels.buffer()), tables >> 3, plan.logN)
    // The kernel spectrum, as for f32 tiles: K[-i][-j] scaled by 1 / N^2.
    const g = new Float64Array(kernels.buffer(), kre, tile * tile)
    g.fill(0)
    new Float64Array(kernels.buffer(), kim, tile * tile).fill(0)
    const scale = 1 / (tile * tile)
    for (let i = 0; i < plan.kh; i++) {
      for (let j = 0; j < plan.kw; j++) g[((tile - i) % tile) * tile + ((tile - j) % tile)] = plan.weights[i * plan.kw + j] * scale
    }
    kernels.fft2d64(kre, kim, tre, tim, plan.logN, tables)
    const memory = new Uint8Array(kernels.buffer())
    memory.copyWithin(kre, tre, tre + tileBytes)
    memory.copyWithin(kim, tim, tim + tileBytes)
  })
  return {
    strip: rows,
    re,
    im,
    tre,
    tim,
    kre,
    kim,
    tables,
    planes: Array.from({ length: plan.channels }, () => new Float64Array((tile - plan.kh + 1) * plan.outWidth))
  }
}
