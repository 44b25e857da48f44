// Pure: what running a filter stack costs in memory and pixels, known before it runs. Callers compare it with
// their budget and refuse in one line instead of letting a 35 KB recipe (64 thin kernels in `full` mode) or a
// small file of 16000x16000 pixels exhaust the machine.
import { outputSize } from './border'
import { EngineError } from './errors'
import { maskGridBytes, maskRowsBytes, sharedRowsBytes } from './mask'
import { resolveStack, type ResolvedFilter } from './stack'
import type { BitDepth, FilterSpec } from './types'

/** Largest image, in pixels, that is read or produced: inputs and every intermediate result alike (256 MP). */
export const MAX_PIXELS = 256_000_000

/** Bytes per sample of the float intermediates between filters (Float32). */
const FLOAT_BYTES = 4
/** Bytes per sample of the raw values a `stretch` filter keeps before mapping them (Float64 at worst). */
const RAW_BYTES = 8

/** The image a stack runs on. */
export interface StackInput {
  readonly width: number
  readonly height: number
  readonly channels: number
  readonly depth: BitDepth
}

/** What {@link stackMemory} found. */
export interface StackMemory {
  /**
   * Estimated peak bytes of the whole job: the input twice (the decoder's buffer and ours), the largest step's
   * source, result and working buffers, and the result once more for the encoder. Measured on 16-bit RGBA at
   * 16 MP it is within 15% of the process's peak (1 and 3 filters), as it is for the 16000x16000 case of issue 17.
   */
  readonly bytes: number
  /** The largest result of any step. */
  readonly largest: { readonly width: number; readonly height: number }
}

/** "13.2 GB", "640 MB": sizes for messages (powers of 1024, as memory is sold). */
export function formatBytes(bytes: number): string {
  const gb = bytes / 1024 ** 3
  if (gb >= 1) return `${gb.toFixed(1)} GB`
  return `${Math.max(1, Math.round(bytes / 1024 ** 2))} MB`
}

/**
 * Estimates the peak memory of decoding `input`, running `filters` on it with results of `outDepth` bits and
 * encoding the result, and checks that no step's result is over {@link MAX_PIXELS}. The fast paths keep the
 * input, the current step's source and its result alive (earlier intermediates are released), plus raw values
 * for `stretch`, and for layer effects (channels, light, blend, mask) the kernel's input and result and a feathered
 * mask's grid, with the grid rows each of `threads` compositing threads keeps. Throws an EngineError (`too-large`)
 * naming the first filter whose
 * result is over the pixel limit. `active`: the enabled filters of `filters` when resolveStack has resolved them.
 */
export function stackMemory(
  input: StackInput,
  filters: readonly FilterSpec[],
  outDepth: BitDepth = input.depth,
  threads = 2,
  active: readonly ResolvedFilter[] = resolveStack(filters)
): StackMemory {
  const c = input.channels
  const inputBytes = input.width * input.height * c * (input.depth / 8)
  const positions = filters.flatMap((f, i) => (f.enabled === false ? [] : [i + 1]))
  let size = { width: input.width, height: input.height }
  let largest = size
  let peak = 0
  active.forEach((filter, i) => {
    const next = outputSize(size.height, size.width, filter.kernel, filter.options.mode)
    const pixels = next.width * next.height
    if (pixels > MAX_PIXELS) {
      throw new EngineError(
        `filter ${positions[i]}: its result would be ${next.width}x${next.height} (${(pixels / 1e6).toFixed(1)} MP), ` +
          `over the limit of ${MAX_PIXELS / 1e6} MP for any image`,
        'too-large'
      )
    }
    if (pixels > largest.width * largest.height) largest = next
    const last = i === active.length - 1
    const source = i === 0 ? 0 : size.width * size.height * c * FLOAT_BYTES
    const result = pixels * c * (last ? outDepth / 8 : FLOAT_BYTES)
    const raw = filter.options.signed === 'stretch' ? pixels * c * RAW_BYTES : 0
    // Layer effects: the kernel's input and its f32 result, a feathered mask's grid twice (the plan, and the
    // copy the worker threads share), the grid rows each compositing thread keeps (`threads` of them) and the
    // mask's rows the threads share.
    const mask = filter.effects?.mask
    const { width: w, height: h } = next
    const grid = mask ? 2 * maskGridBytes(mask, w, h) + Math.max(1, threads) * maskRowsBytes(mask, w, h) + sharedRowsBytes(mask, w, h) : 0
    const effects = filter.effects ? 2 * pixels * c * FLOAT_BYTES + grid : 0
    peak = Math.max(peak, source + result + raw + effects)
    size = next
  })
  const outputBytes = size.width * size.height * c * (outDepth / 8)
  return { bytes: 2 * inputBytes + peak + outputBytes, largest }
}
