// @vitest-environment node
// A stack with `stretch` filters run on a part of the image, given the whole image's ranges (explain's local path),
// gives the same samples as the whole-image run there.
import { describe, expect, it } from 'vitest'
import { planConvolution, signedRange } from '../../../src/engine/convolve'
import { applyResolved, resolveStack } from '../../../src/engine/stack'
import type { FloatImage } from '../../../src/engine/types'
import { randomImage, rng } from '../../helpers/random'

/** Rows y0..y1-1 and columns x0..x1-1 of `image`. */
function crop(image: FloatImage, x0: number, y0: number, x1: number, y1: number): FloatImage {
  const { channels } = image
  const data = new Float32Array((x1 - x0) * (y1 - y0) * channels)
  for (let y = y0; y < y1; y++) data.set(image.data.subarray((y * image.width + x0) * channels, (y * image.width + x1) * channels), (y - y0) * (x1 - x0) * channels)
  return { ...image, width: x1 - x0, height: y1 - y0, data }
}

describe('applyResolved with stretchRanges', () => {
  it('maps a part of the image by the whole image ranges, as the whole-image run does', () => {
    const image = randomImage(rng(7), 40, 30, 3, 8)
    const active = resolveStack([
      { preset: 'sobel', signed: 'stretch' },
      { preset: 'box-blur', params: { size: 3 } },
      { preset: 'laplacian', signed: 'stretch' }
    ])
    const whole = applyResolved(image, active)
    const second = applyResolved(image, active.slice(0, 2))
    const measure = (input: FloatImage, i: number) => signedRange(input, planConvolution(input, active[i].kernel, active[i].options))
    const ranges = new Map([
      [0, measure(image, 0)],
      [2, measure(second, 2)]
    ])
    // Rows and columns 5 away from the part's edges read only pixels inside it (3 filters of reach 1).
    const part = applyResolved(crop(image, 10, 8, 30, 24), active, { stretchRanges: ranges })
    expect(Array.from(crop(part, 3, 3, 17, 13).data)).toEqual(Array.from(crop(whole, 13, 11, 27, 21).data))
    // Without the ranges the part measures its own and maps differently.
    const own = applyResolved(crop(image, 10, 8, 30, 24), active)
    expect(Array.from(crop(own, 3, 3, 17, 13).data)).not.toEqual(Array.from(crop(whole, 13, 11, 27, 21).data))
  })
})
