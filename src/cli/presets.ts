// Runs in Node (CLI): `kernel-studio presets`, the preset list as a table or JSON.
import { Command } from 'commander'
import { kernelRows } from '../engine/kernel'
import { PRESETS, presetDefaults, presetKernel } from '../engine/presets'
import type { Preset, PresetParam } from '../engine/presets'
import { formatNumber, textTable } from './text-grid'

/** One preset as `presets --json` lists it. */
export interface PresetListing {
  readonly name: string
  readonly title: string
  readonly description: string
  readonly signed: string
  readonly params: readonly PresetParam[]
  /** The kernel with default parameters. */
  readonly kernel: { readonly width: number; readonly height: number; readonly rows: number[][]; readonly divisor: number; readonly offset: number }
}

/** Everything `presets --json` prints: names, parameters with defaults, descriptions and default kernels. */
export function presetListings(presets: readonly Preset[] = PRESETS): PresetListing[] {
  return presets.map((preset) => {
    const kernel = presetKernel(preset.name, presetDefaults(preset))
    return {
      name: preset.name,
      title: preset.title,
      description: preset.description,
      signed: preset.signed ?? 'clamp',
      params: preset.params,
      kernel: { width: kernel.width, height: kernel.height, rows: kernelRows(kernel), divisor: kernel.divisor, offset: kernel.offset }
    }
  })
}

/** Longest line of a parameter description in the table; longer option lists wrap. */
const PARAM_WIDTH = 44

/** `size=3 (odd whole number 1..63)`, `direction=right (left|right|top|bottom)`; long option lists wrap. */
export function describeParam(param: PresetParam): string {
  const head = `${param.name}=${String(param.default)} (`
  if (param.type === 'enum') {
    const lines = [head]
    ;(param.options ?? []).forEach((option, i, all) => {
      const piece = option + (i === all.length - 1 ? ')' : '|')
      if (lines[lines.length - 1].length + piece.length > PARAM_WIDTH) lines.push('    ')
      lines[lines.length - 1] += piece
    })
    return lines.join('\n')
  }
  const kind = param.type === 'int' ? (param.odd ? 'odd whole number' : 'whole number') : 'number'
  const low = param.min === undefined ? '' : formatNumber(param.min)
  const high = param.max === undefined ? '' : formatNumber(param.max)
  const derived = param.derive ? ',\n    derived from the others when not given' : ''
  return `${head}${low === '' && high === '' ? kind : `${kind} ${low}..${high}`}${derived})`
}

/** The preset table: name, parameters with defaults and ranges, description. */
export function formatPresets(presets: readonly Preset[] = PRESETS): string {
  const rows = presets.map((preset) => [
    preset.name,
    preset.params.length === 0 ? '-' : preset.params.map(describeParam).join('\n'),
    preset.description
  ])
  const lines = textTable(['NAME', 'PARAMETERS (default, range)', 'DESCRIPTION'], rows)
  return `${lines.join('\n')}\n\nUse as --preset NAME or --preset NAME:key=value,key=value (e.g. gaussian-blur:size=5,sigma=1).\n`
}

/** Registers `kernel-studio presets [--json]`. */
export function registerPresets(program: Command): void {
  program
    .command('presets')
    .description('list the presets with their parameters, defaults, ranges and descriptions')
    .option('--json', 'print names, parameters with defaults, descriptions and default kernels as JSON')
    .action((options: { json?: boolean }) => {
      process.stdout.write(options.json ? `${JSON.stringify(presetListings(), null, 2)}\n` : formatPresets())
    })
}
