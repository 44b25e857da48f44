// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { inspectLayer } from '../../../src/engine/inspect-layer'
import { toFloat, toInt } from '../../../src/engine/image'
import { applyStack, resolveFilter } from '../../../src/engine/stack'
import type { FilterSpec } from '../../../src/engine/types'
import { randomIntImage } from '../fast/helpers'

describe('inspectLayer', () => {
  it('ends on the value applyStack gives at that pixel, for every setting', () => {
    const image = toFloat(randomIntImage(3, 17, 13, 4))
    const specs: FilterSpec[] = [
      { preset: 'sharpen', channels: 'luminance', blend: 'overlay', opacity: 0.7, mask: { shapes: [{ type: 'ellipse', cx: 0.5, cy: 0.5, rx: 0.4, ry: 0.4 }], feather: 0.1 } },
      { preset: 'box-blur', channels: 'b', light: 'linear', blend: 'color', mode: 'full', border: 'zero' },
      { kernel: '1 2 1', divisor: 4, blend: 'difference', mask: { shapes: [{ type: 'tones', from: 0.2, to: 0.6, soft: 0.1 }] } }
    ]
    for (const spec of specs) {
      const filter = resolveFilter(spec)
      const expected = toInt(applyStack(image, [spec]))
      for (const [row, col] of [[0, 0], [6, 8], [12, 16]]) {
        const got = inspectLayer(image, filter, filter.effects!, { row, col })
        const p = (row * expected.width + col) * 4
        expect(got.value).toEqual(Array.from(expected.data.subarray(p, p + 4)))
      }
    }
  })
})
