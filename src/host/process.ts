// Runs in a Node child process (serve mode, tests): the engine host over the fork IPC channel.
// Started by src/host/client.ts with `serialization: 'advanced'`, so typed arrays arrive as typed arrays.
import { createHost } from './host'

const send = process.send?.bind(process)
if (!send) {
  console.error('kernel-studio engine host: start me with child_process.fork (no IPC channel)')
  process.exit(1)
}

const host = createHost((message) => {
  // The parent may be gone mid-reply; there is no one left to tell.
  if (process.connected) send(message)
})
process.on('message', (message) => host.handle(message))
// When the parent goes away, so do we: an orphaned host would hold the image in memory for nothing.
process.on('disconnect', () => {
  host.dispose()
  process.exit(0)
})
send({ event: 'ready', pid: process.pid })
