// Runs in Node: the files a batch reads, from the command line's files, folders and glob patterns.
import type { Dirent } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { CodedError } from '../contract/errors'

/** Extensions of the images Kernel Studio reads, lower case: what folders and globs contribute. */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['.png', '.jpg', '.jpeg', '.tif', '.tiff', '.webp', '.avif', '.gif'])

/** One input file of a batch. */
export interface BatchInput {
  /** The file to read. */
  readonly path: string
  /**
   * Its path relative to its input root, '/'-separated: a file named on the command line is its own base name,
   * a file found in a folder is relative to that folder, a file matched by a glob is relative to the pattern's
   * literal leading folders. The shard key, and `{dir}` of the name template.
   */
  readonly relative: string
}

/** Options for {@link expandInputs}. */
export interface ExpandOptions {
  /**
   * Folders not walked into when met inside an input folder (the output folder, so a rerun does not read its own
   * results). A folder named as an input, or matched by a pattern, is walked all the same.
   */
  readonly exclude?: readonly string[]
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.')
  return dot > 0 ? name.slice(dot).toLowerCase() : ''
}

/** Code-unit order, the same in every locale, so indexes and shards never depend on the machine. */
function byRelative(a: BatchInput, b: BatchInput): number {
  return a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0
}

const toPosix = (path: string): string => (sep === '/' ? path : path.split(sep).join('/'))

/** True for text a glob pattern gives meaning to. */
export function hasGlobMagic(text: string): boolean {
  return /[*?[{]/.test(text)
}

/** Expands `{a,b}` alternatives (nested ones too) into separate patterns. */
export function expandBraces(pattern: string): string[] {
  let depth = 0
  let open = -1
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]
    if (c === '{') {
      if (depth++ === 0) open = i
    } else if (c === '}' && depth > 0 && --depth === 0) {
      const inner = pattern.slice(open + 1, i)
      const options: string[] = []
      let level = 0
      let start = 0
      for (let j = 0; j < inner.length; j++) {
        if (inner[j] === '{') level++
        else if (inner[j] === '}') level--
        else if (inner[j] === ',' && level === 0) {
          options.push(inner.slice(start, j))
          start = j + 1
        }
      }
      options.push(inner.slice(start))
      // `{x}` without a comma is literal, as in the shells.
      if (options.length === 1) continue
      const head = pattern.slice(0, open)
      const tail = pattern.slice(i + 1)
      return options.flatMap((option) => expandBraces(head + option + tail))
    }
  }
  return [pattern]
}

/**
 * A regular expression for one path segment of a glob: `*` (any run of characters), `?` (one), `[abc]`,
 * `[a-z]`, `[!abc]`. Like the shells, wildcards do not match a leading dot.
 */
export function segmentRegExp(segment: string): RegExp {
  let source = ''
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]
    if (c === '*') source += '[^/]*'
    else if (c === '?') source += '[^/]'
    else if (c === '[') {
      const end = segment.indexOf(']', i + 2)
      if (end < 0) {
        source += '\\['
        continue
      }
      let body = segment.slice(i + 1, end)
      const negate = body.startsWith('!') || body.startsWith('^')
      if (negate) body = body.slice(1)
      source += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`
      i = end
    } else source += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  }
  const hidden = segment.startsWith('.') ? '' : '(?!\\.)'
  return new RegExp(`^${hidden}${source}$`, 's')
}

async function entries(folder: string): Promise<Dirent[]> {
  try {
    return await readdir(folder, { withFileTypes: true })
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (err as Error).message
    throw new CodedError(`cannot read the folder ${folder}: ${why}`, 'unreadable')
  }
}

/** Folder, file or neither, following symbolic links. */
async function kindOf(path: string): Promise<'folder' | 'file' | undefined> {
  try {
    const info = await stat(path)
    return info.isDirectory() ? 'folder' : 'file'
  } catch {
    return undefined
  }
}

/**
 * Every image under `folder` (by extension), recursively, relative to `root`. Hidden files and folders (a leading
 * dot: temp files, .git) and the `exclude`d folders are skipped; symbolic links to files are followed, links to
 * folders are not (they could loop).
 */
async function walk(folder: string, root: string, exclude: ReadonlySet<string>, out: BatchInput[]): Promise<void> {
  for (const entry of await entries(folder)) {
    if (entry.name.startsWith('.')) continue
    const path = join(folder, entry.name)
    if (entry.isDirectory()) {
      if (!exclude.has(resolve(path))) await walk(path, root, exclude, out)
    } else if ((entry.isFile() || (entry.isSymbolicLink() && (await kindOf(path)) === 'file')) && IMAGE_EXTENSIONS.has(extensionOf(entry.name))) {
      out.push({ path, relative: toPosix(relative(root, path)) })
    }
  }
}

/** Matches `segments` (a pattern's, after its literal root) below `folder`; found paths go to `out` as strings. */
async function match(folder: string, segments: readonly string[], out: string[]): Promise<void> {
  if (segments.length === 0) {
    out.push(folder)
    return
  }
  const [head, ...rest] = segments
  if (head === '**') {
    // Zero folders, then one more level of any depth.
    await match(folder, rest, out)
    if ((await kindOf(folder)) !== 'folder') return
    for (const entry of await entries(folder)) {
      if (entry.name.startsWith('.') || !entry.isDirectory()) continue
      await match(join(folder, entry.name), segments, out)
    }
    return
  }
  if (!hasGlobMagic(head)) {
    const path = join(folder, head)
    if ((await kindOf(path)) !== undefined) await match(path, rest, out)
    return
  }
  if ((await kindOf(folder)) !== 'folder') return
  const regexp = segmentRegExp(head)
  for (const entry of await entries(folder)) {
    if (regexp.test(entry.name)) await match(join(folder, entry.name), rest, out)
  }
}

/** The files one glob pattern gives: matched images, and the images in matched folders. */
async function expandGlob(pattern: string, exclude: ReadonlySet<string>): Promise<BatchInput[]> {
  const found: BatchInput[] = []
  for (const alternative of expandBraces(pattern)) {
    const segments = alternative.split(/[\\/]/)
    const literal: string[] = []
    while (segments.length > 1 && !hasGlobMagic(segments[0])) literal.push(segments.shift() as string)
    const root = literal.length === 0 ? '.' : literal.join('/') || '/'
    const paths: string[] = []
    await match(root, segments, paths)
    for (const path of paths) {
      const kind = await kindOf(path)
      if (kind === 'folder') await walk(path, root, exclude, found)
      else if (kind === 'file' && IMAGE_EXTENSIONS.has(extensionOf(path))) found.push({ path, relative: toPosix(relative(root, path)) })
    }
  }
  return found
}

/**
 * The input files of a batch, in a stable order: each argument's files sorted by relative path, arguments in the
 * order given, each file once (the first argument that names it wins). A file named on the command line is taken
 * whatever its extension (the decoder reports what it cannot read); folders (recursively) and glob patterns
 * (`*`, `?`, `[a-z]`, `{a,b}`, `**`) contribute images by extension only. Throws an `unreadable` error when an
 * argument is neither an existing path nor a pattern that matches anything, or when nothing is found at all.
 */
export async function expandInputs(args: readonly string[], options: ExpandOptions = {}): Promise<BatchInput[]> {
  const exclude = new Set((options.exclude ?? []).map((p) => resolve(p)))
  const seen = new Set<string>()
  const all: BatchInput[] = []
  for (const arg of args) {
    let found: BatchInput[]
    const kind = await kindOf(arg)
    if (kind === 'file') found = [{ path: arg, relative: basename(arg) }]
    else if (kind === 'folder') {
      found = []
      await walk(arg, arg, exclude, found)
    } else if (hasGlobMagic(arg)) {
      found = await expandGlob(arg, exclude)
      if (found.length === 0) throw new CodedError(`no image matches ${arg}`, 'unreadable')
    } else throw new CodedError(`cannot read ${arg}: no such file or folder`, 'unreadable')
    found.sort(byRelative)
    for (const input of found) {
      const key = resolve(input.path)
      if (seen.has(key)) continue
      seen.add(key)
      all.push(input)
    }
  }
  if (all.length === 0) throw new CodedError(`no images found in ${args.join(' ')} (${[...IMAGE_EXTENSIONS].join(' ')})`, 'unreadable')
  return all
}

/** True when `path` is `folder` or inside it. */
export function isInside(path: string, folder: string): boolean {
  const rel = relative(resolve(folder), resolve(path))
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}
