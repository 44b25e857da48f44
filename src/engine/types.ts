// Shared engine types. Pure data: no node:*, electron, vue or DOM imports (the lint enforces it: eslint.config.js).
import type { BlendMode } from './blend'
import type { LightMode } from './light'
import type { LayerMask } from './mask'

/** Number of interleaved channels: grey, grey+alpha, RGB, RGBA. */
export type Channels = 1 | 2 | 3 | 4

/** Bits per sample of the source image; the float working range is 0..255 or 0..65535. */
export type BitDepth = 8 | 16

/**
 * Working image: interleaved samples as floats in the native range of `depth`
 * (0..255 for 8-bit, 0..65535 for 16-bit). Colour is NOT premultiplied here;
 * the convolution premultiplies internally when there is an alpha channel.
 */
export interface FloatImage {
  readonly width: number
  readonly height: number
  readonly channels: Channels
  readonly depth: BitDepth
  readonly data: Float32Array
}

/** Integer image as decoded from / encoded to a file: interleaved, row-major. */
export interface IntImage {
  readonly width: number
  readonly height: number
  readonly channels: Channels
  readonly depth: BitDepth
  readonly data: Uint8Array | Uint16Array
}

/**
 * A convolution kernel: row-major weights with odd width and height.
 * The result of one window is `sum(products) / divisor + offset` (divisor defaults to 1, offset to 0).
 */
export interface Kernel {
  readonly width: number
  readonly height: number
  readonly weights: readonly number[]
  readonly divisor: number
  readonly offset: number
}

/** How samples outside the image are made up. */
export type Border = 'extend' | 'reflect' | 'wrap' | 'zero'

/** Output geometry: `same` (H x W), `valid` (H-kh+1 x W-kw+1), `full` (H+kh-1 x W+kw-1). */
export type OutputMode = 'same' | 'valid' | 'full'

/** Final mapping of signed results: clip, magnitude, add mid-grey, or min..max to full range. */
export type SignedMode = 'clamp' | 'abs' | 'shift' | 'stretch'

/** The options every convolution takes. */
export interface ConvolveOptions {
  /** @default 'extend' */
  readonly border?: Border
  /** @default 'same' */
  readonly mode?: OutputMode
  /** Rotate the kernel 180 degrees first (true convolution). @default false */
  readonly flip?: boolean
  /** @default 'clamp' */
  readonly signed?: SignedMode
  /** Leave the alpha channel as it was instead of convolving it. @default false */
  readonly keepAlpha?: boolean
}

/**
 * Which colour a layer filters: every channel (`rgb`), the BT.709 luminance Y only (its change is added to R, G
 * and B, so colour differences stay), or one of `r`, `g`, `b` (the others pass through).
 */
export type LayerChannels = 'rgb' | 'luminance' | 'r' | 'g' | 'b'

/** A preset parameter value as written in a spec or recipe. */
export type ParamValue = number | string

/**
 * One filter of a stack, exactly the shape of a recipe file's `filters[]` entry.
 * Exactly one of `preset` or `kernel` is given.
 */
export interface FilterSpec extends ConvolveOptions {
  /** User-visible label (the app's layer name). */
  readonly name?: string
  readonly preset?: string
  readonly params?: Readonly<Record<string, ParamValue>>
  /** Rows of numbers, or kernel text such as `1/9 1/9 1/9; ...`. */
  readonly kernel?: readonly (readonly number[])[] | string
  /** Overrides the kernel's divisor. */
  readonly divisor?: number
  /** Overrides the kernel's offset. */
  readonly offset?: number
  /** @default true */
  readonly enabled?: boolean
  /** Blend of this filter's result over its input, 0..1. @default 1 */
  readonly opacity?: number
  /** Recipe version 2: what the filter acts on. @default 'rgb' */
  readonly channels?: LayerChannels
  /** Recipe version 2: filter the stored values or linear light. @default 'encoded' */
  readonly light?: LightMode
  /** Recipe version 2: how the result combines with the filter's input. @default 'normal' */
  readonly blend?: BlendMode
  /** Recipe version 2: where the filter acts. @default everywhere */
  readonly mask?: LayerMask
}

/** A recipe file: a saved filter stack. */
export interface Recipe {
  readonly format: 'kernel-studio/stack'
  /** 1, or 2 when a filter uses `channels`, `light`, `blend` or `mask`. */
  readonly version: 1 | 2
  readonly filters: readonly FilterSpec[]
}
