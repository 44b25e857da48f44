// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { commandForKey, type KeyInput } from '../../../../src/renderer/model/command-for-key'

describe('commandForKey', () => {
  const key = (k: string, mods: Partial<KeyInput> = {}): KeyInput => ({
    key: k,
    ctrlKey: false,
    metaKey: false,
    shiftKey: false,
    altKey: false,
    ...mods
  })

  it('maps the usual accelerators with Ctrl or Cmd', () => {
    expect(commandForKey(key('o', { ctrlKey: true }), false)).toBe('open')
    expect(commandForKey(key('O', { metaKey: true, shiftKey: true }), false)).toBe('open-recipe')
    expect(commandForKey(key('E', { ctrlKey: true, shiftKey: true }), false)).toBe('export')
    expect(commandForKey(key('e', { ctrlKey: true }), false)).toBeNull()
    expect(commandForKey(key('B', { ctrlKey: true, shiftKey: true }), false)).toBe('batch-export')
    expect(commandForKey(key('b', { ctrlKey: true }), false)).toBeNull()
    expect(commandForKey(key('z', { ctrlKey: true }), false)).toBe('undo')
    expect(commandForKey(key('Z', { metaKey: true, shiftKey: true }), false)).toBe('redo')
    expect(commandForKey(key('y', { ctrlKey: true }), false)).toBe('redo')
    expect(commandForKey(key('0', { ctrlKey: true }), false)).toBe('zoom-fit')
    expect(commandForKey(key('1', { ctrlKey: true }), false)).toBe('zoom-100')
    expect(commandForKey(key('=', { ctrlKey: true }), false)).toBe('zoom-in')
    expect(commandForKey(key('-', { ctrlKey: true }), false)).toBe('zoom-out')
  })

  it('leaves typing alone: plain keys and undo belong to the text field', () => {
    expect(commandForKey(key('0'), true)).toBeNull()
    expect(commandForKey(key('-'), true)).toBeNull()
    expect(commandForKey(key('z', { ctrlKey: true }), true)).toBeNull()
    expect(commandForKey(key('o', { ctrlKey: true }), true)).toBe('open')
    expect(commandForKey(key('Escape'), true)).toBe('escape')
  })

  it('has single-key view shortcuts outside text fields', () => {
    expect(commandForKey(key('\\'), false)).toBe('toggle-split')
    expect(commandForKey(key('+'), false)).toBe('zoom-in')
    expect(commandForKey(key('1'), false)).toBe('zoom-100')
    expect(commandForKey(key('a'), false)).toBeNull()
    expect(commandForKey(key('o', { ctrlKey: true, altKey: true }), false)).toBeNull()
  })
})
