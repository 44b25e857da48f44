// Kernels as data: parsing the kernel text syntax, validation, and the geometric helpers editors and presets use.
import { EngineError } from './errors'
import type { Kernel } from './types'

/** Every kernel problem carries the `bad-kernel` code. */
function kernelError(message: string): EngineError {
  return new EngineError(message, 'bad-kernel')
}

/** Largest kernel height or width accepted anywhere (editor, recipe, CLI, IPC). */
export const MAX_KERNEL_SIZE = 255

/** Optional scaling of a kernel built from rows or text. */
export interface KernelScale {
  /** The window sum is divided by this; must be finite and non-zero. @default 1 */
  readonly divisor?: number
  /** Added after dividing. @default 0 */
  readonly offset?: number
}

// A plain decimal: integer, decimal with or without leading digit, optional exponent. No NaN, Infinity, hex.
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/

function parseDecimal(text: string, whole: string): number {
  if (!DECIMAL.test(text)) throw kernelError(`"${whole}" is not a number`)
  const value = Number(text)
  if (!Number.isFinite(value)) throw kernelError(`"${whole}" is not a finite number`)
  return value
}

/**
 * Parses one kernel number: `3`, `-0.25`, `.5`, `1e-3`, or a fraction `1/9`, `-3/16`.
 * Throws an EngineError naming the token for anything else (NaN, Infinity, garbage, division by zero).
 */
export function parseNumber(text: string): number {
  const token = text.trim()
  if (token === '') throw kernelError('empty number')
  const slash = token.indexOf('/')
  if (slash < 0) return parseDecimal(token, token)
  const numerator = parseDecimal(token.slice(0, slash), token)
  const denominator = parseDecimal(token.slice(slash + 1), token)
  if (denominator === 0) throw kernelError(`"${token}" divides by zero`)
  const value = numerator / denominator
  if (!Number.isFinite(value)) throw kernelError(`"${token}" is not a finite number`)
  return value
}

function checkSize(height: number, width: number): void {
  if (height % 2 === 0) {
    throw kernelError(`kernel height ${height} is even: kernels need odd height and width`)
  }
  if (width % 2 === 0) {
    throw kernelError(`kernel width ${width} is even: kernels need odd height and width`)
  }
  if (height > MAX_KERNEL_SIZE || width > MAX_KERNEL_SIZE) {
    throw kernelError(
      `kernel ${width}x${height} is too large: at most ${MAX_KERNEL_SIZE}x${MAX_KERNEL_SIZE}`
    )
  }
}

/**
 * Largest magnitude of a weight, divisor or offset (and 1 / the smallest divisor). The fast paths sum in 32-bit
 * floats: within this, weight x sample x taps stays far inside their range, while a 1e38 centre over a 1e38
 * divisor (an identity on paper) overflowed to white where the exact reference said otherwise.
 */
export const MAX_KERNEL_MAGNITUDE = 1e9

/** Throws unless weight (`r`, `c`, from 0) is a finite number within {@link MAX_KERNEL_MAGNITUDE}. */
function checkWeight(value: unknown, r: number, c: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw kernelError(`kernel row ${r + 1}, value ${c + 1}: ${String(value)} is not a finite number`)
  }
  if (Math.abs(value) > MAX_KERNEL_MAGNITUDE) {
    throw kernelError(`kernel row ${r + 1}, value ${c + 1}: ${String(value)} is out of range (at most 1e9 either way)`)
  }
}

function checkScale(divisor: number, offset: number): void {
  if (typeof divisor !== 'number' || !Number.isFinite(divisor)) {
    throw kernelError(`kernel divisor ${String(divisor)} is not a finite number`)
  }
  if (divisor === 0) throw kernelError('kernel divisor must not be 0')
  if (Math.abs(divisor) > MAX_KERNEL_MAGNITUDE || Math.abs(divisor) < 1 / MAX_KERNEL_MAGNITUDE) {
    throw kernelError(`kernel divisor ${String(divisor)} is out of range (its size must be from 1e-9 to 1e9)`)
  }
  if (typeof offset !== 'number' || !Number.isFinite(offset)) {
    throw kernelError(`kernel offset ${String(offset)} is not a finite number`)
  }
  if (Math.abs(offset) > MAX_KERNEL_MAGNITUDE) throw kernelError(`kernel offset ${String(offset)} is out of range (at most 1e9 either way)`)
}

/**
 * Builds a kernel from rows of numbers, checking every rule (rectangular, odd sizes, finite values,
 * non-zero divisor, size limit). Messages number rows and values from 1.
 */
export function kernelFromRows(rows: readonly (readonly number[])[], scale: KernelScale = {}): Kernel {
  if (rows.length === 0) throw kernelError('kernel is empty')
  const width = rows[0].length
  if (width === 0) throw kernelError('kernel row 1 is empty')
  const weights: number[] = []
  rows.forEach((row, r) => {
    if (row.length !== width) {
      throw kernelError(`kernel row ${r + 1} has ${row.length} values, expected ${width}`)
    }
    row.forEach((value, c) => {
      checkWeight(value, r, c)
      weights.push(value)
    })
  })
  checkSize(rows.length, width)
  const divisor = scale.divisor ?? 1
  const offset = scale.offset ?? 0
  checkScale(divisor, offset)
  return { width, height: rows.length, weights, divisor, offset }
}

// Accepts `a b c; d e f`, newline-separated rows, `[a b c; d e f]` and JSON-like `[[a,b,c],[d,e,f]]`.
function splitRows(text: string): string[] {
  let body = text.trim()
  const nested = /^\[\s*\[/.test(body)
  if (body.startsWith('[') && body.endsWith(']')) body = body.slice(1, -1)
  if (!nested) return body.split(/[;\n\r]/).filter((row) => row.trim() !== '')
  const rows: string[] = []
  const outside = body.replace(/\[([^[\]]*)\]/g, (_match, row: string) => {
    rows.push(row)
    return ';'
  })
  if (/[^\s,;]/.test(outside)) throw kernelError('kernel brackets do not match: write rows as [a, b, c]')
  return rows
}

/**
 * Parses kernel text: rows separated by `;` or newlines, values by spaces and/or commas, each value a
 * number as {@link parseNumber} reads it. Also accepts the pasted forms `[a b c; ...]` and `[[a,b,c],...]`.
 */
export function parseKernel(text: string, scale: KernelScale = {}): Kernel {
  if (text.trim() === '') throw kernelError('kernel is empty')
  const rows = splitRows(text).map((row, r) =>
    row
      .trim()
      .split(/[\s,]+/)
      .filter((token) => token !== '')
      .map((token, c) => {
        try {
          return parseNumber(token)
        } catch (error) {
          if (!(error instanceof EngineError)) throw error
          throw kernelError(`kernel row ${r + 1}, value ${c + 1}: ${error.message}`)
        }
      })
  )
  return kernelFromRows(rows, scale)
}

/**
 * Checks a kernel that arrives as data (IPC, recipe, editor) and returns it.
 * Throws an EngineError on non-integer or even sizes, a weights length that does not match,
 * non-finite numbers, a zero divisor, or a size over {@link MAX_KERNEL_SIZE}.
 */
export function validateKernel(kernel: Kernel): Kernel {
  const { width, height, weights } = kernel
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw kernelError(`kernel size ${String(width)}x${String(height)} is not a positive whole number`)
  }
  checkSize(height, width)
  if (!Array.isArray(weights) || weights.length !== width * height) {
    throw kernelError(
      `kernel ${width}x${height} needs ${width * height} weights, got ${Array.isArray(weights) ? weights.length : 'none'}`
    )
  }
  for (let i = 0; i < weights.length; i++) checkWeight(weights[i], Math.floor(i / width), i % width)
  checkScale(kernel.divisor, kernel.offset)
  return kernel
}

/** The weights as rows (copies). */
export function kernelRows(kernel: Kernel): number[][] {
  const rows: number[][] = []
  for (let r = 0; r < kernel.height; r++) {
    rows.push(kernel.weights.slice(r * kernel.width, (r + 1) * kernel.width))
  }
  return rows
}

// Shortest text that parses back to exactly `value`: small fractions as `n/d` (1/9 reads better than 0.111...).
function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value)
  for (let d = 2; d <= 256; d++) {
    const n = Math.round(value * d)
    if (n / d === value) return `${n}/${d}`
  }
  return String(value)
}

/** Kernel text in the `a b c; d e f` syntax; {@link parseKernel} reads it back to the same weights. */
export function kernelToText(kernel: Kernel): string {
  return kernelRows(kernel)
    .map((row) => row.map(formatNumber).join(' '))
    .join('; ')
}

function remap(kernel: Kernel, width: number, height: number, source: (r: number, c: number) => number): Kernel {
  const weights: number[] = new Array<number>(width * height)
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) weights[r * width + c] = kernel.weights[source(r, c)]
  }
  return { width, height, weights, divisor: kernel.divisor, offset: kernel.offset }
}

/** The kernel rotated 180 degrees: correlation with it is true convolution with the original. */
export function flipKernel(kernel: Kernel): Kernel {
  const n = kernel.weights.length
  return { ...kernel, weights: kernel.weights.map((_w, i) => kernel.weights[n - 1 - i]) }
}

/** The kernel rotated 90 degrees clockwise (sobel right becomes sobel bottom). */
export function rotateKernel90(kernel: Kernel): Kernel {
  const { width, height } = kernel
  return remap(kernel, height, width, (r, c) => (height - 1 - c) * width + r)
}

/** Rows and columns swapped. */
export function transposeKernel(kernel: Kernel): Kernel {
  const { width, height } = kernel
  return remap(kernel, height, width, (r, c) => c * width + r)
}

/** Sum of the raw weights (before the divisor). */
export function kernelSum(kernel: Kernel): number {
  let sum = 0
  for (const w of kernel.weights) sum += w
  return sum
}

/**
 * The same weights with the divisor set to their sum, so the kernel keeps overall brightness
 * (`1 2 1; 2 4 2; 1 2 1` gets divisor 16). Throws when the weights sum to 0 (edge kernels).
 */
export function normaliseKernel(kernel: Kernel): Kernel {
  const sum = kernelSum(kernel)
  if (Math.abs(sum) < 1e-12) throw kernelError('kernel weights sum to 0: it cannot be normalised')
  return { ...kernel, weights: kernel.weights.slice(), divisor: sum }
}

/**
 * Splits the weights into a column and a row vector whose outer product is the kernel
 * (weights only; divisor and offset stay with the kernel), or null when the kernel is not separable.
 * A separable kernel can be applied as two 1-D passes.
 */
export function separableFactors(kernel: Kernel): { column: number[]; row: number[] } | null {
  const { width, height, weights } = kernel
  let pivot = 0
  for (let i = 1; i < weights.length; i++) if (Math.abs(weights[i]) > Math.abs(weights[pivot])) pivot = i
  const scale = Math.abs(weights[pivot])
  if (scale === 0) return { column: new Array<number>(height).fill(0), row: new Array<number>(width).fill(0) }
  const pr = Math.floor(pivot / width)
  const pc = pivot - pr * width
  const column: number[] = []
  for (let r = 0; r < height; r++) column.push(weights[r * width + pc])
  const row: number[] = []
  for (let c = 0; c < width; c++) row.push(weights[pr * width + c] / weights[pivot])
  const tolerance = 1e-9 * scale
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      if (Math.abs(column[r] * row[c] - weights[r * width + c]) > tolerance) return null
    }
  }
  return { column, row }
}
