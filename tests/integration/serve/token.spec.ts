// @vitest-environment node
// The serve-mode token from the command line: a real `kernel-studio serve` prints a URL carrying a new secret at
// each start (or KERNEL_STUDIO_TOKEN's), and nothing is served without it.
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../cli/cli'
import { TOKEN, startServe, statusOf, type ServeProcess } from './serve-process'

const started: ServeProcess[] = []

afterAll(async () => {
  await Promise.all(started.map((s) => s.stop()))
})

describe('kernel-studio serve and its token', () => {
  it('prints the address with a new random token at each start', async () => {
    const a = await startServe({ KERNEL_STUDIO_TOKEN: '' })
    const b = await startServe({ KERNEL_STUDIO_TOKEN: '' })
    started.push(a, b)
    const token = (s: ServeProcess): string => /^Kernel Studio is serving on http:\/\/127\.0\.0\.1:\d+\/\?token=([0-9a-f]{48})$/.exec(s.line)?.[1] ?? ''
    expect(token(a)).not.toBe('')
    expect(token(b)).not.toBe('')
    expect(token(a)).not.toBe(token(b))
    // The old way in (no token) is closed; the printed URL logs in.
    expect(await statusOf(a.port, {})).toBe(401)
    expect(await statusOf(a.port, {}, `/?token=${token(b)}`)).toBe(403)
    expect(await statusOf(a.port, {}, `/?token=${token(a)}`)).toBe(303)
    expect(await statusOf(a.port, { Cookie: `kernel-studio-token-${a.port}=${token(a)}` })).toBe(200)
  })

  it('uses KERNEL_STUDIO_TOKEN when it is set', async () => {
    const s = await startServe({ KERNEL_STUDIO_TOKEN: TOKEN })
    started.push(s)
    expect(s.line).toBe(`Kernel Studio is serving on http://127.0.0.1:${s.port}/?token=${TOKEN}`)
    expect(await statusOf(s.port, { Authorization: `Bearer ${TOKEN}` })).toBe(200)
  })

  it('refuses a guessable KERNEL_STUDIO_TOKEN or a bad KERNEL_STUDIO_REQUEST_TIMEOUT in one line', async () => {
    const env = process.env
    const run = async (extra: Record<string, string>): Promise<{ code: number | null; stderr: string }> => {
      const saved = { ...env }
      Object.assign(process.env, extra)
      try {
        return await runCli(['serve', '--port', '0'])
      } finally {
        for (const key of Object.keys(extra)) if (saved[key] === undefined) delete process.env[key]
        Object.assign(process.env, saved)
      }
    }
    const short = await run({ KERNEL_STUDIO_TOKEN: 'abc' })
    expect(short.code).toBe(1)
    expect(short.stderr).toBe("kernel-studio: error: KERNEL_STUDIO_TOKEN must be at least 16 letters, digits, '-' or '_'\n")
    const timeout = await run({ KERNEL_STUDIO_REQUEST_TIMEOUT: 'soon' })
    expect(timeout.code).toBe(1)
    expect(timeout.stderr).toBe('kernel-studio: error: KERNEL_STUDIO_REQUEST_TIMEOUT must be a number of seconds above 0 and at most 3600, got "soon"\n')
  })
})
