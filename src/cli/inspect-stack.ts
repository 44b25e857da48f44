// Runs in Node (CLI): which filters `inspect` looks at. Without --recipe, exactly one command-line filter; with it,
// the recipe's filters then any on the command line, like `apply`.
import { readFilterStack, buildCommandLineFilters, type FilterFlags, type FilterSource } from './filter-args'
import { CliError } from './errors'
import type { FilterSpec } from '../engine/types'

/** The filters of an `inspect` run: the one explained (the last enabled) and the enabled ones before it. */
export interface InspectStack {
  readonly spec: FilterSpec
  readonly before: FilterSpec[]
}

/** Every enabled filter `inspect --recipe R` applies (recipe first, then the command line); none without a recipe. */
export async function inspectFilters(recipe: string | undefined, sources: readonly FilterSource[], flags: FilterFlags): Promise<FilterSpec[]> {
  if (recipe === undefined) return sources.length === 0 ? [] : buildCommandLineFilters(sources, flags)
  return (await readFilterStack(recipe, sources, flags)).filter((f) => f.enabled !== false)
}

/** The filter whose pixel `inspect` explains, and the filters that run before it. */
export async function readInspectStack(recipe: string | undefined, sources: readonly FilterSource[], flags: FilterFlags): Promise<InspectStack> {
  if (recipe === undefined && sources.length !== 1) {
    throw new CliError(
      sources.length === 0
        ? 'inspect needs a filter: give one --kernel, --kernel-file or --preset, or a --recipe'
        : `inspect takes exactly one --kernel, --kernel-file or --preset, got ${sources.length}`
    )
  }
  const filters = await inspectFilters(recipe, sources, flags)
  return { spec: filters[filters.length - 1], before: filters.slice(0, -1) }
}
