// @vitest-environment node
// A hung engine host (stopped with SIGSTOP, as a stuck process looks from outside) is detected by the silence of
// a pending request, killed, replaced, and the request answered by the new host; hung twice, it is reported.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { HostClient, forkHost } from '../../../src/host/client'
import { hostScriptPath, samplesDir } from '../../../src/io/package-paths'

const photo = join(samplesDir(), 'chelsea.png')
const clients: HostClient[] = []
const stopped: number[] = []

/** A client with a 4 s silence limit whose restart listener re-opens the photo, as src/api/session.ts does. */
function client(): HostClient {
  const host = new HostClient(() => forkHost(), { requestTimeoutMs: 4000 })
  host.onRestarted(() => void host.request({ type: 'open', name: 'chelsea.png', path: photo }).catch(() => undefined))
  clients.push(host)
  return host
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

beforeAll(() => {
  if (!existsSync(hostScriptPath())) throw new Error(`${hostScriptPath()} is missing: run npm run build:node before these tests`)
})

afterEach(() => {
  for (const pid of stopped.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL')
  for (const c of clients.splice(0)) c.close()
})

describe('a hung engine host', () => {
  it('is killed and replaced, and the request is answered by the new host', async () => {
    const host = client()
    await host.request({ type: 'open', name: 'chelsea.png', path: photo })
    const pid = host.pid as number
    process.kill(pid, 'SIGSTOP')
    stopped.push(pid)
    const started = Date.now()
    const result = await host.request({ type: 'export', filters: [{ preset: 'box-blur' }], format: 'png' })
    expect(result.width).toBe(451)
    expect(Date.now() - started).toBeLessThan(15_000)
    expect(host.pid).not.toBe(pid)
    await expect.poll(() => alive(pid)).toBe(false)
  })

  it('is reported when the new host hangs on the same work too', async () => {
    const host = client()
    await host.request({ type: 'open', name: 'chelsea.png', path: photo })
    const first = host.pid as number
    process.kill(first, 'SIGSTOP')
    stopped.push(first)
    const work = host.request({ type: 'export', filters: [{ preset: 'sharpen' }], format: 'png' })
    await expect.poll(() => host.pid !== undefined && host.pid !== first, { timeout: 15000 }).toBe(true)
    const second = host.pid as number
    process.kill(second, 'SIGSTOP')
    stopped.push(second)
    await expect(work).rejects.toThrow('the engine stopped twice on this work (last: it did not answer for 4 s), probably for lack of memory; it is not tried again')
  })
})
