// Runs in Node and Electron main: zod schemas for every request that crosses into main or serve mode.
// Filters are checked with the engine's own recipe schema, so the UI, recipes and the CLI agree on every rule.
import { z } from 'zod'
import type { ApiMap, Channel } from '../contract/api'
import { CodedError } from '../contract/errors'
import { EXPORT_FORMATS, type ExportFormat } from '../contract/formats'
import { MAX_LEARN_SIZE } from '../engine/learn'
import { formatPath, parseFilter } from '../engine/recipe'
import type { FilterSpec } from '../engine/types'

/** Largest upload accepted (bytes of an encoded image or recipe). */
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024

/** Largest saved document session (JSON characters): a long undo history of large kernels. */
const MAX_DOCUMENT_STATE = 16 * 1024 * 1024

/** Longest stack accepted in one request. */
export const MAX_FILTERS = 64

const int = (min: number, max: number): z.ZodInt => z.int().min(min).max(max)
const edge = int(1, 16384)
const coord = int(0, 1_000_000)
const path = z.string().min(1).max(4096)
const bytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, { message: 'expected bytes' })
const filters = z.array(z.unknown()).max(MAX_FILTERS)
const empty = z.object({}).loose()
/** A document id (see DocumentScoped). */
const doc = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { message: 'must be 1-64 letters, digits, _ or -' }).optional()

const schemas = {
  'app:info': empty,
  'image:open': z.object({ doc, path: path.optional(), sample: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional() }),
  'image:upload': z.object({
    doc,
    name: z.string().min(1).max(255),
    bytes: bytes.refine((b) => b.byteLength <= MAX_UPLOAD_BYTES, { message: 'is larger than 512 MB' }).optional(),
    file: path.optional()
  }),
  'image:current': z.object({ doc }).loose(),
  'image:preview': z.object({
    doc,
    requestId: z.number(),
    filters,
    maxWidth: edge,
    maxHeight: edge,
    region: z.object({ x: coord, y: coord, width: int(1, 1_000_000), height: int(1, 1_000_000) }).optional(),
    grid: z
      .object({ width: int(1, 1_000_000), height: int(1, 1_000_000), window: z.object({ x: coord, y: coord, width: edge, height: edge }) })
      .optional(),
    approximate: z.boolean().optional()
  }),
  'image:thumbnails': z.object({ doc, filters: z.array(z.unknown()).max(256), size: int(1, 1024) }),
  'image:inspect': z.object({ doc, filters, index: int(0, MAX_FILTERS - 1), row: coord, col: coord }),
  'image:pixel': z.object({ doc, row: coord, col: coord, filtered: filters.optional() }),
  'image:histogram': z.object({ doc, filters }),
  'image:learn': z.object({
    doc,
    name: z.string().min(1).max(255),
    bytes: bytes.refine((b) => b.byteLength <= MAX_UPLOAD_BYTES, { message: 'is larger than 512 MB' }),
    size: int(1, MAX_LEARN_SIZE).refine((k) => k % 2 === 1, { message: 'must be odd' }),
    perChannel: z.boolean().optional()
  }),
  'image:export': z.object({
    doc,
    filters,
    format: z.enum(EXPORT_FORMATS.map((f) => f.id) as [ExportFormat, ...ExportFormat[]]),
    quality: int(1, 100).optional(),
    depth: z.union([z.literal(8), z.literal(16)]).optional(),
    path: path.optional(),
    force: z.boolean().optional()
  }),
  'recipe:save': z.object({ doc, recipe: z.object({ filters }).loose(), path: path.optional(), force: z.boolean().optional() }),
  'recipe:open': z.object({ path: path.optional(), name: z.string().min(1).max(255).optional(), bytes: bytes.optional() }),
  'kernel:open-acf': z.object({ path: path.optional(), name: z.string().min(1).max(255).optional(), bytes: bytes.refine((b) => b.byteLength <= 65536, { message: 'is larger than 64 KB' }).optional() }),
  'kernel:save-acf': z.object({
    rows: z.array(z.array(z.number()).min(1).max(5)).min(1).max(5),
    divisor: z.number(),
    offset: z.number(),
    name: z.string().max(255).optional(),
    path: path.optional(),
    force: z.boolean().optional()
  }),
  'gallery:load': empty,
  'gallery:save': z.object({ items: z.array(z.unknown()).max(1000) }),
  'document:save': z.object({
    doc,
    state: z
      .object({ version: z.literal(1), layers: z.array(z.unknown()).max(MAX_FILTERS), past: z.array(z.array(z.unknown())), future: z.array(z.array(z.unknown())) })
      .loose()
      .refine((state) => JSON.stringify(state).length <= MAX_DOCUMENT_STATE, { message: 'is larger than 16 MB' })
  }),
  'document:load': z.object({ doc }).loose(),
  'batch:choose': z.object({ doc, what: z.enum(['files', 'folder', 'output']) }),
  'batch:start': z.object({
    doc,
    filters,
    inputs: z.array(path).min(1).max(10_000).optional(),
    outDir: path.optional(),
    name: z.string().min(1).max(1024).optional(),
    format: z.enum(EXPORT_FORMATS.map((f) => f.id) as [ExportFormat, ...ExportFormat[]]).optional(),
    quality: int(1, 100).optional(),
    depth: z.union([z.literal(8), z.literal(16)]).optional(),
    existing: z.enum(['refuse', 'skip', 'overwrite']).optional()
  }),
  'batch:cancel': z.object({ run: z.string().min(1).max(64) })
} satisfies Record<Channel, z.ZodType>

/**
 * Validates the request of `channel`; throws a `bad-request` error whose one-line message names the field:
 * `image:preview: maxWidth: must be at most 16384`.
 */
export function checkRequest<C extends Channel>(channel: C, req: unknown): ApiMap[C]['req'] {
  const result = schemas[channel].safeParse(req ?? {})
  if (result.success) return result.data as ApiMap[C]['req']
  const issue = result.error.issues[0]
  const where = formatPath(issue.path)
  throw new CodedError(`${channel}: ${where === '' ? '' : `${where}: `}${issue.message}`, 'bad-request')
}

/** Validates each filter with the recipe rules (unknown keys, kernels, preset parameters); messages say `filter N`. */
export function checkFilters(list: readonly unknown[]): FilterSpec[] {
  return list.map((f, i) => parseFilter(f, `filter ${i + 1}`))
}
