// Runs in a Node child process (serve mode, tests): one app batch over the fork IPC channel (./batch-child.ts).
// The parent ends the process once it has the run's last reply.
import { setPriority } from 'node:os'
import { createBatchChild } from './batch-child'

const send = process.send?.bind(process)
if (!send) {
  console.error('kernel-studio batch process: start me with child_process.fork (no IPC channel)')
  process.exit(1)
}
// Below the engine host and the window: the previews the user is looking at come first.
try {
  setPriority(10)
} catch {
  // Not allowed here (some containers): the batch runs at normal priority.
}
const child = createBatchChild((reply) => {
  if (process.connected) send(reply)
})
process.on('message', (message) => child.handle(message))
/** Stops the run (nothing half-written is left), then exits. */
const stop = (): void => {
  child.handle({ type: 'cancel' })
  void child.finished.then(() => process.exit(0))
}
// The app went away, or is closing (SIGTERM).
process.on('disconnect', stop)
process.on('SIGTERM', stop)
send({ type: 'ready' })
