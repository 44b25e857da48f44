// @vitest-environment node
// Recipe version 2: the per-layer fields channels, light, blend and mask; version 1 files still load unchanged.
import { describe, expect, it } from 'vitest'
import { EngineError } from '../../../src/engine/errors'
import { parseFilter, parseRecipe, RECIPE_FORMAT, serializeRecipe } from '../../../src/engine/recipe'
import type { FilterSpec } from '../../../src/engine/types'

const recipe = (version: number, ...filters: unknown[]): string => JSON.stringify({ format: RECIPE_FORMAT, version, filters })

const problem = (text: string): { message: string; code: string } | null => {
  try {
    parseRecipe(text, 'look.json')
    return null
  } catch (error) {
    return { message: (error as EngineError).message, code: (error as EngineError).code }
  }
}

const fails = (text: string, message: string): void => {
  expect(problem(text)).toEqual({ message, code: 'bad-recipe' })
}

const LAYER: FilterSpec = {
  preset: 'unsharp-mask',
  params: { size: 5, sigma: 1, amount: 1.5 },
  channels: 'luminance',
  light: 'linear',
  blend: 'luminosity',
  opacity: 0.8,
  mask: {
    shapes: [
      { type: 'rect', x: 0.1, y: 0.1, width: 0.5, height: 0.4 },
      { type: 'ellipse', cx: 0.5, cy: 0.5, rx: 0.3, ry: 0.2 },
      { type: 'gradient', x0: 0, y0: 0, x1: 0, y1: 1 },
      { type: 'brush', points: [[0.2, 0.3], [0.4, 0.35]], radius: 0.02, hardness: 0.7 },
      { type: 'brush', points: [[0.3, 0.3]], radius: 0.01, erase: true },
      { type: 'tones', from: 0.6, to: 1, soft: 0.1 }
    ],
    feather: 0.01,
    invert: true
  }
}

describe('recipe version 2', () => {
  it('reads every layer field and writes it back', () => {
    const parsed = parseRecipe(recipe(2, LAYER, { preset: 'sharpen' }), 'look.json')
    expect(parsed.version).toBe(2)
    expect(parsed.filters).toEqual([LAYER, { preset: 'sharpen' }])
    const text = serializeRecipe(parsed.filters)
    expect(JSON.parse(text).version).toBe(2)
    expect(parseRecipe(text, 'again.json').filters).toEqual(parsed.filters)
    // Brush points stay one per line, like kernel rows.
    expect(text).toContain('[0.2, 0.3]')
  })

  it('writes version 1 while no filter uses a version 2 field, so older builds still read it', () => {
    const text = serializeRecipe([{ preset: 'sharpen', opacity: 0.5 }])
    expect(JSON.parse(text).version).toBe(1)
    expect(parseRecipe(text, 'old.json')).toEqual({ format: RECIPE_FORMAT, version: 1, filters: [{ preset: 'sharpen', opacity: 0.5 }] })
    expect(JSON.parse(serializeRecipe([{ preset: 'sharpen', blend: 'normal' }])).version).toBe(2)
  })

  it('refuses the new fields in a version 1 file, naming the field', () => {
    fails(recipe(1, { preset: 'sharpen' }, { preset: 'sharpen', channels: 'luminance' }), 'look.json: filters[1].channels: needs "version": 2')
    fails(recipe(1, { preset: 'sharpen', mask: { shapes: [] } }), 'look.json: filters[0].mask: needs "version": 2')
  })

  it('names the JSON path of a bad field', () => {
    expect(problem(recipe(2, { preset: 'sharpen', blend: 'add' }))?.message).toBe(
      'look.json: filters[0].blend: expected one of "normal", "multiply", "screen", "overlay", "darken", "lighten", ' +
        '"color-dodge", "color-burn", "hard-light", "soft-light", "difference", "exclusion", "luminosity", "color", got "add"'
    )
    fails(recipe(2, { preset: 'sharpen', channels: 'alpha' }), 'look.json: filters[0].channels: expected one of "rgb", "luminance", "r", "g", "b", got "alpha"')
    fails(recipe(2, { preset: 'sharpen', light: 'log' }), 'look.json: filters[0].light: expected one of "encoded", "linear", got "log"')
    fails(recipe(2, { preset: 'sharpen', mask: { shapes: [], feather: 2 } }), 'look.json: filters[0].mask.feather: must be at most 1')
    fails(recipe(2, { preset: 'sharpen', mask: { shapes: [{ type: 'rect', x: 0, y: 0, width: -1, height: 1 }] } }), 'look.json: filters[0].mask.shapes[0].width: must be at least 0')
    fails(recipe(2, { preset: 'sharpen', mask: { shapes: [{ type: 'ellipse', cx: 0, cy: 0, rx: 1 }] } }), 'look.json: filters[0].mask.shapes[0].ry: is missing')
    fails(recipe(2, { preset: 'sharpen', mask: { shapes: [{ type: 'brush', points: [], radius: 0.1 }] } }), 'look.json: filters[0].mask.shapes[0].points: must be at least 1')
    fails(recipe(2, { preset: 'sharpen', mask: { shapes: [{ type: 'tones', from: 0, to: 1, extra: 1 }] } }), 'look.json: filters[0].mask.shapes[0]: unknown key "extra"')
    const shapes = '"rect", "ellipse", "gradient", "brush", "tones"'
    fails(recipe(2, { preset: 'sharpen', mask: { shapes: [{ type: 'circle', cx: 0.5 }] } }), `look.json: filters[0].mask.shapes[0].type: expected one of ${shapes}, got "circle"`)
    fails(recipe(2, { preset: 'sharpen', mask: { shapes: [{ x: 0 }] } }), `look.json: filters[0].mask.shapes[0].type: is missing (expected one of ${shapes})`)
  })

  it('reads a Gaussian without a size in a version 1 file as the 5 it was then; version 2 derives it from σ', () => {
    for (const preset of ['gaussian-blur', 'unsharp-mask', 'high-pass']) {
      const old = parseRecipe(recipe(1, { preset, params: { sigma: 3 } }), 'old.json')
      expect(old.filters).toEqual([{ preset, params: { sigma: 3, size: 5 } }])
      expect(parseRecipe(recipe(2, { preset, params: { sigma: 3 } }), 'new.json').filters).toEqual([{ preset, params: { sigma: 3 } }])
      // A given size stays as given in either version.
      expect(parseRecipe(recipe(1, { preset, params: { size: 9, sigma: 3 } }), 'old.json').filters).toEqual([{ preset, params: { size: 9, sigma: 3 } }])
    }
    expect(parseRecipe(recipe(1, { preset: 'gaussian-blur' }), 'old.json').filters).toEqual([{ preset: 'gaussian-blur', params: { size: 5 } }])
    // Other presets are untouched.
    expect(parseRecipe(recipe(1, { preset: 'box-blur' }), 'old.json').filters).toEqual([{ preset: 'box-blur' }])
  })

  it('writes version 2 when the size of a Gaussian is left to be derived, so no build reads it as 5', () => {
    expect(JSON.parse(serializeRecipe([{ preset: 'gaussian-blur', params: { sigma: 3 } }])).version).toBe(2)
    expect(JSON.parse(serializeRecipe([{ preset: 'difference-of-gaussians', params: { sigma: 1 } }])).version).toBe(1)
    expect(JSON.parse(serializeRecipe([{ preset: 'gaussian-blur', params: { size: 19, sigma: 3 } }])).version).toBe(1)
    const text = serializeRecipe([{ preset: 'high-pass' }])
    expect(JSON.parse(text).version).toBe(2)
    expect(parseRecipe(text, 'again.json').filters).toEqual([{ preset: 'high-pass' }])
  })

  it('checks the same fields on filters arriving over IPC', () => {
    expect(parseFilter(LAYER, 'request')).toEqual(LAYER)
    expect(() => parseFilter({ preset: 'sharpen', channels: 'alpha' }, 'request')).toThrow(EngineError)
  })
})
