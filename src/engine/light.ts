// Colour handling for layers: the sRGB transfer function (IEC 61966-2-1) and BT.709 luminance on stored values.

/** How a layer sees the colour values: as stored (gamma-encoded sRGB) or decoded to linear light. */
export const LIGHT_MODES = ['encoded', 'linear'] as const

/** `encoded` (as stored) or `linear` (decoded to linear light for filtering, encoded back after). */
export type LightMode = (typeof LIGHT_MODES)[number]

/** BT.709 luminance weights: Y = 0.2126 R + 0.7152 G + 0.0722 B. They sum to 1, so a grey pixel's Y is its value. */
export const LUMA_R = 0.2126
export const LUMA_G = 0.7152
export const LUMA_B = 0.0722

/** Y of one RGB pixel, in the samples' own range. */
export function luminance(r: number, g: number, b: number): number {
  return LUMA_R * r + LUMA_G * g + LUMA_B * b
}

/** sRGB decoding of a value in 0..1 (IEC 61966-2-1): linear light, 0..1. */
export function srgbToLinear(v: number): number {
  return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4)
}

/** sRGB encoding of linear light in 0..1 (IEC 61966-2-1). */
export function linearToSrgb(l: number): number {
  return l <= 0.0031308 ? l * 12.92 : 1.055 * Math.pow(l, 1 / 2.4) - 0.055
}

/** Decodes a stored sample (0..max) to linear light on the same 0..max scale. */
export function decodeSample(value: number, max: number): number {
  return srgbToLinear(value / max) * max
}

/** Encodes a linear-light sample (0..max) back to a stored sample on the same scale. */
export function encodeSample(value: number, max: number): number {
  return linearToSrgb(value / max) * max
}

/** Entries of the interpolated tables of {@link TransferTables}, over 0..1. */
const TABLE_SIZE = 1 << 16

/**
 * The transfer function as tables, for loops over millions of samples (Math.pow costs ~20 ns a call):
 * `decodeInt` is exact for whole-number samples; `decode` and `encode` interpolate linearly between 65537
 * entries over 0..1: measured against the formulas, within 0.0003 (decode) and 0.033 (encode, at the bend of
 * the curve near black) of a 16-bit level.
 */
export interface TransferTables {
  readonly max: number
  /** Linear light (0..max) of each whole sample 0..max. */
  readonly decodeInt: Float32Array
  /** srgbToLinear at i / TABLE_SIZE, i = 0..TABLE_SIZE. */
  readonly decode: Float64Array
  /** linearToSrgb at i / TABLE_SIZE. */
  readonly encode: Float64Array
}

const tables = new Map<number, TransferTables>()

/** The tables for samples 0..max (built once per max). */
export function transferTables(max: number): TransferTables {
  let found = tables.get(max)
  if (!found) {
    const decodeInt = new Float32Array(max + 1)
    for (let v = 0; v <= max; v++) decodeInt[v] = decodeSample(v, max)
    const decode = new Float64Array(TABLE_SIZE + 1)
    const encode = new Float64Array(TABLE_SIZE + 1)
    for (let i = 0; i <= TABLE_SIZE; i++) {
      decode[i] = srgbToLinear(i / TABLE_SIZE)
      encode[i] = linearToSrgb(i / TABLE_SIZE)
    }
    found = { max, decodeInt, decode, encode }
    tables.set(max, found)
  }
  return found
}

/** `table` (over 0..1) at `value / max`, linearly interpolated, times max; value clamped to 0..max. */
export function lookUp(table: Float64Array, value: number, max: number): number {
  const t = value <= 0 ? 0 : value >= max ? TABLE_SIZE : (value / max) * TABLE_SIZE
  const i = Math.floor(t)
  if (i >= TABLE_SIZE) return table[TABLE_SIZE] * max
  const f = t - i
  return (table[i] + (table[i + 1] - table[i]) * f) * max
}
