// @vitest-environment node
// A mask's rows shared by the threads (mask-rows.ts): the spans and values maskRow makes, copied out and back to
// the bit at either parity; one set of rows per mask and size, kept for several masks, none for masks that read
// the image or are inverted; rows past the room left made on every run; and through runStack: made by the first
// run that asks for them again, read by the next (the same bytes on 0 and 2 threads, and from two runs making them
// at once); none for the first run with a mask.
import { describe, expect, it } from 'vitest'
import { readSharedRow, sharedMaskRows, writeSharedRow, type SharedMaskRows } from '../../../src/engine/fast/mask-rows'
import { maskRow, planMask, type LayerMask, type MaskSpan } from '../../../src/engine/mask'
import type { FilterSpec } from '../../../src/engine/types'
import { runStack } from '../../../src/runtime/run-stack'
import { compare, referenceResult, smoothIntImage } from './helpers'

// Feathered little enough that rows start and end at pixels of both parities, zero past their ends.
const ELLIPSE: LayerMask = { shapes: [{ type: 'ellipse', cx: 0.45, cy: 0.5, rx: 0.3, ry: 0.35 }], feather: 0.02 }
const GRADIENT: LayerMask = { shapes: [{ type: 'gradient', x0: 0.3, y0: 0.1, x1: 0.7, y1: 0.6 }] }
const BRUSH: LayerMask = { shapes: [{ type: 'brush', points: [[0.2, 0.3], [0.6, 0.7]], radius: 0.1, hardness: 0.4 }] }
const newSpan = (): MaskSpan => ({ start: 0, end: 0, onesStart: 0, onesEnd: 0 })
const isEdge = (span: MaskSpan, x: number): boolean => (x >= span.start && x < span.onesStart) || (x >= span.onesEnd && x < span.end)

describe('shared mask rows', () => {
  it("give back maskRow's spans and values to the bit, for feathered and plain masks", () => {
    const [width, height] = [203, 131]
    for (const mask of [ELLIPSE, GRADIENT, BRUSH]) {
      const plan = planMask(mask, width, height, null)
      // Not the first time a mask is asked for (it may be one being edited), from the second on.
      expect(sharedMaskRows(plan)).toBeNull()
      const rows = sharedMaskRows(plan)
      if (!rows) throw new Error('a mask that does not read the image has shared rows')
      const expected = new Float32Array(width)
      const parities = new Set<number>()
      let edge = 0
      let ones = 0
      for (let y = 0; y < height; y++) {
        const made = newSpan()
        maskRow(plan, y, expected, null, null, made)
        expect(readSharedRow(rows, y, newSpan(), new Float32Array(width))).toBe(false)
        writeSharedRow(rows, y, made, expected)
        // Read into a row whose other pixels are 7: only the edge pixels are written.
        const span = newSpan()
        const back = new Float32Array(width).fill(7)
        expect(readSharedRow(rows, y, span, back)).toBe(true)
        expect(span, `${JSON.stringify(mask)} row ${y}`).toEqual(made)
        for (let x = 0; x < width; x++) {
          expect(back[x], `${JSON.stringify(mask)} (${x}, ${y})`).toBe(isEdge(span, x) ? expected[x] : 7)
          if (isEdge(span, x)) edge++
        }
        ones += span.onesEnd - span.onesStart
        // Narrowed: no value under 2^-10 at either end (it would change no pixel).
        if (span.end > span.start) expect(Math.min(back[span.start], back[span.end - 1])).toBeGreaterThanOrEqual(1 / 1024)
        if (span.onesStart > span.start) parities.add(span.start & 1)
        if (span.end > span.onesEnd) parities.add(2 + (span.onesEnd & 1))
      }
      expect(edge).toBeGreaterThan(1000)
      // Parts start at pixels of both parities (the copies keep each at its pixel's parity).
      if (mask === ELLIPSE) expect([...parities].sort()).toEqual([0, 1, 2, 3])
      // A gradient's 1s past its far end are a run of 1s (no mask there), its 0s before it outside the span.
      if (mask === GRADIENT) expect(ones).toBeGreaterThan(height * 10)
    }
  })

  it('are one set per mask and size, kept for several masks, none for masks that read the image or are inverted', () => {
    const twice = (mask: LayerMask, width: number): SharedMaskRows | null => {
      sharedMaskRows(planMask(mask, width, 80, null))
      return sharedMaskRows(planMask(mask, width, 80, null))
    }
    const ellipse = twice(ELLIPSE, 120)
    const gradient = twice(GRADIENT, 120)
    expect(ellipse).not.toBeNull()
    expect(gradient).not.toBeNull()
    expect(gradient).not.toBe(ellipse)
    // Taking turns, each mask finds its own rows again.
    expect(sharedMaskRows(planMask(ELLIPSE, 120, 80, null))).toBe(ellipse)
    expect(sharedMaskRows(planMask(GRADIENT, 120, 80, null))).toBe(gradient)
    expect(twice(GRADIENT, 121)).not.toBe(gradient)
    expect(twice({ ...ELLIPSE, invert: true }, 120)).toBeNull()
    const tones: LayerMask = { shapes: [{ type: 'tones', from: 0.2, to: 0.6, soft: 0.1 }] }
    sharedMaskRows(planMask(tones, 120, 80, () => undefined))
    expect(sharedMaskRows(planMask(tones, 120, 80, () => undefined))).toBeNull()
  })

  it('leave a row past the room left to be made on every run', () => {
    const rows: SharedMaskRows = {
      spans: new Int32Array(new SharedArrayBuffer(2 * 5 * 4)),
      values: new Float32Array(new SharedArrayBuffer(12 * 4)),
      state: new Int32Array(new SharedArrayBuffer(3 * 4))
    }
    const mask = Float32Array.from({ length: 16 }, (_, x) => x / 16)
    const span: MaskSpan = { start: 2, end: 14, onesStart: 6, onesEnd: 10 }
    writeSharedRow(rows, 0, span, mask)
    expect(readSharedRow(rows, 0, newSpan(), new Float32Array(16))).toBe(true)
    // 8 values and 2 of room: row 1 no longer fits in 12.
    writeSharedRow(rows, 1, span, mask)
    expect(readSharedRow(rows, 1, newSpan(), new Float32Array(16))).toBe(false)
    writeSharedRow(rows, 1, span, mask)
    expect(readSharedRow(rows, 1, newSpan(), new Float32Array(16))).toBe(false)
  })

  it('give the same bytes when two runs make the same rows at once', async () => {
    const image = smoothIntImage(12, 89, 67, 3)
    const mask: LayerMask = { shapes: [{ type: 'ellipse', cx: 0.5, cy: 0.45, rx: 0.3, ry: 0.3 }], feather: 0.04 }
    const filters: FilterSpec[] = [{ preset: 'sharpen', blend: 'luminosity', channels: 'luminance', mask }]
    // Asked for once before, so both runs below find the rows and make them at once.
    sharedMaskRows(planMask(mask, image.width, image.height, null))
    const [a, b] = await Promise.all([runStack(image, filters, { engine: { threads: 2 } }), runStack(image, filters, { engine: { threads: 2 } })])
    const after = await runStack(image, filters, { engine: { threads: 2 } })
    expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(true)
    expect(Buffer.from(after.data).equals(Buffer.from(a.data))).toBe(true)
    expect(compare(a, referenceResult(image, filters)).max).toBeLessThanOrEqual(1)
  })

  it('are made by the second run of a layer and read by the next ones, on any number of threads', async () => {
    const image = smoothIntImage(11, 97, 71, 3)
    for (const mask of [{ ...ELLIPSE, feather: 0.05 }, GRADIENT]) {
      const filters: FilterSpec[] = [{ preset: 'sharpen', blend: 'overlay', channels: 'luminance', mask }]
      // The first run with the mask makes its rows for itself alone (asking for them here is the second time: they
      // are then made, all of them empty), the second run stores them.
      const first = await runStack(image, filters, { engine: { threads: 0 } })
      expect(compare(first, referenceResult(image, filters)).max).toBeLessThanOrEqual(1)
      const rows = sharedMaskRows(planMask(mask, image.width, image.height, null))
      if (!rows) throw new Error('the mask has shared rows')
      const stored = (): boolean[] => Array.from({ length: image.height }, (_, y) => readSharedRow(rows, y, newSpan(), new Float32Array(image.width)))
      expect(stored().some(Boolean)).toBe(false)
      const second = await runStack(image, filters, { engine: { threads: 0 } })
      expect(Buffer.from(second.data).equals(Buffer.from(first.data))).toBe(true)
      expect(stored().every(Boolean)).toBe(true)
      for (const threads of [0, 2]) {
        const again = await runStack(image, filters, { engine: { threads } })
        expect(Buffer.from(again.data).equals(Buffer.from(first.data)), `threads ${threads}`).toBe(true)
      }
      // The same mask made on every run (a tones shape reads the image; the image has no white pixel, so it adds
      // nothing), whose spans are not narrowed: the same bytes.
      for (let p = 0; p < image.width * image.height; p++) expect(image.data[3 * p] + image.data[3 * p + 1] + image.data[3 * p + 2]).toBeLessThan(765)
      const unshared: LayerMask = { ...mask, shapes: [...mask.shapes, { type: 'tones', from: 1, to: 1, soft: 0 }] }
      const made = await runStack(image, [{ ...filters[0], mask: unshared }], { engine: { threads: 2 } })
      expect(Buffer.from(made.data).equals(Buffer.from(first.data))).toBe(true)
      // Rows once made are read, not made again: with their values set to 0 the edges come back as the backdrop.
      rows.values.fill(0)
      const read = await runStack(image, filters, { engine: { threads: 2 } })
      let edges = 0
      for (let y = 0; y < image.height; y++) {
        const span = newSpan()
        readSharedRow(rows, y, span, new Float32Array(image.width))
        for (let x = 0; x < image.width; x++) {
          if (!isEdge(span, x)) continue
          edges++
          const p = y * image.width + x
          for (let c = 0; c < 3; c++) expect(read.data[3 * p + c], `(${x}, ${y})`).toBe(image.data[3 * p + c])
        }
      }
      expect(edges).toBeGreaterThan(1000)
    }
  })
})
