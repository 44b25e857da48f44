// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { EngineError } from '../../../src/engine/errors'
import { parseFilter, parseRecipe, RECIPE_FORMAT, serializeRecipe } from '../../../src/engine/recipe'
import { PRESETS } from '../../../src/engine/presets'
import type { FilterSpec } from '../../../src/engine/types'

const ISSUE_EXAMPLE = `{"format": "kernel-studio/stack", "version": 1, "filters": [{"preset": "gaussian-blur", "params": {"size": 5,
  "sigma": 1.0}}, {"kernel": [[0,-1,0],[-1,5,-1],[0,-1,0]], "border": "extend"}, {"preset": "edge-detect",
  "enabled": false}, {"kernel": "1/9 1/9 1/9; 1/9 1/9 1/9; 1/9 1/9 1/9", "opacity": 0.5}]}`

const recipeWith = (...filters: unknown[]): string => JSON.stringify({ format: RECIPE_FORMAT, version: 1, filters })

/** The exact message; the code is checked per kind of problem below ('carries the code of the problem'). */
const fails = (text: string, message: string): void => {
  expect(() => parseRecipe(text, 'recipe.json')).toThrow(EngineError)
  expect(() => parseRecipe(text, 'recipe.json')).toThrow(expect.objectContaining({ message }))
}

describe('parseRecipe', () => {
  it('reads the example recipe of the issue', () => {
    const recipe = parseRecipe(ISSUE_EXAMPLE, 'recipe.json')
    expect(recipe.format).toBe('kernel-studio/stack')
    expect(recipe.version).toBe(1)
    expect(recipe.filters).toEqual([
      { preset: 'gaussian-blur', params: { size: 5, sigma: 1 } },
      { kernel: [[0, -1, 0], [-1, 5, -1], [0, -1, 0]], border: 'extend' },
      { preset: 'edge-detect', enabled: false },
      { kernel: '1/9 1/9 1/9; 1/9 1/9 1/9; 1/9 1/9 1/9', opacity: 0.5 }
    ])
  })

  it('accepts every filter option', () => {
    const filter = {
      name: 'edges',
      preset: 'sobel',
      params: { direction: 'top' },
      border: 'zero',
      mode: 'full',
      flip: true,
      divisor: 2,
      offset: -3,
      signed: 'stretch',
      keepAlpha: true,
      enabled: true,
      opacity: 0.75
    }
    expect(parseRecipe(recipeWith(filter), 'r.json').filters).toEqual([filter])
  })

  it('names the file, the JSON path and the problem', () => {
    fails('{"format": ', 'recipe.json: not valid JSON (it ends too early)')
    fails('{"format" "x"}', 'recipe.json: not valid JSON (at line 1, column 11)')
    fails('[]', 'recipe.json: expected object, got an array')
    fails(JSON.stringify({ format: 'other', version: 1, filters: [] }), 'recipe.json: format: expected "kernel-studio/stack" (this is not a Kernel Studio recipe)')
    fails(JSON.stringify({ format: RECIPE_FORMAT, version: 3, filters: [] }), 'recipe.json: version: expected one of 1, 2, got 3')
    fails(JSON.stringify({ format: RECIPE_FORMAT, version: 1 }), 'recipe.json: filters: is missing')
    fails(JSON.stringify({ version: 1, filters: [] }), 'recipe.json: format: is missing (expected "kernel-studio/stack")')
    fails(JSON.stringify({ format: RECIPE_FORMAT, filters: [] }), 'recipe.json: version: is missing (expected one of 1, 2)')
    fails(recipeWith({ preset: 'gaussian-blur', params: [5, 1] }), 'recipe.json: filters[0].params: expected object, got an array')
    fails(recipeWith({ kernel: '1', mode: 'half' }), 'recipe.json: filters[0].mode: expected one of "same", "valid", "full", got "half"')
    fails(recipeWith({ kernel: '1', signed: 'negate' }), 'recipe.json: filters[0].signed: expected one of "clamp", "abs", "shift", "stretch", got "negate"')
    fails(JSON.stringify({ format: RECIPE_FORMAT, version: 1, filters: [], extra: 1 }), 'recipe.json: unknown key "extra"')
    fails(recipeWith({ preset: 'identity' }, { kernel: [[1, 2, 3], [4, 5], [6, 7, 8]] }), 'recipe.json: filters[1].kernel: row 2 has 2 values, expected 3')
    fails(recipeWith({ kernel: '1 2; 3 4; 5 6' }), 'recipe.json: filters[0].kernel: width 2 is even: kernels need odd height and width')
    fails(recipeWith({ kernel: '1 abc 1' }), 'recipe.json: filters[0].kernel: row 1, value 2: "abc" is not a number')
    fails(recipeWith({ kernel: [[1, '2', 1]] }), 'recipe.json: filters[0].kernel: row 1, value 2: "2" is not a number')
    fails(recipeWith({ kernel: [[1, null, 1]] }), 'recipe.json: filters[0].kernel: row 1, value 2: null is not a number')
    fails(recipeWith({ kernel: [] }), 'recipe.json: filters[0].kernel: is empty')
    fails(recipeWith({ kernel: 5 }), 'recipe.json: filters[0].kernel: expected rows of numbers ([[0,1,0],...]) or kernel text ("0 1 0; ...")')
    fails(recipeWith({ kernel: '1', colour: 'red' }), 'recipe.json: filters[0]: unknown key "colour"')
    fails(recipeWith({}), 'recipe.json: filters[0]: needs "preset" or "kernel"')
    fails(recipeWith({ preset: 'identity', kernel: '1' }), 'recipe.json: filters[0]: give either "preset" or "kernel", not both')
    fails(recipeWith({ kernel: '1', params: {} }), 'recipe.json: filters[0].params: only goes with "preset"')
    fails(recipeWith({ preset: 'blurr' }), `recipe.json: filters[0].preset: unknown preset "blurr": expected one of ${PRESETS.map((p) => p.name).join(', ')}`)
    fails(recipeWith({ preset: 'gaussian-blur', params: { size: 4 } }), 'recipe.json: filters[0].params: preset "gaussian-blur": size 4 is even: it must be odd')
    fails(recipeWith({ preset: 'gaussian-blur', params: { size: true } }), 'recipe.json: filters[0].params.size: expected a number or a string, got true')
    fails(recipeWith({ kernel: '1', border: 'mirror' }), 'recipe.json: filters[0].border: expected one of "extend", "reflect", "wrap", "zero", got "mirror"')
    fails(recipeWith({ kernel: '1', opacity: 1.5 }), 'recipe.json: filters[0].opacity: must be at most 1')
    fails(recipeWith({ kernel: '1', opacity: -0.1 }), 'recipe.json: filters[0].opacity: must be at least 0')
    fails(recipeWith({ kernel: '1', divisor: 0 }), 'recipe.json: filters[0].divisor: must not be 0')
    fails(recipeWith({ kernel: '1', flip: 'yes' }), 'recipe.json: filters[0].flip: expected boolean, got "yes"')
    fails(recipeWith({ kernel: '1', offset: '3' }), 'recipe.json: filters[0].offset: expected number, got "3"')
  })
})

describe('recipe error codes', () => {
  const code = (text: string): unknown => {
    try {
      parseRecipe(text, 'recipe.json')
    } catch (error) {
      return (error as EngineError).code
    }
    return 'no error'
  }
  it('carries the code of the problem: the file, a kernel, or a preset parameter', () => {
    expect(code('{')).toBe('bad-recipe')
    expect(code(JSON.stringify({ format: RECIPE_FORMAT, version: 3, filters: [] }))).toBe('bad-recipe')
    expect(code(recipeWith({ preset: 'box-blur', kernel: '1' }))).toBe('bad-recipe')
    expect(code(recipeWith({ kernel: '1 2' }))).toBe('bad-kernel')
    expect(code(recipeWith({ kernel: '1', divisor: 0 }))).toBe('bad-kernel')
    expect(code(recipeWith({ preset: 'box-blur', params: { size: 4 } }))).toBe('bad-options')
    expect(code(recipeWith({ preset: 'no-such-preset' }))).toBe('bad-options')
  })
})

describe('parseRecipe on a file that is not a recipe', () => {
  it('quotes nothing of it: not its text, its keys or its values', () => {
    const secrets = [
      'root:x:0:0:root:/root:/bin/bash',
      '{"format": "hunter2-secret", "version": 1, "filters": []}',
      '{"password": "hunter2-secret"}',
      '"hunter2-secret"',
      '{"format": {"hunter2-secret": 1}}',
      '{"hunter2-secret": 1, "format": "x"'
    ]
    for (const text of secrets) {
      let message = ''
      try {
        parseRecipe(text, 'secret.json')
      } catch (e) {
        message = (e as Error).message
      }
      expect(message).toMatch(/^secret\.json: /)
      expect(message).not.toMatch(/hunter2|root|password/)
    }
  })
})

describe('parseRecipe on text that is not JSON', () => {
  it('keeps the message on one line even when the text holds control characters', () => {
    const text = '\u0089PNG\r\n\u001a\n\u0000\u0000'
    const error = (() => {
      try {
        parseRecipe(text, 'photo.png')
      } catch (e) {
        return e as Error
      }
      return undefined
    })()
    expect(error).toBeInstanceOf(EngineError)
    expect(error?.message).toMatch(/^photo\.png: not valid JSON \(.+\)$/)
    expect(error?.message).not.toMatch(/[\u0000-\u001f]/)
  })
})

describe('serializeRecipe', () => {
  it('round-trips through parseRecipe', () => {
    const filters: readonly FilterSpec[] = parseRecipe(ISSUE_EXAMPLE, 'recipe.json').filters
    const text = serializeRecipe(filters)
    expect(parseRecipe(text, 'again.json').filters).toEqual(filters)
    const more: FilterSpec[] = [
      { name: 'x', kernel: [[1e-7, -2.5, 3]], divisor: 3, offset: -1, signed: 'shift', flip: true, mode: 'valid' },
      { preset: 'motion-blur', params: { length: 11, angle: 33.5 }, keepAlpha: true, border: 'wrap' }
    ]
    expect(parseRecipe(serializeRecipe(more), 'more.json').filters).toEqual(more)
  })

  it('writes one kernel row per line', () => {
    const text = serializeRecipe([{ kernel: [[0, -1, 0], [-1, 5, -1], [0, -1, 0]] }])
    expect(text).toContain('[0, -1, 0],\n')
    expect(text).toContain('"format": "kernel-studio/stack"')
    expect(text.endsWith('\n')).toBe(true)
  })
})

describe('parseFilter', () => {
  it('validates one filter with the same messages', () => {
    expect(parseFilter({ preset: 'sharpen' }, 'request')).toEqual({ preset: 'sharpen' })
    expect(() => parseFilter({ kernel: '1 2' }, 'request')).toThrow(
      new EngineError('request: kernel: width 2 is even: kernels need odd height and width', 'bad-kernel')
    )
  })
})
