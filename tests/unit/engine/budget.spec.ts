// Pure estimate of a stack's memory and the pixel limit on every intermediate result (src/engine/budget.ts).
import { describe, expect, it } from 'vitest'
import { MAX_PIXELS, formatBytes, stackMemory } from '../../../src/engine/budget'
import { EngineError } from '../../../src/engine/errors'
import { maskGridBytes, maskRowsBytes, sharedRowsBytes } from '../../../src/engine/mask'
import type { FilterSpec } from '../../../src/engine/types'

const GB = 1024 ** 3
const thin = (count: number): FilterSpec[] =>
  Array.from({ length: count }, (_, i) => ({ kernel: i % 2 === 0 ? '1 '.repeat(255).trim() : Array.from({ length: 255 }, () => '1').join('; '), divisor: 255, mode: 'full' as const }))

describe('stackMemory', () => {
  it('counts the decoder, the two live intermediates and the encoder: the decompression bomb of issue 17', () => {
    const bomb = { width: 16000, height: 16000, channels: 4, depth: 16 as const }
    const one = stackMemory(bomb, [{ preset: 'gaussian-blur' }]).bytes
    const three = stackMemory(bomb, [{ preset: 'gaussian-blur' }, { preset: 'sharpen' }, { preset: 'box-blur' }]).bytes
    // Measured by the probe: 6.0 GB for one filter, 14.1 GB for three.
    expect(one / GB).toBeGreaterThan(5.5)
    expect(one / GB).toBeLessThan(9)
    expect(three / GB).toBeGreaterThan(13)
    expect(three / GB).toBeLessThan(16)
  })

  it('follows the size through `full` mode: 64 thin kernels on a 2 MP photo', () => {
    const result = stackMemory({ width: 1920, height: 1080, channels: 3, depth: 8 }, thin(64))
    expect(result.largest).toEqual({ width: 1920 + 32 * 254, height: 1080 + 32 * 254 })
    expect(result.bytes / GB).toBeGreaterThan(2)
  })

  it('ignores disabled filters and counts stretch raw values', () => {
    const input = { width: 1000, height: 1000, channels: 1, depth: 8 as const }
    const plain = stackMemory(input, [{ kernel: '1 1 1' }]).bytes
    expect(stackMemory(input, [{ kernel: '1 1 1' }, { preset: 'box-blur', enabled: false }]).bytes).toBe(plain)
    expect(stackMemory(input, [{ kernel: '1 0 -1', signed: 'stretch' }]).bytes).toBe(plain + 8e6)
  })

  it('counts the buffers of a layer and of its feathered mask grid', () => {
    const input = { width: 4000, height: 3000, channels: 3, depth: 8 as const }
    const plain = stackMemory(input, [{ preset: 'sharpen' }]).bytes
    const layer = stackMemory(input, [{ preset: 'sharpen', channels: 'luminance' }]).bytes
    expect(layer).toBe(plain + 2 * 12e6 * 3 * 4)
    // sigma 6 pixels: the grid is the pixels themselves plus the blur's reach (25 cells), kept twice.
    const mask = { shapes: [{ type: 'rect' as const, x: 0, y: 0, width: 0.5, height: 1 }], feather: 0.002 }
    const masked = stackMemory(input, [{ preset: 'sharpen', channels: 'luminance', mask }]).bytes
    // A grid too large to keep is made on every run, and so are its rows: none are shared.
    expect(sharedRowsBytes(mask, 4000, 3000)).toBe(0)
    expect(masked).toBe(layer + 2 * 4 * (4000 + 25) * (3000 + 25))
    // A mask small enough to keep: each compositing thread also keeps its rows.
    const kept = { ...mask, feather: 0.02 }
    const rows = maskRowsBytes(kept, 4000, 3000)
    expect(rows).toBeGreaterThan(0)
    const spec: FilterSpec[] = [{ preset: 'sharpen', channels: 'luminance', mask: kept }]
    expect(stackMemory(input, spec, 8, 4).bytes - stackMemory(input, spec, 8, 2).bytes).toBe(2 * rows)
    // And the rows the threads share: its values where it is neither 0 nor 1 (at most every pixel, with two floats
    // of room a row), per row a span, an offset and a state.
    const shared = (12e6 + 2 * 3000) * 4 + 3000 * 6 * 4 + 4
    expect(sharedRowsBytes(kept, 4000, 3000)).toBe(shared)
    const grid = 2 * maskGridBytes(kept, 4000, 3000)
    expect(stackMemory(input, spec, 8, 1).bytes).toBe(layer + grid + rows + shared)
    // An unfeathered mask's rows are shared too.
    expect(sharedRowsBytes({ shapes: mask.shapes }, 4000, 3000)).toBe(shared)
    // Masks made on every run (they read the image, or are inverted) share none.
    expect(sharedRowsBytes({ ...kept, invert: true }, 4000, 3000)).toBe(0)
    expect(sharedRowsBytes({ shapes: [{ type: 'tones', from: 0.2, to: 0.6, soft: 0.1 }] }, 4000, 3000)).toBe(0)
  })

  it('refuses an intermediate result over the pixel limit, naming the filter', () => {
    const input = { width: 16000, height: 16000, channels: 1, depth: 8 as const }
    expect(16002 * 16002).toBeGreaterThan(MAX_PIXELS)
    const run = (): unknown => stackMemory(input, [{ preset: 'box-blur', enabled: false }, { kernel: '1 1 1; 1 1 1; 1 1 1', mode: 'full' }])
    expect(run).toThrow(EngineError)
    expect(run).toThrow('filter 2: its result would be 16002x16002 (256.1 MP), over the limit of 256 MP for any image')
    try {
      run()
    } catch (e) {
      expect((e as EngineError).code).toBe('too-large')
    }
  })

  it('formats sizes for messages', () => {
    expect(formatBytes(14.1 * GB)).toBe('14.1 GB')
    expect(formatBytes(100 * 1024 * 1024)).toBe('100 MB')
  })
})
