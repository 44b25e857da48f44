// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { SIDE_PANELS, panelForKey } from '../../../../src/renderer/model/side-panels'

describe('panel tabs', () => {
  it('lists Stack, Kernel, Explain and moves between them with arrows (wrapping), Home and End', () => {
    expect(SIDE_PANELS.map((p) => p.label)).toEqual(['Stack', 'Kernel', 'Explain'])
    expect(panelForKey('stack', 'ArrowRight')).toBe('kernel')
    expect(panelForKey('explain', 'ArrowRight')).toBe('stack')
    expect(panelForKey('stack', 'ArrowLeft')).toBe('explain')
    expect(panelForKey('kernel', 'Home')).toBe('stack')
    expect(panelForKey('kernel', 'End')).toBe('explain')
    expect(panelForKey('kernel', 'ArrowDown')).toBeNull()
  })
})
