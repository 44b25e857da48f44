// Runs in Node (serve mode, tests) and Electron main: the bundled sample photos.
import { readdir } from 'node:fs/promises'
import { basename, extname, join } from 'node:path'
import type { SampleInfo } from '../contract/api'
import { CodedError } from '../contract/errors'

/** Image file extensions listed as samples. */
const SAMPLE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.tif', '.tiff', '.webp'])

/** "Astronaut" for "astronaut", "Coffee cup" for "coffee-cup". */
function sampleTitle(id: string): string {
  const words = id.replace(/[-_]+/g, ' ').trim()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

const isSample = (name: string): boolean => SAMPLE_EXTENSIONS.has(extname(name).toLowerCase())
const idOf = (name: string): string => basename(name, extname(name))

/** The samples in `dir`, sorted by file name; none when the folder is missing. */
export async function listSamples(dir: string): Promise<SampleInfo[]> {
  const names = await readdir(dir).catch(() => [] as string[])
  return names
    .filter(isSample)
    .sort()
    .map((n) => ({ id: idOf(n), name: sampleTitle(idOf(n)) }))
}

/** The file of sample `id` in `dir`; an `unreadable` error when there is no such sample. */
export async function samplePath(dir: string, id: string): Promise<string> {
  const names = await readdir(dir).catch(() => [] as string[])
  const file = names.find((n) => idOf(n) === id && isSample(n))
  if (!file) throw new CodedError(`there is no sample called "${id}"`, 'unreadable')
  return join(dir, file)
}
