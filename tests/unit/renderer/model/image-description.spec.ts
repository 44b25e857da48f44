// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { channelNames, describeImage, megapixels } from '../../../../src/renderer/model/image-description'

describe('image descriptions', () => {
  it('describes images and channels', () => {
    expect(describeImage({ channels: 3, depth: 8 })).toBe('8-bit RGB')
    expect(describeImage({ channels: 2, depth: 16 })).toBe('16-bit grey + alpha')
    expect(channelNames(1)).toEqual(['L'])
    expect(channelNames(4)).toEqual(['R', 'G', 'B', 'A'])
    expect(megapixels(6000, 4000)).toBe('24.0 MP')
    expect(megapixels(7, 7)).toBe('')
  })
})
