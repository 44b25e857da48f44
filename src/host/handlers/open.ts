// Runs in the engine host: `open`, decoding a file or uploaded bytes into the document later requests work on.
import type { ImageInfo } from '../../contract/api'
import { CodedError } from '../../contract/errors'
import { sharedImage } from '../../runtime/run-stack'
import { decode } from '../codec'
import { OpenDocument } from '../document'
import type { OpenRequest } from '../protocol'

/** Decodes the image `req` names and returns it as a new document. */
export async function openDocument(req: OpenRequest): Promise<OpenDocument> {
  const source = req.bytes ?? req.path
  if (source === undefined) throw new CodedError('open needs a path or bytes', 'bad-request')
  const decoded = await decode(source, req.name)
  // Shared memory: every run of the stack on it reads it in place instead of copying it for the workers.
  const image = sharedImage(decoded.image)
  const info: ImageInfo = {
    name: req.name,
    ...(req.path !== undefined && req.bytes === undefined ? { path: req.path } : {}),
    width: image.width,
    height: image.height,
    channels: image.channels,
    depth: image.depth,
    format: decoded.format,
    notes: [...decoded.notes]
  }
  return new OpenDocument(info, image, decoded.icc)
}
