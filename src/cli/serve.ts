// Runs in Node: the `kernel-studio serve` command (the browser UI on 127.0.0.1, same API and engine host as Electron).
import type { Command } from 'commander'
import { firstLine } from '../contract/errors'
import type { RunningServer } from '../serve/server'
import { CliError } from './errors'

/** Port used when --port is not given. */
export const DEFAULT_PORT = 5417

/** Environment variable: longest silence, in seconds, while a request is arriving (see the README's Safety). */
const REQUEST_TIMEOUT_ENV = 'KERNEL_STUDIO_REQUEST_TIMEOUT'

/** `KERNEL_STUDIO_REQUEST_TIMEOUT` in milliseconds, or undefined (the server's default) when unset. */
function requestTimeoutMs(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined
  const seconds = Number(text)
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
    throw new CliError(`${REQUEST_TIMEOUT_ENV} must be a number of seconds above 0 and at most 3600, got "${text}"`)
  }
  return Math.ceil(seconds * 1000)
}

/** Parses `--port`: an integer 0..65535 (0 picks a free port). */
function parsePort(text: string): number {
  const port = Number(text)
  if (!/^\d+$/.test(text.trim()) || port > 65535) throw new CliError(`--port must be a whole number from 0 to 65535, got "${text}"`)
  return port
}

/**
 * Registers `kernel-studio serve [--port N] [--open FILE]`. It prints
 * `Kernel Studio is serving on http://127.0.0.1:PORT/?token=...` (the token is new at each start unless
 * KERNEL_STUDIO_TOKEN sets it) and runs until Ctrl-C; startup failures (busy port, unreadable --open file, missing
 * build, bad environment values) are one-line CliErrors.
 */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the Kernel Studio UI to a browser on this machine (127.0.0.1 only)')
    .option('-p, --port <n>', `port to listen on; 0 picks a free one (default ${DEFAULT_PORT})`)
    .option('-o, --open <file>', 'image to open at start')
    .addHelpText(
      'after',
      `
Examples:
  kernel-studio serve
  kernel-studio serve --port 0 --open photo.jpg`
    )
    .action(async (opts: { port?: string; open?: string }) => {
      const port = opts.port === undefined ? DEFAULT_PORT : parsePort(opts.port)
      const timeout = requestTimeoutMs(process.env[REQUEST_TIMEOUT_ENV])
      let server: RunningServer
      try {
        // Loaded only for this command: the server pulls in ws, zod and http, which other commands never use.
        const { startServer } = await import('../serve/server')
        const { TOKEN_ENV, chooseToken } = await import('../serve/auth')
        server = await startServer({ port, open: opts.open, token: chooseToken(process.env[TOKEN_ENV]), requestTimeoutMs: timeout })
      } catch (err) {
        throw new CliError(firstLine(err instanceof Error ? err.message : String(err)))
      }
      const stop = (): void => {
        void server.close().finally(() => process.exit(0))
      }
      // Before the address is printed: whoever reads it may stop the server at once, and it must clean up.
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
      // The whole URL, token included: opening it logs the browser in (see src/serve/auth.ts).
      process.stdout.write(`Kernel Studio is serving on ${server.url}\n`)
    })
}
