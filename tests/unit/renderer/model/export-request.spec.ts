// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { EXPORT_FORMATS } from '../../../../src/contract/formats'
import { buildExportRequest, defaultExportSettings, exportFormat, suggestedFileName } from '../../../../src/renderer/model/export-request'

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

describe('suggestedFileName', () => {
  it('suggests an export name from the image name', () => {
    expect(suggestedFileName({ name: 'chelsea.png' }, 'jpeg')).toBe('chelsea-edited.jpg')
    expect(suggestedFileName({ name: 'IMG.0001.TIFF' }, 'webp')).toBe('IMG.0001-edited.webp')
    expect(suggestedFileName({ name: 'noext' }, 'png')).toBe('noext-edited.png')
    expect(suggestedFileName(null, 'avif')).toBe('image-edited.avif')
  })
})
