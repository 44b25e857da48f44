// Runs in Node: the output format a file name asks for (the format table itself is src/contract/formats.ts).
import { extname } from 'node:path'
import { OUTPUT_EXTENSIONS, formatForExtension, type OutputFormat } from '../contract/formats'
import { IoError } from './io-error'

/** The output format for a file name, from its extension; throws an `unsupported-format` IoError for anything else. */
export function formatFromPath(path: string): OutputFormat {
  const ext = extname(path).toLowerCase()
  const format = formatForExtension(ext)
  if (format) return format
  const what = ext === '' ? 'has no extension' : `has the unknown extension "${ext}"`
  throw new IoError(`cannot write ${path}: the file name ${what} (use ${OUTPUT_EXTENSIONS.join(' ')})`, 'unsupported-format')
}
