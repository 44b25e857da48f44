// @vitest-environment node
// An RGBA TIFF without the ExtraSamples tag, as OpenCV writes them (cv2.imwrite('x.tif', numpy.full((4, 5, 4),
// 200, numpy.uint8))): libtiff only warns about it, and PIL, OpenCV and ImageMagick read it, so `apply` must too.
// A truncated TIFF is still refused. The files are written byte by byte here: no OpenCV needed.
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readWithSharp } from '../../unit/io/images'
import { ensureCliBuilt, runCli } from './cli'

let work: string

beforeAll(async () => {
  ensureCliBuilt()
  work = await mkdtemp(join(tmpdir(), 'ks-cli-tiff-'))
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

/**
 * A little-endian baseline TIFF: one uncompressed strip of `width` x `height` RGB(A) pixels, every sample
 * `value`, `bits` per sample. ExtraSamples (tag 338, "unassociated alpha") only when `extraSamples`.
 */
function handWrittenTiff(width: number, height: number, samplesPerPixel: 3 | 4, bits: 8 | 16, value: number, extraSamples: boolean): Buffer {
  const bytesPerSample = bits / 8
  const stripBytes = width * height * samplesPerPixel * bytesPerSample
  // [tag, type (3 SHORT, 4 LONG), count, value]; offsets are filled in below.
  const entries: [number, number, number, number][] = [
    [256, 3, 1, width], // ImageWidth
    [257, 3, 1, height], // ImageLength
    [258, 3, samplesPerPixel, 0], // BitsPerSample: offset of the per-sample list
    [259, 3, 1, 1], // Compression: none
    [262, 3, 1, 2], // PhotometricInterpretation: RGB
    [273, 4, 1, 0], // StripOffsets
    [277, 3, 1, samplesPerPixel], // SamplesPerPixel
    [278, 3, 1, height], // RowsPerStrip
    [279, 4, 1, stripBytes], // StripByteCounts
    [284, 3, 1, 1] // PlanarConfiguration: interleaved
  ]
  if (extraSamples) entries.push([338, 3, 1, 2])
  const ifd = 8
  const bitsList = ifd + 2 + entries.length * 12 + 4
  const strip = bitsList + samplesPerPixel * 2
  const out = Buffer.alloc(strip + stripBytes)
  out.write('II', 0, 'latin1')
  out.writeUInt16LE(42, 2)
  out.writeUInt32LE(ifd, 4)
  out.writeUInt16LE(entries.length, ifd)
  entries.forEach(([tag, type, count, v], i) => {
    const at = ifd + 2 + i * 12
    out.writeUInt16LE(tag, at)
    out.writeUInt16LE(type, at + 2)
    out.writeUInt32LE(count, at + 4)
    const field = tag === 258 ? bitsList : tag === 273 ? strip : v
    if (type === 3 && tag !== 258) out.writeUInt16LE(field, at + 8)
    else out.writeUInt32LE(field, at + 8)
  })
  out.writeUInt32LE(0, bitsList - 4) // no next IFD
  for (let s = 0; s < samplesPerPixel; s++) out.writeUInt16LE(bits, bitsList + 2 * s)
  for (let i = 0; i < width * height * samplesPerPixel; i++) {
    if (bits === 8) out[strip + i] = value
    else out.writeUInt16LE(value, strip + 2 * i)
  }
  return out
}

describe('RGBA TIFF without ExtraSamples', () => {
  it.each([
    [8, 200],
    [16, 51400]
  ] as const)('%i-bit, as OpenCV writes it, is read as RGBA and filtered', async (bits, value) => {
    const name = `opencv-${bits}.tif`
    await writeFile(join(work, name), handWrittenTiff(5, 4, 4, bits, value, false))
    const out = `out-${bits}.png`
    const result = await runCli(['apply', name, '-o', out, '--preset', 'box-blur', '--force'], { cwd: work })
    expect(result.code, result.stderr).toBe(0)
    expect(result.stderr).toBe('')
    expect(result.stdout).toMatch(new RegExp(`5x4 RGBA ${bits}-bit PNG`))
    const image = await readWithSharp(join(work, out))
    expect([image.width, image.height, image.channels, image.depth]).toEqual([5, 4, 4, bits])
    // Every sample, alpha included, has the same value: a box blur keeps them all.
    expect(new Set(image.data)).toEqual(new Set([value]))
  })

  it('with ExtraSamples reads the same', async () => {
    await writeFile(join(work, 'tagged.tif'), handWrittenTiff(5, 4, 4, 8, 200, true))
    const result = await runCli(['apply', 'tagged.tif', '-o', 'tagged.png', '--preset', 'identity', '--force'], { cwd: work })
    expect(result.code, result.stderr).toBe(0)
    expect(new Set((await readWithSharp(join(work, 'tagged.png'))).data)).toEqual(new Set([200]))
  })

  it.each([
    ['cut in the pixel data', (tiff: Buffer) => tiff.subarray(0, tiff.length - 30)],
    ['cut right after the header', (tiff: Buffer) => tiff.subarray(0, 120)]
  ])('a truncated one (%s) is still refused with one line, nothing written', async (label, cut) => {
    const name = `cut-${label.replace(/\W/g, '')}.tif`
    await writeFile(join(work, name), cut(handWrittenTiff(5, 4, 4, 8, 200, false)))
    const out = `refused-${label.replace(/\W/g, '')}.png`
    const result = await runCli(['apply', name, '-o', out, '--preset', 'identity'], { cwd: work })
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(new RegExp(`^kernel-studio: error: cannot read ${name.replace('.', '\\.')}: .+\\n$`))
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(existsSync(join(work, out))).toBe(false)
  })
})
