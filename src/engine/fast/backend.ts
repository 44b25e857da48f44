// The inner loops the fast paths run on, as one interface with two implementations: WebAssembly SIMD
// (src/wasm/kernels.ts, wrapped by wasm-backend.ts) and plain TypeScript (ts-backend.ts, the fallback).
// Pure: no node:* or DOM imports. Pointers are byte offsets into the backend's own linear memory.

/** Bytes every buffer gets after its end, so SIMD loops may finish their last block (up to 32 samples). */
export const BLOCK_SLACK = 256

/** Source and destination sample kinds of the padding and finishing steps. */
export const SampleKind = { U8: 0, U16: 1, F32: 2 } as const

/**
 * Signed mapping codes of `finish`; `Raw` stores unmapped values and measures their range (stretch, pass 1).
 * `Transparent` is added to one of them for images with alpha: pixels whose alpha is 0 (after alphaValues) get
 * colour 0 before any blend and stay out of the range.
 */
export const FinishMode = { Clamp: 0, Abs: 1, Shift: 2, Stretch: 3, Raw: 4, Transparent: 8 } as const

/**
 * The kernel set. Every function has the semantics documented in src/wasm/kernels.ts; the TypeScript backend
 * mirrors them exactly (same block sizes, same f32 rounding steps), so either can serve any plan.
 */
export interface Kernels {
  /** 'wasm' (SIMD) or 'ts' (plain TypeScript). */
  readonly name: 'wasm' | 'ts'
  /** The current linear memory (replaced when it grows). */
  buffer(): ArrayBuffer
  /** First byte the host may use. */
  readonly heapBase: number
  /** Makes the memory at least `bytes` long. */
  ensure(bytes: number): void
  wsum(out: number, ptrs: number, weights: number, taps: number, n: number, accumulate: number): void
  /**
   * Integer sums of u8 taps: mode -1 stores them as i16 at `out`; 0 clamp, 1 abs, 2 shift finish them to bytes
   * at `out` (plus `offset`) in the same pass.
   */
  wsumU8(out: number, ptrs: number, weights: number, taps: number, n: number, offset: number, mode: number): void
  tapPointers(ptrs: number, slots: number, ring: number, first: number, rows: number, offs: number, taps: number): void
  i16ToF32(dst: number, src: number, n: number): void
  padRow(
    dst: number,
    src: number,
    kind: number,
    outU8: number,
    segs: number,
    nSeg: number,
    channels: number,
    premul: number,
    maxv: number
  ): void
  resetRange(): void
  getRangeLow(): number
  getRangeHigh(): number
  alphaValues(
    sums: number,
    npix: number,
    channels: number,
    divisor: number,
    offset: number,
    maxv: number,
    alphaPtr: number,
    alphaStride: number,
    alphaConvolved: number
  ): void
  finish(
    dst: number,
    dkind: number,
    sums: number,
    n: number,
    channels: number,
    divisor: number,
    offset: number,
    mode: number,
    p1: number,
    p2: number,
    maxv: number,
    scale: number,
    base: number,
    opacity: number
  ): void
  finishU8(dst: number, sums: number, n: number, divisor: number, offset: number, mode: number, p1: number): void
  /** wsum then finishU8; `sums` holds earlier terms when `accumulate` (and may be clobbered). */
  wsumU8Out(
    dst: number,
    ptrs: number,
    weights: number,
    taps: number,
    n: number,
    accumulate: number,
    sums: number,
    divisor: number,
    offset: number,
    mode: number,
    p1: number
  ): void
  /**
   * wsum then finish to f32 (no alpha, no blend, `mode` 0 to 2, clamped to 0..maxv); `sums` as in wsumU8Out.
   */
  wsumF32Out(
    dst: number,
    ptrs: number,
    weights: number,
    taps: number,
    n: number,
    accumulate: number,
    sums: number,
    divisor: number,
    offset: number,
    mode: number,
    p1: number,
    maxv: number
  ): void
  fillAlpha(dst: number, dkind: number, npix: number, channels: number, maxv: number): void
  /** Colour 0 wherever the pixel's alpha rounds to 0 (integers 0, f32 below 0.5); `channels` 2 or 4. */
  clearTransparent(dst: number, dkind: number, npix: number, channels: number): void
  padRow64(dst: number, src: number, kind: number, segs: number, nSeg: number, channels: number, premul: number, maxv: number): void
  wsum64(out: number, ptrs: number, weights: number, taps: number, n: number, accumulate: number): void
  alphaValues64(
    sums: number,
    npix: number,
    channels: number,
    divisor: number,
    offset: number,
    maxv: number,
    alphaPtr: number,
    alphaStride: number,
    alphaConvolved: number
  ): void
  finish64(
    dst: number,
    dkind: number,
    sums: number,
    n: number,
    channels: number,
    divisor: number,
    offset: number,
    mode: number,
    p1: number,
    p2: number,
    maxv: number,
    scale: number,
    base: number,
    opacity: number
  ): void
  /** f64 tiles (see src/engine/fast/fft64.ts): forward transform, transposed, into (tre, tim). */
  fft2d64(re: number, im: number, tre: number, tim: number, logN: number, tables: number): void
  /** f64 tiles: one tile through a spectrum made by fft2d64, back into (re, im). */
  convolveTile64(re: number, im: number, tre: number, tim: number, kre: number, kim: number, logN: number, tables: number): void
  fft2d(re: number, im: number, tre: number, tim: number, logN: number, tw: number): void
  convolveTile(re: number, im: number, tre: number, tim: number, kre: number, kim: number, logN: number, tw: number): void
  gatherTile(dst: number, ptrs: number, rows: number, x0: number, ch: number, channels: number, n: number): void
  scatterTile(plane: number, rowBytes: number, src: number, n: number, rows: number, cols: number, x0: number): void
  interleave(dst: number, src: number, planeBytes: number, npix: number, channels: number): void
  /** Fixed-point vertical pass: u8 rows in tap pairs to an i16 row. */
  vpassU8(out: number, ptrs: number, weights: number, pairs: number, n: number, bias: number, shift: number): void
  /** Fixed-point vertical pass of a symmetric column: mirrored u8 rows summed, then in tap pairs. */
  vpassU8Sym(out: number, ptrs: number, weights: number, pairs: number, n: number, bias: number, shift: number): void
  /** Fixed-point horizontal pass: an i16 row in tap pairs to bytes. */
  hpassI16U8(dst: number, src: number, offs: number, weights: number, pairs: number, n: number, bias: number, shift: number): void
  /** hpassI16U8 on a symmetric row: mirrored taps summed first (see kernels.ts). */
  hpassI16U8Sym(dst: number, src: number, offs: number, weights: number, pairs: number, n: number, bias: number, shift: number): void
  /** Layer effects on 8-bit RGB: the luminance of packed pixels (src/wasm/layers.ts). */
  lumaRgb8(dst: number, src: number, n: number): void
  /** Layer effects on 8-bit RGB: the composite of packed pixels (src/wasm/layers.ts). */
  compositeRgb8(dst: number, back: number, filtered: number, select: number, luma: number, mask: number, opacity: number, blend: number, n: number): void
  /** Layer effects: a feathered mask row from its coarse line (src/wasm/layers.ts). */
  lerpMask(out: number, line: number, cells: number, col0: number, colT: number, n: number): void
  /** Layer effects: 8-bit samples decoded through a table, and linear light encoded in place (src/wasm/layers.ts). */
  decodeU8(dst: number, src: number, n: number, table: number): void
  encodeLinear(data: number, n: number, table: number): void
}

/** A bump allocator over a backend's memory: buffers are 64-byte aligned and followed by BLOCK_SLACK bytes. */
export class Arena {
  private top: number

  constructor(private readonly kernels: Kernels) {
    this.top = alignUp(kernels.heapBase, 64)
  }

  /** Frees everything allocated so far. */
  reset(): void {
    this.top = alignUp(this.kernels.heapBase, 64)
  }

  /** A zero-filled buffer of `bytes` (plus slack); returns its pointer. */
  alloc(bytes: number): number {
    const ptr = this.top
    this.top = alignUp(ptr + bytes + BLOCK_SLACK, 64)
    this.kernels.ensure(this.top)
    new Uint8Array(this.kernels.buffer(), ptr, this.top - ptr).fill(0)
    return ptr
  }
}

/**
 * Bytes between the rows of an N x N FFT tile: N floats plus 64 bytes, so rows a power of two apart do not
 * alias in the L1 cache. Must match tilePitch in src/wasm/kernels.ts.
 */
export function tilePitch(n: number): number {
  return n * 4 + 64
}

/** `value` rounded up to a multiple of `to` (a power of two). */
export function alignUp(value: number, to: number): number {
  return (value + to - 1) & ~(to - 1)
}
