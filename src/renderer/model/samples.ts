// Runs in the renderer (pure, unit-tested in Node): which bundled sample photo is shown.
import type { SampleInfo } from '../../contract/api'

/** The sample the app opens on first launch: the astronaut if bundled, else the first sample. */
export function firstLaunchSample(samples: readonly SampleInfo[]): SampleInfo | null {
  return samples.find((s) => /astronaut/i.test(s.id) || /astronaut/i.test(s.name)) ?? samples[0] ?? null
}

/**
 * The id of the bundled sample at `path`, or null: a sample re-shown after a reload arrives as a path inside the
 * samples folder rather than as a sample id.
 */
export function sampleIdOfPath(path: string, samples: readonly SampleInfo[]): string | null {
  const parts = path.split(/[\\/]/)
  if (parts[parts.length - 2] !== 'samples') return null
  const stem = (parts[parts.length - 1] ?? '').replace(/\.[^.]*$/, '')
  return samples.some((s) => s.id === stem) ? stem : null
}
