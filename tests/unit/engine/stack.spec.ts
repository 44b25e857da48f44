// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { convolve } from '../../../src/engine/convolve'
import { EngineError, type EngineErrorCode } from '../../../src/engine/errors'
import { kernelFromRows, parseKernel } from '../../../src/engine/kernel'
import { presetKernel } from '../../../src/engine/presets'
import { applyFilter, applyStack, resolveFilter, resolveStack } from '../../../src/engine/stack'
import type { FilterSpec, FloatImage } from '../../../src/engine/types'
import { channelRows, gridImage } from '../../helpers/grid'
import { randomImage, rng } from '../../helpers/random'

const fails = (fn: () => unknown, message: string, code: EngineErrorCode = 'bad-options'): void => {
  expect(fn).toThrow(new EngineError(message, code))
}

describe('applyStack', () => {
  const random = rng(42)
  const image = randomImage(random, 12, 9, 4, 16)

  it('equals applying the filters one by one, each with its own options, float in between', () => {
    const filters: FilterSpec[] = [
      { preset: 'gaussian-blur', params: { size: 5, sigma: 1.5 }, border: 'reflect' },
      { kernel: [[0, -1, 0], [-1, 5, -1], [0, -1, 0]], border: 'wrap', mode: 'full' },
      { preset: 'edge-detect', enabled: false },
      { kernel: '1 2 1', divisor: 4, offset: 3, mode: 'valid', flip: true },
      { preset: 'sobel', params: { direction: 'top' }, signed: 'abs', keepAlpha: true, border: 'zero' }
    ]
    let expected = convolve(image, presetKernel('gaussian-blur', { size: 5, sigma: 1.5 }), { border: 'reflect' })
    expected = convolve(expected, parseKernel('0 -1 0; -1 5 -1; 0 -1 0'), { border: 'wrap', mode: 'full' })
    expected = convolve(expected, parseKernel('1 2 1', { divisor: 4, offset: 3 }), { mode: 'valid', flip: true })
    expected = convolve(expected, presetKernel('sobel', { direction: 'top' }), {
      signed: 'abs',
      keepAlpha: true,
      border: 'zero'
    })
    const got = applyStack(image, filters)
    expect([got.width, got.height]).toEqual([image.width + 2 - 2, image.height + 2])
    expect(got.data).toEqual(expected.data)
  })

  it('skips disabled filters and returns a copy when nothing is enabled', () => {
    const out = applyStack(image, [{ preset: 'edge-detect', enabled: false }])
    expect(out.data).toEqual(image.data)
    expect(out.data).not.toBe(image.data)
  })

  it('never mutates its input', () => {
    const copy = image.data.slice()
    applyStack(image, [{ preset: 'box-blur', opacity: 0.3 }, { preset: 'sharpen' }])
    expect(image.data).toEqual(copy)
  })

  it('uses the preset\'s own signed mapping unless the filter overrides it', () => {
    const grey = randomImage(random, 6, 6, 1, 8)
    const shifted = applyStack(grey, [{ preset: 'high-pass' }])
    expect(shifted.data).toEqual(convolve(grey, presetKernel('high-pass'), { signed: 'shift' }).data)
    const clamped = applyStack(grey, [{ preset: 'high-pass', signed: 'clamp' }])
    expect(clamped.data).toEqual(convolve(grey, presetKernel('high-pass')).data)
  })

  it('reports progress after each filter', () => {
    const progress: number[] = []
    applyStack(image, [{ preset: 'box-blur', params: { size: 5 } }, { preset: 'identity' }], { onProgress: (f) => progress.push(f) })
    expect(progress).toEqual([0.5, 1])
  })

  it('stops between filters when the signal is aborted, with an AbortError', () => {
    const signal = { aborted: false }
    let ran = 0
    const run = (): FloatImage =>
      applyStack(image, [{ preset: 'identity' }, { preset: 'identity' }], {
        signal,
        onProgress: () => {
          ran++
          signal.aborted = true
        }
      })
    expect(run).toThrow(expect.objectContaining({ name: 'AbortError' }))
    expect(ran).toBe(1)
  })

  it('validates every enabled filter before running any, naming the filter', () => {
    let ran = 0
    fails(
      () => applyStack(image, [{ preset: 'identity' }, { kernel: '1 2; 3 4; 5 6' }], { onProgress: () => ran++ }),
      'filter 2: kernel width 2 is even: kernels need odd height and width',
      'bad-kernel'
    )
    expect(ran).toBe(0)
    fails(() => applyStack(image, [{ kernel: '1 x 1' }]), 'kernel row 1, value 2: "x" is not a number', 'bad-kernel')
    expect(applyStack(image, [{ kernel: '1 2', enabled: false }]).data).toEqual(image.data)
  })
})

describe('opacity', () => {
  it('blends the result over the input: input x (1 - a) + result x a', () => {
    const image = gridImage('0 0 90 90 0\n0 90 90 0 0\n90 90 0 0 90')
    const kernel = presetKernel('box-blur')
    const full = convolve(image, kernel).data
    const out = applyStack(image, [{ preset: 'box-blur', opacity: 0.25 }]).data
    for (let i = 0; i < out.length; i++) {
      expect(out[i]).toBeCloseTo(image.data[i] * 0.75 + full[i] * 0.25, 4)
    }
    expect(applyStack(image, [{ preset: 'box-blur', opacity: 0 }]).data).toEqual(image.data)
    expect(applyStack(image, [{ preset: 'box-blur', opacity: 1 }]).data).toEqual(full)
  })

  it('aligns the input under the kernel centre for full and valid outputs', () => {
    const image = gridImage('10 20 30')
    const kernel = [[1, 1, 1]]
    // Full: output c reads input c - 1 under the centre, border-resolved.
    const extend = applyStack(image, [{ kernel, mode: 'full', opacity: 0 }])
    expect(channelRows(extend)).toEqual([[10, 10, 20, 30, 30]])
    const zero = applyStack(image, [{ kernel, mode: 'full', border: 'zero', opacity: 0 }])
    expect(channelRows(zero)).toEqual([[0, 10, 20, 30, 0]])
    // Valid: the only output pixel sits over input column 1.
    const valid = applyStack(image, [{ kernel, mode: 'valid', divisor: 3, opacity: 0.5 }])
    expect(channelRows(valid)).toEqual([[20 * 0.5 + 20 * 0.5]])
    const blended = applyStack(image, [{ kernel, mode: 'valid', opacity: 0.5 }])
    expect(channelRows(blended)).toEqual([[20 * 0.5 + 60 * 0.5]])
  })

  it('applyFilter with opacity 0 gives its input (aligned to the output)', () => {
    const image = gridImage('1 2 3')
    expect(applyFilter(image, resolveFilter({ kernel: [[1, 1, 1]], opacity: 0 })).data).toEqual(image.data)
    const valid = applyFilter(image, resolveFilter({ kernel: [[1, 1, 1]], opacity: 0, mode: 'valid' }))
    expect(channelRows(valid)).toEqual([[2]])
  })
})

describe('resolveStack', () => {
  it('resolves the enabled filters once, in order, with the stack\'s messages', () => {
    const active = resolveStack([{ preset: 'box-blur' }, { kernel: 'x', enabled: false }, { kernel: '1 2 1', divisor: 4 }])
    expect(active.map((f) => f.label)).toEqual(['box-blur', 'kernel 3x1'])
    expect(() => resolveStack([{ preset: 'identity' }, { kernel: '1 2' }])).toThrow(
      new EngineError('filter 2: kernel width 2 is even: kernels need odd height and width', 'bad-kernel')
    )
  })
})

describe('resolveFilter', () => {
  it('fills defaults and applies divisor and offset overrides', () => {
    const r = resolveFilter({ preset: 'box-blur', divisor: 3, offset: 5 })
    expect(r.kernel).toEqual({ ...presetKernel('box-blur'), divisor: 3, offset: 5 })
    expect(r.options).toEqual({ border: 'extend', mode: 'same', flip: false, signed: 'clamp', keepAlpha: false })
    expect([r.opacity, r.enabled, r.label]).toEqual([1, true, 'box-blur'])
    expect(resolveFilter({ preset: 'gaussian-blur', params: { size: 9 } }).label).toBe('gaussian-blur:size=9')
    expect(resolveFilter({ kernel: [[1, 2, 1]], name: 'my blur' }).label).toBe('my blur')
    expect(resolveFilter({ kernel: '1 2 1' }).label).toBe('kernel 3x1')
    expect(resolveFilter({ kernel: [[1, 2, 1]], divisor: 4 }).kernel).toEqual(kernelFromRows([[1, 2, 1]], { divisor: 4 }))
  })

  it('rejects filters that are not exactly one of preset or kernel, and bad options', () => {
    fails(() => resolveFilter({}), 'a filter needs "preset" or "kernel"')
    fails(() => resolveFilter({ preset: 'identity', kernel: '1' }), 'a filter has either "preset" or "kernel", not both')
    fails(() => resolveFilter({ kernel: '1', params: { size: 3 } }), '"params" only goes with "preset"')
    fails(() => resolveFilter({ kernel: '1', opacity: 1.5 }), 'filter opacity 1.5 is out of range: expected 0 to 1')
    fails(() => resolveFilter({ kernel: '1', opacity: NaN }), 'filter opacity NaN is out of range: expected 0 to 1')
    fails(() => resolveFilter({ kernel: '1', divisor: 0 }), 'kernel divisor must not be 0', 'bad-kernel')
    fails(() => resolveFilter({ preset: 'identity', divisor: 0 }), 'kernel divisor must not be 0', 'bad-kernel')
    fails(() => resolveFilter({ preset: 'sobel', params: { direction: 'up' } }), 'preset "sobel": direction "up" is not one of right, left, top, bottom')
  })
})
