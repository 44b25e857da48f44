// @vitest-environment node
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { CodedError } from '../../../../src/contract/errors'
import { useStatusStore } from '../../../../src/renderer/stores/status'

beforeEach(() => {
  setActivePinia(createPinia())
})

describe('status store', () => {
  it('shows busy with its label while work runs and clears both when it fails', async () => {
    const status = useStatusStore()
    let seen: [boolean, string] = [false, '']
    const failed = status.whileBusy('Opening chelsea.png…', async () => {
      seen = [status.busy, status.busyLabel]
      throw new CodedError('cannot read chelsea.png: the file is empty', 'unreadable')
    })
    await expect(failed).rejects.toThrow('the file is empty')
    expect(seen).toEqual([true, 'Opening chelsea.png…'])
    expect([status.busy, status.busyLabel]).toEqual([false, ''])
  })

  it('puts failures in the banner as one line, and ignores cancellations', () => {
    const status = useStatusStore()
    const aborted = new Error('replaced by a newer preview')
    aborted.name = 'AbortError'
    status.reportError(aborted)
    expect(status.error).toBeNull()
    status.reportError(new CodedError('quality must be a whole number from 1 to 100, got 0\n  at check', 'bad-options'))
    expect(status.error).toBe('Quality must be a whole number from 1 to 100, got 0')
    status.dismissError()
    expect(status.error).toBeNull()
  })
})
