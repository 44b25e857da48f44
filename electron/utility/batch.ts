// Runs in an Electron utility process: one app batch export (src/batch/batch-child.ts) over process.parentPort.
// Main ends the process once it has the run's last reply.
/// <reference types="electron" />
import { setPriority } from 'node:os'
import { createBatchChild } from '../../src/batch/batch-child'

const port = process.parentPort
// Below the engine host and the window: the previews the user is looking at come first.
try {
  setPriority(10)
} catch {
  // Not allowed here: the batch runs at normal priority.
}
const child = createBatchChild((reply) => port.postMessage(reply))
port.on('message', (event) => child.handle(event.data))
port.postMessage({ type: 'ready' })
// Main ends the process (the run is over, or the app is quitting): stop without leaving a half-written file.
process.on('SIGTERM', () => {
  child.handle({ type: 'cancel' })
  void child.finished.then(() => process.exit(0))
})
