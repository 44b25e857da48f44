// Runs in Node (CLI): the filter flags shared by `apply`, `batch` and `inspect`, kept in command-line order and turned
// into recipe-shaped FilterSpecs.
import { open, stat } from 'node:fs/promises'
import { extname } from 'node:path'
import { Option } from 'commander'
import type { Command } from 'commander'
import { MAX_RECIPE_BYTES } from '../contract/limits'
import { ACF_SIZE, parseAcf } from '../engine/acf'
import { BLEND_MODES, type BlendMode } from '../engine/blend'
import { EngineError } from '../engine/errors'
import { kernelRows, parseKernel, parseNumber } from '../engine/kernel'
import { LAYER_CHANNELS } from '../engine/layer'
import { LIGHT_MODES, type LightMode } from '../engine/light'
import { parsePresetSpec } from '../engine/presets'
import { resolveFilter } from '../engine/stack'
import type { Border, FilterSpec, Kernel, LayerChannels, OutputMode, SignedMode } from '../engine/types'
import { CliError } from './errors'

/** One filter flag as given: which flag and its text. */
export interface FilterSource {
  readonly flag: '--preset' | '--kernel' | '--kernel-file'
  readonly value: string
}

/** The options of the filter flags after commander parsed them. */
export interface FilterFlags {
  readonly mode?: OutputMode
  readonly border?: Border
  readonly flip?: boolean
  readonly divisor?: string
  readonly offset?: string
  readonly signed?: SignedMode
  readonly keepAlpha?: boolean
  readonly blend?: BlendMode
  readonly channels?: LayerChannels
  readonly light?: LightMode
}

/**
 * Adds `--preset`, `--kernel` and `--kernel-file` to `command` and returns the list they fill. Commander keeps
 * each option's values apart, so every occurrence is appended to one shared list instead: the order on the
 * command line is the order the filters run in.
 */
export function addFilterSourceOptions(command: Command, repeatable: boolean): FilterSource[] {
  const sources: FilterSource[] = []
  const collect = (flag: FilterSource['flag']) => (value: string): FilterSource[] => {
    sources.push({ flag, value })
    return sources
  }
  const again = repeatable ? ' (repeatable; filters chain in command-line order)' : ''
  command
    .option('--preset <spec>', `preset filter, e.g. gaussian-blur:size=5,sigma=1 or sobel:direction=right${again}`, collect('--preset'))
    .option('--kernel <text>', `kernel: rows separated by ";", values by spaces or commas, e.g. "0 -1 0; -1 5 -1; 0 -1 0"${again}`, collect('--kernel'))
    .option('--kernel-file <file>', `kernel from a text file in the --kernel syntax or a Photoshop Custom filter (.acf)${again}`, collect('--kernel-file'))
  return sources
}

/** Adds the convolution options shared by `apply` and `inspect`. */
export function addConvolveOptions(command: Command): void {
  command
    .addOption(new Option('--mode <mode>', 'output size: same (H x W), valid (shrinks by kernel-1), full (grows by kernel-1)').choices(['same', 'valid', 'full']))
    .addOption(new Option('--border <border>', 'pixels outside the image: extend (repeat edge), reflect, wrap, zero').choices(['extend', 'reflect', 'wrap', 'zero']))
    .option('--flip', 'rotate the kernel 180 degrees first (true convolution; default: applied as written, like filter2D)')
    .option('--divisor <n>', 'divide each window sum by N (fractions allowed, e.g. 16 or 1/2; default 1, or the preset\'s)')
    .option('--offset <n>', 'add N after dividing (default 0)')
    .addOption(new Option('--signed <mapping>', 'negative results: clamp (clip to 0), abs (magnitude), shift (add mid-grey), stretch (min..max to full range)').choices(['clamp', 'abs', 'shift', 'stretch']))
    .option('--keep-alpha', 'keep the alpha channel as it is (by default kernels whose weights sum to 1, like blurs, filter alpha too)')
    .addOption(new Option('--blend <mode>', 'how the result combines with the filter\'s input (W3C Compositing and Blending formulas; default normal)').choices(BLEND_MODES))
    .addOption(new Option('--channels <which>', 'filter every colour channel (rgb, default), the luminance only (its change is added to R, G and B: no colour fringes), or one of r, g, b').choices(LAYER_CHANNELS))
    .addOption(new Option('--light <light>', 'filter the stored values (encoded, default) or linear light (sRGB decoded first, encoded after)').choices(LIGHT_MODES))
}

function parseFlagNumber(flag: string, text: string): number {
  if (text.trim() === '') throw new CliError(`${flag} needs a number, got ""`)
  try {
    return parseNumber(text)
  } catch (err) {
    if (err instanceof EngineError) throw new CliError(`${flag} ${err.message}`)
    throw err
  }
}

function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined
}

/**
 * Reads a file named on the command line; `what` ("kernel file", "recipe") names it in messages. Regular files
 * only, of at most MAX_RECIPE_BYTES: /dev/zero, a pipe or a huge file would otherwise be read until memory runs out.
 */
export async function readInputFile(path: string, what: string): Promise<Buffer> {
  try {
    const info = await stat(path)
    if (info.isDirectory()) throw Object.assign(new Error('it is a folder'), { code: 'EISDIR' })
    if (!info.isFile()) throw new CliError(`cannot read ${what} ${path}: not a regular file`)
    const file = await open(path, 'r')
    try {
      // Up to one byte past the limit, whatever stat said: a file that grew since is caught too.
      const buffer = Buffer.alloc(MAX_RECIPE_BYTES + 1)
      let bytesRead = 0
      for (;;) {
        const { bytesRead: n } = await file.read(buffer, bytesRead, buffer.length - bytesRead, bytesRead)
        bytesRead += n
        if (n === 0 || bytesRead === buffer.length) break
      }
      if (bytesRead > MAX_RECIPE_BYTES) {
        throw new CliError(`cannot read ${what} ${path}: larger than the ${MAX_RECIPE_BYTES / (1024 * 1024)} MB limit for a ${what}`, 'too-large')
      }
      return buffer.subarray(0, bytesRead)
    } finally {
      await file.close()
    }
  } catch (err) {
    if (err instanceof CliError) throw err
    const code = errorCode(err)
    const reason =
      code === 'ENOENT' || code === 'ENOTDIR'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a folder'
          : code === 'EACCES' || code === 'EPERM'
            ? 'permission denied'
            : err instanceof Error
              ? err.message
              : String(err)
    throw new CliError(`cannot read ${what} ${path}: ${reason}`)
  }
}

// .acf files are binary (int16 weights, mostly zero bytes); text kernels are printable.
function looksBinary(bytes: Uint8Array): boolean {
  return bytes.some((b) => b === 0 || (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d))
}

/** Reads `--kernel-file`: a Photoshop .acf (by extension, or 54 binary bytes) or a kernel text file. */
export async function readKernelFile(path: string): Promise<Kernel> {
  const bytes = await readInputFile(path, 'kernel file')
  const acf = extname(path).toLowerCase() === '.acf' || (bytes.length === ACF_SIZE && looksBinary(bytes))
  if (acf) return parseAcf(bytes, path)
  if (looksBinary(bytes)) throw new CliError(`kernel file ${path}: not a text kernel nor a Photoshop .acf file`)
  // Lines starting with # are comments, so kernel files can say what they are.
  const text = bytes
    .toString('utf8')
    .split(/\r?\n/)
    .filter((line) => !line.trim().startsWith('#'))
    .join('\n')
  try {
    return parseKernel(text)
  } catch (err) {
    if (err instanceof EngineError) throw new CliError(`kernel file ${path}: ${err.message}`)
    throw err
  }
}

/**
 * Turns the filter flags into FilterSpecs in command-line order, validating each one (kernel syntax, preset
 * and parameters, divisor, offset). `--mode/--border/--flip/--divisor/--offset/--signed/--keep-alpha/--blend/--channels/--light`
 * apply to every one;
 * options not given are left out so presets keep their own defaults (e.g. their signed mapping).
 */
export async function buildCommandLineFilters(sources: readonly FilterSource[], flags: FilterFlags): Promise<FilterSpec[]> {
  const divisor = flags.divisor === undefined ? undefined : parseFlagNumber('--divisor', flags.divisor)
  if (divisor === 0) throw new CliError('--divisor must not be 0')
  const offset = flags.offset === undefined ? undefined : parseFlagNumber('--offset', flags.offset)
  const common: Record<string, unknown> = {}
  if (flags.mode !== undefined) common.mode = flags.mode
  if (flags.border !== undefined) common.border = flags.border
  if (flags.flip) common.flip = true
  if (flags.signed !== undefined) common.signed = flags.signed
  if (flags.keepAlpha) common.keepAlpha = true
  if (flags.blend !== undefined) common.blend = flags.blend
  if (flags.channels !== undefined) common.channels = flags.channels
  if (flags.light !== undefined) common.light = flags.light
  if (offset !== undefined) common.offset = offset
  if (divisor !== undefined) common.divisor = divisor

  const filters: FilterSpec[] = []
  for (const source of sources) {
    let spec: FilterSpec
    if (source.flag === '--preset') {
      const { preset, params } = parsePresetSpec(source.value)
      spec = { preset: preset.name, params, ...common }
    } else {
      let kernel: Kernel
      if (source.flag === '--kernel-file') {
        kernel = await readKernelFile(source.value)
      } else {
        try {
          kernel = parseKernel(source.value)
        } catch (err) {
          if (err instanceof EngineError) throw new CliError(`--kernel "${source.value}": ${err.message}`)
          throw err
        }
      }
      // A kernel file's own divisor and offset (.acf scale/offset) hold unless overridden on the command line.
      spec = { kernel: kernelRows(kernel), divisor: kernel.divisor, offset: kernel.offset, ...common }
    }
    try {
      resolveFilter(spec)
    } catch (err) {
      if (err instanceof EngineError) throw new CliError(`${source.flag} "${source.value}": ${err.message}`)
      throw err
    }
    filters.push(spec)
  }
  return filters
}

/** Reads and validates a recipe file; messages name the file and the JSON path of the problem. */
export async function readRecipeFilters(path: string): Promise<FilterSpec[]> {
  const bytes = await readInputFile(path, 'recipe')
  if (looksBinary(bytes)) throw new CliError(`${path}: not a recipe file: it holds binary data, not JSON text`)
  // Loaded here, not at start-up: zod alone costs every command ~50 ms to load.
  const { parseRecipe } = await import('../engine/recipe')
  const recipe = parseRecipe(bytes.toString('utf8'), path)
  recipe.filters.forEach((spec, index) => {
    if (spec.enabled === false) return
    try {
      resolveFilter(spec)
    } catch (err) {
      if (err instanceof EngineError) throw new CliError(`${path}: filters[${index}]: ${err.message}`)
      throw err
    }
  })
  return [...recipe.filters]
}

/**
 * A command's filter stack: the recipe's filters first, then the command-line filters in the order given. Throws
 * a CliError when it would apply nothing (no filters at all, or every one disabled).
 */
export async function readFilterStack(recipe: string | undefined, sources: readonly FilterSource[], flags: FilterFlags): Promise<FilterSpec[]> {
  const recipeFilters: FilterSpec[] = recipe === undefined ? [] : await readRecipeFilters(recipe)
  const filters = [...recipeFilters, ...(await buildCommandLineFilters(sources, flags))]
  if (filters.length === 0) {
    throw new CliError(
      recipe === undefined
        ? 'nothing to apply: give at least one --preset, --kernel, --kernel-file or --recipe'
        : `nothing to apply: ${recipe} has no filters`
    )
  }
  if (!filters.some((f) => f.enabled !== false)) {
    throw new CliError(`nothing to apply: every filter in ${recipe ?? 'the recipe'} is disabled`)
  }
  return filters
}
