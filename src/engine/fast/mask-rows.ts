// Fast paths: a kept feathered mask's rows, made once and shared by every thread and run, instead of each thread
// interpolating them from the grid on every run (a preview loop or a batch applies the same mask again and
// again). Per image row: its span, found when the rows are set up, and its values where it is neither 0 nor 1
// ([start, onesStart) then [onesEnd, end)), made by the first thread that composites the row (lerpMask, to the
// bit as maskRow makes them) and copied by the others.
import { coarseSpans, ROW_SPAN_INTS, SHARED_ROWS_MAX_BYTES, type CoarseMask, type MaskSpan } from '../mask'

/** The shared rows of one mask at one size; plain data on shared memory (posted to the threads, not copied). */
export interface SharedMaskRows {
  /** start, end, onesStart, onesEnd per row. */
  readonly spans: Int32Array
  /** Where row y's values start in `values` (height + 1 entries). */
  readonly offsets: Int32Array
  readonly values: Float32Array
  /** 1 once row y's values are stored (read and set with Atomics). */
  readonly made: Int32Array
}

let last: { readonly key: string; readonly rows: SharedMaskRows } | null = null

/**
 * The shared rows of the kept feathered mask `coarse` on a width x height image (those of the last mask asked for
 * are kept), or null when the mask is not kept between runs or its values are too large.
 */
export function sharedMaskRows(coarse: CoarseMask, width: number, height: number): SharedMaskRows | null {
  if (!coarse.key) return null
  if (last?.key === coarse.key) return last.rows
  last = null
  const spans = coarseSpans(coarse, width, height)
  const offsets = new Int32Array(new SharedArrayBuffer((height + 1) * 4))
  for (let y = 0, s = 0; y < height; y++, s += ROW_SPAN_INTS) {
    offsets[y + 1] = offsets[y] + (spans[s + 2] - spans[s]) + (spans[s + 1] - spans[s + 3]) + 2
  }
  // Rows of masks whose values would take more are interpolated on every run instead.
  if (offsets[height] * 4 > SHARED_ROWS_MAX_BYTES) return null
  const sharedSpans = new Int32Array(new SharedArrayBuffer(spans.byteLength))
  sharedSpans.set(spans)
  const rows: SharedMaskRows = {
    spans: sharedSpans,
    offsets,
    values: new Float32Array(new SharedArrayBuffer(Math.max(4, offsets[height] * 4))),
    made: new Int32Array(new SharedArrayBuffer(height * 4))
  }
  last = { key: coarse.key, rows }
  return rows
}

/** Row `y`'s span into `span`. */
export function sharedRowSpan(rows: SharedMaskRows, y: number, span: MaskSpan): void {
  const s = y * ROW_SPAN_INTS
  span.start = rows.spans[s]
  span.end = rows.spans[s + 1]
  span.onesStart = rows.spans[s + 2]
  span.onesEnd = rows.spans[s + 3]
}

/**
 * Where row `y`'s two parts start in `values`: each at the parity of its first pixel, so that a copy to or from a
 * row buffer aligned to 8 bytes runs 8 bytes at a time (copies of shared memory go byte by byte otherwise, about
 * 3x slower). A row has two floats of room for this.
 */
function partOffsets(rows: SharedMaskRows, y: number, span: MaskSpan): readonly [number, number] {
  const left = rows.offsets[y] + ((rows.offsets[y] ^ span.start) & 1)
  const end = left + span.onesStart - span.start
  return [left, end + ((end ^ span.onesEnd) & 1)]
}

/**
 * Copies row `y`'s values into `mask` (indexed by pixel, 8-byte aligned) when some thread has made them; false
 * otherwise.
 */
export function readSharedRow(rows: SharedMaskRows, y: number, span: MaskSpan, mask: Float32Array): boolean {
  if (Atomics.load(rows.made, y) !== 1) return false
  const [left, right] = partOffsets(rows, y, span)
  mask.set(rows.values.subarray(left, left + span.onesStart - span.start), span.start)
  mask.set(rows.values.subarray(right, right + span.end - span.onesEnd), span.onesEnd)
  return true
}

/**
 * Stores row `y`'s values from `mask` (as {@link readSharedRow} reads them) for the other threads and runs. Two
 * threads that make the same row at once store the same values.
 */
export function writeSharedRow(rows: SharedMaskRows, y: number, span: MaskSpan, mask: Float32Array): void {
  const [left, right] = partOffsets(rows, y, span)
  rows.values.set(mask.subarray(span.start, span.onesStart), left)
  rows.values.set(mask.subarray(span.onesEnd, span.end), right)
  Atomics.store(rows.made, y, 1)
}
