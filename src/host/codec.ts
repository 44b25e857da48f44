// Runs in the engine host: the seam to src/io's decoder and encoder (the host never calls sharp itself).
import type { ExportFormat } from '../contract/api'
import type { BitDepth, IntImage } from '../engine/types'
import { decodeImage } from '../io/decode-image'
import { encodeImageToBuffer } from '../io/encode-image'
import { checkExportSettings, outputFormat } from '../contract/formats'

/** A decoded image and what the UI should know about it. */
export interface Decoded {
  readonly image: IntImage
  readonly format: string
  readonly notes: readonly string[]
  /** The file's ICC profile, attached again on export. */
  readonly icc?: Uint8Array
}

/** Decodes a file (by path) or uploaded bytes; `name` is used in error messages. */
export async function decode(source: string | Uint8Array, name: string): Promise<Decoded> {
  const { image, meta } = await decodeImage(source, { name })
  return { image, format: meta.format, notes: meta.notes, icc: meta.icc }
}

/**
 * The bit depth an export writes (the requested one, else the image's where the format stores it, else 8);
 * throws a one-line `bad-options` error for a quality or depth the format cannot take.
 */
export function exportDepth(format: ExportFormat, settings: { quality?: number; depth?: number }, inputDepth: BitDepth): BitDepth {
  return checkExportSettings(outputFormat(format), settings, inputDepth)
}

/** Encodes `image` as `format` (ICC profile attached where the format stores one). */
export async function encode(
  image: IntImage,
  format: ExportFormat,
  options: { quality?: number; depth?: BitDepth; icc?: Uint8Array; name?: string } = {}
): Promise<{ bytes: Uint8Array; notes: readonly string[] }> {
  const encoded = await encodeImageToBuffer(image, format, options)
  return { bytes: new Uint8Array(encoded.bytes.buffer, encoded.bytes.byteOffset, encoded.bytes.byteLength), notes: encoded.notes }
}
