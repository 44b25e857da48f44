// @vitest-environment node
// Blend modes against the W3C Compositing and Blending Level 1 formulas, worked by hand for a few values, and
// through a stack layer (out = backdrop + (blended - backdrop) x opacity).
import { describe, expect, it } from 'vitest'
import { BLEND_MODES, blendNonSeparable, SEPARABLE_BLENDS, type BlendMode } from '../../../src/engine/blend'
import { applyStack } from '../../../src/engine/stack'
import type { FloatImage } from '../../../src/engine/types'

// [cb, cs, B(cb, cs)] worked from the specification's definitions.
const WORKED: Record<Exclude<BlendMode, 'luminosity' | 'color'>, readonly (readonly [number, number, number])[]> = {
  normal: [[0.3, 0.6, 0.6]],
  multiply: [[0.5, 0.4, 0.2]],
  // cb + cs - cb cs
  screen: [[0.5, 0.4, 0.7]],
  // HardLight(cs, cb): cb <= 0.5: cs x 2cb; else screen(cs, 2cb - 1)
  overlay: [[0.3, 0.6, 0.36], [0.8, 0.6, 0.84]],
  darken: [[0.3, 0.6, 0.3]],
  lighten: [[0.3, 0.6, 0.6]],
  // cb = 0: 0; cs = 1: 1; else min(1, cb / (1 - cs))
  'color-dodge': [[0.3, 0.6, 0.75], [0.5, 0.6, 1], [0, 0.6, 0], [0.3, 1, 1]],
  // cb = 1: 1; cs = 0: 0; else 1 - min(1, (1 - cb) / cs)
  'color-burn': [[0.7, 0.6, 0.5], [0.2, 0.6, 0], [1, 0, 1], [0.5, 0, 0]],
  // cs <= 0.5: cb x 2cs; else screen(cb, 2cs - 1)
  'hard-light': [[0.6, 0.3, 0.36], [0.6, 0.8, 0.84]],
  // cs <= 0.5: cb - (1 - 2cs) cb (1 - cb); else cb + (2cs - 1)(D(cb) - cb), D = ((16cb - 12)cb + 4)cb or sqrt(cb)
  'soft-light': [[0.5, 0.25, 0.375], [0.16, 0.75, 0.279168], [0.64, 0.75, 0.72]],
  difference: [[0.3, 0.8, 0.5]],
  exclusion: [[0.3, 0.8, 0.62]]
}

describe('separable blend modes', () => {
  for (const [mode, cases] of Object.entries(WORKED)) {
    it(`${mode} follows the specification`, () => {
      const fn = SEPARABLE_BLENDS[mode as keyof typeof WORKED]
      for (const [cb, cs, expected] of cases) expect(fn(cb, cs)).toBeCloseTo(expected, 12)
    })
  }
})

describe('non-separable blend modes', () => {
  const out = [0, 0, 0]
  it('luminosity is SetLum(Cb, Lum(Cs)), with Lum = 0.3 R + 0.59 G + 0.11 B', () => {
    // Lum(Cs) = 0.576, Lum(Cb) = 0.362: every channel of Cb moves up by 0.214, none leaves 0..1.
    blendNonSeparable('luminosity', 0.2, 0.4, 0.6, 0.9, 0.5, 0.1, out)
    out.forEach((v, i) => expect(v).toBeCloseTo([0.414, 0.614, 0.814][i], 12))
    // Lum(Cs) = 0.95 takes Cb = (0.9, 0.9, 0.1) to (1.038, 1.038, 0.238): ClipColor pulls it towards L = 0.95 by
    // (1 - L) / (max - L) = 0.05 / 0.088.
    blendNonSeparable('luminosity', 0.9, 0.9, 0.1, 0.95, 0.95, 0.95, out)
    out.forEach((v, i) => expect(v).toBeCloseTo([1, 1, 0.95 - 0.712 * (0.05 / 0.088)][i], 12))
  })

  it('color is SetLum(Cs, Lum(Cb)), clipped below 0 towards the luminosity', () => {
    // Cs moves down by 0.214 to (0.686, 0.286, -0.114); ClipColor scales by L / (L - min) = 0.362 / 0.476.
    blendNonSeparable('color', 0.2, 0.4, 0.6, 0.9, 0.5, 0.1, out)
    const f = 0.362 / 0.476
    out.forEach((v, i) => expect(v).toBeCloseTo([0.362 + 0.324 * f, 0.362 - 0.076 * f, 0][i], 12))
  })
})

describe('a blended layer', () => {
  // A 1x1 layer whose kernel halves the image: the source is half the backdrop.
  const pixel = (r: number, g: number, b: number): FloatImage => ({ width: 1, height: 1, channels: 3, depth: 8, data: Float32Array.of(r, g, b) })
  const backdrop = [153, 51, 204]

  it('gives backdrop + (B(backdrop, source) - backdrop) x opacity for every mode', () => {
    for (const blend of BLEND_MODES) {
      for (const opacity of [1, 0.4]) {
        const out = applyStack(pixel(backdrop[0], backdrop[1], backdrop[2]), [{ kernel: '0.5', blend, opacity }])
        const b = backdrop.map((v) => v / 255)
        const s = b.map((v) => Math.fround(v * 127.5) / 255)
        let blended: number[]
        if (blend === 'luminosity' || blend === 'color') {
          const rgb = [0, 0, 0]
          blendNonSeparable(blend, b[0], b[1], b[2], s[0], s[1], s[2], rgb)
          blended = rgb
        } else {
          blended = b.map((v, i) => SEPARABLE_BLENDS[blend](v, s[i]))
        }
        const expected = backdrop.map((v, i) => v + (blended[i] * 255 - v) * opacity)
        Array.from(out.data).forEach((v, i) => expect(v, `${blend} ${opacity}`).toBeCloseTo(expected[i], 3))
      }
    }
  })

  it('shows the source unblended where the backdrop is fully transparent, as the specification mixes by its alpha', () => {
    // The middle pixel is transparent; the kernel averages its neighbours into it, alpha included.
    const image: FloatImage = { width: 3, height: 1, channels: 4, depth: 8, data: Float32Array.of(200, 100, 50, 255, 10, 10, 10, 0, 200, 100, 50, 255) }
    const out = applyStack(image, [{ kernel: '1 0 1', divisor: 2, blend: 'multiply' }])
    expect(Array.from(out.data.subarray(4, 8))).toEqual([200, 100, 50, 255])
    // Where the backdrop is opaque, multiply applies: 200/255 x 200/255 of 255.
    expect(out.data[0]).toBeCloseTo((200 * 200) / 255, 3)
  })
})
