// The TypeScript kernel set's layer functions (lumaRgb8, compositeRgb8, lerpMask, decodeU8, encodeLinear): src/wasm/layers.ts in plain TypeScript, one pixel at a time,
// with Math.fround after every operation as the SIMD lanes round to f32 (f64 then f32 rounds + - x / exactly as f32
// does), so both kernel sets give the same bytes. Pointers are byte offsets into `memory`. Keep the two in step.

const f = Math.fround
const LUMA_R = f(0.2126)
const LUMA_G = f(0.7152)
const LUMA_B = f(0.0722)
const INV_255 = f(1 / 255)
const TWO_255 = f(2 / 255)
const LUM_R = f(0.3)
const LUM_G = f(0.59)
const LUM_B = f(0.11)

/** See lumaRgb8 in src/wasm/layers.ts. */
export function lumaRgb8Ts(memory: ArrayBuffer, dst: number, src: number, n: number): void {
  const u8 = new Uint8Array(memory)
  const f32 = new Float32Array(memory)
  for (let i = 0, p = src, q = dst >> 2; i < n; i++, p += 3, q++) {
    f32[q] = f(f(LUMA_R * u8[p]) + f(LUMA_G * u8[p + 1])) + f(LUMA_B * u8[p + 2])
  }
}

/** f32x4.pmin and pmax per lane. */
const pmin = (a: number, b: number): number => (b < a ? b : a)
const pmax = (a: number, b: number): number => (a < b ? b : a)

/** pmax then pmin, as f32x4.pmax / pmin: `b < a ? b : a` per lane. */
const clamp255 = (v: number): number => {
  const low = v < 0 ? 0 : v
  return 255 < low ? 255 : low
}

/** floor(v + 0.5) saturated to 0..255 (round in src/wasm/layers.ts, whose truncation gives the same bytes). */
function round(v: number): number {
  const q = Math.floor(f(v + 0.5))
  return q < 0 ? 0 : q > 255 ? 255 : q
}

const lum = (r: number, g: number, b: number): number => f(f(f(LUM_R * r) + f(LUM_G * g)) + f(LUM_B * b))

function hardLight(base: number, top: number): number {
  const two = f(top * 2)
  const t = f(two - 1)
  return top <= 0.5 ? f(base * two) : f(f(base + t) - f(base * t))
}

function overlay255(b: number, s: number): number {
  const two = f(b * TWO_255)
  const m = f(1 - Math.abs(f(two - 1)))
  const a = pmax(f(f(b + b) - 255), 0)
  return f(a + f(s * m))
}

function separable(blend: number, cb: number, cs: number): number {
  switch (blend) {
    case 1:
      return f(cb * cs)
    case 2:
      return f(f(cb + cs) - f(cb * cs))
    case 4:
      return pmin(cb, cs)
    case 5:
      return pmax(cb, cs)
    case 6:
      return Math.abs(f(cb - cs))
    case 7:
      return f(f(cb + cs) - f(f(cb * 2) * cs))
    case 8:
      return hardLight(cb, cs)
    default:
      return cs
  }
}

/** SetLum then ClipColor (see src/wasm/layers.ts) into `out`. */
function setLum(r: number, g: number, b: number, l: number, out: Float64Array): void {
  const d = f(l - lum(r, g, b))
  r = f(r + d)
  g = f(g + d)
  b = f(b + d)
  const L = lum(r, g, b)
  const lo = pmin(pmin(r, g), b)
  const hi = pmax(pmax(r, g), b)
  if (lo < 0) {
    const down = f(L / f(L - lo))
    r = f(L + f(f(r - L) * down))
    g = f(L + f(f(g - L) * down))
    b = f(L + f(f(b - L) * down))
  }
  if (hi > 1) {
    const up = f(f(1 - L) / f(hi - L))
    r = f(L + f(f(r - L) * up))
    g = f(L + f(f(g - L) * up))
    b = f(L + f(f(b - L) * up))
  }
  out[0] = r
  out[1] = g
  out[2] = b
}

const rgb = new Float64Array(3)

/** See compositeRgb8 in src/wasm/layers.ts. */
export function compositeRgb8Ts(
  memory: ArrayBuffer,
  dst: number,
  back: number,
  filtered: number,
  select: number,
  luma: number,
  mask: number,
  opacity: number,
  blend: number,
  n: number
): void {
  const u8 = new Uint8Array(memory)
  const f32 = new Float32Array(memory)
  const op = f(opacity)
  const step = select === 3 ? 3 : 1
  for (let i = 0, p = back, q = dst, s = filtered >> 2; i < n; i++, p += 3, q += 3, s += step) {
    const br = u8[p]
    const bg = u8[p + 1]
    const bb = u8[p + 2]
    let sr: number
    let sg: number
    let sb: number
    let unclamped = false
    if (select < 0) {
      const y = luma ? f32[(luma >> 2) + i] : f(f(f(LUMA_R * br) + f(LUMA_G * bg)) + f(LUMA_B * bb))
      const d = f(clamp255(f32[s]) - y)
      const rr = f(br + d)
      const rg = f(bg + d)
      const rb = f(bb + d)
      sr = clamp255(rr)
      sg = clamp255(rg)
      sb = clamp255(rb)
      unclamped = rr === sr && rg === sg && rb === sb
    } else if (select === 3) {
      sr = clamp255(f32[s])
      sg = clamp255(f32[s + 1])
      sb = clamp255(f32[s + 2])
    } else {
      const v = clamp255(f32[s])
      sr = select === 0 ? v : br
      sg = select === 1 ? v : bg
      sb = select === 2 ? v : bb
    }
    let xr: number
    let xg: number
    let xb: number
    if (blend === 0) {
      xr = sr
      xg = sg
      xb = sb
    } else if (blend >= 9 && unclamped) {
      xr = blend === 9 ? sr : br
      xg = blend === 9 ? sg : bg
      xb = blend === 9 ? sb : bb
    } else if (blend >= 9) {
      const cbr = f(br * INV_255)
      const cbg = f(bg * INV_255)
      const cbb = f(bb * INV_255)
      const csr = f(sr * INV_255)
      const csg = f(sg * INV_255)
      const csb = f(sb * INV_255)
      if (blend === 9) setLum(cbr, cbg, cbb, lum(csr, csg, csb), rgb)
      else setLum(csr, csg, csb, lum(cbr, cbg, cbb), rgb)
      xr = f(rgb[0] * 255)
      xg = f(rgb[1] * 255)
      xb = f(rgb[2] * 255)
    } else if (blend === 3) {
      xr = overlay255(br, sr)
      xg = overlay255(bg, sg)
      xb = overlay255(bb, sb)
    } else {
      xr = f(separable(blend, f(br * INV_255), f(sr * INV_255)) * 255)
      xg = f(separable(blend, f(bg * INV_255), f(sg * INV_255)) * 255)
      xb = f(separable(blend, f(bb * INV_255), f(sb * INV_255)) * 255)
    }
    // With k = 1 everywhere the SIMD loop stores the blend itself: b x 0 + blended x 1 is that value here too.
    const k = mask ? f(op * f32[(mask >> 2) + i]) : op
    const j = f(1 - k)
    u8[q] = round(f(f(br * j) + f(xr * k)))
    u8[q + 1] = round(f(f(bg * j) + f(xg * k)))
    u8[q + 2] = round(f(f(bb * j) + f(xb * k)))
  }
}

/** See lerpMask in src/wasm/layers.ts (f64 arithmetic, as there). */
export function lerpMaskTs(memory: ArrayBuffer, out: number, line: number, cells: number, col0: number, colT: number, n: number): void {
  const f32 = new Float32Array(memory)
  const i32 = new Int32Array(memory)
  const last = cells - 1
  const l = line >> 2
  for (let x = 0, o = out >> 2, c = col0 >> 2, t = colT >> 2; x < n; x++) {
    const i = i32[c + x]
    const a = f32[l + (i < 0 ? 0 : i > last ? last : i)]
    const b = f32[l + (i + 1 < 0 ? 0 : i + 1 > last ? last : i + 1)]
    f32[o + x] = a + (b - a) * f32[t + x]
  }
}

/** See decodeU8 in src/wasm/layers.ts. */
export function decodeU8Ts(memory: ArrayBuffer, dst: number, src: number, n: number, table: number): void {
  const u8 = new Uint8Array(memory)
  const f32 = new Float32Array(memory)
  for (let i = 0, d = dst >> 2, t = table >> 2; i < n; i++) f32[d + i] = f32[t + u8[src + i]]
}

/** See encodeLinear in src/wasm/layers.ts (f64 arithmetic, as there). */
export function encodeLinearTs(memory: ArrayBuffer, data: number, n: number, table: number): void {
  const f32 = new Float32Array(memory)
  const f64 = new Float64Array(memory)
  const e = table >> 3
  for (let i = 0, p = data >> 2; i < n; i++, p++) {
    const value = f32[p]
    const t = value >= 255 ? 65536 : value > 0 ? (value / 255) * 65536 : 0
    const k = Math.floor(t)
    if (k >= 65536) f32[p] = f64[e + 65536] * 255
    else {
      const a = f64[e + k]
      f32[p] = (a + (f64[e + k + 1] - a) * (t - k)) * 255
    }
  }
}
