// Runs in Node: the `kernel-studio serve` command (the browser UI on 127.0.0.1, same API and engine host as Electron).
import type { Command } from 'commander'
import { firstLine } from '../contract/errors'
import type { RunningServer } from '../serve/server'
import { CliError } from './errors'

/** Port used when --port is not given. */
export const DEFAULT_PORT = 5417

/** Parses `--port`: an integer 0..65535 (0 picks a free port). */
function parsePort(text: string): number {
  const port = Number(text)
  if (!/^\d+$/.test(text.trim()) || port > 65535) throw new CliError(`--port must be a whole number from 0 to 65535, got "${text}"`)
  return port
}

/**
 * Registers `kernel-studio serve [--port N] [--open FILE]`. It prints
 * `Kernel Studio is serving on http://127.0.0.1:PORT/` and runs until Ctrl-C; startup failures (busy port,
 * unreadable --open file, missing build) are one-line CliErrors.
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
      let server: RunningServer
      try {
        // Loaded only for this command: the server pulls in ws, zod and http, which other commands never use.
        const { startServer } = await import('../serve/server')
        server = await startServer({ port, open: opts.open })
      } catch (err) {
        throw new CliError(firstLine(err instanceof Error ? err.message : String(err)))
      }
      process.stdout.write(`Kernel Studio is serving on ${server.url}\n`)
      const stop = (): void => {
        void server.close().finally(() => process.exit(0))
      }
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
}
