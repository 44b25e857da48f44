// Runs in Node (CLI): `kernel-studio apply`, filtering an image file into a new file.
import { realpath, stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { Command } from 'commander'
import { runStack, warmEngine } from '../runtime/run-stack'
import { decodeImage } from '../io/decode-image'
import { encodeImage } from '../io/encode-image'
import { OUTPUT_EXTENSIONS, checkExportSettings } from '../contract/formats'
import { formatFromPath } from '../io/formats'
import { checkOutputPath } from '../io/write-file-atomic'
import { CliError, printNote } from './errors'
import { parseDepth, parseQuality } from './export-args'
import { addConvolveOptions, addFilterSourceOptions, readFilterStack } from './filter-args'
import type { FilterFlags, FilterSource } from './filter-args'
import { stopOnSignals } from './signals'

/** Options of `apply` after commander parsed them. */
interface ApplyOptions extends FilterFlags {
  readonly output: string
  readonly recipe?: string
  readonly force?: boolean
  readonly quality?: string
  readonly depth?: string
}

const CHANNEL_NAMES = ['', 'grey', 'grey+alpha', 'RGB', 'RGBA']

/** Identity of an existing file (device and inode), or undefined if it does not exist. */
async function fileId(path: string): Promise<string | undefined> {
  try {
    const info = await stat(path)
    return `${info.dev}:${info.ino}`
  } catch {
    return undefined
  }
}

async function isSameFile(a: string, b: string): Promise<boolean> {
  if (resolve(a) === resolve(b)) return true
  const [idA, idB] = await Promise.all([fileId(a), fileId(b)])
  if (idA !== undefined && idA === idB) return true
  const [realA, realB] = await Promise.all([realpath(a).catch(() => a), realpath(b).catch(() => b)])
  return resolve(realA) === resolve(realB)
}

async function runApply(input: string, options: ApplyOptions, sources: readonly FilterSource[]): Promise<void> {
  const output = options.output
  // Cheap checks first, so a typo never costs a decode, and nothing is written on any error.
  const format = formatFromPath(output)
  const quality = parseQuality(options.quality)
  const depth = parseDepth(options.depth)
  checkExportSettings(format, { quality, depth })

  const filters = await readFilterStack(options.recipe, sources, options)

  if (!options.force && (await isSameFile(input, output))) {
    throw new CliError(`${output} is the input file (use --force to overwrite it)`)
  }
  await checkOutputPath(output, { force: options.force })
  stopOnSignals()

  // Worker threads and the WebAssembly kernels start while sharp decodes.
  warmEngine()
  const { image, meta } = await decodeImage(input, { name: input })
  meta.notes.forEach(printNote)
  const outDepth = checkExportSettings(format, { quality, depth }, image.depth)
  const result = await runStack(image, filters, { depth: outDepth })
  const written = await encodeImage(result, output, { quality, depth: outDepth, icc: meta.icc, force: options.force, guard: true })
  written.notes.forEach(printNote)
  const applied = filters.filter((f) => f.enabled !== false).length
  process.stdout.write(
    `wrote ${output}: ${result.width}x${result.height} ${CHANNEL_NAMES[result.channels]} ${written.depth}-bit ` +
      `${written.format.label} (${applied} filter${applied === 1 ? '' : 's'})\n`
  )
}

/** Registers `kernel-studio apply INPUT -o OUTPUT [filters and options]`. */
export function registerApply(program: Command): void {
  const command = program
    .command('apply')
    .description('apply filters (presets, kernels, a recipe) to an image and write the result')
    .argument('<input>', 'image to read: PNG, JPEG, TIFF (8/16-bit), WebP, AVIF or GIF (first frame)')
    .requiredOption('-o, --output <file>', `file to write; the format follows the extension (${OUTPUT_EXTENSIONS.join(' ')})`)
  const sources = addFilterSourceOptions(command, true)
  command.option('--recipe <file>', 'recipe file (kernel-studio/stack JSON); its filters run first')
  addConvolveOptions(command)
  command
    .option('--force', 'overwrite an existing output file (even the input)')
    .option('--quality <q>', 'quality 1..100 for JPEG, WebP, AVIF (default 90, AVIF 60)')
    .option('--depth <bits>', 'bits per sample, 8 or 16 (16 for PNG and TIFF only; default: the input\'s where the format allows, else 8)')
    .addHelpText(
      'after',
      `
Order: the recipe's filters run first, then --preset/--kernel/--kernel-file in the order given.
--mode, --border, --flip, --divisor, --offset, --signed and --keep-alpha apply to the command-line filters only;
recipe filters carry their own settings.

Examples:
  kernel-studio apply photo.jpg -o blurred.png --preset gaussian-blur:size=5,sigma=1.5
  kernel-studio apply photo.png -o edges.png --preset sobel:direction=right --signed abs
  kernel-studio apply photo.png -o sharp.tif --kernel "0 -1 0; -1 5 -1; 0 -1 0" --depth 16
  kernel-studio apply photo.png -o out.jpg --recipe look.json --preset sharpen --quality 85`
    )
    .action(async (input: string, options: ApplyOptions) => runApply(input, options, sources))
}
