// @vitest-environment node
// A kept feathered mask's rows shared by the threads (mask-rows.ts): the spans coarseRow finds, the values maskRow
// makes copied out and back to the bit at either parity, one set of rows per mask and size, and through runStack:
// made by the first run, read by the next (the same bytes on 0 and 2 threads).
import { describe, expect, it } from 'vitest'
import { readSharedRow, sharedMaskRows, sharedRowSpan, writeSharedRow } from '../../../src/engine/fast/mask-rows'
import { coarseRow, maskRow, planMask, type LayerMask, type MaskSpan } from '../../../src/engine/mask'
import type { FilterSpec } from '../../../src/engine/types'
import { runStack } from '../../../src/runtime/run-stack'
import { compare, referenceResult, smoothIntImage } from './helpers'

// Feathered little enough that rows start and end at pixels of both parities, zero past their ends.
const MASK: LayerMask = { shapes: [{ type: 'ellipse', cx: 0.45, cy: 0.5, rx: 0.3, ry: 0.35 }], feather: 0.02 }
const newSpan = (): MaskSpan => ({ start: 0, end: 0, onesStart: 0, onesEnd: 0 })

describe('shared mask rows', () => {
  it("hold coarseRow's spans and give back maskRow's values to the bit, one set per mask and size", () => {
    const [width, height] = [203, 131]
    const plan = planMask(MASK, width, height, null)
    if (!plan.coarse) throw new Error('a feathered plan has a grid')
    const rows = sharedMaskRows(plan.coarse, width, height)
    if (!rows) throw new Error('a kept mask has shared rows')
    expect(sharedMaskRows(plan.coarse, width, height)).toBe(rows)
    expect(sharedMaskRows({ ...plan.coarse, key: '' }, width, height)).toBeNull()
    const line = new Float32Array(plan.coarse.width)
    const expected = new Float32Array(width)
    let edge = 0
    for (let y = 0; y < height; y++) {
      const span = newSpan()
      const found = newSpan()
      sharedRowSpan(rows, y, span)
      coarseRow(plan.coarse, width, y, line, found)
      expect(span, `row ${y}`).toEqual(found)
      maskRow(plan, y, expected, null)
      expect(readSharedRow(rows, y, span, new Float32Array(width))).toBe(false)
      writeSharedRow(rows, y, span, expected)
      // Read into a row whose other pixels are 7: only the edge pixels are written.
      const back = new Float32Array(width).fill(7)
      expect(readSharedRow(rows, y, span, back)).toBe(true)
      for (let x = 0; x < width; x++) {
        const isEdge = (x >= span.start && x < span.onesStart) || (x >= span.onesEnd && x < span.end)
        expect(back[x], `(${x}, ${y})`).toBe(isEdge ? expected[x] : 7)
        if (isEdge) edge++
      }
    }
    expect(edge).toBeGreaterThan(1000)
    // Rows start at both parities on both sides (the copies keep each part at its pixel's parity).
    const starts = new Set<number>()
    for (let y = 0; y < height; y++) {
      const span = newSpan()
      sharedRowSpan(rows, y, span)
      if (span.onesStart > span.start) starts.add(span.start & 1)
      if (span.end > span.onesEnd) starts.add(2 + (span.onesEnd & 1))
    }
    expect([...starts].sort()).toEqual([0, 1, 2, 3])
  })

  it('are made by the first run of a layer and read by the next ones, on any number of threads', async () => {
    const image = smoothIntImage(11, 97, 71, 3)
    const mask: LayerMask = { ...MASK, feather: 0.05 }
    const filters: FilterSpec[] = [{ preset: 'sharpen', blend: 'overlay', channels: 'luminance', mask }]
    const first = await runStack(image, filters, { engine: { threads: 0 } })
    expect(compare(first, referenceResult(image, filters)).max).toBeLessThanOrEqual(1)
    const plan = planMask(mask, image.width, image.height, null)
    const rows = plan.coarse && sharedMaskRows(plan.coarse, image.width, image.height)
    if (!rows) throw new Error('a kept mask has shared rows')
    expect([...rows.made].every((made) => made === 1)).toBe(true)
    for (const threads of [0, 2]) {
      const again = await runStack(image, filters, { engine: { threads } })
      expect(Buffer.from(again.data).equals(Buffer.from(first.data)), `threads ${threads}`).toBe(true)
    }
    // Rows once made are read, not made again: with their values set to 0 the edges come back as the backdrop.
    rows.values.fill(0)
    const read = await runStack(image, filters, { engine: { threads: 2 } })
    let edges = 0
    for (let p = 0; p < image.width * image.height; p++) {
      const y = Math.floor(p / image.width)
      const x = p % image.width
      const span = newSpan()
      sharedRowSpan(rows, y, span)
      const isEdge = (x >= span.start && x < span.onesStart) || (x >= span.onesEnd && x < span.end)
      if (!isEdge) continue
      edges++
      for (let c = 0; c < 3; c++) expect(read.data[3 * p + c], `(${x}, ${y})`).toBe(image.data[3 * p + c])
    }
    expect(edges).toBeGreaterThan(1000)
  })
})
