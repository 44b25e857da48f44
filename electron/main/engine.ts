// Runs in Electron's main process: starts the engine host in a utility process and restarts it after a crash.
import { HostClient } from '../../src/host/client'
import type { HostMessage, HostRequest } from '../../src/host/protocol'
import enginePath from '../utility/index?modulePath'
import { forkUtilityChild } from './utility-child'

/**
 * Starts the engine host (one for the app; main routes every call, so previews pass through main: simpler than
 * per-window MessageChannelMain ports, and a 1920x1080 preview is one 8 MB copy each way).
 */
export function setupEngine(): HostClient {
  const host = new HostClient(() => forkUtilityChild<HostRequest, HostMessage>(enginePath, 'Kernel Studio engine'))
  host.start()
  return host
}
