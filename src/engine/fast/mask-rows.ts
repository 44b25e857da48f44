// Fast paths: a mask's rows made once and shared by every thread and run, instead of each thread making them again
// on every run (a preview loop or a batch applies the same mask again and again). Per image row: its span (where
// the mask is 0 and 1) and its values where it is neither, made by the first thread that composites the row (as
// the reference's maskRow makes them, to the bit) and copied by the others, from the second run with the mask on.
// Masks that read the image (`tones`) and inverted ones are made on every run.
import { ROW_SPAN_INTS, SHARED_ROWS_MAX_BYTES, type MaskPlan, type MaskSpan } from '../mask'

/** The shared rows of one mask at one size; plain data on shared memory (posted to the threads, not copied). */
export interface SharedMaskRows {
  /** Per row: start, end, onesStart, onesEnd, and where its first part's values start in `values`. */
  readonly spans: Int32Array
  /** Rows' values where the mask is neither 0 nor 1, [start, onesStart) then [onesEnd, end), as rows come. */
  readonly values: Float32Array
  /** Per row: 0 not made, 2 being made, 1 made, 3 not kept (no room); then the next free index of `values`. */
  readonly state: Int32Array
}

const ROW_INTS = ROW_SPAN_INTS + 1
const MADE = 1
const MAKING = 2
const NO_ROOM = 3

/**
 * The rows of the last masks asked for, the latest first: as many as a stack's masked layers ask for in a run (a
 * run with more than are kept would make every one again), the older dropped past KEPT_BYTES of values made.
 */
const kept: { readonly key: string; readonly rows: SharedMaskRows }[] = []
const KEPT_MASKS = 8
const KEPT_BYTES = 2 * SHARED_ROWS_MAX_BYTES

/** What identifies the rows of `plan`, or null when they are not shared (they read the image, or are inverted). */
function rowsKey(plan: MaskPlan): string | null {
  if (plan.needsLuminance || plan.invert) return null
  if (plan.coarse) return plan.coarse.key || null
  return `${plan.width}x${plan.height} ${JSON.stringify(plan.shapes)}`
}

/**
 * Masks asked for once, the latest first: a mask being edited (a brush stroke, a dragged shape) changes on every
 * run, and storing rows no run reads again would cost it their memory's first touch (about 50 ms at 12 MP).
 */
const seen: string[] = []
const SEEN_MASKS = 16

/**
 * The shared rows of `plan`, kept for the next runs with the same mask and size, from the second time it is asked
 * for; null the first time, and for masks whose rows are not shared (see rowsKey).
 */
export function sharedMaskRows(plan: MaskPlan): SharedMaskRows | null {
  const key = rowsKey(plan)
  if (key === null) return null
  const at = kept.findIndex((k) => k.key === key)
  if (at >= 0) {
    const [entry] = kept.splice(at, 1)
    kept.unshift(entry)
    return entry.rows
  }
  const before = seen.indexOf(key)
  if (before < 0) {
    seen.unshift(key)
    seen.length = Math.min(seen.length, SEEN_MASKS)
    return null
  }
  seen.splice(before, 1)
  const { width, height } = plan
  // Room for every pixel (and two floats a row, see rightOffset) up to the cap; memory is only used as rows come.
  const capacity = Math.min(width * height + 2 * height, SHARED_ROWS_MAX_BYTES / 4)
  const rows: SharedMaskRows = {
    spans: new Int32Array(new SharedArrayBuffer(height * ROW_INTS * 4)),
    values: new Float32Array(new SharedArrayBuffer(capacity * 4)),
    state: new Int32Array(new SharedArrayBuffer((height + 1) * 4))
  }
  kept.unshift({ key, rows })
  let bytes = 0
  for (let i = 0; i < kept.length; i++) {
    const state = kept[i].rows.state
    bytes += Math.min(Atomics.load(state, state.length - 1), kept[i].rows.values.length) * 4
    if (i >= KEPT_MASKS || bytes > KEPT_BYTES) kept.length = i
  }
  return rows
}

/**
 * Where a row's second part starts, its first starting at `left`: each part at the parity of its first pixel, so
 * a copy to or from a row buffer aligned to 8 bytes runs 8 bytes at a time (copies of shared memory go byte by
 * byte otherwise, about 3x slower). A row takes two floats more than its values for this.
 */
function rightOffset(left: number, span: MaskSpan): number {
  const end = left + span.onesStart - span.start
  return end + ((end ^ span.onesEnd) & 1)
}

/**
 * Row `y`'s span into `span` and its values into `mask` (indexed by pixel, 8-byte aligned; its other pixels are
 * left as they are) when some thread has made it; false otherwise.
 */
export function readSharedRow(rows: SharedMaskRows, y: number, span: MaskSpan, mask: Float32Array): boolean {
  if (Atomics.load(rows.state, y) !== MADE) return false
  const s = y * ROW_INTS
  span.start = rows.spans[s]
  span.end = rows.spans[s + 1]
  span.onesStart = rows.spans[s + 2]
  span.onesEnd = rows.spans[s + 3]
  const left = rows.spans[s + 4]
  const right = rightOffset(left, span)
  mask.set(rows.values.subarray(left, left + span.onesStart - span.start), span.start)
  mask.set(rows.values.subarray(right, right + span.end - span.onesEnd), span.onesEnd)
  return true
}

/**
 * Below this a mask value changes no pixel: with k = opacity x mask under 2^-10, backdrop x (1 - k) + blended x k
 * is within 0.25 of the backdrop (both in 0..255), so it rounds to the backdrop in f32 and f64 alike.
 */
const NO_CHANGE = 1 / 1024

/**
 * Narrows a row's span: values under NO_CHANGE at either end go outside it, and where it has no run of 1s (a
 * gradient, a brush, a feathered shape's rim) its longest run of 1s becomes its run of 1s. The composite then
 * copies the backdrop or leaves the mask out there: the same bytes.
 */
function narrowSpan(span: MaskSpan, mask: Float32Array): void {
  const ones = span.onesEnd > span.onesStart
  let start = span.start
  let end = span.end
  while (start < (ones ? span.onesStart : end) && mask[start] < NO_CHANGE) start++
  while (end > (ones ? span.onesEnd : start) && mask[end - 1] < NO_CHANGE) end--
  span.start = start
  span.end = end
  if (ones) return
  let ones0 = start
  let ones1 = start
  for (let x = start, run = 0; x < end; x++) {
    run = mask[x] === 1 ? run + 1 : 0
    if (run > ones1 - ones0) {
      ones0 = x - run + 1
      ones1 = x + 1
    }
  }
  span.onesStart = ones0
  span.onesEnd = ones1
}

/**
 * Stores row `y` (its span, narrowed as {@link narrowSpan} says, and its values in `mask` as {@link readSharedRow}
 * reads them) for the other threads and runs, unless another thread is storing it or there is no room left (the
 * row is then made on every run). `span` must cover every pixel whose value is not 0, and `mask` hold the values
 * of the whole span where it has no run of 1s.
 */
export function writeSharedRow(rows: SharedMaskRows, y: number, span: MaskSpan, mask: Float32Array): void {
  narrowSpan(span, mask)
  if (Atomics.compareExchange(rows.state, y, 0, MAKING) !== 0) return
  const count = span.onesStart - span.start + (span.end - span.onesEnd)
  const base = Atomics.add(rows.state, rows.state.length - 1, count + 2)
  if (base + count + 2 > rows.values.length) {
    Atomics.store(rows.state, y, NO_ROOM)
    return
  }
  const left = base + ((base ^ span.start) & 1)
  const right = rightOffset(left, span)
  rows.values.set(mask.subarray(span.start, span.onesStart), left)
  rows.values.set(mask.subarray(span.onesEnd, span.end), right)
  const s = y * ROW_INTS
  rows.spans[s] = span.start
  rows.spans[s + 1] = span.end
  rows.spans[s + 2] = span.onesStart
  rows.spans[s + 3] = span.onesEnd
  rows.spans[s + 4] = left
  Atomics.store(rows.state, y, MADE)
}
