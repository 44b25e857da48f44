// @vitest-environment node
// The document store's pure parts (export settings, messages, descriptions) and the shortcut map. The store's
// actions talk to the engine host; they are exercised for real by tests/e2e/app.spec.ts.
import { describe, expect, it } from 'vitest'
import {
  EXPORT_FORMATS,
  buildExportRequest,
  channelNames,
  defaultExportSettings,
  describeImage,
  errorMessage,
  exportFormat,
  extensionOf,
  firstLaunchSample,
  isExistsError,
  looksLikeRecipe,
  megapixels,
  suggestedFileName
} from '../../../../src/renderer/model/export-request'
import { commandForKey, type KeyInput } from '../../../../src/renderer/model/command-for-key'

const blur = [{ preset: 'box-blur', params: { size: 3 } }] as const

describe('buildExportRequest', () => {
  it('sends quality only for lossy formats and 16-bit only where the format stores it', () => {
    const png = buildExportRequest({ format: 'png', quality: 80, depth: 16, path: '' }, blur)
    expect(png).toEqual({ filters: [{ preset: 'box-blur', params: { size: 3 } }], format: 'png', depth: 16 })
    const jpeg = buildExportRequest({ format: 'jpeg', quality: 80, depth: 16, path: '' }, blur)
    expect(jpeg).toMatchObject({ format: 'jpeg', quality: 80, depth: 8 })
    const tiff = buildExportRequest({ format: 'tiff', quality: 80, depth: 16, path: '' }, [])
    expect(tiff).toEqual({ filters: [], format: 'tiff', depth: 16 })
    for (const f of EXPORT_FORMATS) {
      const req = buildExportRequest({ format: f.id, quality: 50, depth: 16, path: '' }, [])
      expect('quality' in req).toBe(f.lossy)
      expect(req.depth).toBe(f.depths.includes(16) ? 16 : 8)
    }
  })

  it('copies the filters so later stack edits cannot change a running export', () => {
    const filters = [{ preset: 'sharpen' }]
    const req = buildExportRequest({ format: 'png', quality: 90, depth: 8, path: '' }, filters)
    expect(req.filters).toEqual(filters)
    expect(req.filters[0]).not.toBe(filters[0])
  })

  it('rejects a quality outside 1..100 with one clear line', () => {
    expect(() => buildExportRequest({ format: 'webp', quality: 0, depth: 8, path: '' }, [])).toThrow(
      'Quality must be a whole number from 1 to 100, not 0'
    )
    expect(() => buildExportRequest({ format: 'avif', quality: 12.5, depth: 8, path: '' }, [])).toThrow(/not 12.5/)
  })

  it('checks a given path against the format and passes force only with a path', () => {
    expect(buildExportRequest({ format: 'jpeg', quality: 90, depth: 8, path: ' /tmp/out.JPEG ', force: true }, [])).toMatchObject({
      path: '/tmp/out.JPEG',
      force: true
    })
    expect(() => buildExportRequest({ format: 'png', quality: 90, depth: 8, path: '/tmp/out.jpg' }, [])).toThrow(
      'The file name must end in .png for PNG (got ".jpg")'
    )
    expect(() => buildExportRequest({ format: 'tiff', quality: 90, depth: 8, path: '/tmp/out' }, [])).toThrow(
      'The file name must end in .tif or .tiff for TIFF (got "no extension")'
    )
    expect('force' in buildExportRequest({ format: 'png', quality: 90, depth: 8, path: '', force: true }, [])).toBe(false)
  })

  it('starts from PNG at the image depth', () => {
    expect(defaultExportSettings({ depth: 16 })).toMatchObject({ format: 'png', depth: 16, path: '' })
    expect(defaultExportSettings(null).depth).toBe(8)
    expect(exportFormat('avif').defaultQuality).toBeGreaterThan(0)
  })
})

describe('names and descriptions', () => {
  it('suggests an export name from the image name', () => {
    expect(suggestedFileName({ name: 'chelsea.png' }, 'jpeg')).toBe('chelsea-edited.jpg')
    expect(suggestedFileName({ name: 'IMG.0001.TIFF' }, 'webp')).toBe('IMG.0001-edited.webp')
    expect(suggestedFileName({ name: 'noext' }, 'png')).toBe('noext-edited.png')
    expect(suggestedFileName(null, 'avif')).toBe('image-edited.avif')
  })

  it('finds extensions and recipes', () => {
    expect(extensionOf('C:\\photos\\A.B.Tif')).toBe('.tif')
    expect(extensionOf('/x/.hidden')).toBe('')
    expect(looksLikeRecipe('stack.JSON')).toBe(true)
    expect(looksLikeRecipe('photo.png')).toBe(false)
  })

  it('describes images and channels', () => {
    expect(describeImage({ channels: 3, depth: 8 })).toBe('8-bit RGB')
    expect(describeImage({ channels: 2, depth: 16 })).toBe('16-bit grey + alpha')
    expect(channelNames(1)).toEqual(['L'])
    expect(channelNames(4)).toEqual(['R', 'G', 'B', 'A'])
    expect(megapixels(6000, 4000)).toBe('24.0 MP')
    expect(megapixels(7, 7)).toBe('')
  })

  it('opens the astronaut on first launch when it is bundled', () => {
    const samples = [
      { id: 'chelsea', name: 'Chelsea the cat' },
      { id: 'astronaut', name: 'Astronaut' }
    ]
    expect(firstLaunchSample(samples)?.id).toBe('astronaut')
    expect(firstLaunchSample([samples[0]])?.id).toBe('chelsea')
    expect(firstLaunchSample([])).toBeNull()
  })
})

describe('errorMessage', () => {
  it('gives one line without prefixes or stack frames', () => {
    const err = new Error('cannot read photo.xyz: unsupported image format\n    at decode (io.ts:1:1)')
    expect(errorMessage(err)).toBe('Cannot read photo.xyz: unsupported image format')
    expect(errorMessage(new TypeError('Error: bad thing'))).toBe('Bad thing')
    expect(errorMessage({ message: 'from the preload' })).toBe('From the preload')
    expect(errorMessage('plain')).toBe('Plain')
    expect(errorMessage(new Error(''))).toBe('Something went wrong (no details were given)')
  })

  it('recognises "file exists" failures', () => {
    expect(isExistsError('/tmp/a.png already exists (use --force to replace it)')).toBe(true)
    expect(isExistsError('quality must be a whole number')).toBe(false)
  })
})

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
