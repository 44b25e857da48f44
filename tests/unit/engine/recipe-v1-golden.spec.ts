// @vitest-environment node
// Version 1 recipes keep giving the bytes they gave before recipe version 2 (per-layer channels, light, blend and
// mask) existed: the hashes below were computed with the engine as it was before those fields were added.
// The cases avoid what issue 11 changes on purpose (transparent pixels, 16-bit FFT), so only a regression moves them.
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { toFloat, toInt } from '../../../src/engine/image'
import { parseRecipe } from '../../../src/engine/recipe'
import { applyStack } from '../../../src/engine/stack'
import type { IntImage } from '../../../src/engine/types'
import { runStack } from '../../../src/runtime/run-stack'
import { randomIntImage, smoothIntImage } from '../fast/helpers'

const RECIPE_V1 = JSON.stringify({
  format: 'kernel-studio/stack',
  version: 1,
  filters: [
    { preset: 'gaussian-blur', params: { size: 5, sigma: 1.0 } },
    { kernel: [[0, -1, 0], [-1, 5, -1], [0, -1, 0]], border: 'extend', opacity: 0.6 },
    { preset: 'edge-detect', enabled: false },
    { kernel: '1/9 1/9 1/9; 1/9 1/9 1/9; 1/9 1/9 1/9', opacity: 0.5, border: 'reflect' },
    { preset: 'unsharp-mask', params: { size: 5, sigma: 1, amount: 1.5 }, mode: 'valid' },
    { kernel: '1 2 1', divisor: 4, mode: 'full', border: 'wrap', flip: true }
  ]
})

// Integer kernels on 8-bit images run exactly on the fast paths too.
const RECIPE_V1_INTEGER = JSON.stringify({
  format: 'kernel-studio/stack',
  version: 1,
  filters: [{ preset: 'sharpen' }, { kernel: '1 2 1; 2 4 2; 1 2 1', divisor: 16, border: 'reflect' }]
})

const sha = (image: IntImage): string =>
  createHash('sha256')
    .update(`${image.width}x${image.height}x${image.channels}@${image.depth}:`)
    .update(new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength))
    .digest('hex')
    .slice(0, 16)

const reference = (image: IntImage, text: string): IntImage =>
  toInt(applyStack(toFloat(image), parseRecipe(text, 'v1.json').filters), image.depth)

describe('version 1 recipes', () => {
  const rgb = smoothIntImage(11, 61, 37, 3)
  const noise = randomIntImage(12, 40, 29, 3)
  const grey16 = randomIntImage(13, 33, 21, 1, 16)

  it('give the same bytes as before version 2 in the reference', () => {
    expect([sha(reference(rgb, RECIPE_V1)), sha(reference(noise, RECIPE_V1)), sha(reference(grey16, RECIPE_V1))]).toEqual([
      'ec6e4ade99b154f6',
      '7315d997cf77fadb',
      '8b33f781b7fa40b4'
    ])
  })

  it('give the same bytes as before version 2 on the fast paths (integer kernels, exact)', async () => {
    const fast = await runStack(rgb, parseRecipe(RECIPE_V1_INTEGER, 'v1.json').filters, { engine: { threads: 0 } })
    expect(sha(fast)).toBe(sha(reference(rgb, RECIPE_V1_INTEGER)))
    expect(sha(fast)).toBe('f700871fe55462a1')
  })
})
