// Runs in Electron's utility process: the engine host (src/host) over process.parentPort.
/// <reference types="electron" />
import { createHost } from '../../src/host/host'

const port = process.parentPort
// Pixels go back as copied message values: transferring ArrayBuffers through MessagePortMain is broken
// (electron/electron#34905, #37565).
const host = createHost((message) => port.postMessage(message))
port.on('message', (event) => host.handle(event.data))
port.postMessage({ event: 'ready', pid: process.pid })
