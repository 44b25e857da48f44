// Runs in Node (serve mode, tests) and Electron main: a built Node script started as a child process that speaks
// structured-clone IPC. The engine host and the app's batch processes both start this way.
import { fork } from 'node:child_process'
import { existsSync } from 'node:fs'
import { CodedError, firstLine } from '../contract/errors'

/** One running child process, whatever starts it (child_process.fork, Electron's utilityProcess). */
export interface ChildTransport<Out, In> {
  /** Sends a message (a structured-clone copy). */
  post(message: Out): void
  /** Every message the child sends. */
  onMessage(cb: (message: In) => void): void
  /** Called once when the process is gone, with a one-line reason. */
  onExit(cb: (reason: string) => void): void
  /** Ends the process. */
  kill(): void
  /** OS process id, when known (tests kill it to simulate a crash). */
  readonly pid?: number
}

/**
 * Forks the built script `script` (`what` names it in the error) with structured-clone IPC, with `env` or this
 * process's environment. Throws a one-line error when the script has not been built.
 */
export function forkNodeChild<Out, In>(script: string, what: string, env?: NodeJS.ProcessEnv): ChildTransport<Out, In> {
  if (!existsSync(script)) throw new CodedError(`${what} is not built (${script} is missing): run npm run build:node`, 'internal')
  // execArgv: [] so test runners' loaders and inspector flags are not inherited by the child.
  const child = fork(script, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [], env })
  return {
    pid: child.pid,
    post(message) {
      if (child.connected) child.send(message as object)
    },
    onMessage(cb) {
      child.on('message', (m) => cb(m as In))
    },
    onExit(cb) {
      let done = false
      const report = (reason: string): void => {
        if (done) return
        done = true
        cb(reason)
      }
      child.on('exit', (code, signal) => report(signal ? `killed by ${signal}` : `exited with code ${String(code)}`))
      child.on('error', (err) => report(firstLine(err.message)))
    },
    kill() {
      child.kill()
    }
  }
}
