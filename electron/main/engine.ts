// Runs in Electron's main process: starts the engine host in a utility process and restarts it after a crash.
import { utilityProcess } from 'electron'
import { HostClient, type HostTransport } from '../../src/host/client'
import type { HostMessage } from '../../src/host/protocol'
import enginePath from '../utility/index?modulePath'

/** One utility process running src/host, speaking the host protocol over its parent port. */
function forkUtilityHost(): HostTransport {
  const child = utilityProcess.fork(enginePath, [], { serviceName: 'Kernel Studio engine', stdio: 'inherit' })
  let exited = false
  return {
    get pid() {
      return child.pid
    },
    post(message) {
      if (!exited) child.postMessage(message)
    },
    onMessage(cb) {
      child.on('message', (m: unknown) => cb(m as HostMessage))
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

/**
 * Starts the engine host (one for the app; main routes every call, so previews pass through main: simpler than
 * per-window MessageChannelMain ports, and a 1920x1080 preview is one 8 MB copy each way).
 */
export function setupEngine(): HostClient {
  const host = new HostClient(forkUtilityHost)
  host.start()
  return host
}
