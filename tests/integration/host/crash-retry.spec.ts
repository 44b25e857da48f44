// @vitest-environment node
// What a crashed engine host costs the user, with real host processes killed with SIGKILL: work pending when the
// host dies goes to the new host (after the image is open there again, as the API's session does), and work that
// two hosts died on is reported once, then refused without starting a third.
import { existsSync } from 'node:fs'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { HostClient, forkHost } from '../../../src/host/client'
import { hostScriptPath, samplesDir } from '../../../src/io/package-paths'
import type { FilterSpec } from '../../../src/engine/types'
import { join } from 'node:path'

const photo = join(samplesDir(), 'chelsea.png')
const stack: FilterSpec[] = [{ preset: 'gaussian-blur', params: { size: 31, sigma: 8 } }, { preset: 'unsharp-mask' }]
const clients: HostClient[] = []

/** A client whose restart listener re-opens the photo first, as src/api/session.ts does. */
function client(): HostClient {
  const host = new HostClient(() => forkHost())
  host.onRestarted(() => void host.request({ type: 'open', name: 'chelsea.png', path: photo }).catch(() => undefined))
  clients.push(host)
  return host
}

/** Resolves once the client runs a host other than `pid`. */
async function replaced(host: HostClient, pid: number): Promise<number> {
  for (let i = 0; i < 500; i++) {
    if (host.pid !== undefined && host.pid !== pid) return host.pid
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error('the host was not replaced')
}

beforeAll(() => {
  if (!existsSync(hostScriptPath())) throw new Error(`${hostScriptPath()} is missing: run npm run build:node before these tests`)
})

afterEach(() => {
  for (const c of clients.splice(0)) c.close()
})

describe('engine host crashes', () => {
  it('sends work pending at the crash to the new host, which answers it', async () => {
    const host = client()
    await host.request({ type: 'open', name: 'chelsea.png', path: photo })
    const pid = host.pid as number
    // Sent in the moment the host dies: it must be answered, not rejected with "try again".
    process.kill(pid, 'SIGKILL')
    const result = await host.request({ type: 'export', filters: stack, format: 'png' })
    expect(result.width).toBe(451)
    expect(host.pid).not.toBe(pid)
  })

  it('reports work that two hosts died on, and refuses it afterwards without a third crash', async () => {
    const host = client()
    await host.request({ type: 'open', name: 'chelsea.png', path: photo })
    const first = host.pid as number
    const work = host.request({ type: 'export', filters: stack, format: 'tiff', depth: 16 })
    process.kill(first, 'SIGKILL')
    const second = await replaced(host, first)
    process.kill(second, 'SIGKILL')
    const error = await work.then(
      () => null,
      (e: unknown) => e as Error & { code?: string }
    )
    expect(error?.message).toBe('the engine stopped twice on this work (last: killed by SIGKILL), probably for lack of memory; it is not tried again')
    expect(error?.code).toBe('host-crashed')
    const third = await replaced(host, second)
    // The renderer sends its stack again after each restart: the same work is refused at once, not run again.
    await expect(host.request({ type: 'export', filters: stack, format: 'tiff', depth: 16 })).rejects.toThrow(/^the engine stopped twice on this work, /)
    expect(host.pid).toBe(third)
    // Other work still runs.
    expect((await host.request({ type: 'export', filters: stack, format: 'png' })).width).toBe(451)
  })
})
