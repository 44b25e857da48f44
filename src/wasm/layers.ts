// AssemblyScript, compiled into out/wasm/kernels.wasm with kernels.ts (which re-exports these): the per-pixel work of
// layer effects on 8-bit RGB, four pixels per SIMD block in f32 lanes. src/engine/fast/layer-kernels-ts.ts is the
// same arithmetic in plain TypeScript, operation for operation (Math.fround after each step): keep the two in step,
// so both kernel sets give the same bytes. Pointers are byte offsets into this module's memory; every buffer has
// BLOCK_SLACK bytes after its end, as loops run in whole blocks (and `dst` gets 16 bytes per block of 12).

import { roundHalfUp } from './round'

const LUMA_R: f32 = 0.2126
const LUMA_G: f32 = 0.7152
const LUMA_B: f32 = 0.0722
const INV_255: f32 = <f32>(1.0 / 255.0)
const TWO_255: f32 = <f32>(2.0 / 255.0)

/** Colour channel c of four packed RGB pixels, as i32 lanes (a swizzle index over 15 gives 0). */
// prettier-ignore
const PICK_R = i8x16(0, -1, -1, -1, 3, -1, -1, -1, 6, -1, -1, -1, 9, -1, -1, -1)
// prettier-ignore
const PICK_G = i8x16(1, -1, -1, -1, 4, -1, -1, -1, 7, -1, -1, -1, 10, -1, -1, -1)
// prettier-ignore
const PICK_B = i8x16(2, -1, -1, -1, 5, -1, -1, -1, 8, -1, -1, -1, 11, -1, -1, -1)

/**
 * Luminance Y = 0.2126 R + 0.7152 G + 0.0722 B (f32, summed in that order) of `n` packed 8-bit RGB pixels at `src`,
 * as f32 at `dst`.
 */
export function lumaRgb8(dst: usize, src: usize, n: i32): void {
  const lr = f32x4.splat(LUMA_R)
  const lg = f32x4.splat(LUMA_G)
  const lb = f32x4.splat(LUMA_B)
  for (let i: i32 = 0; i < n; i += 4) {
    const bytes = v128.load(src + <usize>i * 3)
    const r = f32x4.convert_i32x4_s(i8x16.swizzle(bytes, PICK_R))
    const g = f32x4.convert_i32x4_s(i8x16.swizzle(bytes, PICK_G))
    const b = f32x4.convert_i32x4_s(i8x16.swizzle(bytes, PICK_B))
    v128.store(dst + (<usize>i << 2), f32x4.add(f32x4.add(f32x4.mul(lr, r), f32x4.mul(lg, g)), f32x4.mul(lb, b)))
  }
}

/** v clamped to 0..255 with pmax / pmin (one instruction each; `b < a ? b : a` per lane, mirrored exactly). */
@inline
function clamp255(v: v128): v128 {
  return f32x4.pmin(f32x4.pmax(v, f32x4.splat(0)), f32x4.splat(255))
}

/** 0.3 r + 0.59 g + 0.11 b, summed in that order (the specification's Lum). */
@inline
function lum(r: v128, g: v128, b: v128): v128 {
  return f32x4.add(f32x4.add(f32x4.mul(f32x4.splat(0.3), r), f32x4.mul(f32x4.splat(0.59), g)), f32x4.mul(f32x4.splat(0.11), b))
}

/** The specification's hard-light, `top` being the source. */
@inline
function hardLight(base: v128, top: v128): v128 {
  // top <= 0.5: base x (2 top); else base + t - base x t with t = 2 top - 1.
  const two = f32x4.mul(top, f32x4.splat(2))
  const t = f32x4.sub(two, f32x4.splat(1))
  const low = f32x4.mul(base, two)
  const high = f32x4.sub(f32x4.add(base, t), f32x4.mul(base, t))
  return v128.bitselect(low, high, f32x4.le(top, f32x4.splat(0.5)))
}

// SetLum and ClipColor results of the last setLum call (three lanes of values each).
let outR: v128 = f32x4.splat(0)
let outG: v128 = f32x4.splat(0)
let outB: v128 = f32x4.splat(0)

/** The specification's SetLum(C, l) then ClipColor, as blend.ts writes them, into outR, outG, outB. */
@inline
function setLum(r: v128, g: v128, b: v128, l: v128): void {
  const d = f32x4.sub(l, lum(r, g, b))
  r = f32x4.add(r, d)
  g = f32x4.add(g, d)
  b = f32x4.add(b, d)
  const L = lum(r, g, b)
  const lo = f32x4.pmin(f32x4.pmin(r, g), b)
  const hi = f32x4.pmax(f32x4.pmax(r, g), b)
  const one = f32x4.splat(1)
  // Pulled towards L by L / (L - lo) where lo < 0, then by (1 - L) / (hi - L) where hi > 1 (one division each).
  const under = f32x4.lt(lo, f32x4.splat(0))
  const down = f32x4.div(L, f32x4.sub(L, lo))
  r = v128.bitselect(f32x4.add(L, f32x4.mul(f32x4.sub(r, L), down)), r, under)
  g = v128.bitselect(f32x4.add(L, f32x4.mul(f32x4.sub(g, L), down)), g, under)
  b = v128.bitselect(f32x4.add(L, f32x4.mul(f32x4.sub(b, L), down)), b, under)
  const over = f32x4.gt(hi, one)
  const up = f32x4.div(f32x4.sub(one, L), f32x4.sub(hi, L))
  outR = v128.bitselect(f32x4.add(L, f32x4.mul(f32x4.sub(r, L), up)), r, over)
  outG = v128.bitselect(f32x4.add(L, f32x4.mul(f32x4.sub(g, L), up)), g, over)
  outB = v128.bitselect(f32x4.add(L, f32x4.mul(f32x4.sub(b, L), up)), b, over)
}

/**
 * Overlay x 255 on values 0..255: max(2b - 255, 0) + s (1 - |2b / 255 - 1|), the W3C formula (hard-light with
 * the layers swapped) solved for the source on either half of the backdrop, so no values 0..1 and no select.
 */
@inline
function overlay255(b: v128, s: v128): v128 {
  const two = f32x4.mul(b, f32x4.splat(TWO_255))
  const m = f32x4.sub(f32x4.splat(1), f32x4.abs(f32x4.sub(two, f32x4.splat(1))))
  const a = f32x4.pmax(f32x4.sub(f32x4.add(b, b), f32x4.splat(255)), f32x4.splat(0))
  return f32x4.add(a, f32x4.mul(s, m))
}

/** B(cb, cs) of a separable blend mode code (see compositeRgb8; overlay is overlay255) on values 0..1. */
@inline
function separable(blend: i32, cb: v128, cs: v128): v128 {
  switch (blend) {
    case 1:
      return f32x4.mul(cb, cs)
    case 2:
      return f32x4.sub(f32x4.add(cb, cs), f32x4.mul(cb, cs))
    case 4:
      return f32x4.pmin(cb, cs)
    case 5:
      return f32x4.pmax(cb, cs)
    case 6:
      return f32x4.abs(f32x4.sub(cb, cs))
    case 7:
      return f32x4.sub(f32x4.add(cb, cs), f32x4.mul(f32x4.mul(cb, f32x4.splat(2)), cs))
    case 8:
      return hardLight(cb, cs)
    default:
      return cs
  }
}

/** r0 r1 r2 r3 g0 g1 g2 g3 b0 b1 b2 b3 (after narrowing) to packed r0 g0 b0 r1 g1 b1 ... */
// prettier-ignore
const INTERLEAVE = i8x16(0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11, 12, 13, 14, 15)

/**
 * The composite of `n` pixels of an 8-bit RGB layer: backdrop `back` (packed RGB bytes), the kernel's f32 output
 * `filtered`, the mask `mask` (f32 per pixel, 0: none), opacity; the result (packed RGB bytes) at `dst`, which must
 * not overlap `back`. `select`: -1 luminance (filtered holds Y filtered, clamped to 0..255 here: its change is
 * added to R, G and B; `luma`, if not 0, holds the backdrop's Y as lumaRgb8 makes it), 3 rgb (filtered holds R, G,
 * B), 0..2 that channel alone. `blend`: 0 normal, 1 multiply, 2 screen, 3 overlay, 4 darken, 5 lighten, 6
 * difference, 7 exclusion, 8 hard-light, 9 luminosity, 10 color. Where opacity x mask is 0 the result is the
 * backdrop exactly (b x 1 + blended x 0).
 */
export function compositeRgb8(dst: usize, back: usize, filtered: usize, select: i32, luma: usize, mask: usize, opacity: f32, blend: i32, n: i32): void {
  // One loop per blend mode: a loop holding every mode's code ran about 1.5x slower (V8 spilled its registers).
  switch (blend) {
    case 0: compositeLoop(dst, back, filtered, select, luma, mask, opacity, 0, n); break
    case 1: compositeLoop(dst, back, filtered, select, luma, mask, opacity, 1, n); break
    case 2: compositeLoop(dst, back, filtered, select, luma, mask, opacity, 2, n); break
    case 3: compositeLoop(dst, back, filtered, select, luma, mask, opacity, 3, n); break
    case 4: compositeLoop(dst, back, filtered, select, luma, mask, opacity, 4, n); break
    case 5: compositeLoop(dst, back, filtered, select, luma, mask, opacity, 5, n); break
    case 6: compositeLoop(dst, back, filtered, select, luma, mask, opacity, 6, n); break
    case 7: compositeLoop(dst, back, filtered, select, luma, mask, opacity, 7, n); break
    case 8: compositeLoop(dst, back, filtered, select, luma, mask, opacity, 8, n); break
    case 9: compositeLoop(dst, back, filtered, select, luma, mask, opacity, 9, n); break
    default: compositeLoop(dst, back, filtered, select, luma, mask, opacity, 10, n)
  }
}

/** compositeRgb8's loop, inlined once per blend mode with `blend` a constant (its other branches then drop out). */
@inline
function compositeLoop(dst: usize, back: usize, filtered: usize, select: i32, luma: usize, mask: usize, opacity: f32, blend: i32, n: i32): void {
  const lr = f32x4.splat(LUMA_R)
  const lg = f32x4.splat(LUMA_G)
  const lb = f32x4.splat(LUMA_B)
  const inv = f32x4.splat(INV_255)
  const full = f32x4.splat(255)
  const one = f32x4.splat(1)
  const op = f32x4.splat(opacity)
  const whole = !mask && opacity == 1
  for (let i: i32 = 0; i < n; i += 4) {
    const bytes = v128.load(back + <usize>i * 3)
    const br = f32x4.convert_i32x4_s(i8x16.swizzle(bytes, PICK_R))
    const bg = f32x4.convert_i32x4_s(i8x16.swizzle(bytes, PICK_G))
    const bb = f32x4.convert_i32x4_s(i8x16.swizzle(bytes, PICK_B))
    // The filtered layer, straight colour clamped to 0..255.
    let sr: v128
    let sg: v128
    let sb: v128
    // Lanes where Y's change needed no clamp (luminance only): see the non-separable modes below.
    let unclamped = v128.splat<i32>(0)
    if (select < 0) {
      const y = luma ? v128.load(luma + (<usize>i << 2)) : f32x4.add(f32x4.add(f32x4.mul(lr, br), f32x4.mul(lg, bg)), f32x4.mul(lb, bb))
      // Y filtered is clamped here as the kernel's finish clamps it (a second clamp changes nothing).
      const d = f32x4.sub(clamp255(v128.load(filtered + (<usize>i << 2))), y)
      const rr = f32x4.add(br, d)
      const rg = f32x4.add(bg, d)
      const rb = f32x4.add(bb, d)
      sr = clamp255(rr)
      sg = clamp255(rg)
      sb = clamp255(rb)
      if (blend >= 9) unclamped = v128.and(v128.and(f32x4.eq(rr, sr), f32x4.eq(rg, sg)), f32x4.eq(rb, sb))
    } else if (select == 3) {
      // r0 g0 b0 r1 | g1 b1 r2 g2 | b2 r3 g3 b3
      const p = filtered + <usize>i * 12
      const a = v128.load(p)
      const b = v128.load(p, 16)
      const c = v128.load(p, 32)
      sr = clamp255(v128.shuffle<f32>(v128.shuffle<f32>(a, b, 0, 3, 6, 7), c, 0, 1, 2, 5))
      sg = clamp255(v128.shuffle<f32>(v128.shuffle<f32>(a, b, 1, 4, 7, 0), c, 0, 1, 2, 6))
      sb = clamp255(v128.shuffle<f32>(v128.shuffle<f32>(a, b, 2, 5, 0, 0), c, 0, 1, 4, 7))
    } else {
      const v = clamp255(v128.load(filtered + (<usize>i << 2)))
      sr = select == 0 ? v : br
      sg = select == 1 ? v : bg
      sb = select == 2 ? v : bb
    }
    // The blend on 0..1 values, back to 0..255.
    let xr: v128
    let xg: v128
    let xb: v128
    if (blend == 0) {
      xr = sr
      xg = sg
      xb = sb
    } else if (blend >= 9) {
      // The source is the backdrop moved by one amount in every channel, and the specification's weights sum to
      // 1: where no clamp changed it, luminosity gives the source and color the backdrop, with no clip to do.
      const same = blend == 9
      xr = same ? sr : br
      xg = same ? sg : bg
      xb = same ? sb : bb
      if (!i32x4.all_true(unclamped)) {
        const cbr = f32x4.mul(br, inv)
        const cbg = f32x4.mul(bg, inv)
        const cbb = f32x4.mul(bb, inv)
        const csr = f32x4.mul(sr, inv)
        const csg = f32x4.mul(sg, inv)
        const csb = f32x4.mul(sb, inv)
        if (same) setLum(cbr, cbg, cbb, lum(csr, csg, csb))
        else setLum(csr, csg, csb, lum(cbr, cbg, cbb))
        xr = v128.bitselect(xr, f32x4.mul(outR, full), unclamped)
        xg = v128.bitselect(xg, f32x4.mul(outG, full), unclamped)
        xb = v128.bitselect(xb, f32x4.mul(outB, full), unclamped)
      }
    } else if (blend == 3) {
      xr = overlay255(br, sr)
      xg = overlay255(bg, sg)
      xb = overlay255(bb, sb)
    } else {
      xr = f32x4.mul(separable(blend, f32x4.mul(br, inv), f32x4.mul(sr, inv)), full)
      xg = f32x4.mul(separable(blend, f32x4.mul(bg, inv), f32x4.mul(sg, inv)), full)
      xb = f32x4.mul(separable(blend, f32x4.mul(bb, inv), f32x4.mul(sb, inv)), full)
    }
    let r: v128
    let g: v128
    let b: v128
    if (whole) {
      // k = 1 everywhere: b x 0 + blended x 1 is blended exactly.
      r = roundHalfUp(xr)
      g = roundHalfUp(xg)
      b = roundHalfUp(xb)
    } else {
      const k = mask ? f32x4.mul(op, v128.load(mask + (<usize>i << 2))) : op
      const j = f32x4.sub(one, k)
      r = roundHalfUp(f32x4.add(f32x4.mul(br, j), f32x4.mul(xr, k)))
      g = roundHalfUp(f32x4.add(f32x4.mul(bg, j), f32x4.mul(xg, k)))
      b = roundHalfUp(f32x4.add(f32x4.mul(bb, j), f32x4.mul(xb, k)))
    }
    // Saturated to bytes and packed as RGB (the block's last 4 bytes are don't-care).
    const bytesOut = i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_s(r, g), i16x8.narrow_i32x4_s(b, b))
    v128.store(dst + <usize>i * 3, i8x16.swizzle(bytesOut, INTERLEAVE))
  }
}

/**
 * `n` pixels of a feathered mask row from its coarse `line` (`cells` f32 values): pixel x is a + (b - a) x t with
 * a, b the line at col0[x] and col0[x] + 1 (i32, clamped to the line) and t = colT[x] (f32), in f64 as
 * maskRow in src/engine/mask.ts computes it, stored as f32 at `out`: the same values to the bit. col0 never
 * decreases, so pixels come in runs between the same two cells: each run reads them once, and its pixels go two
 * at a time through f64x2 lanes (the same f64 operations).
 */
export function lerpMask(out: usize, line: usize, cells: i32, col0: usize, colT: usize, n: i32): void {
  const last = cells - 1
  let x: i32 = 0
  // The last run's length: runs are a grid cell wide, so the next run's end is found in about two reads of col0.
  let guess: i32 = 1
  while (x < n) {
    const i = load<i32>(col0 + (<usize>x << 2))
    const i0 = i < 0 ? 0 : i > last ? last : i
    const i1 = i + 1 < 0 ? 0 : i + 1 > last ? last : i + 1
    const a = <f64>load<f32>(line + (<usize>i0 << 2))
    const d = <f64>load<f32>(line + (<usize>i1 << 2)) - a
    let end = x + guess < n ? x + guess : n
    while (end > x + 1 && load<i32>(col0 + (<usize>(end - 1) << 2)) != i) end--
    while (end < n && load<i32>(col0 + (<usize>end << 2)) == i) end++
    guess = end - x
    const va = f64x2.splat(a)
    const vd = f64x2.splat(d)
    for (; x + 2 <= end; x += 2) {
      const o = <usize>x << 2
      const t = f64x2.promote_low_f32x4(v128.load64_zero(colT + o))
      v128.store64_lane(out + o, f32x4.demote_f64x2_zero(f64x2.add(va, f64x2.mul(vd, t))), 0)
    }
    if (x < end) {
      const o = <usize>x << 2
      store<f32>(out + o, <f32>(a + d * <f64>load<f32>(colT + o)))
      x++
    }
  }
}

/** `n` 8-bit samples at `src` to f32 at `dst` through the 256-entry f32 `table` (linear light's decodeInt). */
export function decodeU8(dst: usize, src: usize, n: i32, table: usize): void {
  for (let i: i32 = 0; i < n; i++) {
    store<f32>(dst + (<usize>i << 2), load<f32>(table + (<usize>load<u8>(src + <usize>i) << 2)))
  }
}

/**
 * In place, `n` f32 samples of linear light (0..255) encoded to stored values as lookUp in src/engine/light.ts
 * does on its 65537-entry f64 `encode` table at `table`: clamped, interpolated, in f64 as there (NaN counts as 0).
 */
export function encodeLinear(data: usize, n: i32, table: usize): void {
  for (let i: i32 = 0; i < n; i++) {
    const p = data + (<usize>i << 2)
    const value = <f64>load<f32>(p)
    const t = value >= 255 ? 65536.0 : value > 0 ? (value / 255) * 65536 : 0.0
    const k = <i32>Math.floor(t)
    let out: f64
    if (k >= 65536) out = load<f64>(table + (<usize>65536 << 3)) * 255
    else {
      const a = load<f64>(table + (<usize>k << 3))
      out = (a + (load<f64>(table + (<usize>(k + 1) << 3)) - a) * (t - <f64>k)) * 255
    }
    store<f32>(p, <f32>out)
  }
}
