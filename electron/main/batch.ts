// Runs in Electron's main process: the app's batch exports, each in a utility process of its own.
import type { BatchProgress } from '../../src/contract/api'
import { BatchRuns, type BatchTransport } from '../../src/api/batch-runs'
import { batchProcessEnv } from '../../src/batch/child-env'
import type { BatchCommand, BatchReply } from '../../src/batch/protocol'
import batchPath from '../utility/batch?modulePath'
import { forkUtilityChild } from './utility-child'

/** The batch exports of the app; `emit` sends their progress to the windows. */
export function setupBatches(emit: (progress: BatchProgress) => void): BatchRuns {
  const spawn = (): BatchTransport => forkUtilityChild<BatchCommand, BatchReply>(batchPath, 'Kernel Studio batch export', batchProcessEnv(process.env))
  return new BatchRuns(spawn, emit)
}
