// Runs in Node (pure logic): output names of a batch from a template such as `{dir}/{name}.{ext}`.
import { CodedError } from '../contract/errors'

/** What a name template can use for one input file. */
export interface NameFields {
  /** The input's base name without its extension. */
  readonly name: string
  /** The output extension without the dot: the --format's, else the input's own. */
  readonly ext: string
  /** The input's folder relative to its input root, '/'-separated ('' for files at the root). */
  readonly dir: string
  /** The input's 1-based position among all inputs (before sharding, so every shard agrees). */
  readonly index: number
}

/** One piece of a parsed template: literal text or a placeholder. */
type Part =
  | { readonly text: string }
  | { readonly field: 'name' | 'ext' | 'dir' }
  | { readonly field: 'index'; readonly width: number }

/** A checked name template, ready for {@link renderName}. */
export interface NameTemplate {
  readonly source: string
  readonly parts: readonly Part[]
}

/** The default template: the input's name and extension, flat in the output folder. */
export const DEFAULT_NAME_TEMPLATE = '{name}.{ext}'

const PLACEHOLDERS = '{name} {ext} {dir} {index} {index:N}'

function bad(template: string, why: string): CodedError {
  return new CodedError(`--name "${template}": ${why}`, 'bad-options')
}

/**
 * Parses a name template: `{name}`, `{ext}`, `{dir}`, `{index}` and `{index:N}` (zero-padded to N digits,
 * 1..9) between literal text, '/' between folders. Throws a `bad-options` error for unknown placeholders, stray
 * braces, absolute names and `..`.
 */
export function parseNameTemplate(template: string): NameTemplate {
  if (template.trim() === '') throw bad(template, 'the name template is empty')
  if (template.startsWith('/') || /^[A-Za-z]:[\\/]/.test(template)) throw bad(template, 'names are relative to the output folder (-d)')
  const parts: Part[] = []
  const pattern = /\{([^{}]*)\}|[{}]/g
  let last = 0
  for (let match = pattern.exec(template); match; match = pattern.exec(template)) {
    if (match.index > last) parts.push({ text: template.slice(last, match.index) })
    last = pattern.lastIndex
    const inner = match[1]
    if (inner === undefined) throw bad(template, `a stray "${match[0]}" (placeholders are ${PLACEHOLDERS})`)
    const index = /^index(?::(\d+))?$/.exec(inner)
    if (inner === 'name' || inner === 'ext' || inner === 'dir') parts.push({ field: inner })
    else if (index) {
      const width = index[1] === undefined ? 0 : Number(index[1])
      if (index[1] !== undefined && !(width >= 1 && width <= 9)) throw bad(template, `{index:N} pads to 1..9 digits, got ${index[1]}`)
      parts.push({ field: 'index', width })
    } else throw bad(template, `unknown placeholder {${inner}} (use ${PLACEHOLDERS})`)
  }
  if (last < template.length) parts.push({ text: template.slice(last) })
  if (template.split(/[\\/]/).includes('..')) throw bad(template, '".." would leave the output folder')
  return { source: template, parts }
}

/**
 * The output name of one input, relative to the output folder, '/'-separated. Empty folder levels (an empty
 * `{dir}` for files at the input root) are dropped, so `{dir}/{name}.{ext}` gives `a.jpg` there.
 */
export function renderName(template: NameTemplate, fields: NameFields): string {
  const text = template.parts
    .map((part) => {
      if ('text' in part) return part.text
      if (part.field === 'index') return String(fields.index).padStart(part.width, '0')
      return fields[part.field]
    })
    .join('')
  return text
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.')
    .join('/')
}
