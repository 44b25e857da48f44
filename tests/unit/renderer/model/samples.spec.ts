// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { firstLaunchSample, sampleIdOfPath } from '../../../../src/renderer/model/samples'

describe('samples', () => {
  it('opens the astronaut on first launch when it is bundled', () => {
    const samples = [
      { id: 'chelsea', name: 'Chelsea the cat' },
      { id: 'astronaut', name: 'Astronaut' }
    ]
    expect(firstLaunchSample(samples)?.id).toBe('astronaut')
    expect(firstLaunchSample([samples[0]])?.id).toBe('chelsea')
    expect(firstLaunchSample([])).toBeNull()
  })

  it('recognises a sample re-shown by its path in the samples folder', () => {
    const samples = [{ id: 'chelsea', name: 'Chelsea the cat' }]
    expect(sampleIdOfPath('/opt/ks/resources/samples/chelsea.png', samples)).toBe('chelsea')
    expect(sampleIdOfPath('C:\\ks\\samples\\chelsea.jpg', samples)).toBe('chelsea')
    expect(sampleIdOfPath('/home/me/chelsea.png', samples)).toBeNull()
    expect(sampleIdOfPath('/opt/ks/resources/samples/other.png', samples)).toBeNull()
  })
})
