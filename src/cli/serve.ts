// Runs in Node: the `kernel-studio serve` command (the browser UI on 127.0.0.1, same API and engine host as Electron).
import type { Command } from 'commander'
import { startServer } from '../serve/server'

/** Parses `--port`: an integer 0..65535 (0 picks a free port). */
function parsePort(text: string): number {
  const port = Number(text)
  if (!/^\d+$/.test(text.trim()) || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be an integer from 0 to 65535, got "${text}"`)
  }
  return port
}

/**
 * Registers `kernel-studio serve [--port N] [--open FILE]` on the program.
 * The server runs until SIGINT/SIGTERM; startup failures (busy port, unreadable --open file, missing build)
 * print one line and set exit code 1.
 */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the Kernel Studio UI to a browser on 127.0.0.1 (loopback only)')
    .option('-p, --port <n>', 'port to listen on (0 picks a free one)', '5417')
    .option('-o, --open <file>', 'image to open at start')
    .action(async (opts: { port: string; open?: string }) => {
      let server: Awaited<ReturnType<typeof startServer>>
      try {
        server = await startServer({ port: parsePort(opts.port), open: opts.open })
      } catch (err) {
        console.error(`kernel-studio serve: ${err instanceof Error ? err.message : String(err)}`)
        process.exitCode = 1
        return
      }
      console.log(`Kernel Studio is serving on ${server.url}`)
      const stop = (): void => {
        void server.close().finally(() => process.exit(0))
      }
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
}
