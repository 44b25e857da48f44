// The words of the batch dialog (src/renderer/model/batch-summary.ts): progress and the end of a run.
import { describe, expect, it } from 'vitest'
import type { BatchProgress } from '../../../../src/contract/api'
import { clockText, progressText, summaryText } from '../../../../src/renderer/model/batch-summary'

const base: BatchProgress = { run: 'r', done: 0, total: 12, written: 0, skipped: 0, failed: 0, elapsedMs: 0, megapixelsPerSecond: 0 }

describe('batch summary', () => {
  it('says files done, speed, time left and failures', () => {
    expect(progressText(base)).toBe('0 of 12 files')
    expect(progressText({ ...base, done: 3, written: 2, failed: 1, megapixelsPerSecond: 4.06, etaMs: 12_400 })).toBe('3 of 12 files · 4.1 MP/s · 0:12 left · 1 failed')
    expect(progressText({ ...base, done: 1, total: 1, written: 1, megapixelsPerSecond: 2, etaMs: 0 })).toBe('1 of 1 file · 2.0 MP/s')
  })

  it('sums up a run that finished, was cancelled or stopped on an error', () => {
    const end = { ...base, done: 3, total: 3, written: 2, failed: 1, elapsedMs: 1234 }
    expect(summaryText({ ...end, end: { cancelled: false, failures: [] } })).toBe('Done: 2 written, 0 skipped, 1 failed of 3 in 1.2 s.')
    expect(summaryText({ ...end, elapsedMs: 65_000, end: { cancelled: true, failures: [] } })).toBe('Cancelled: 2 written, 0 skipped, 1 failed of 3 in 1:05.')
    expect(summaryText({ ...end, end: { cancelled: false, failures: [], error: 'the batch process stopped (killed by SIGKILL)' } })).toMatch(/^Stopped by an error: the batch process stopped \(killed by SIGKILL\)\. 2 written/)
    expect(clockText(3_723_000)).toBe('1h02m')
  })
})
