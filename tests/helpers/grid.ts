// Test helper: tiny images written as text grids, and grids read back out of images.
import type { BitDepth, Channels, FloatImage, IntImage } from '../../src/engine/types'

/** Options for {@link gridImage}. */
export interface GridOptions {
  /** @default 1 */
  readonly channels?: Channels
  /** @default 8 */
  readonly depth?: BitDepth
}

function parseGrid(text: string, channels: number): { width: number; height: number; samples: number[] } {
  const lines = text
    .split(/[\n;]/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
  const rows = lines.map((line) => line.split(/\s+/).flatMap((token) => token.split(',').map(Number)))
  const perRow = rows[0].length
  if (perRow % channels !== 0) throw new Error(`grid row 1 has ${perRow} samples, not a multiple of ${channels}`)
  rows.forEach((row, r) => {
    if (row.length !== perRow) throw new Error(`grid row ${r + 1} has ${row.length} samples, expected ${perRow}`)
    if (row.some((v) => !Number.isFinite(v))) throw new Error(`grid row ${r + 1} has a non-number`)
  })
  return { width: perRow / channels, height: rows.length, samples: rows.flat() }
}

/**
 * A float image from a text grid: one line (or `;`-separated part) per row, samples separated by spaces.
 * With several channels, write each pixel as `r,g,b` or simply list the samples in order.
 * `gridImage('3 3 2\n0 0 1')` is a 3x2 grey 8-bit image.
 */
export function gridImage(text: string, options: GridOptions = {}): FloatImage {
  const channels = options.channels ?? 1
  const { width, height, samples } = parseGrid(text, channels)
  return { width, height, channels, depth: options.depth ?? 8, data: Float32Array.from(samples) }
}

/** Like {@link gridImage} but an integer image, as decoded from a file. */
export function gridIntImage(text: string, options: GridOptions = {}): IntImage {
  const channels = options.channels ?? 1
  const depth = options.depth ?? 8
  const { width, height, samples } = parseGrid(text, channels)
  const data = depth === 16 ? Uint16Array.from(samples) : Uint8Array.from(samples)
  return { width, height, channels, depth, data }
}

/** One channel of an image as rows of numbers (for `toEqual` against expected grids). */
export function channelRows(image: FloatImage | IntImage, channel = 0): number[][] {
  const rows: number[][] = []
  for (let r = 0; r < image.height; r++) {
    const row: number[] = []
    for (let c = 0; c < image.width; c++) row.push(image.data[(r * image.width + c) * image.channels + channel])
    rows.push(row)
  }
  return rows
}
