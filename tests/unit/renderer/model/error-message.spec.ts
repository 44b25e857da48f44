// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { errorMessage } from '../../../../src/renderer/model/error-message'

describe('errorMessage', () => {
  it('gives one line without prefixes or stack frames', () => {
    const err = new Error('cannot read photo.xyz: unsupported image format\n    at decode (io.ts:1:1)')
    expect(errorMessage(err)).toBe('Cannot read photo.xyz: unsupported image format')
    expect(errorMessage(new TypeError('Error: bad thing'))).toBe('Bad thing')
    expect(errorMessage({ message: 'from the preload' })).toBe('From the preload')
    expect(errorMessage('plain')).toBe('Plain')
    expect(errorMessage(new Error(''))).toBe('Something went wrong (no details were given)')
  })

})
