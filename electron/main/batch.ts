// Runs in Electron's main process: the app's batch exports, each in a utility process of its own.
import { utilityProcess } from 'electron'
import type { BatchProgress } from '../../src/contract/api'
import { BatchRuns, type BatchTransport } from '../../src/api/batch-runs'
import type { BatchReply } from '../../src/batch/protocol'
import batchPath from '../utility/batch?modulePath'

/** One utility process running src/batch/batch-child.ts. */
function forkUtilityBatch(): BatchTransport {
  const child = utilityProcess.fork(batchPath, [], { serviceName: 'Kernel Studio batch export', stdio: 'inherit' })
  let exited = false
  return {
    post(command) {
      if (!exited) child.postMessage(command)
    },
    onMessage(cb) {
      child.on('message', (m: unknown) => cb(m as BatchReply))
    },
    onExit(cb) {
      child.once('exit', (code) => {
        exited = true
        cb(`exited with code ${code}`)
      })
    },
    kill() {
      exited = true
      child.kill()
    }
  }
}

/** The batch exports of the app; `emit` sends their progress to the windows. */
export function setupBatches(emit: (progress: BatchProgress) => void): BatchRuns {
  return new BatchRuns(forkUtilityBatch, emit)
}
