// Runs in Node (engine worker threads, and the calling thread for small images): how the engine reads source rows
// from an open file (BandIO.srcFile), which it cannot do itself (src/engine has no I/O).
import { readSync } from 'node:fs'
import type { FileReader } from '../engine/fast/band'

/** Reads all of `into` from `fd` at `position`, in as many reads as the file system needs; throws at its end. */
export const readFileRows: FileReader = (fd, into, position) => {
  for (let at = 0; at < into.length; ) {
    const read = readSync(fd, into, at, into.length - at, position + at)
    if (read === 0) throw new Error(`the source file ended ${position + at} bytes in, before the rows it should hold`)
    at += read
  }
}
