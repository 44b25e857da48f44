// Photoshop "Custom" filter files (.acf): a 5x5 grid of weights, a scale and an offset.
import { EngineError } from './errors'
import { kernelFromRows } from './kernel'
import type { Kernel } from './types'

/** Size of an .acf file: 25 weights, scale and offset, each a big-endian int16. */
export const ACF_SIZE = 54

/**
 * Reads a Photoshop Custom filter file into a kernel: weights as rows, scale as divisor, offset as offset.
 * All-zero outer rows and columns are trimmed in pairs, so a 3x3 stored centred in the 5x5 grid stays 3x3.
 * `source` (the file name) starts every error message.
 */
export function parseAcf(bytes: Uint8Array, source: string): Kernel {
  if (bytes.length !== ACF_SIZE) {
    throw new EngineError(
      `${source}: not a Photoshop Custom filter (.acf) file: expected ${ACF_SIZE} bytes, got ${bytes.length}`
    )
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const grid: number[][] = []
  for (let r = 0; r < 5; r++) {
    const row: number[] = []
    for (let c = 0; c < 5; c++) row.push(view.getInt16((r * 5 + c) * 2, false))
    grid.push(row)
  }
  const scale = view.getInt16(50, false)
  const offset = view.getInt16(52, false)
  if (scale === 0) throw new EngineError(`${source}: the scale (divisor) is 0`)

  let top = 0
  let bottom = 4
  while (bottom > top && grid[top].every((v) => v === 0) && grid[bottom].every((v) => v === 0)) {
    top++
    bottom--
  }
  let left = 0
  let right = 4
  const columnZero = (c: number): boolean => grid.every((row) => row[c] === 0)
  while (right > left && columnZero(left) && columnZero(right)) {
    left++
    right--
  }
  const rows = grid.slice(top, bottom + 1).map((row) => row.slice(left, right + 1))
  return kernelFromRows(rows, { divisor: scale, offset })
}

/** The .acf bytes for a kernel of at most 5x5 with integer weights, scale and offset in int16 range. */
export function encodeAcf(kernel: Kernel): Uint8Array {
  if (kernel.width > 5 || kernel.height > 5) {
    throw new EngineError(`kernel ${kernel.width}x${kernel.height} does not fit a Photoshop Custom filter (at most 5x5)`)
  }
  const ints = [...kernel.weights, kernel.divisor, kernel.offset]
  for (const v of ints) {
    if (!Number.isInteger(v) || v < -32768 || v > 32767) {
      throw new EngineError(`${v} cannot be stored in a Photoshop Custom filter: whole numbers -32768 to 32767 only`)
    }
  }
  const bytes = new Uint8Array(ACF_SIZE)
  const view = new DataView(bytes.buffer)
  const top = (5 - kernel.height) / 2
  const left = (5 - kernel.width) / 2
  for (let r = 0; r < kernel.height; r++) {
    for (let c = 0; c < kernel.width; c++) {
      view.setInt16(((top + r) * 5 + left + c) * 2, kernel.weights[r * kernel.width + c], false)
    }
  }
  view.setInt16(50, kernel.divisor, false)
  view.setInt16(52, kernel.offset, false)
  return bytes
}
