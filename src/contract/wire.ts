// Runs anywhere (Node and the browser): the binary-safe message encoding serve mode uses over HTTP and WebSocket.
// Plain JSON for the structure, raw bytes for typed arrays, so a 1920x1080 RGBA preview is one 8 MB copy,
// never a JSON array of numbers.
import type { WireError } from './errors'

/** Typed arrays the encoding carries as raw bytes. */
type Typed =
  | Uint8Array
  | Uint8ClampedArray
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array

const KINDS = {
  u8: Uint8Array,
  u8c: Uint8ClampedArray,
  u16: Uint16Array,
  i16: Int16Array,
  u32: Uint32Array,
  i32: Int32Array,
  f32: Float32Array,
  f64: Float64Array
} as const
type Kind = keyof typeof KINDS

/** Key of the placeholder object that stands for blob number N in the JSON part. */
const BLOB_KEY = '\u0000blob'

function kindOf(value: ArrayBufferView): Kind | null {
  // Node's Buffer is a Uint8Array subclass: sent as plain bytes.
  if (value instanceof Uint8Array) return 'u8'
  if (value instanceof Uint8ClampedArray) return 'u8c'
  if (value instanceof Uint16Array) return 'u16'
  if (value instanceof Int16Array) return 'i16'
  if (value instanceof Uint32Array) return 'u32'
  if (value instanceof Int32Array) return 'i32'
  if (value instanceof Float32Array) return 'f32'
  if (value instanceof Float64Array) return 'f64'
  return null
}

const pad8 = (n: number): number => (n + 7) & ~7

/**
 * Encodes a value (JSON-compatible data plus typed arrays anywhere inside it) into one byte buffer:
 * `u32 LE json length | json {b: blob table, v: value} | padding to 8 | blobs, each padded to 8`.
 */
export function encodeMessage(value: unknown): Uint8Array<ArrayBuffer> {
  const blobs: Typed[] = []
  const table: [Kind, number][] = []
  const json = JSON.stringify(value, function (this: Record<string, unknown>, key, v: unknown) {
    // Read the raw value: Buffer.prototype.toJSON has already run on `v`.
    const raw = this[key]
    if (ArrayBuffer.isView(raw)) {
      const kind = kindOf(raw)
      if (!kind) throw new TypeError(`cannot send a ${raw.constructor.name}`)
      blobs.push(raw as Typed)
      table.push([kind, (raw as Typed).length])
      return { [BLOB_KEY]: blobs.length - 1 }
    }
    return v
  })
  const head = new TextEncoder().encode(`{"b":${JSON.stringify(table)},"v":${json ?? 'null'}}`)
  let total = pad8(4 + head.length)
  for (const b of blobs) total += pad8(b.byteLength)
  const out = new Uint8Array(total)
  new DataView(out.buffer).setUint32(0, head.length, true)
  out.set(head, 4)
  let at = pad8(4 + head.length)
  for (const b of blobs) {
    out.set(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), at)
    at += pad8(b.byteLength)
  }
  return out
}

/** Decodes what {@link encodeMessage} produced. Uint8Arrays are views into `bytes`; wider arrays are copies. */
export function decodeMessage(bytes: Uint8Array): unknown {
  if (bytes.byteLength < 4) throw new Error('message too short')
  const headLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true)
  if (4 + headLength > bytes.byteLength) throw new Error('message truncated')
  const json = new TextDecoder().decode(bytes.subarray(4, 4 + headLength))
  const envelope = JSON.parse(json) as { b: [Kind, number][]; v: unknown }
  if (!envelope || !Array.isArray(envelope.b)) throw new Error('bad message')
  const blobs: Typed[] = []
  let at = pad8(4 + headLength)
  for (const [kind, length] of envelope.b) {
    const Ctor = KINDS[kind]
    if (!Ctor || !Number.isInteger(length) || length < 0) throw new Error('bad blob in message')
    const byteLength = length * Ctor.BYTES_PER_ELEMENT
    if (at + byteLength > bytes.byteLength) throw new Error('message truncated')
    const slice = bytes.subarray(at, at + byteLength)
    at += pad8(byteLength)
    if (kind === 'u8') {
      blobs.push(slice)
    } else {
      // Copy so the wider view is aligned whatever offset the transport gave us.
      const copy = new Uint8Array(byteLength)
      copy.set(slice)
      blobs.push(new Ctor(copy.buffer))
    }
  }
  return revive(envelope.v, blobs)
}

function revive(v: unknown, blobs: readonly Typed[]): unknown {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = revive(v[i], blobs)
    return v
  }
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>
    if (BLOB_KEY in o) {
      const blob = blobs[o[BLOB_KEY] as number]
      if (!blob) throw new Error('bad blob reference in message')
      return blob
    }
    for (const k of Object.keys(o)) o[k] = revive(o[k], blobs)
  }
  return v
}

/** A call sent from the browser to serve mode over the WebSocket. */
export interface WireCall {
  readonly t: 'call'
  readonly id: number
  readonly channel: string
  readonly req: unknown
}

export type { WireError } from './errors'

/** A reply to a {@link WireCall} (also the body of an HTTP `POST /api/<channel>` answer, without `t`/`id`). */
export type WireReply =
  | { readonly t: 'reply'; readonly id: number; readonly ok: true; readonly res: unknown }
  | { readonly t: 'reply'; readonly id: number; readonly ok: false; readonly error: WireError }

/** An event pushed from serve mode to every connected browser. */
export interface WireEvent {
  readonly t: 'event'
  readonly event: string
  readonly payload: unknown
}

/** MIME type of an encoded message on HTTP. */
export const WIRE_MIME = 'application/x-kernel-studio'

/** Path of the WebSocket endpoint. */
export const WS_PATH = '/api/ws'
