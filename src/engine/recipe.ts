// Recipe files: the filter stack saved as JSON, validated with zod; errors name the file and the JSON path.
import { z } from 'zod'
import { BLEND_MODES } from './blend'
import { EngineError, type EngineErrorCode } from './errors'
import { kernelFromRows, parseKernel } from './kernel'
import { LAYER_CHANNELS, recipeVersion, VERSION_2_FIELDS } from './layer'
import { LIGHT_MODES } from './light'
import { presetKernel, version1Params } from './presets'
import type { FilterSpec, Recipe } from './types'

/** The `format` value every recipe file carries. */
export const RECIPE_FORMAT = 'kernel-studio/stack'

type Issue = { message: string; path: PropertyKey[] }

// Engine messages about kernels start with "kernel "; under a `.kernel` path that word is redundant.
function kernelProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message.startsWith('kernel ') ? message.slice('kernel '.length) : message
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'object') return 'an object'
  return String(value)
}

function checkKernelValue(kernel: unknown, issues: Issue[]): void {
  if (typeof kernel === 'string') return
  if (!Array.isArray(kernel) || !kernel.every((row) => Array.isArray(row))) {
    issues.push({ path: ['kernel'], message: 'expected rows of numbers ([[0,1,0],...]) or kernel text ("0 1 0; ...")' })
    return
  }
  for (let r = 0; r < kernel.length; r++) {
    const row = kernel[r] as unknown[]
    for (let c = 0; c < row.length; c++) {
      if (typeof row[c] !== 'number') {
        issues.push({ path: ['kernel'], message: `row ${r + 1}, value ${c + 1}: ${describe(row[c])} is not a number` })
        return
      }
    }
  }
}

const fraction = z.number().min(0).max(1)
const size = z.number().min(0)

/** Schema of a layer mask (see src/engine/mask.ts): shapes in fractions of the image's width and height. */
export const maskSchema = z.strictObject({
  shapes: z.array(
    z.discriminatedUnion('type', [
      z.strictObject({ type: z.literal('rect'), x: z.number(), y: z.number(), width: size, height: size }),
      z.strictObject({ type: z.literal('ellipse'), cx: z.number(), cy: z.number(), rx: size, ry: size }),
      z.strictObject({ type: z.literal('gradient'), x0: z.number(), y0: z.number(), x1: z.number(), y1: z.number() }),
      z.strictObject({
        type: z.literal('brush'),
        points: z.array(z.tuple([z.number(), z.number()])).min(1),
        radius: size,
        hardness: fraction.optional(),
        erase: z.boolean().optional()
      }),
      z.strictObject({ type: z.literal('tones'), from: fraction, to: fraction, soft: fraction.optional() })
    ])
  ),
  feather: fraction.optional(),
  invert: z.boolean().optional()
})

/** Schema of one `filters[]` entry: exactly one of `preset` (+ `params`) or `kernel`, plus per-filter options. */
export const filterSchema = z
  .strictObject({
    name: z.string().optional(),
    preset: z.string().optional(),
    params: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
    kernel: z.unknown().optional(),
    border: z.enum(['extend', 'reflect', 'wrap', 'zero']).optional(),
    mode: z.enum(['same', 'valid', 'full']).optional(),
    flip: z.boolean().optional(),
    divisor: z
      .number()
      .refine((v) => v !== 0, { message: 'must not be 0' })
      .optional(),
    offset: z.number().optional(),
    signed: z.enum(['clamp', 'abs', 'shift', 'stretch']).optional(),
    keepAlpha: z.boolean().optional(),
    enabled: z.boolean().optional(),
    opacity: z.number().min(0).max(1).optional(),
    channels: z.enum(LAYER_CHANNELS).optional(),
    light: z.enum(LIGHT_MODES).optional(),
    blend: z.enum(BLEND_MODES).optional(),
    mask: maskSchema.optional()
  })
  .superRefine((filter, ctx) => {
    const issues: Issue[] = []
    const hasPreset = filter.preset !== undefined
    const hasKernel = filter.kernel !== undefined
    if (hasPreset && hasKernel) issues.push({ path: [], message: 'give either "preset" or "kernel", not both' })
    else if (!hasPreset && !hasKernel) issues.push({ path: [], message: 'needs "preset" or "kernel"' })
    else if (filter.params !== undefined && !hasPreset) issues.push({ path: ['params'], message: 'only goes with "preset"' })
    else if (hasKernel) {
      checkKernelValue(filter.kernel, issues)
      if (issues.length === 0) {
        try {
          const scale = { divisor: filter.divisor, offset: filter.offset }
          if (typeof filter.kernel === 'string') parseKernel(filter.kernel, scale)
          else kernelFromRows(filter.kernel as number[][], scale)
        } catch (error) {
          if (!(error instanceof EngineError)) throw error
          issues.push({ path: ['kernel'], message: kernelProblem(error) })
        }
      }
    } else {
      try {
        presetKernel(filter.preset as string, filter.params ?? {})
      } catch (error) {
        if (!(error instanceof EngineError)) throw error
        const path = /^unknown preset/.test(error.message) ? ['preset'] : ['params']
        issues.push({ path, message: error.message })
      }
    }
    for (const issue of issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path })
  })

/** Schema of a whole recipe file: version 1 files cannot use the version 2 fields. */
export const recipeSchema = z
  .strictObject({
    format: z.literal(RECIPE_FORMAT),
    version: z.literal([1, 2]),
    filters: z.array(filterSchema)
  })
  .superRefine((recipe, ctx) => {
    if (recipe.version !== 1) return
    recipe.filters.forEach((filter, index) => {
      const key = VERSION_2_FIELDS.find((field) => filter[field] !== undefined)
      if (key) ctx.addIssue({ code: 'custom', message: 'needs "version": 2', path: ['filters', index, key] })
    })
  })


/** `filters[1].kernel` from a zod path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = ''
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`
    else text += text === '' ? String(key) : `.${String(key)}`
  }
  return text
}

/** One line for a zod issue, without the path. */
function issueMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      // zod calls a JSON object with any keys a "record".
      return issue.input === undefined
        ? 'is missing'
        : `expected ${issue.expected === 'record' ? 'object' : issue.expected}, got ${describe(issue.input)}`
    case 'unrecognized_keys':
      return `unknown ${issue.keys.length === 1 ? 'key' : 'keys'} ${issue.keys.map((k) => `"${k}"`).join(', ')}`
    case 'invalid_value': {
      const expected =
        issue.values.length === 1
          ? `expected ${JSON.stringify(issue.values[0])}`
          : `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`
      return issue.input === undefined ? `is missing (${expected})` : `${expected}, got ${describe(issue.input)}`
    }
    case 'too_small':
      return `must be at least ${String(issue.minimum)}`
    case 'too_big':
      return `must be at most ${String(issue.maximum)}`
    case 'invalid_union': {
      // A mask shape's `type` that names no shape: zod lists the ones it knows.
      const { options, discriminator } = issue as { options?: readonly unknown[]; discriminator?: string }
      const input: unknown = issue.input
      if (options && options.length > 0 && discriminator && typeof input === 'object' && input !== null) {
        const expected = `expected one of ${options.map((o) => JSON.stringify(o)).join(', ')}`
        const value = (input as Record<string, unknown>)[discriminator]
        return value === undefined ? `is missing (${expected})` : `${expected}, got ${describe(value)}`
      }
      return issue.path.at(-2) === 'params'
        ? `expected a number or a string, got ${describe(issue.input)}`
        : 'has the wrong type'
    }
    default:
      return issue.message
  }
}

/** The code of a problem at `path`: the kernel's, a preset's parameters', or the recipe's own structure. */
function issueCode(path: readonly PropertyKey[]): EngineErrorCode {
  const key = path.at(-1)
  if (key === 'kernel' || key === 'divisor' || key === 'offset') return 'bad-kernel'
  if (key === 'preset' || path.includes('params')) return 'bad-options'
  return 'bad-recipe'
}

/** `source: path: problem` for the first problem zod found. */
function schemaError(source: string, error: z.ZodError): EngineError {
  const issue = error.issues[0]
  const path = formatPath(issue.path)
  return new EngineError(`${source}: ${path === '' ? '' : `${path}: `}${issueMessage(issue)}`, issueCode(issue.path))
}

function toFilterSpec(filter: z.infer<typeof filterSchema>): FilterSpec {
  const spec: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(filter)) if (value !== undefined) spec[key] = value
  return spec as FilterSpec
}

/**
 * Where JSON.parse gave up, without its own wording: that quotes the text around the problem, and the file may be
 * anything (a password file named as a recipe).
 */
function jsonProblem(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : ''
  const at = /at position (\d+)/.exec(message)
  if (at) {
    const before = text.slice(0, Number(at[1]))
    const line = before.split('\n').length
    return `at line ${line}, column ${before.length - before.lastIndexOf('\n')}`
  }
  return /end of JSON input/.test(message) ? 'it ends too early' : 'an unexpected character'
}

/**
 * Throws unless `data` is an object whose `format` is a recipe's. Until the file says it is a recipe, errors quote
 * nothing of it (values, keys): whatever file was named, its contents stay out of messages.
 */
function notARecipe(data: unknown, source: string): void {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    const kind = data === null ? 'null' : Array.isArray(data) ? 'an array' : typeof data === 'string' ? 'a string' : `a ${typeof data}`
    throw new EngineError(`${source}: expected object, got ${kind}`, 'bad-recipe')
  }
  const format = (data as { format?: unknown }).format
  if (format === undefined) throw new EngineError(`${source}: format: is missing (expected "${RECIPE_FORMAT}")`, 'bad-recipe')
  if (format !== RECIPE_FORMAT) throw new EngineError(`${source}: format: expected "${RECIPE_FORMAT}" (this is not a Kernel Studio recipe)`, 'bad-recipe')
}

/**
 * Parses and validates a recipe file's text. `source` (usually the file name) starts every error
 * message, followed by the JSON path: `recipe.json: filters[1].kernel: row 2 has 2 values, expected 3`.
 */
export function parseRecipe(text: string, source: string): Recipe {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new EngineError(`${source}: not valid JSON (${jsonProblem(text, error)})`, 'bad-recipe')
  }
  notARecipe(data, source)
  const result = recipeSchema.safeParse(data, { reportInput: true })
  if (!result.success) throw schemaError(source, result.error)
  const filters = result.data.filters.map(toFilterSpec)
  // Version 1 files predate sizes derived from σ: a Gaussian without a size keeps the 5 it had then.
  const read = result.data.version === 1 ? filters.map(withVersion1Params) : filters
  return { format: RECIPE_FORMAT, version: result.data.version, filters: read }
}

function withVersion1Params(filter: FilterSpec): FilterSpec {
  if (filter.preset === undefined) return filter
  const params = version1Params(filter.preset, filter.params)
  return params === filter.params ? filter : { ...filter, params }
}

/**
 * Validates one filter as it arrives over IPC or from the editor, with the same rules and messages as
 * a recipe file; `source` names where it came from.
 */
export function parseFilter(data: unknown, source: string): FilterSpec {
  const result = filterSchema.safeParse(data, { reportInput: true })
  if (!result.success) throw schemaError(source, result.error)
  return toFilterSpec(result.data)
}

const NUMBER = String.raw`-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?`
// JSON.stringify puts each number of an array on its own line; kernels read better one row per line.
// Raw newlines never occur inside JSON strings, so this only touches arrays of numbers.
const NUMBER_ARRAY = new RegExp(String.raw`\[\n\s*(${NUMBER}(?:,\n\s*${NUMBER})*)\n\s*\]`, 'g')

/**
 * The recipe file text for `filters` (pretty JSON, kernel rows on one line each); {@link parseRecipe} reads it
 * back. Version 2 only when a filter uses one of its fields, so other stacks stay readable by older builds.
 */
export function serializeRecipe(filters: readonly FilterSpec[]): string {
  const recipe: Recipe = { format: RECIPE_FORMAT, version: recipeVersion(filters), filters }
  const text = JSON.stringify(recipe, null, 2).replace(NUMBER_ARRAY, (_match, items: string) =>
    `[${items.split(/,\s*/).join(', ')}]`
  )
  return `${text}\n`
}
