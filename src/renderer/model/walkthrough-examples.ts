// Runs in the renderer (pure, unit-tested in Node). The walkthrough's example images and kernels, and the engine
// computations behind every frame (nothing here is a hard-coded result).
import { convolve } from '../../engine/convolve'
import { inspectPixel, type InspectResult } from '../../engine/inspect'
import { kernelFromRows } from '../../engine/kernel'
import { presetKernel } from '../../engine/presets'
import type { Border, FloatImage, Kernel, OutputMode, SignedMode } from '../../engine/types'
import { defaultSigned } from './preset-gallery'

/** A small example image as rows of sample values (0..255, one grey channel). */
export interface WalkthroughExample {
  readonly id: string
  readonly title: string
  readonly rows: readonly (readonly number[])[]
  /** Kernel chosen when the example is picked. */
  readonly kernel: string
}

/** A kernel the walkthrough offers. */
export interface WalkthroughKernel {
  readonly id: string
  readonly title: string
  readonly kernel: () => Kernel
}

const DARK = 20
const BRIGHT = 200

/** The examples: a 7x7 step edge, and the 5x5 grid of the lesson this app grew from. */
export const WALKTHROUGH_EXAMPLES: readonly WalkthroughExample[] = [
  {
    id: 'edge7',
    title: '7×7 edge: dark left, bright right',
    rows: Array.from({ length: 7 }, () => [DARK, DARK, DARK, BRIGHT, BRIGHT, BRIGHT, BRIGHT]),
    kernel: 'sobel-right'
  },
  {
    id: 'lesson5',
    title: '5×5 numbers from the lesson',
    rows: [
      [3, 3, 2, 1, 0],
      [0, 0, 1, 3, 1],
      [3, 1, 2, 2, 3],
      [2, 0, 0, 2, 2],
      [2, 0, 0, 0, 1]
    ],
    kernel: 'lesson'
  }
]

/** The kernels: the lesson's, and engine presets (their weights come from the engine). */
export const WALKTHROUGH_KERNELS: readonly WalkthroughKernel[] = [
  { id: 'sobel-right', title: 'Sobel, right edges', kernel: () => presetKernel('sobel', { direction: 'right' }) },
  { id: 'sobel-left', title: 'Sobel, left edges', kernel: () => presetKernel('sobel', { direction: 'left' }) },
  { id: 'sobel-bottom', title: 'Sobel, bottom edges', kernel: () => presetKernel('sobel', { direction: 'bottom' }) },
  { id: 'box-blur', title: 'Box blur (1/9 each)', kernel: () => presetKernel('box-blur', { size: 3 }) },
  { id: 'sharpen', title: 'Sharpen', kernel: () => presetKernel('sharpen') },
  { id: 'edge-detect', title: 'Edge detect', kernel: () => presetKernel('edge-detect') },
  { id: 'identity', title: 'Identity', kernel: () => presetKernel('identity') },
  { id: 'lesson', title: 'Lesson kernel [0 1 2; 2 2 0; 0 1 2]', kernel: () => kernelFromRows([[0, 1, 2], [2, 2, 0], [0, 1, 2]]) }
]

/** The example as a one-channel 8-bit float image. */
export function exampleImage(example: WalkthroughExample): FloatImage {
  const height = example.rows.length
  const width = example.rows[0].length
  return { width, height, channels: 1, depth: 8, data: Float32Array.from(example.rows.flat()) }
}

/** Everything the walkthrough shows for one image and kernel, computed by the engine. */
export interface WalkthroughFrames {
  readonly outHeight: number
  readonly outWidth: number
  /** Per output position (row-major): the engine's inspection (patch, products, sum). */
  readonly steps: readonly InspectResult[]
  /** The output as an image would store it, from the engine's convolve with {@link WalkthroughFrames.signed}. */
  readonly stored: FloatImage
  /** How negative sums become pixels: as the app's presets show this kernel (magnitude for edge kernels). */
  readonly signed: SignedMode
}

/** How the walkthrough slides: the output mode and border (`valid`, zero by default) and whether it flips. */
export interface WalkthroughOptions {
  readonly mode?: OutputMode
  readonly border?: Border
  readonly flip?: boolean
}

/**
 * Slides `kernel` over `image` and records every window position: by default in `valid` mode (the window stays
 * inside the image, output N−K+1), as the lessons start; `same` and `full` read the border rule's samples.
 */
export function walkthroughFrames(image: FloatImage, kernel: Kernel, how: WalkthroughOptions = {}): WalkthroughFrames {
  const signed = defaultSigned(kernel)
  const options = { mode: how.mode ?? 'valid', border: how.border ?? 'zero', flip: how.flip ?? false, signed } as const
  const stored = convolve(image, kernel, options)
  const steps: InspectResult[] = []
  for (let row = 0; row < stored.height; row++) {
    for (let col = 0; col < stored.width; col++) steps.push(inspectPixel(image, kernel, { row, col }, options))
  }
  return { outHeight: stored.height, outWidth: stored.width, steps, stored, signed }
}
