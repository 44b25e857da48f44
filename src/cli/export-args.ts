// Runs in Node (CLI): the export flags shared by `apply` and `batch` (--quality, --depth).
import type { BitDepth } from '../engine/types'
import { CliError } from './errors'

/** `--quality`: a whole number 1..100, or undefined when not given. */
export function parseQuality(text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN
  if (!(value >= 1 && value <= 100)) throw new CliError(`--quality must be a whole number from 1 to 100, got "${text}"`)
  return value
}

/** `--depth`: 8 or 16, or undefined when not given. */
export function parseDepth(text: string | undefined): BitDepth | undefined {
  if (text === undefined) return undefined
  const value = text.trim()
  if (value !== '8' && value !== '16') throw new CliError(`--depth must be 8 or 16, got "${text}"`)
  return value === '8' ? 8 : 16
}
