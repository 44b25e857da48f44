// @vitest-environment node
// The API client as the Electron window uses it. Electron's preload cannot run here; in its place is an object that
// rejects exactly as electron/preload/index.ts does: with a plain { name, message, code }, because contextBridge
// keeps only the message of a real Error. What the client makes of that is what the export dialog branches on.
import { beforeAll, describe, expect, it } from 'vitest'
import { errorCode, type WireError } from '../../../../src/contract/errors'
import { errorMessage } from '../../../../src/renderer/model/error-message'
import { api, isAbortError } from '../../../../src/renderer/services/client'

/** What main's handler answered, as the preload rethrows it. */
let reply: WireError

beforeAll(() => {
  const rejecting = async (): Promise<never> => {
    throw { name: reply.name, message: reply.message, code: reply.code }
  }
  ;(globalThis as { api?: unknown }).api = { 'image:export': rejecting, 'image:preview': rejecting }
})

describe('api client errors', () => {
  it('keeps the code of a failure, so "Replace" is offered for an existing file whatever the wording', async () => {
    reply = { name: 'IoError', message: '/tmp/out.png already exists', code: 'exists' }
    const err = await api['image:export']({ filters: [], format: 'png', path: '/tmp/out.png' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Error)
    expect(errorCode(err)).toBe('exists')
    expect(errorMessage(err)).toBe('/tmp/out.png already exists')

    // Wording that mentions "exists" is not the code: only the code decides.
    reply = { name: 'IoError', message: 'cannot write /tmp/exists/out.png: the folder does not exist', code: 'unwritable' }
    expect(errorCode(await api['image:export']({ filters: [], format: 'png', path: '/tmp/exists/out.png' }).catch((e: unknown) => e))).toBe(
      'unwritable'
    )
  })

  it('keeps the AbortError name of a replaced preview, which callers drop', async () => {
    reply = { name: 'AbortError', message: 'replaced by a newer preview', code: 'aborted' }
    const err = await api['image:preview']({ requestId: 1, filters: [], maxWidth: 10, maxHeight: 10 }).catch((e: unknown) => e)
    expect(isAbortError(err)).toBe(true)
    expect(errorCode(err)).toBe('aborted')
  })
})
