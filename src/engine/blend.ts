// Blend modes: how a filtered layer (source) combines with the image entering it (backdrop), with the formulas of
// the W3C "Compositing and Blending Level 1" specification, on colour values in 0..1.

/** Every blend mode a layer can use. */
export const BLEND_MODES = [
  'normal',
  'multiply',
  'screen',
  'overlay',
  'darken',
  'lighten',
  'color-dodge',
  'color-burn',
  'hard-light',
  'soft-light',
  'difference',
  'exclusion',
  'luminosity',
  'color'
] as const

/** A blend mode: `normal` shows the source as it is. */
export type BlendMode = (typeof BLEND_MODES)[number]

/** A separable blend function B(cb, cs): backdrop and source values of one channel, 0..1. */
export type SeparableBlend = (cb: number, cs: number) => number

function multiply(cb: number, cs: number): number {
  return cb * cs
}

function screen(cb: number, cs: number): number {
  return cb + cs - cb * cs
}

function hardLight(cb: number, cs: number): number {
  return cs <= 0.5 ? multiply(cb, 2 * cs) : screen(cb, 2 * cs - 1)
}

function softLight(cb: number, cs: number): number {
  if (cs <= 0.5) return cb - (1 - 2 * cs) * cb * (1 - cb)
  const d = cb <= 0.25 ? ((16 * cb - 12) * cb + 4) * cb : Math.sqrt(cb)
  return cb + (2 * cs - 1) * (d - cb)
}

/** The separable modes' B(cb, cs), as the specification writes them. */
export const SEPARABLE_BLENDS: Readonly<Record<Exclude<BlendMode, 'luminosity' | 'color'>, SeparableBlend>> = {
  normal: (_cb, cs) => cs,
  multiply,
  screen,
  // Overlay is hard-light with the layers swapped.
  overlay: (cb, cs) => hardLight(cs, cb),
  darken: (cb, cs) => Math.min(cb, cs),
  lighten: (cb, cs) => Math.max(cb, cs),
  'color-dodge': (cb, cs) => (cb === 0 ? 0 : cs === 1 ? 1 : Math.min(1, cb / (1 - cs))),
  'color-burn': (cb, cs) => (cb === 1 ? 1 : cs === 0 ? 0 : 1 - Math.min(1, (1 - cb) / cs)),
  'hard-light': hardLight,
  'soft-light': softLight,
  difference: (cb, cs) => Math.abs(cb - cs),
  exclusion: (cb, cs) => cb + cs - 2 * cb * cs
}

/** True for the modes that mix the colour channels (luminosity, color); the others work channel by channel. */
export function isNonSeparable(mode: BlendMode): mode is 'luminosity' | 'color' {
  return mode === 'luminosity' || mode === 'color'
}

/** The specification's Lum(C): its own weights, not BT.709's. */
export function lum(r: number, g: number, b: number): number {
  return 0.3 * r + 0.59 * g + 0.11 * b
}

/**
 * The specification's SetLum(C, l) followed by ClipColor: C moved to luminosity `l`, then pulled towards its
 * luminosity until every channel is in 0..1. Writes the result to `out[0..2]`.
 */
export function setLum(r: number, g: number, b: number, l: number, out: Float64Array | number[]): void {
  const d = l - lum(r, g, b)
  r += d
  g += d
  b += d
  const L = lum(r, g, b)
  const n = Math.min(r, g, b)
  const x = Math.max(r, g, b)
  if (n < 0) {
    r = L + ((r - L) * L) / (L - n)
    g = L + ((g - L) * L) / (L - n)
    b = L + ((b - L) * L) / (L - n)
  }
  if (x > 1) {
    r = L + ((r - L) * (1 - L)) / (x - L)
    g = L + ((g - L) * (1 - L)) / (x - L)
    b = L + ((b - L) * (1 - L)) / (x - L)
  }
  out[0] = r
  out[1] = g
  out[2] = b
}

/**
 * B(Cb, Cs) of a non-separable mode for one RGB pixel (values 0..1), written to `out[0..2]`:
 * `luminosity` is SetLum(Cb, Lum(Cs)), `color` is SetLum(Cs, Lum(Cb)).
 */
export function blendNonSeparable(
  mode: 'luminosity' | 'color',
  br: number,
  bg: number,
  bb: number,
  sr: number,
  sg: number,
  sb: number,
  out: Float64Array | number[]
): void {
  if (mode === 'luminosity') setLum(br, bg, bb, lum(sr, sg, sb), out)
  else setLum(sr, sg, sb, lum(br, bg, bb), out)
}

/** Validates a blend mode name (recipes and the CLI check it before this; the engine checks it again). */
export function isBlendMode(value: unknown): value is BlendMode {
  return typeof value === 'string' && (BLEND_MODES as readonly string[]).includes(value)
}
