// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { findPreset } from '../../../../src/engine/presets'
import { appSigned } from '../../../../src/renderer/model/preset-gallery'
import { WALKTHROUGH_EXAMPLES, WALKTHROUGH_KERNELS, exampleImage, walkthroughFrames } from '../../../../src/renderer/model/walkthrough-examples'

const lesson = WALKTHROUGH_EXAMPLES.find((e) => e.id === 'lesson5')!
const edge = WALKTHROUGH_EXAMPLES.find((e) => e.id === 'edge7')!
const lessonKernel = WALKTHROUGH_KERNELS.find((k) => k.id === 'lesson')!.kernel()

describe('walkthrough frames', () => {
  it('slides over every valid position of the 7x7 edge with the engine', () => {
    const sobel = WALKTHROUGH_KERNELS.find((k) => k.id === 'sobel-right')!.kernel()
    const frames = walkthroughFrames(exampleImage(edge), sobel)
    expect([frames.outHeight, frames.outWidth]).toEqual([5, 5])
    expect(frames.steps).toHaveLength(25)
    const sums = frames.steps.map((s) => s.channels[0].sum)
    // Flat dark region gives 0, the windows straddling the step respond.
    expect(sums[0]).toBe(0)
    expect(sums[1]).toBeGreaterThan(0)
    expect(sums[4]).toBe(0)
    // Each sum equals the products the frame shows, and the window moves left to right, top to bottom.
    frames.steps.forEach((s, i) => {
      expect(s.channels[0].products.flat().reduce((a, b) => a + b, 0)).toBeCloseTo(s.channels[0].sum, 9)
      expect([s.windowTop, s.windowLeft]).toEqual([Math.floor(i / 5), i % 5])
    })
    // Stored pixels come from convolve with the magnitude mapping, clamped, as the app's Sobel preset shows them.
    expect(frames.signed).toBe('abs')
    expect(frames.stored.data[1]).toBe(Math.min(255, Math.abs(sums[1])))
  })

  it('maps negative sums as the app\'s presets do: Sobel-left\'s -720 as white, sharpen clamped', () => {
    const left = walkthroughFrames(exampleImage(edge), WALKTHROUGH_KERNELS.find((k) => k.id === 'sobel-left')!.kernel())
    const i = left.steps.findIndex((s) => s.channels[0].sum < 0)
    expect(left.steps[i].channels[0].sum).toBeLessThan(-255)
    expect(left.stored.data[i]).toBe(255)
    expect(left.signed).toBe(appSigned(findPreset('sobel')!))
    const sharpen = walkthroughFrames(exampleImage(edge), WALKTHROUGH_KERNELS.find((k) => k.id === 'sharpen')!.kernel())
    expect(sharpen.signed).toBe(appSigned(findPreset('sharpen')!))
    const j = sharpen.steps.findIndex((s) => s.channels[0].sum < 0)
    expect(j).toBeGreaterThanOrEqual(0)
    expect(sharpen.stored.data[j]).toBe(0)
  })

  it('gives the lesson grid a 3x3 output starting with 12', () => {
    const frames = walkthroughFrames(exampleImage(lesson), lessonKernel)
    expect([frames.outHeight, frames.outWidth]).toEqual([3, 3])
    expect(frames.steps[0].channels[0].sum).toBe(12)
  })

  it('every offered kernel and example works', () => {
    for (const e of WALKTHROUGH_EXAMPLES) {
      for (const k of WALKTHROUGH_KERNELS) expect(walkthroughFrames(exampleImage(e), k.kernel()).steps.length).toBeGreaterThan(0)
    }
  })
})
