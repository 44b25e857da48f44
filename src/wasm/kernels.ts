// AssemblyScript, compiled to out/wasm/kernels.wasm (scripts/build-wasm.mjs): the inner loops of the fast paths.
// Every pointer is a byte offset into this module's memory; the host (src/engine/fast/wasm-backend.ts) lays out
// the buffers. Loops work in whole SIMD blocks, so the host pads every buffer with BLOCK_SLACK bytes after its end.
// src/engine/fast/ts-backend.ts is the same set of functions in plain TypeScript: keep the two in step.

export { compositeRgb8, decodeU8, encodeLinear, lerpMask, lumaRgb8 } from './layers'
import { roundHalfUp } from './round'

/** First free byte after the module's static data: the host's arena starts here. */
export function heapBase(): usize {
  return __heap_base
}

// ---------------------------------------------------------------------------------------------------------------
// Weighted sums of shifted rows: every convolution path (direct 2-D, the two 1-D passes, low-rank terms) is
// out[s] = sum over taps t of w[t] * src_t[s], where src_t is a row pointer already moved by the tap's offset.

/**
 * out[s] (+)= sum_t w[t] * f32 src_t[s] for s in [0, n), in blocks of 16 floats.
 * `ptrs` holds `taps` u32 row pointers, `weights` `taps` f32 weights.
 */
export function wsum(out: usize, ptrs: usize, weights: usize, taps: i32, n: i32, accumulate: i32): void {
  // A loop of its own for each case (a constant argument to the inlined body): a test of `accumulate` in every
  // block costs the loop more than the test itself.
  if (accumulate) sumRows(out, ptrs, weights, taps, n, true, out, 1, 0, 0, 0, 0, false, false, true)
  else sumRows(out, ptrs, weights, taps, n, false, out, 1, 0, 0, 0, 0, false, false, true)
}

/** Tap pointers of one output row: ptrs[t] = slots[(first + row[t]) % ring] + off[t]. */
export function tapPointers(ptrs: usize, slots: usize, ring: i32, first: i32, rows: usize, offs: usize, taps: i32): void {
  for (let t: i32 = 0; t < taps; t++) {
    const to = <usize>t << 2
    let slot = first + load<i32>(rows + to)
    slot = slot % ring
    store<u32>(ptrs + to, load<u32>(slots + (<usize>slot << 2)) + load<u32>(offs + to))
  }
}

/** i16 sums to f32 (exact), 8 per block. */
export function i16ToF32(dst: usize, src: usize, n: i32): void {
  for (let x: i32 = 0; x < n; x += 8) {
    const v = v128.load(src + (<usize>x << 1))
    const d = dst + (<usize>x << 2)
    v128.store(d, f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(v)))
    v128.store(d, f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(v)), 16)
  }
}

/**
 * Integer path for 8-bit sources: sum_t w[t] * u8 src_t[s] in i16 lanes, 32 samples per block (up to 31 past
 * `n` are written). Exact when sum |w| * 255 fits in i16 (the planner checks), which holds for small integer
 * kernels. `mode` -1 stores the i16 sums at `out`; 0 (clamp), 1 (abs) and 2 (shift) finish them in the same
 * pass (divisor 1, integer offset, no alpha, no blend): the sums, started at `offset`, go straight to bytes at
 * `out`, with abs for mode 1 or +128 for mode 2, saturated; the planner keeps offset and +128 within i16 too.
 */
export function wsumU8(out: usize, ptrs: usize, weights: usize, taps: i32, n: i32, offset: i32, mode: i32): void {
  const off = i16x8.splat(<i16>(mode < 0 ? 0 : offset))
  const mid = i16x8.splat(<i16>(mode == 2 ? 128 : 0))
  for (let x: i32 = 0; x < n; x += 32) {
    let a0 = off
    let a1 = off
    let a2 = off
    let a3 = off
    for (let t: i32 = 0; t < taps; t++) {
      const p = <usize>load<u32>(ptrs + (<usize>t << 2)) + <usize>x
      const w = v128.load_splat<i16>(weights + (<usize>t << 1))
      a0 = i16x8.add(a0, i16x8.mul(v128.load8x8_u(p), w))
      a1 = i16x8.add(a1, i16x8.mul(v128.load8x8_u(p, 8), w))
      a2 = i16x8.add(a2, i16x8.mul(v128.load8x8_u(p, 16), w))
      a3 = i16x8.add(a3, i16x8.mul(v128.load8x8_u(p, 24), w))
    }
    if (mode < 0) {
      const o = out + (<usize>x << 1)
      v128.store(o, a0)
      v128.store(o, a1, 16)
      v128.store(o, a2, 32)
      v128.store(o, a3, 48)
      continue
    }
    if (mode == 1) {
      a0 = i16x8.abs(a0)
      a1 = i16x8.abs(a1)
      a2 = i16x8.abs(a2)
      a3 = i16x8.abs(a3)
    }
    const d = out + <usize>x
    v128.store(d, i8x16.narrow_i16x8_u(i16x8.add(a0, mid), i16x8.add(a1, mid)))
    v128.store(d, i8x16.narrow_i16x8_u(i16x8.add(a2, mid), i16x8.add(a3, mid)), 16)
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Padding: one padded row built from a staged source row, following the border table's runs.

/**
 * Builds a padded row: `segs` holds `nSeg` (dstPixel, srcPixel, count) i32 triples in increasing dstPixel order;
 * srcPixel -1 means zeros. Source `kind` 0 u8, 1 u16, 2 f32; `outU8` 1 copies u8 to u8 (integer path), else
 * the row is f32. With alpha (`premul` 1), colour is premultiplied by alpha / maxv like the reference.
 * Runs may write up to 16 samples past their end; later runs (and the row's slack) absorb that.
 */
export function padRow(
  dst: usize,
  src: usize,
  kind: i32,
  outU8: i32,
  segs: usize,
  nSeg: i32,
  channels: i32,
  premul: i32,
  maxv: f32
): void {
  for (let g: i32 = 0; g < nSeg; g++) {
    const sp = segs + <usize>(g * 12)
    const dp = load<i32>(sp)
    const sx = load<i32>(sp, 4)
    const count = load<i32>(sp, 8) * channels
    const d0 = <usize>(dp * channels)
    if (outU8) {
      if (sx < 0) memory.fill(dst + d0, 0, <usize>count)
      else memory.copy(dst + d0, src + <usize>(sx * channels), <usize>count)
      continue
    }
    const d = dst + (d0 << 2)
    if (sx < 0) {
      memory.fill(d, 0, <usize>count << 2)
      continue
    }
    const s0 = <usize>(sx * channels)
    if (kind == 0) {
      const s = src + s0
      for (let i: i32 = 0; i < count; i += 16) {
        const v = v128.load(s + <usize>i)
        const lo = i16x8.extend_low_i8x16_u(v)
        const hi = i16x8.extend_high_i8x16_u(v)
        const o = d + (<usize>i << 2)
        v128.store(o, f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(lo)))
        v128.store(o, f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(lo)), 16)
        v128.store(o, f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(hi)), 32)
        v128.store(o, f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(hi)), 48)
      }
    } else if (kind == 1) {
      const s = src + (s0 << 1)
      for (let i: i32 = 0; i < count; i += 8) {
        const v = v128.load(s + (<usize>i << 1))
        const o = d + (<usize>i << 2)
        v128.store(o, f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(v)))
        v128.store(o, f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(v)), 16)
      }
    } else {
      memory.copy(d, src + (s0 << 2), <usize>count << 2)
    }
    if (premul) {
      // One RGBA pixel or two grey+alpha pixels per vector: colour * alpha / max where alpha is not max.
      const keepLanes = channels == 4 ? i32x4(0, 0, 0, -1) : i32x4(0, -1, 0, -1)
      const vmax = f32x4.splat(maxv)
      let i: i32 = 0
      for (; i + 4 <= count; i += 4) {
        const p = d + (<usize>i << 2)
        const v = v128.load(p)
        const alpha = channels == 4 ? i32x4.shuffle(v, v, 3, 3, 3, 3) : i32x4.shuffle(v, v, 1, 1, 3, 3)
        const keep = v128.or(keepLanes, f32x4.eq(alpha, vmax))
        v128.store(p, v128.bitselect(v, f32x4.div(f32x4.mul(v, alpha), vmax), keep))
      }
      for (; i < count; i += channels) {
        // The last grey+alpha pixel of an odd count.
        const p = d + (<usize>i << 2)
        const alpha = load<f32>(p, 4)
        if (alpha != maxv) store<f32>(p, (load<f32>(p) * alpha) / maxv)
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Finishing: window sums to output samples, following src/engine/convolve.ts step by step.

let rangeLow: f64 = Infinity
let rangeHigh: f64 = -Infinity

/** Starts a new min..max measurement for `stretch`. */
export function resetRange(): void {
  rangeLow = Infinity
  rangeHigh = -Infinity
}

/** Smallest colour value seen since {@link resetRange}. */
export function getRangeLow(): f64 {
  return rangeLow
}

/** Largest colour value seen since {@link resetRange}. */
export function getRangeHigh(): f64 {
  return rangeHigh
}

/**
 * Alpha images, in place over the sums of `npix` pixels: alpha becomes the output alpha (the convolved window
 * clamped and snapped to opaque, or the input alpha under the kernel centre read at alphaPtr + i * alphaStride;
 * 0 where it rounds to 0),
 * colour becomes sum / divisor un-premultiplied by it, plus the offset: the values the signed mapping starts from.
 */
export function alphaValues(
  sums: usize,
  npix: i32,
  channels: i32,
  divisor: f32,
  offset: f32,
  maxv: f32,
  alphaPtr: usize,
  alphaStride: i32,
  alphaConvolved: i32
): void {
  // One RGBA pixel or two grey+alpha pixels per vector, then a scalar tail.
  const alphaLanes = channels == 4 ? i32x4(0, 0, 0, -1) : i32x4(0, -1, 0, -1)
  const vmax = f32x4.splat(maxv)
  const vzero = f32x4.splat(0)
  const vdiv = f32x4.splat(divisor)
  const voff = f32x4.splat(offset)
  const snap = f32x4.splat(maxv * 2e-6)
  const vhalf = f32x4.splat(0.5)
  const perVector = 4 / channels
  let i: i32 = 0
  for (; i + perVector <= npix; i += perVector) {
    const p = sums + (<usize>(i * channels) << 2)
    const v = f32x4.div(v128.load(p), vdiv)
    let alpha: v128
    if (alphaConvolved) {
      alpha = channels == 4 ? i32x4.shuffle(v, v, 3, 3, 3, 3) : i32x4.shuffle(v, v, 1, 1, 3, 3)
      alpha = v128.bitselect(vmax, alpha, f32x4.le(f32x4.abs(f32x4.sub(alpha, vmax)), snap))
      alpha = f32x4.pmin(alpha, vmax)
    } else if (channels == 4) {
      alpha = v128.load_splat<f32>(alphaPtr + <usize>(i * alphaStride))
    } else {
      const a0 = load<f32>(alphaPtr + <usize>(i * alphaStride))
      const a1 = load<f32>(alphaPtr + <usize>((i + 1) * alphaStride))
      alpha = f32x4(a0, a0, a1, a1)
    }
    // Alpha that rounds to 0 (below half a level) is fully transparent, as in the reference: float noise left
    // where the exact alpha is 0 would otherwise blow the colour up when divided by.
    alpha = v128.and(alpha, f32x4.ge(alpha, vhalf))
    // Un-premultiply: unchanged where opaque, colour * max / alpha where alpha > 0, else 0.
    let c = v128.bitselect(f32x4.div(f32x4.mul(v, vmax), alpha), vzero, f32x4.gt(alpha, vzero))
    c = v128.bitselect(v, c, f32x4.eq(alpha, vmax))
    v128.store(p, v128.bitselect(alpha, f32x4.add(c, voff), alphaLanes))
  }
  const a = channels - 1
  for (; i < npix; i++) {
    const p = sums + (<usize>(i * channels) << 2)
    let alpha: f32
    if (alphaConvolved) {
      alpha = load<f32>(p + (<usize>a << 2)) / divisor
      if (Mathf.abs(alpha - maxv) <= maxv * 2e-6) alpha = maxv
      alpha = alpha > maxv ? maxv : alpha
    } else {
      alpha = load<f32>(alphaPtr + <usize>(i * alphaStride))
    }
    if (alpha < 0.5) alpha = 0
    store<f32>(p + (<usize>a << 2), alpha)
    for (let c: i32 = 0; c < a; c++) {
      const q = p + (<usize>c << 2)
      let v = load<f32>(q) / divisor
      v = alpha == maxv ? v : alpha > 0 ? (v * maxv) / alpha : 0
      store<f32>(q, v + offset)
    }
  }
}

/** All lanes of the pixels (one RGBA, or two grey+alpha) of `v` whose alpha lane is 0. */
// @ts-ignore: decorator
@inline
function transparentLanes(v: v128, channels: i32): v128 {
  const alpha = channels == 4 ? i32x4.shuffle(v, v, 3, 3, 3, 3) : i32x4.shuffle(v, v, 1, 1, 3, 3)
  return f32x4.eq(alpha, f32x4.splat(0))
}

// @ts-ignore: decorator
@inline
function roundToInt(x: v128): v128 {
  // Math.round on 0 <= x < 2^22: adding 2^23 rounds to an integer (ties to even) whose low mantissa bits are
  // that integer; exact halves then get pushed up, as Math.round does.
  const magic = f32x4.splat(8388608)
  const big = f32x4.add(x, magic)
  const r = f32x4.sub(big, magic)
  const tie = f32x4.eq(f32x4.sub(x, r), f32x4.splat(0.5))
  return i32x4.sub(i32x4.sub(big, magic), tie)
}

/**
 * The rest of a filter, 16 samples per block: v = sums / divisor + offset (pass 1 and 0 when the values are
 * ready, as after alphaValues), the signed mapping on colour lanes (`mode` 0 clamp, 1 abs, 2 shift by p1,
 * 3 stretch p1..p2 to 0..maxv), clamp, blend over `base` with `opacity` (base 0: no blend), then store:
 * `dkind` 0 u8, 1 u16, 2 f32 (integers scaled by `scale`, rounded half up like Math.round). `mode` 4 instead stores the
 * unmapped values as f32 and widens the range for `stretch`. `mode` | 8: the pixels whose alpha lane is 0 (fully
 * transparent, as {@link alphaValues} leaves them) get colour 0 before the blend and stay out of the range.
 * `channels` 2 or 4 marks the alpha lanes, which are never mapped (rows start on a pixel, so lanes line up with
 * channels).
 */
export function finish(
  dst: usize,
  dkind: i32,
  sums: usize,
  n: i32,
  channels: i32,
  divisor: f32,
  offset: f32,
  mode: i32,
  p1: f32,
  p2: f32,
  maxv: f32,
  scale: f32,
  base: usize,
  opacity: f32
): void {
  const clear = (mode & 8) != 0
  mode &= 7
  const vdiv = f32x4.splat(divisor)
  const voff = f32x4.splat(offset)
  const vzero = f32x4.splat(0)
  const vmax = f32x4.splat(maxv)
  const vp1 = f32x4.splat(p1)
  const stretchOk = p2 > p1
  const vrange = f32x4.splat(stretchOk ? p2 - p1 : 1)
  const vscale = f32x4.splat(scale)
  const vop = f32x4.splat(opacity)
  const vinv = f32x4.splat(1 - opacity)
  const plainDivide = divisor != 1
  let alphaMask = i32x4.splat(0)
  if (channels == 4) alphaMask = i32x4(0, 0, 0, -1)
  else if (channels == 2) alphaMask = i32x4(0, -1, 0, -1)
  const inf = f32x4.splat(Infinity)
  const ninf = f32x4.splat(-Infinity)
  let low = inf
  let high = ninf
  for (let x: i32 = 0; x < n; x += 4) {
    const xo = (<usize>x) << 2
    let v = v128.load(sums + xo)
    if (plainDivide) v = f32x4.div(v, vdiv)
    v = f32x4.add(v, voff)
    if (mode >= 4) {
      v128.store(dst + xo, v)
      let skip = alphaMask
      const left = n - x
      if (left < 4) skip = v128.or(skip, i32x4.gt_s(i32x4(0, 1, 2, 3), i32x4.splat(left - 1)))
      // Fully transparent pixels (alpha 0, as alphaValues leaves it) have no colour to range over.
      if (clear) skip = v128.or(skip, transparentLanes(v, channels))
      low = f32x4.pmin(low, v128.bitselect(inf, v, skip))
      high = f32x4.pmax(high, v128.bitselect(ninf, v, skip))
      continue
    }
    let m = v
    if (mode == 1) m = f32x4.abs(v)
    else if (mode == 2) m = f32x4.add(v, vp1)
    else if (mode == 3 && stretchOk) m = f32x4.div(f32x4.mul(f32x4.sub(v, vp1), vmax), vrange)
    v = v128.bitselect(v, m, alphaMask)
    v = f32x4.pmin(f32x4.pmax(v, vzero), vmax)
    // A fully transparent pixel has colour 0 (before any blend, as the reference's convolution gives it).
    if (clear) v = v128.andnot(v, v128.andnot(transparentLanes(v, channels), alphaMask))
    if (base) {
      v = f32x4.add(f32x4.mul(v128.load(base + xo), vinv), f32x4.mul(v, vop))
      v = f32x4.pmin(f32x4.pmax(v, vzero), vmax)
    }
    if (dkind == 2) {
      v128.store(dst + xo, v)
      continue
    }
    const r = roundToInt(f32x4.mul(v, vscale))
    const h = i16x8.narrow_i32x4_u(r, r)
    if (dkind == 1) v128.store64_lane(dst + ((<usize>x) << 1), h, 0)
    else v128.store32_lane(dst + <usize>x, i8x16.narrow_i16x8_u(h, h), 0)
  }
  if (mode >= 4) {
    const l = Mathf.min(Mathf.min(f32x4.extract_lane(low, 0), f32x4.extract_lane(low, 1)), Mathf.min(f32x4.extract_lane(low, 2), f32x4.extract_lane(low, 3)))
    const h = Mathf.max(Mathf.max(f32x4.extract_lane(high, 0), f32x4.extract_lane(high, 1)), Mathf.max(f32x4.extract_lane(high, 2), f32x4.extract_lane(high, 3)))
    if (<f64>l < rangeLow) rangeLow = l
    if (<f64>h > rangeHigh) rangeHigh = h
  }
}

// ---------------------------------------------------------------------------------------------------------------
// FFT convolution of square N x N tiles (N a power of two), split complex: `re` and `im` are separate N x N f32
// arrays. Two real channel tiles ride in one complex tile (one as re, one as im): the kernel is real, so the
// products keep them apart. Column transforms run 4 columns per SIMD lane group; a transpose turns rows into
// columns, so every butterfly is a contiguous vector loop.

/**
 * Bytes between tile rows: N floats plus 64 bytes, so rows a power of two apart do not alias in the L1 cache
 * (4 KiB aliasing made some tile sizes 2-5x slower). A tile takes N * tilePitch(N) bytes.
 */
export function tilePitch(n: i32): usize {
  return (<usize>n << 2) + 64
}

// @ts-ignore: decorator
@inline
function cmulRe(xr: v128, xi: v128, c: v128, s: v128): v128 {
  return f32x4.sub(f32x4.mul(xr, c), f32x4.mul(xi, s))
}

// @ts-ignore: decorator
@inline
function cmulIm(xr: v128, xi: v128, c: v128, s: v128): v128 {
  return f32x4.add(f32x4.mul(xr, s), f32x4.mul(xi, c))
}

/**
 * In-place FFT along the row index of every column of an N x N split-complex array whose rows are in
 * bit-reversed order (as {@link fftColumnsDif} leaves them); the result is in natural order. Decimation in time,
 * two radix-2 stages fused per pass (each row is loaded and stored once per two stages, and the second stage's
 * odd twiddle is the first times -i, a swap). `tw` holds N/2 (cos, -sin) pairs of exp(-2 pi i k / N);
 * `inverse` conjugates them (no 1/N scaling).
 */
function fftColumns(re: usize, im: usize, logN: i32, tw: usize, inverse: i32): void {
  const n = 1 << logN
  const rowBytes = <usize>n << 2
  const pitch = tilePitch(n)
  let s: i32 = 1
  if (logN & 1) {
    // An odd count of stages: one plain size-2 stage first (no twiddles).
    for (let b: i32 = 0; b < n; b += 2) {
      const pa = <usize>b * pitch
      const pb = pa + pitch
      for (let x: usize = 0; x < rowBytes; x += 16) {
        const ar = v128.load(re + pa + x)
        const ai = v128.load(im + pa + x)
        const br = v128.load(re + pb + x)
        const bi = v128.load(im + pb + x)
        v128.store(re + pa + x, f32x4.add(ar, br))
        v128.store(im + pa + x, f32x4.add(ai, bi))
        v128.store(re + pb + x, f32x4.sub(ar, br))
        v128.store(im + pb + x, f32x4.sub(ai, bi))
      }
    }
    s = 2
  }
  const sign: f32 = inverse ? -1 : 1
  for (; s < logN; s += 2) {
    const h = 1 << (s - 1)
    const block = h << 2
    const span = <usize>h * pitch
    const stride1 = n / (2 * h)
    const stride2 = n / (4 * h)
    for (let k: i32 = 0; k < h; k++) {
      const t1 = tw + (<usize>(k * stride1) << 3)
      const t2 = tw + (<usize>(k * stride2) << 3)
      const c1 = f32x4.splat(load<f32>(t1))
      const s1 = f32x4.splat(load<f32>(t1, 4) * sign)
      const c2 = f32x4.splat(load<f32>(t2))
      const s2 = f32x4.splat(load<f32>(t2, 4) * sign)
      for (let b: i32 = 0; b < n; b += block) {
        const pa = <usize>(b + k) * pitch
        const pb = pa + span
        const pc = pb + span
        const pd = pc + span
        for (let x: usize = 0; x < rowBytes; x += 16) {
          // Stage s: (a, b) and (c, d) with w1.
          const br = v128.load(re + pb + x)
          const bi = v128.load(im + pb + x)
          const dr = v128.load(re + pd + x)
          const di = v128.load(im + pd + x)
          const tbr = cmulRe(br, bi, c1, s1)
          const tbi = cmulIm(br, bi, c1, s1)
          const tdr = cmulRe(dr, di, c1, s1)
          const tdi = cmulIm(dr, di, c1, s1)
          const ar = v128.load(re + pa + x)
          const ai = v128.load(im + pa + x)
          const cr = v128.load(re + pc + x)
          const ci = v128.load(im + pc + x)
          const a1r = f32x4.add(ar, tbr)
          const a1i = f32x4.add(ai, tbi)
          const b1r = f32x4.sub(ar, tbr)
          const b1i = f32x4.sub(ai, tbi)
          const c1r = f32x4.add(cr, tdr)
          const c1i = f32x4.add(ci, tdi)
          const d1r = f32x4.sub(cr, tdr)
          const d1i = f32x4.sub(ci, tdi)
          // Stage s + 1: (a, c) with w2, (b, d) with w2 * -i (forward) or w2 * i (inverse).
          const tcr = cmulRe(c1r, c1i, c2, s2)
          const tci = cmulIm(c1r, c1i, c2, s2)
          const ur = cmulRe(d1r, d1i, c2, s2)
          const ui = cmulIm(d1r, d1i, c2, s2)
          const vr = inverse ? f32x4.neg(ui) : ui
          const vi = inverse ? ur : f32x4.neg(ur)
          v128.store(re + pa + x, f32x4.add(a1r, tcr))
          v128.store(im + pa + x, f32x4.add(a1i, tci))
          v128.store(re + pc + x, f32x4.sub(a1r, tcr))
          v128.store(im + pc + x, f32x4.sub(a1i, tci))
          v128.store(re + pb + x, f32x4.add(b1r, vr))
          v128.store(im + pb + x, f32x4.add(b1i, vi))
          v128.store(re + pd + x, f32x4.sub(b1r, vr))
          v128.store(im + pd + x, f32x4.sub(b1i, vi))
        }
      }
    }
  }
}

/**
 * Forward FFT along the row index of every column, natural order in, bit-reversed rows out (decimation in
 * frequency, two stages fused per pass): with {@link fftColumns} for the inverse, no bit-reversal pass is needed,
 * since the product with the kernel spectrum (made the same way) does not care about the order.
 */
function fftColumnsDif(re: usize, im: usize, logN: i32, tw: usize): void {
  const n = 1 << logN
  const rowBytes = <usize>n << 2
  const pitch = tilePitch(n)
  let s: i32 = logN
  for (; s >= 2; s -= 2) {
    // Spans 2h then h, in blocks of 4h rows.
    const h = 1 << (s - 2)
    const block = h << 2
    const span = <usize>h * pitch
    const stride1 = n / (2 * h)
    const stride2 = n / (4 * h)
    for (let k: i32 = 0; k < h; k++) {
      const t1 = tw + (<usize>(k * stride1) << 3)
      const t2 = tw + (<usize>(k * stride2) << 3)
      const c1 = f32x4.splat(load<f32>(t1))
      const s1 = f32x4.splat(load<f32>(t1, 4))
      const c2 = f32x4.splat(load<f32>(t2))
      const s2 = f32x4.splat(load<f32>(t2, 4))
      for (let b: i32 = 0; b < n; b += block) {
        const pa = <usize>(b + k) * pitch
        const pb = pa + span
        const pc = pb + span
        const pd = pc + span
        for (let x: usize = 0; x < rowBytes; x += 16) {
          const ar = v128.load(re + pa + x)
          const ai = v128.load(im + pa + x)
          const cr = v128.load(re + pc + x)
          const ci = v128.load(im + pc + x)
          const br = v128.load(re + pb + x)
          const bi = v128.load(im + pb + x)
          const dr = v128.load(re + pd + x)
          const di = v128.load(im + pd + x)
          // Span 2h: (a, c) with w2, (b, d) with w2 * -i.
          const a1r = f32x4.add(ar, cr)
          const a1i = f32x4.add(ai, ci)
          const xr = f32x4.sub(ar, cr)
          const xi = f32x4.sub(ai, ci)
          const c1r = cmulRe(xr, xi, c2, s2)
          const c1i = cmulIm(xr, xi, c2, s2)
          const b1r = f32x4.add(br, dr)
          const b1i = f32x4.add(bi, di)
          // (b - d) * -i = (bi - di) - i (br - dr)
          const yr = f32x4.sub(bi, di)
          const yi = f32x4.sub(dr, br)
          const d1r = cmulRe(yr, yi, c2, s2)
          const d1i = cmulIm(yr, yi, c2, s2)
          // Span h: (a, b) and (c, d) with w1.
          v128.store(re + pa + x, f32x4.add(a1r, b1r))
          v128.store(im + pa + x, f32x4.add(a1i, b1i))
          const er = f32x4.sub(a1r, b1r)
          const ei = f32x4.sub(a1i, b1i)
          v128.store(re + pb + x, cmulRe(er, ei, c1, s1))
          v128.store(im + pb + x, cmulIm(er, ei, c1, s1))
          v128.store(re + pc + x, f32x4.add(c1r, d1r))
          v128.store(im + pc + x, f32x4.add(c1i, d1i))
          const fr = f32x4.sub(c1r, d1r)
          const fi = f32x4.sub(c1i, d1i)
          v128.store(re + pd + x, cmulRe(fr, fi, c1, s1))
          v128.store(im + pd + x, cmulIm(fr, fi, c1, s1))
        }
      }
    }
  }
  if (s == 1) {
    // An odd count of stages: the last, size-2 stage has no twiddles.
    for (let b: i32 = 0; b < n; b += 2) {
      const pa = <usize>b * pitch
      const pb = pa + pitch
      for (let x: usize = 0; x < rowBytes; x += 16) {
        const ar = v128.load(re + pa + x)
        const ai = v128.load(im + pa + x)
        const br = v128.load(re + pb + x)
        const bi = v128.load(im + pb + x)
        v128.store(re + pa + x, f32x4.add(ar, br))
        v128.store(im + pa + x, f32x4.add(ai, bi))
        v128.store(re + pb + x, f32x4.sub(ar, br))
        v128.store(im + pb + x, f32x4.sub(ai, bi))
      }
    }
  }
}

/** dst = transpose(src), N x N f32, in 4 x 4 blocks. */
function transpose(dst: usize, src: usize, n: i32): void {
  const rowBytes = tilePitch(n)
  for (let i: i32 = 0; i < n; i += 4) {
    for (let j: i32 = 0; j < n; j += 4) {
      const s = src + <usize>i * rowBytes + (<usize>j << 2)
      const r0 = v128.load(s)
      const r1 = v128.load(s + rowBytes)
      const r2 = v128.load(s + 2 * rowBytes)
      const r3 = v128.load(s + 3 * rowBytes)
      const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5)
      const t1 = i32x4.shuffle(r0, r1, 2, 6, 3, 7)
      const t2 = i32x4.shuffle(r2, r3, 0, 4, 1, 5)
      const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7)
      const d = dst + <usize>j * rowBytes + (<usize>i << 2)
      v128.store(d, i32x4.shuffle(t0, t2, 0, 1, 4, 5))
      v128.store(d + rowBytes, i32x4.shuffle(t0, t2, 2, 3, 6, 7))
      v128.store(d + 2 * rowBytes, i32x4.shuffle(t1, t3, 0, 1, 4, 5))
      v128.store(d + 3 * rowBytes, i32x4.shuffle(t1, t3, 2, 3, 6, 7))
    }
  }
}

/**
 * Forward 2-D FFT of (re, im) into (tre, tim), which then hold the spectrum transposed (row = column frequency)
 * with both frequency indices bit-reversed: only {@link convolveTile} reads it. `re`/`im` are clobbered.
 */
export function fft2d(re: usize, im: usize, tre: usize, tim: usize, logN: i32, tw: usize): void {
  const n = 1 << logN
  fftColumnsDif(re, im, logN, tw)
  transpose(tre, re, n)
  transpose(tim, im, n)
  fftColumnsDif(tre, tim, logN, tw)
}

/**
 * One tile through the kernel: forward 2-D FFT of (re, im), product with the kernel spectrum (kre, kim) in the
 * transposed layout fft2d leaves (scaled by 1 / N^2 beforehand), inverse 2-D FFT back into (re, im).
 * (tre, tim) is scratch of the same size.
 */
export function convolveTile(re: usize, im: usize, tre: usize, tim: usize, kre: usize, kim: usize, logN: i32, tw: usize): void {
  const n = 1 << logN
  fft2d(re, im, tre, tim, logN, tw)
  const bytes = <usize>n * tilePitch(n)
  for (let x: usize = 0; x < bytes; x += 16) {
    const ar = v128.load(tre + x)
    const ai = v128.load(tim + x)
    const br = v128.load(kre + x)
    const bi = v128.load(kim + x)
    v128.store(tre + x, f32x4.sub(f32x4.mul(ar, br), f32x4.mul(ai, bi)))
    v128.store(tim + x, f32x4.add(f32x4.mul(ar, bi), f32x4.mul(ai, br)))
  }
  fftColumns(tre, tim, logN, tw, 1)
  transpose(re, tre, n)
  transpose(im, tim, n)
  fftColumns(re, im, logN, tw, 1)
}

/** Channel `ch` of 4 consecutive pixels of `channels` interleaved f32 samples at `p`, as one vector. */
// @ts-ignore: decorator
@inline
function channelOf4(p: usize, ch: i32, channels: i32): v128 {
  if (channels == 3) {
    const v0 = v128.load(p)
    const v1 = v128.load(p, 16)
    const v2 = v128.load(p, 32)
    if (ch == 0) return i32x4.shuffle(i32x4.shuffle(v0, v1, 0, 3, 6, 0), v2, 0, 1, 2, 5)
    if (ch == 1) return i32x4.shuffle(i32x4.shuffle(v0, v1, 1, 4, 7, 0), v2, 0, 1, 2, 6)
    return i32x4.shuffle(i32x4.shuffle(v0, v1, 2, 5, 0, 0), v2, 0, 1, 4, 7)
  }
  if (channels == 2) {
    const v0 = v128.load(p)
    const v1 = v128.load(p, 16)
    return ch == 0 ? i32x4.shuffle(v0, v1, 0, 2, 4, 6) : i32x4.shuffle(v0, v1, 1, 3, 5, 7)
  }
  const v0 = v128.load(p)
  const v1 = v128.load(p, 16)
  const v2 = v128.load(p, 32)
  const v3 = v128.load(p, 48)
  if (ch == 0) return i32x4.shuffle(i32x4.shuffle(v0, v1, 0, 4, 0, 0), i32x4.shuffle(v2, v3, 0, 4, 0, 0), 0, 1, 4, 5)
  if (ch == 1) return i32x4.shuffle(i32x4.shuffle(v0, v1, 1, 5, 1, 1), i32x4.shuffle(v2, v3, 1, 5, 1, 1), 0, 1, 4, 5)
  if (ch == 2) return i32x4.shuffle(i32x4.shuffle(v0, v1, 2, 6, 2, 2), i32x4.shuffle(v2, v3, 2, 6, 2, 2), 0, 1, 4, 5)
  return i32x4.shuffle(i32x4.shuffle(v0, v1, 3, 7, 3, 3), i32x4.shuffle(v2, v3, 3, 7, 3, 3), 0, 1, 4, 5)
}

/**
 * Tile input: dst[y][x] = channel `ch` of pixel x0 + x of strip row y (row pointers in `ptrs`, f32 interleaved),
 * for y < rows; zeros for y >= rows. Reads N pixels per row: the host pads strip rows wide enough.
 */
export function gatherTile(dst: usize, ptrs: usize, rows: i32, x0: i32, ch: i32, channels: i32, n: i32): void {
  const rowBytes = <usize>n << 2
  const pitch = tilePitch(n)
  const pixel = <usize>channels << 2
  for (let y: i32 = 0; y < n; y++) {
    const d = dst + <usize>y * pitch
    if (y >= rows) {
      memory.fill(d, 0, rowBytes)
      continue
    }
    const s = <usize>load<u32>(ptrs + (<usize>y << 2)) + <usize>x0 * pixel
    if (channels == 1) {
      memory.copy(d, s, rowBytes)
      continue
    }
    for (let x: i32 = 0; x < n; x += 4) v128.store(d + (<usize>x << 2), channelOf4(s + <usize>x * pixel, ch, channels))
  }
}

/**
 * Tile output into one channel plane: plane[y][x0 + x] = src[y][x] for y < rows, x < cols; plane rows are
 * `rowBytes` apart. {@link interleave} later puts the planes back together per output row.
 */
export function scatterTile(plane: usize, rowBytes: i32, src: usize, n: i32, rows: i32, cols: i32, x0: i32): void {
  const srcRow = tilePitch(n)
  for (let y: i32 = 0; y < rows; y++) {
    memory.copy(plane + <usize>y * <usize>rowBytes + (<usize>x0 << 2), src + <usize>y * srcRow, <usize>cols << 2)
  }
}

/** dst (interleaved, `npix` pixels of `channels`) from `channels` f32 planes `planeBytes` apart starting at `src`. */
export function interleave(dst: usize, src: usize, planeBytes: i32, npix: i32, channels: i32): void {
  const pb = <usize>planeBytes
  if (channels == 1) {
    memory.copy(dst, src, <usize>npix << 2)
    return
  }
  for (let x: i32 = 0; x < npix; x += 4) {
    const o = <usize>x << 2
    const d = dst + <usize>(x * channels) * 4
    const a = v128.load(src + o)
    const b = v128.load(src + pb + o)
    if (channels == 2) {
      v128.store(d, i32x4.shuffle(a, b, 0, 4, 1, 5))
      v128.store(d, i32x4.shuffle(a, b, 2, 6, 3, 7), 16)
      continue
    }
    const c = v128.load(src + 2 * pb + o)
    if (channels == 3) {
      const ab = i32x4.shuffle(a, b, 0, 4, 1, 5)
      const ab2 = i32x4.shuffle(a, b, 2, 6, 3, 7)
      v128.store(d, i32x4.shuffle(ab, c, 0, 1, 4, 2))
      v128.store(d, i32x4.shuffle(i32x4.shuffle(b, c, 1, 5, 1, 5), ab2, 0, 1, 4, 5), 16)
      v128.store(d, i32x4.shuffle(c, ab2, 2, 6, 7, 3), 32)
      continue
    }
    const e = v128.load(src + 3 * pb + o)
    const t0 = i32x4.shuffle(a, b, 0, 4, 1, 5)
    const t1 = i32x4.shuffle(a, b, 2, 6, 3, 7)
    const t2 = i32x4.shuffle(c, e, 0, 4, 1, 5)
    const t3 = i32x4.shuffle(c, e, 2, 6, 3, 7)
    v128.store(d, i32x4.shuffle(t0, t2, 0, 1, 4, 5))
    v128.store(d, i32x4.shuffle(t0, t2, 2, 3, 6, 7), 16)
    v128.store(d, i32x4.shuffle(t1, t3, 0, 1, 4, 5), 32)
    v128.store(d, i32x4.shuffle(t1, t3, 2, 3, 6, 7), 48)
  }
}

// @ts-ignore: decorator
@inline
function finishedLanes(v: v128, vdiv: v128, voff: v128, vp1: v128, vmax: v128, plainDivide: bool, mode: i32): v128 {
  // v / divisor + offset, the signed mapping, clamp to 0..maxv: the steps of finish without alpha or blend, in
  // the same order, so the values are the same floats.
  let x = plainDivide ? f32x4.div(v, vdiv) : v
  x = f32x4.add(x, voff)
  if (mode == 1) x = f32x4.abs(x)
  else if (mode == 2) x = f32x4.add(x, vp1)
  return f32x4.pmin(f32x4.pmax(x, f32x4.splat(0)), vmax)
}

// @ts-ignore: decorator
@inline
function toByteLanes(v: v128, vdiv: v128, voff: v128, vp1: v128, plainDivide: bool, mode: i32): v128 {
  // Then floor(v + 0.5) as i32 lanes. That is Math.round for every f32 in range but 0.49999997, whose f32 sum
  // with 0.5 rounds up to 1.
  return roundHalfUp(finishedLanes(v, vdiv, voff, vp1, f32x4.splat(255), plainDivide, mode))
}

/**
 * The common case of {@link finish}, 16 samples per block: no alpha, no blend, u8 out, v = sums / divisor +
 * offset then clamp (mode 0), abs (1) or shift by p1 (2).
 */
export function finishU8(dst: usize, sums: usize, n: i32, divisor: f32, offset: f32, mode: i32, p1: f32): void {
  const vdiv = f32x4.splat(divisor)
  const voff = f32x4.splat(offset)
  const vp1 = f32x4.splat(p1)
  const plainDivide = divisor != 1
  for (let x: i32 = 0; x < n; x += 16) {
    const s = sums + (<usize>x << 2)
    const r0 = toByteLanes(v128.load(s), vdiv, voff, vp1, plainDivide, mode)
    const r1 = toByteLanes(v128.load(s, 16), vdiv, voff, vp1, plainDivide, mode)
    const r2 = toByteLanes(v128.load(s, 32), vdiv, voff, vp1, plainDivide, mode)
    const r3 = toByteLanes(v128.load(s, 48), vdiv, voff, vp1, plainDivide, mode)
    v128.store(dst + <usize>x, i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_s(r0, r1), i16x8.narrow_i32x4_s(r2, r3)))
  }
}

/**
 * The weighted sums of {@link wsum}, started from the sums so far at `sums` with `accumulate`, and stored at `dst`
 * as they are, or (`finish`) finished in the registers they were made in: to bytes (`bytes`, the last pass of a
 * filter on an 8-bit image without alpha) or to clamped f32 (a filter whose rows feed a fused one). `plain`:
 * divisor 1 and the clamp, without the divide and the mapping. Constant flags at each call give each case a loop
 * of its own.
 *
 * A symmetric pass of 3 or 5 taps, w[t] == w[taps - 1 - t] (every 1-D pass of a gaussian or box of that size, a
 * 3x3 sharpen or Laplacian cross), adds mirrored samples first and shares one multiply between them, in the order
 * sum + (s0 + s4) * w0 + (s1 + s3) * w1 + s2 * w2, which the TypeScript kernels follow
 * (src/engine/fast/ts-backend.ts); its row pointers and weights stay in registers, 8 samples a block (with 16, V8
 * keeps more vectors live than there are registers). Any other pass adds the products tap by tap, 16 samples a
 * block.
 */
// @ts-ignore: decorator
@inline
function sumRows(
  dst: usize,
  ptrs: usize,
  weights: usize,
  taps: i32,
  n: i32,
  accumulate: bool,
  sums: usize,
  divisor: f32,
  offset: f32,
  mode: i32,
  p1: f32,
  maxv: f32,
  finish: bool,
  bytes: bool,
  plain: bool
): void {
  const vdiv = f32x4.splat(divisor)
  const voff = f32x4.splat(offset)
  const vp1 = f32x4.splat(p1)
  const vmax = f32x4.splat(maxv)
  const plainDivide = plain ? false : divisor != 1
  if (plain) mode = 0
  if (taps == 5 && load<f32>(weights) == load<f32>(weights, 16) && load<f32>(weights, 4) == load<f32>(weights, 12)) {
    mirroredRows(dst, ptrs, weights, 5, n, accumulate, sums, vdiv, voff, vp1, vmax, plainDivide, mode, finish, bytes)
  } else if (taps == 3 && load<f32>(weights) == load<f32>(weights, 8)) {
    mirroredRows(dst, ptrs, weights, 3, n, accumulate, sums, vdiv, voff, vp1, vmax, plainDivide, mode, finish, bytes)
  } else {
    for (let x: i32 = 0; x < n; x += 16) {
      const xo = <usize>x << 2
      let a0: v128, a1: v128, a2: v128, a3: v128
      if (accumulate) {
        a0 = v128.load(sums + xo)
        a1 = v128.load(sums + xo, 16)
        a2 = v128.load(sums + xo, 32)
        a3 = v128.load(sums + xo, 48)
      } else {
        a0 = f32x4.splat(0)
        a1 = a0
        a2 = a0
        a3 = a0
      }
      for (let t: i32 = 0; t < taps; t++) {
        const to = <usize>t << 2
        const p = <usize>load<u32>(ptrs + to) + xo
        const w = v128.load_splat<f32>(weights + to)
        a0 = f32x4.add(a0, f32x4.mul(v128.load(p), w))
        a1 = f32x4.add(a1, f32x4.mul(v128.load(p, 16), w))
        a2 = f32x4.add(a2, f32x4.mul(v128.load(p, 32), w))
        a3 = f32x4.add(a3, f32x4.mul(v128.load(p, 48), w))
      }
      storeBlock8(dst, x, a0, a1, vdiv, voff, vp1, vmax, plainDivide, mode, finish, bytes)
      storeBlock8(dst, x + 8, a2, a3, vdiv, voff, vp1, vmax, plainDivide, mode, finish, bytes)
    }
  }
}

/** {@link sumRows} for a symmetric pass of `taps` = 3 or 5 (a constant) taps: mirrored samples added first. */
// @ts-ignore: decorator
@inline
function mirroredRows(
  dst: usize,
  ptrs: usize,
  weights: usize,
  taps: i32,
  n: i32,
  accumulate: bool,
  sums: usize,
  vdiv: v128,
  voff: v128,
  vp1: v128,
  vmax: v128,
  plainDivide: bool,
  mode: i32,
  finish: bool,
  bytes: bool
): void {
  const five = taps == 5
  // The outer pair, the inner pair (five taps only) and the centre.
  const outerA = <usize>load<u32>(ptrs)
  const outerB = <usize>load<u32>(ptrs + ((<usize>taps - 1) << 2))
  const innerA = five ? <usize>load<u32>(ptrs, 4) : 0
  const innerB = five ? <usize>load<u32>(ptrs, 12) : 0
  const centre = <usize>load<u32>(ptrs + ((<usize>taps >> 1) << 2))
  const wOuter = v128.load_splat<f32>(weights)
  const wInner = five ? v128.load_splat<f32>(weights, 4) : wOuter
  const wCentre = v128.load_splat<f32>(weights + ((<usize>taps >> 1) << 2))
  for (let x: i32 = 0; x < n; x += 8) {
    const xo = <usize>x << 2
    let a0: v128, a1: v128
    if (accumulate) {
      a0 = v128.load(sums + xo)
      a1 = v128.load(sums + xo, 16)
    } else {
      a0 = f32x4.splat(0)
      a1 = a0
    }
    a0 = f32x4.add(a0, f32x4.mul(f32x4.add(v128.load(outerA + xo), v128.load(outerB + xo)), wOuter))
    a1 = f32x4.add(a1, f32x4.mul(f32x4.add(v128.load(outerA + xo, 16), v128.load(outerB + xo, 16)), wOuter))
    if (five) {
      a0 = f32x4.add(a0, f32x4.mul(f32x4.add(v128.load(innerA + xo), v128.load(innerB + xo)), wInner))
      a1 = f32x4.add(a1, f32x4.mul(f32x4.add(v128.load(innerA + xo, 16), v128.load(innerB + xo, 16)), wInner))
    }
    a0 = f32x4.add(a0, f32x4.mul(v128.load(centre + xo), wCentre))
    a1 = f32x4.add(a1, f32x4.mul(v128.load(centre + xo, 16), wCentre))
    storeBlock8(dst, x, a0, a1, vdiv, voff, vp1, vmax, plainDivide, mode, finish, bytes)
  }
}

/** Stores the sums of samples x .. x + 8 at `dst`: as they are, as bytes or as clamped f32 (see {@link sumRows}). */
// @ts-ignore: decorator
@inline
function storeBlock8(
  dst: usize,
  x: i32,
  a0: v128,
  a1: v128,
  vdiv: v128,
  voff: v128,
  vp1: v128,
  vmax: v128,
  plainDivide: bool,
  mode: i32,
  finish: bool,
  bytes: bool
): void {
  const o = dst + (<usize>x << 2)
  if (!finish) {
    v128.store(o, a0)
    v128.store(o, a1, 16)
  } else if (bytes) {
    const h = i16x8.narrow_i32x4_s(toByteLanes(a0, vdiv, voff, vp1, plainDivide, mode), toByteLanes(a1, vdiv, voff, vp1, plainDivide, mode))
    v128.store64_lane(dst + <usize>x, i8x16.narrow_i16x8_u(h, h), 0)
  } else {
    v128.store(o, finishedLanes(a0, vdiv, voff, vp1, vmax, plainDivide, mode))
    v128.store(o, finishedLanes(a1, vdiv, voff, vp1, vmax, plainDivide, mode), 16)
  }
}

/**
 * {@link wsum} and {@link finishU8} in one pass (the last pass of a filter on an 8-bit image without alpha).
 * With `accumulate`, the sums so far are read from `sums`.
 */
export function wsumU8Out(
  dst: usize,
  ptrs: usize,
  weights: usize,
  taps: i32,
  n: i32,
  accumulate: i32,
  sums: usize,
  divisor: f32,
  offset: f32,
  mode: i32,
  p1: f32
): void {
  if (divisor == 1 && mode == 0 && !accumulate) sumRows(dst, ptrs, weights, taps, n, false, sums, divisor, offset, mode, p1, 255, true, true, true)
  else sumRows(dst, ptrs, weights, taps, n, accumulate != 0, sums, divisor, offset, mode, p1, 255, true, true, false)
}

/**
 * {@link wsum} and {@link finish} to f32 in one pass, for rows without alpha or blend and `mode` 0 to 2: the
 * same floats as the two apart. With `accumulate`, the sums so far are read from `sums`.
 */
export function wsumF32Out(
  dst: usize,
  ptrs: usize,
  weights: usize,
  taps: i32,
  n: i32,
  accumulate: i32,
  sums: usize,
  divisor: f32,
  offset: f32,
  mode: i32,
  p1: f32,
  maxv: f32
): void {
  if (divisor == 1 && mode == 0 && !accumulate) sumRows(dst, ptrs, weights, taps, n, false, sums, divisor, offset, mode, p1, maxv, true, false, true)
  else sumRows(dst, ptrs, weights, taps, n, accumulate != 0, sums, divisor, offset, mode, p1, maxv, true, false, false)
}

/**
 * Sets the alpha samples of `npix` pixels to the largest value (all bits set for integers, `maxv` for f32):
 * the output alpha of an opaque image under a border that stays opaque. `dkind` as in {@link finish}.
 */
export function fillAlpha(dst: usize, dkind: i32, npix: i32, channels: i32, maxv: f32): void {
  const n = npix * channels
  if (dkind == 2) {
    const mask = channels == 4 ? i32x4(0, 0, 0, -1) : i32x4(0, -1, 0, -1)
    const top = f32x4.splat(maxv)
    for (let x: i32 = 0; x < n; x += 4) {
      const p = dst + (<usize>x << 2)
      v128.store(p, v128.bitselect(top, v128.load(p), mask))
    }
    return
  }
  let bits: v128
  if (dkind == 0) bits = channels == 4 ? i32x4.splat(0xff000000) : i16x8.splat(<i16>0xff00)
  else bits = channels == 4 ? i64x2.splat(0xffff000000000000) : i32x4.splat(0xffff0000)
  const bytes = <usize>(n << dkind)
  for (let x: usize = 0; x < bytes; x += 16) v128.store(dst + x, v128.or(v128.load(dst + x), bits))
}

/**
 * Colour 0 for every pixel of `npix` whose alpha rounds to 0 (0 for integers, below 0.5 for f32): a fully
 * transparent pixel has no colour, whatever the offset, signed mapping or blend gave it. `dkind` as in
 * {@link finish}; `channels` 2 or 4.
 */
export function clearTransparent(dst: usize, dkind: i32, npix: i32, channels: i32): void {
  const a = channels - 1
  for (let i: i32 = 0; i < npix; i++) {
    const first = <usize>(i * channels)
    if (dkind == 0) {
      if (load<u8>(dst + first + <usize>a) == 0) memory.fill(dst + first, 0, <usize>a)
    } else if (dkind == 1) {
      if (load<u16>(dst + ((first + <usize>a) << 1)) == 0) memory.fill(dst + (first << 1), 0, <usize>a << 1)
    } else if (load<f32>(dst + ((first + <usize>a) << 2)) < 0.5) {
      memory.fill(dst + (first << 2), 0, <usize>a << 2)
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The f64 variants, for 16-bit images: f32 sums of values up to 65535 miss the reference by a few hundredths of
// a level, enough to round differently now and then; in f64, summed in the reference's order, they match it.

/** {@link padRow} with f64 output (colour premultiplied in f64 exactly as the reference does). */
export function padRow64(dst: usize, src: usize, kind: i32, segs: usize, nSeg: i32, channels: i32, premul: i32, maxv: f64): void {
  for (let g: i32 = 0; g < nSeg; g++) {
    const sp = segs + <usize>(g * 12)
    const dp = load<i32>(sp)
    const sx = load<i32>(sp, 4)
    const count = load<i32>(sp, 8) * channels
    const d = dst + (<usize>(dp * channels) << 3)
    if (sx < 0) {
      memory.fill(d, 0, <usize>count << 3)
      continue
    }
    const s0 = <usize>(sx * channels)
    if (kind == 0) {
      for (let i: i32 = 0; i < count; i++) store<f64>(d + (<usize>i << 3), <f64>load<u8>(src + s0 + <usize>i))
    } else if (kind == 1) {
      for (let i: i32 = 0; i < count; i++) store<f64>(d + (<usize>i << 3), <f64>load<u16>(src + ((s0 + <usize>i) << 1)))
    } else {
      for (let i: i32 = 0; i < count; i++) store<f64>(d + (<usize>i << 3), <f64>load<f32>(src + ((s0 + <usize>i) << 2)))
    }
    if (premul) {
      const a = channels - 1
      for (let i: i32 = 0; i < count; i += channels) {
        const p = d + (<usize>i << 3)
        const alpha = load<f64>(p + (<usize>a << 3))
        if (alpha == maxv) continue
        for (let c: i32 = 0; c < a; c++) {
          const q = p + (<usize>c << 3)
          store<f64>(q, (load<f64>(q) * alpha) / maxv)
        }
      }
    }
  }
}

/** {@link wsum} in f64, 8 doubles per block; taps are added in list order, as the reference sums its window. */
export function wsum64(out: usize, ptrs: usize, weights: usize, taps: i32, n: i32, accumulate: i32): void {
  for (let x: i32 = 0; x < n; x += 8) {
    const xo = <usize>x << 3
    const o = out + xo
    let a0: v128, a1: v128, a2: v128, a3: v128
    if (accumulate) {
      a0 = v128.load(o)
      a1 = v128.load(o, 16)
      a2 = v128.load(o, 32)
      a3 = v128.load(o, 48)
    } else {
      a0 = f64x2.splat(0)
      a1 = a0
      a2 = a0
      a3 = a0
    }
    for (let t: i32 = 0; t < taps; t++) {
      const p = <usize>load<u32>(ptrs + (<usize>t << 2)) + xo
      const w = v128.load_splat<f64>(weights + (<usize>t << 3))
      a0 = f64x2.add(a0, f64x2.mul(w, v128.load(p)))
      a1 = f64x2.add(a1, f64x2.mul(w, v128.load(p, 16)))
      a2 = f64x2.add(a2, f64x2.mul(w, v128.load(p, 32)))
      a3 = f64x2.add(a3, f64x2.mul(w, v128.load(p, 48)))
    }
    v128.store(o, a0)
    v128.store(o, a1, 16)
    v128.store(o, a2, 32)
    v128.store(o, a3, 48)
  }
}

/** {@link alphaValues} in f64, with the reference's snap to opaque (within maxv * 1e-9). */
export function alphaValues64(
  sums: usize,
  npix: i32,
  channels: i32,
  divisor: f64,
  offset: f64,
  maxv: f64,
  alphaPtr: usize,
  alphaStride: i32,
  alphaConvolved: i32
): void {
  const a = channels - 1
  for (let i: i32 = 0; i < npix; i++) {
    const p = sums + (<usize>(i * channels) << 3)
    let alpha: f64
    if (alphaConvolved) {
      alpha = load<f64>(p + (<usize>a << 3)) / divisor
      if (Math.abs(alpha - maxv) <= maxv * 1e-9) alpha = maxv
      alpha = alpha > maxv ? maxv : alpha
    } else {
      alpha = load<f64>(alphaPtr + <usize>(i * alphaStride))
    }
    // Alpha that rounds to 0 is fully transparent, as in the reference.
    if (alpha < 0.5) alpha = 0
    store<f64>(p + (<usize>a << 3), alpha)
    for (let c: i32 = 0; c < a; c++) {
      const q = p + (<usize>c << 3)
      let v = load<f64>(q) / divisor
      v = alpha == maxv ? v : alpha > 0 ? (v * maxv) / alpha : 0
      store<f64>(q, v + offset)
    }
  }
}

/**
 * {@link finish} from f64 sums, step for step as the reference: f64 value, signed mapping, clamp, rounded to f32
 * (the reference's Float32Array), blended in f64 over the f64 `base`, then Math.round(value * scale) for
 * integers. `mode` 4 stores the unmapped f64 values (8 bytes each) and widens the range; `mode` | 8 as in finish.
 */
export function finish64(
  dst: usize,
  dkind: i32,
  sums: usize,
  n: i32,
  channels: i32,
  divisor: f64,
  offset: f64,
  mode: i32,
  p1: f64,
  p2: f64,
  maxv: f64,
  scale: f64,
  base: usize,
  opacity: f64
): void {
  const clear = (mode & 8) != 0
  mode &= 7
  const alphaLane = channels == 2 || channels == 4 ? channels - 1 : -1
  const stretchOk = p2 > p1
  let ch: i32 = 0
  for (let i: i32 = 0; i < n; i++) {
    const lane = ch
    const isAlpha = ch == alphaLane
    ch = ch + 1 == channels ? 0 : ch + 1
    let v = load<f64>(sums + (<usize>i << 3))
    if (divisor != 1) v = v / divisor
    v = v + offset
    const transparent = clear && !isAlpha && load<f64>(sums + (<usize>(i - lane + alphaLane) << 3)) == 0
    if (mode >= 4) {
      store<f64>(dst + (<usize>i << 3), v)
      if (!isAlpha && !transparent) {
        if (v < rangeLow) rangeLow = v
        if (v > rangeHigh) rangeHigh = v
      }
      continue
    }
    if (!isAlpha) {
      if (mode == 1) v = Math.abs(v)
      else if (mode == 2) v = v + p1
      else if (mode == 3 && stretchOk) v = ((v - p1) * maxv) / (p2 - p1)
    }
    v = v < 0 || transparent ? 0 : v > maxv ? maxv : v
    let r = <f32>v
    if (base) {
      let b = load<f64>(base + (<usize>i << 3)) * (1 - opacity) + <f64>r * opacity
      b = b < 0 ? 0 : b > maxv ? maxv : b
      r = <f32>b
    }
    if (dkind == 2) {
      store<f32>(dst + (<usize>i << 2), r)
      continue
    }
    const q = Math.floor(<f64>r * scale + 0.5)
    if (dkind == 1) store<u16>(dst + (<usize>i << 1), <u16>q)
    else store<u8>(dst + <usize>i, <u8>q)
  }
}

// ---------------------------------------------------------------------------------------------------------------
// f64 FFT tiles (filters whose f32 transform error would reach a level): N x N row-major f64 arrays, transformed
// along columns two at a time. src/engine/fast/fft64.ts is the TypeScript backend's copy: the same operations in
// the same order, so the two give the same bytes. `tables`: cos and sin of 2 pi k / N (k < N/2), then the bit
// reversal of every row index, all f64.

/** 1-D transforms along the row index of every column: bit-reversed rows, radix-2 DIT; `sign` -1 or 1. */
function columns64(re: usize, im: usize, logN: i32, tables: usize, sign: f64): void {
  const n = 1 << logN
  const rowBytes = <usize>n << 3
  const sinT = tables + (<usize>(n >> 1) << 3)
  const revT = tables + (<usize>n << 3)
  for (let i: i32 = 0; i < n; i++) {
    const j = <i32>load<f64>(revT + (<usize>i << 3))
    if (j <= i) continue
    const pi = <usize>i * rowBytes
    const pj = <usize>j * rowBytes
    for (let x: usize = 0; x < rowBytes; x += 16) {
      const r = v128.load(re + pi + x)
      v128.store(re + pi + x, v128.load(re + pj + x))
      v128.store(re + pj + x, r)
      const t = v128.load(im + pi + x)
      v128.store(im + pi + x, v128.load(im + pj + x))
      v128.store(im + pj + x, t)
    }
  }
  let step = n >> 1
  for (let half: i32 = 1; half < n; half <<= 1) {
    for (let k: i32 = 0; k < half; k++) {
      const wr = f64x2.splat(load<f64>(tables + (<usize>(k * step) << 3)))
      const wi = f64x2.splat(sign * load<f64>(sinT + (<usize>(k * step) << 3)))
      for (let a: i32 = k; a < n; a += half << 1) {
        const pa = <usize>a * rowBytes
        const pb = <usize>(a + half) * rowBytes
        for (let x: usize = 0; x < rowBytes; x += 16) {
          const br = v128.load(re + pb + x)
          const bi = v128.load(im + pb + x)
          const tr = f64x2.sub(f64x2.mul(br, wr), f64x2.mul(bi, wi))
          const ti = f64x2.add(f64x2.mul(br, wi), f64x2.mul(bi, wr))
          const ar = v128.load(re + pa + x)
          const ai = v128.load(im + pa + x)
          v128.store(re + pb + x, f64x2.sub(ar, tr))
          v128.store(im + pb + x, f64x2.sub(ai, ti))
          v128.store(re + pa + x, f64x2.add(ar, tr))
          v128.store(im + pa + x, f64x2.add(ai, ti))
        }
      }
    }
    step >>= 1
  }
}

/** dst = transpose(src), N x N f64, in 8 x 8 blocks (a plain copy: any order gives the same bytes). */
function transpose64(dst: usize, src: usize, n: i32): void {
  const rowBytes = <usize>n << 3
  for (let by: i32 = 0; by < n; by += 8) {
    for (let bx: i32 = 0; bx < n; bx += 8) {
      for (let y: i32 = by; y < by + 8 && y < n; y++) {
        for (let x: i32 = bx; x < bx + 8 && x < n; x++) {
          store<f64>(dst + <usize>x * rowBytes + (<usize>y << 3), load<f64>(src + <usize>y * rowBytes + (<usize>x << 3)))
        }
      }
    }
  }
}

/** Forward 2-D transform of (re, im) into (tre, tim), transposed (see fft64.ts fft2d64); clobbers (re, im). */
export function fft2d64(re: usize, im: usize, tre: usize, tim: usize, logN: i32, tables: usize): void {
  const n = 1 << logN
  columns64(re, im, logN, tables, -1)
  transpose64(tre, re, n)
  transpose64(tim, im, n)
  columns64(tre, tim, logN, tables, -1)
}

/** One f64 tile through the kernel spectrum (kre, kim) made by fft2d64, back into (re, im) (see fft64.ts). */
export function convolveTile64(re: usize, im: usize, tre: usize, tim: usize, kre: usize, kim: usize, logN: i32, tables: usize): void {
  const n = 1 << logN
  fft2d64(re, im, tre, tim, logN, tables)
  const bytes = (<usize>n * <usize>n) << 3
  for (let x: usize = 0; x < bytes; x += 16) {
    const ar = v128.load(tre + x)
    const ai = v128.load(tim + x)
    const br = v128.load(kre + x)
    const bi = v128.load(kim + x)
    v128.store(tre + x, f64x2.sub(f64x2.mul(ar, br), f64x2.mul(ai, bi)))
    v128.store(tim + x, f64x2.add(f64x2.mul(ar, bi), f64x2.mul(ai, br)))
  }
  columns64(tre, tim, logN, tables, 1)
  transpose64(re, tre, n)
  transpose64(im, tim, n)
  columns64(re, im, logN, tables, 1)
}

// ---------------------------------------------------------------------------------------------------------------
// Fixed-point separable passes for 8-bit images (rank-1 kernels the planner has proved accurate enough): the
// vertical pass reads u8 rows and writes an i16 row, the horizontal pass reads that row and writes bytes. Taps go
// in pairs: two rows (or two offsets) interleaved lane by lane meet a pair of i16 weights in one
// i32x4.dot_i16x8_s, 8 multiplies per instruction, summed exactly in i32 (wrapping; the planner keeps the true
// totals inside i32).

/**
 * out[s] = i16 saturate((bias + sum_p w0[p] * src[2p][s] + w1[p] * src[2p+1][s]) >> shift) for s in [0, n), in
 * blocks of 16. `ptrs` holds 2 * `pairs` u32 pointers to u8 rows, `weights` `pairs` i32 words (w0 in the low
 * half, w1 in the high half).
 */
export function vpassU8(out: usize, ptrs: usize, weights: usize, pairs: i32, n: i32, bias: i32, shift: i32): void {
  const vb = i32x4.splat(bias)
  for (let x: i32 = 0; x < n; x += 16) {
    let a0 = vb
    let a1 = vb
    let a2 = vb
    let a3 = vb
    for (let t: i32 = 0; t < pairs; t++) {
      const pp = ptrs + (<usize>t << 3)
      const p = <usize>load<u32>(pp) + <usize>x
      const q = <usize>load<u32>(pp, 4) + <usize>x
      const w = v128.load_splat<i32>(weights + (<usize>t << 2))
      const u0 = v128.load8x8_u(p)
      const v0 = v128.load8x8_u(q)
      a0 = i32x4.add(a0, i32x4.dot_i16x8_s(i16x8.shuffle(u0, v0, 0, 8, 1, 9, 2, 10, 3, 11), w))
      a1 = i32x4.add(a1, i32x4.dot_i16x8_s(i16x8.shuffle(u0, v0, 4, 12, 5, 13, 6, 14, 7, 15), w))
      const u1 = v128.load8x8_u(p, 8)
      const v1 = v128.load8x8_u(q, 8)
      a2 = i32x4.add(a2, i32x4.dot_i16x8_s(i16x8.shuffle(u1, v1, 0, 8, 1, 9, 2, 10, 3, 11), w))
      a3 = i32x4.add(a3, i32x4.dot_i16x8_s(i16x8.shuffle(u1, v1, 4, 12, 5, 13, 6, 14, 7, 15), w))
    }
    const o = out + (<usize>x << 1)
    v128.store(o, i16x8.narrow_i32x4_s(i32x4.shr_s(a0, shift), i32x4.shr_s(a1, shift)))
    v128.store(o, i16x8.narrow_i32x4_s(i32x4.shr_s(a2, shift), i32x4.shr_s(a3, shift)), 16)
  }
}

/**
 * dst[s] = u8 saturate(((bias + sum_p w0[p] * src16[s + off[2p]] + w1[p] * src16[s + off[2p+1]]) >> shift) + 128)
 * for s in [0, n), in blocks of 16: the horizontal pass and the rounding to bytes (the planner folds offset,
 * rounding and the i16 row's bias into `bias`, centred on 128 so the totals stay small). `offs` holds 2 * `pairs`
 * i32 byte offsets from `src`, `weights` as in {@link vpassU8}.
 */
export function hpassI16U8(dst: usize, src: usize, offs: usize, weights: usize, pairs: i32, n: i32, bias: i32, shift: i32): void {
  const vb = i32x4.splat(bias)
  const mid = i16x8.splat(128)
  for (let x: i32 = 0; x < n; x += 16) {
    const s = src + (<usize>x << 1)
    let a0 = vb
    let a1 = vb
    let a2 = vb
    let a3 = vb
    for (let t: i32 = 0; t < pairs; t++) {
      const op = offs + (<usize>t << 3)
      const p = s + <usize>load<i32>(op)
      const q = s + <usize>load<i32>(op, 4)
      const w = v128.load_splat<i32>(weights + (<usize>t << 2))
      const u0 = v128.load(p)
      const v0 = v128.load(q)
      a0 = i32x4.add(a0, i32x4.dot_i16x8_s(i16x8.shuffle(u0, v0, 0, 8, 1, 9, 2, 10, 3, 11), w))
      a1 = i32x4.add(a1, i32x4.dot_i16x8_s(i16x8.shuffle(u0, v0, 4, 12, 5, 13, 6, 14, 7, 15), w))
      const u1 = v128.load(p, 16)
      const v1 = v128.load(q, 16)
      a2 = i32x4.add(a2, i32x4.dot_i16x8_s(i16x8.shuffle(u1, v1, 0, 8, 1, 9, 2, 10, 3, 11), w))
      a3 = i32x4.add(a3, i32x4.dot_i16x8_s(i16x8.shuffle(u1, v1, 4, 12, 5, 13, 6, 14, 7, 15), w))
    }
    const lo = i16x8.add_sat_s(i16x8.narrow_i32x4_s(i32x4.shr_s(a0, shift), i32x4.shr_s(a1, shift)), mid)
    const hi = i16x8.add_sat_s(i16x8.narrow_i32x4_s(i32x4.shr_s(a2, shift), i32x4.shr_s(a3, shift)), mid)
    v128.store(dst + <usize>x, i8x16.narrow_i16x8_u(lo, hi))
  }
}

/**
 * {@link hpassI16U8} for a symmetric row: the i16 row values at mirrored offsets are summed first (the planner
 * keeps them within i16) and share one weight, so each dot product covers four taps. `offs` holds 4 byte offsets
 * per pair (a, a', b, b'), then 3 for a last step (a, a', c) pairing a folded tap with the unpaired centre c.
 * `weights` holds `pairs` + 1 i32 words of two i16 weights.
 */
export function hpassI16U8Sym(dst: usize, src: usize, offs: usize, weights: usize, pairs: i32, n: i32, bias: i32, shift: i32): void {
  const vb = i32x4.splat(bias)
  const mid = i16x8.splat(128)
  const lastOffs = offs + (<usize>pairs << 4)
  const lastWeights = weights + (<usize>pairs << 2)
  for (let x: i32 = 0; x < n; x += 16) {
    const s = src + (<usize>x << 1)
    let a0 = vb
    let a1 = vb
    let a2 = vb
    let a3 = vb
    for (let t: i32 = 0; t < pairs; t++) {
      const op = offs + (<usize>t << 4)
      const p = s + <usize>load<i32>(op)
      const pm = s + <usize>load<i32>(op, 4)
      const q = s + <usize>load<i32>(op, 8)
      const qm = s + <usize>load<i32>(op, 12)
      const w = v128.load_splat<i32>(weights + (<usize>t << 2))
      const u0 = i16x8.add(v128.load(p), v128.load(pm))
      const v0 = i16x8.add(v128.load(q), v128.load(qm))
      a0 = i32x4.add(a0, i32x4.dot_i16x8_s(i16x8.shuffle(u0, v0, 0, 8, 1, 9, 2, 10, 3, 11), w))
      a1 = i32x4.add(a1, i32x4.dot_i16x8_s(i16x8.shuffle(u0, v0, 4, 12, 5, 13, 6, 14, 7, 15), w))
      const u1 = i16x8.add(v128.load(p, 16), v128.load(pm, 16))
      const v1 = i16x8.add(v128.load(q, 16), v128.load(qm, 16))
      a2 = i32x4.add(a2, i32x4.dot_i16x8_s(i16x8.shuffle(u1, v1, 0, 8, 1, 9, 2, 10, 3, 11), w))
      a3 = i32x4.add(a3, i32x4.dot_i16x8_s(i16x8.shuffle(u1, v1, 4, 12, 5, 13, 6, 14, 7, 15), w))
    }
    const p = s + <usize>load<i32>(lastOffs)
    const pm = s + <usize>load<i32>(lastOffs, 4)
    const c = s + <usize>load<i32>(lastOffs, 8)
    const w = v128.load_splat<i32>(lastWeights)
    const u0 = i16x8.add(v128.load(p), v128.load(pm))
    const v0 = v128.load(c)
    a0 = i32x4.add(a0, i32x4.dot_i16x8_s(i16x8.shuffle(u0, v0, 0, 8, 1, 9, 2, 10, 3, 11), w))
    a1 = i32x4.add(a1, i32x4.dot_i16x8_s(i16x8.shuffle(u0, v0, 4, 12, 5, 13, 6, 14, 7, 15), w))
    const u1 = i16x8.add(v128.load(p, 16), v128.load(pm, 16))
    const v1 = v128.load(c, 16)
    a2 = i32x4.add(a2, i32x4.dot_i16x8_s(i16x8.shuffle(u1, v1, 0, 8, 1, 9, 2, 10, 3, 11), w))
    a3 = i32x4.add(a3, i32x4.dot_i16x8_s(i16x8.shuffle(u1, v1, 4, 12, 5, 13, 6, 14, 7, 15), w))
    const lo = i16x8.add_sat_s(i16x8.narrow_i32x4_s(i32x4.shr_s(a0, shift), i32x4.shr_s(a1, shift)), mid)
    const hi = i16x8.add_sat_s(i16x8.narrow_i32x4_s(i32x4.shr_s(a2, shift), i32x4.shr_s(a3, shift)), mid)
    v128.store(dst + <usize>x, i8x16.narrow_i16x8_u(lo, hi))
  }
}

/**
 * {@link vpassU8} for a symmetric column: each tap of a pair is the sum of two u8 rows sharing one weight (a
 * row and its mirror; the centre row with a zero row), so half the dot products cover the same taps. `ptrs`
 * holds 4 * `pairs` u32 row pointers: (a, a', b, b') per pair.
 */
export function vpassU8Sym(out: usize, ptrs: usize, weights: usize, pairs: i32, n: i32, bias: i32, shift: i32): void {
  const vb = i32x4.splat(bias)
  for (let x: i32 = 0; x < n; x += 16) {
    let a0 = vb
    let a1 = vb
    let a2 = vb
    let a3 = vb
    for (let t: i32 = 0; t < pairs; t++) {
      const pp = ptrs + (<usize>t << 4)
      const p = <usize>load<u32>(pp) + <usize>x
      const pm = <usize>load<u32>(pp, 4) + <usize>x
      const q = <usize>load<u32>(pp, 8) + <usize>x
      const qm = <usize>load<u32>(pp, 12) + <usize>x
      const w = v128.load_splat<i32>(weights + (<usize>t << 2))
      const u0 = i16x8.add(v128.load8x8_u(p), v128.load8x8_u(pm))
      const v0 = i16x8.add(v128.load8x8_u(q), v128.load8x8_u(qm))
      a0 = i32x4.add(a0, i32x4.dot_i16x8_s(i16x8.shuffle(u0, v0, 0, 8, 1, 9, 2, 10, 3, 11), w))
      a1 = i32x4.add(a1, i32x4.dot_i16x8_s(i16x8.shuffle(u0, v0, 4, 12, 5, 13, 6, 14, 7, 15), w))
      const u1 = i16x8.add(v128.load8x8_u(p, 8), v128.load8x8_u(pm, 8))
      const v1 = i16x8.add(v128.load8x8_u(q, 8), v128.load8x8_u(qm, 8))
      a2 = i32x4.add(a2, i32x4.dot_i16x8_s(i16x8.shuffle(u1, v1, 0, 8, 1, 9, 2, 10, 3, 11), w))
      a3 = i32x4.add(a3, i32x4.dot_i16x8_s(i16x8.shuffle(u1, v1, 4, 12, 5, 13, 6, 14, 7, 15), w))
    }
    const o = out + (<usize>x << 1)
    v128.store(o, i16x8.narrow_i32x4_s(i32x4.shr_s(a0, shift), i32x4.shr_s(a1, shift)))
    v128.store(o, i16x8.narrow_i32x4_s(i32x4.shr_s(a2, shift), i32x4.shr_s(a3, shift)), 16)
  }
}
