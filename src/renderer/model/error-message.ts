// Runs in the renderer (pure, unit-tested in Node): any failure as the one line the error banner shows.
import { firstLine } from '../../contract/errors'

/**
 * One clear line for the user from anything thrown: the message's first line, without `Error:` prefixes or
 * stack frames, starting with a capital letter.
 */
export function errorMessage(err: unknown): string {
  let text: string
  if (err instanceof Error) text = err.message
  else if (err && typeof err === 'object' && 'message' in err) text = String((err as { message: unknown }).message)
  else text = String(err)
  text = firstLine(text).replace(/^(?:[A-Za-z]*Error:\s*)+/, '')
  if (text === '') return 'Something went wrong (no details were given)'
  return text[0].toUpperCase() + text.slice(1)
}
