// Runs in Electron's main process: a built script in a utility process, behind the same transport as a Node child
// (src/host/node-child.ts), so the engine host and batch exports run the same code in the app and in serve mode.
import { utilityProcess } from 'electron'
import type { ChildTransport } from '../../src/host/node-child'

/**
 * Starts `modulePath` in a utility process named `serviceName` (shown in the OS task manager), with `env` or this
 * process's environment.
 */
export function forkUtilityChild<Out, In>(modulePath: string, serviceName: string, env?: NodeJS.ProcessEnv): ChildTransport<Out, In> {
  const child = utilityProcess.fork(modulePath, [], { serviceName, stdio: 'inherit', env })
  let exited = false
  return {
    get pid() {
      return child.pid
    },
    post(message) {
      if (!exited) child.postMessage(message)
    },
    onMessage(cb) {
      child.on('message', (m: unknown) => cb(m as In))
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
