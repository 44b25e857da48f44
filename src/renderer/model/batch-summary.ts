// Runs in the renderer (pure, unit-tested in Node): the words the batch dialog shows for a run's progress and end.
import type { BatchProgress } from '../../contract/api'

/** A duration for people: `0:42`, `12:05`, `1h05m`. */
export function clockText(ms: number): string {
  const s = Math.round(ms / 1000)
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, '0')}m` : `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}

/** The line under the progress bar: `3 of 12 files · 4.1 MP/s · 0:12 left · 1 failed`. */
export function progressText(p: BatchProgress): string {
  const parts = [`${p.done} of ${p.total} ${p.total === 1 ? 'file' : 'files'}`]
  if (p.done > 0) parts.push(`${p.megapixelsPerSecond.toFixed(1)} MP/s`)
  if (p.etaMs !== undefined && p.done < p.total) parts.push(`${clockText(p.etaMs)} left`)
  if (p.failed > 0) parts.push(`${p.failed} failed`)
  return parts.join(' · ')
}

/** The summary of a finished run: `Done: 2 written, 0 skipped, 1 failed of 3 in 1.2 s.` */
export function summaryText(p: BatchProgress): string {
  const time = p.elapsedMs >= 10_000 ? clockText(p.elapsedMs) : `${(p.elapsedMs / 1000).toFixed(1)} s`
  const head = p.end?.error ? 'Stopped by an error' : p.end?.cancelled ? 'Cancelled' : 'Done'
  const counts = `${p.written} written, ${p.skipped} skipped, ${p.failed} failed of ${p.total} in ${time}.`
  return p.end?.error ? `${head}: ${p.end.error}. ${counts}` : `${head}: ${counts}`
}
