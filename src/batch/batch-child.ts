// Runs in Node (a batch process: forked by serve mode, or Electron's utility process): takes one `start` command,
// plans and runs the batch with the same code as `kernel-studio batch`, and reports every event to the parent.
import { toWireError } from '../contract/errors'
import { warmEngine } from '../runtime/run-stack'
import { planBatch } from './plan'
import type { BatchCommand, BatchReply } from './protocol'
import { runBatch } from './run-batch'

/**
 * Handles the commands of one batch process; `send` posts a reply to the parent. Resolves `finished` once the
 * run is over (or refused), when the process may exit. A second `start` is ignored: one process, one batch.
 */
export function createBatchChild(send: (reply: BatchReply) => void): { handle(message: unknown): void; readonly finished: Promise<void> } {
  const controller = new AbortController()
  let started = false
  let finish!: () => void
  const finished = new Promise<void>((resolve) => (finish = resolve))

  const run = async (command: Extract<BatchCommand, { type: 'start' }>): Promise<void> => {
    let plan
    try {
      plan = await planBatch(command.request)
    } catch (err) {
      send({ type: 'refused', error: toWireError(err) })
      return
    }
    warmEngine()
    try {
      await runBatch(plan, { filters: command.filters, jobs: command.jobs, signal: controller.signal, onEvent: (event) => send({ type: 'event', event }) })
    } catch (err) {
      send({ type: 'failed', error: toWireError(err) })
    }
  }

  return {
    finished,
    handle(message) {
      const command = message as BatchCommand
      if (command?.type === 'cancel') {
        controller.abort()
        // Cancelled before it started: there is nothing to wait for.
        if (!started) {
          started = true
          finish()
        }
      } else if (command?.type === 'start' && !started) {
        started = true
        void run(command).finally(finish)
      }
    }
  }
}
