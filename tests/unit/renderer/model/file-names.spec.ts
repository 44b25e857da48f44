// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { extensionOf, looksLikeRecipe } from '../../../../src/renderer/model/file-names'

describe('file names', () => {
  it('finds extensions and recipes', () => {
    expect(extensionOf('C:\\photos\\A.B.Tif')).toBe('.tif')
    expect(extensionOf('/x/.hidden')).toBe('')
    expect(looksLikeRecipe('stack.JSON')).toBe(true)
    expect(looksLikeRecipe('photo.png')).toBe(false)
  })
})
