// Runs in the renderer's isolated preload world: exposes window.api (the typed contract) and nothing else.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { CHANNELS, EVENTS, IPC_EVENT_CHANNEL, type ApiEvent, type IpcReply } from '../../src/contract/api'

type Listener = (payload: unknown) => void
const listeners = new Map<string, Set<Listener>>()

ipcRenderer.on(IPC_EVENT_CHANNEL, (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
  for (const cb of listeners.get(String(name)) ?? []) cb(payload)
})

const api: Record<string, unknown> = {}
for (const channel of CHANNELS) {
  // Named functions only; the page never sees ipcRenderer. Failures reject with a plain { name, message, code }
  // because contextBridge keeps only the message of a real Error (services/client.ts turns it back into one).
  api[channel] = async (req: unknown) => {
    const reply = (await ipcRenderer.invoke(channel, req ?? {})) as IpcReply
    if (reply.ok) return reply.res
    throw { name: reply.error.name, message: reply.error.message, code: reply.error.code }
  }
}
api.on = (event: ApiEvent, cb: Listener): (() => void) => {
  if (!(EVENTS as readonly string[]).includes(event)) throw new Error(`unknown event "${String(event)}"`)
  if (typeof cb !== 'function') throw new Error('on() needs a callback')
  let set = listeners.get(event)
  if (!set) listeners.set(event, (set = new Set()))
  set.add(cb)
  return () => {
    set.delete(cb)
  }
}

contextBridge.exposeInMainWorld('api', api)
