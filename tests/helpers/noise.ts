// Test helper: a 3000x2000 PNG of random noise. Noise does not compress, so a 16-bit TIFF written from it is about
// 36 MB and takes long enough to write that a test can interrupt it mid-write.
import { randomBytes } from 'node:crypto'
import sharp from 'sharp'

/** Writes the noise photo to `file`. */
export async function writeNoisePng(file: string): Promise<void> {
  const width = 3000
  const height = 2000
  await sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } })
    .png({ compressionLevel: 1 })
    .toFile(file)
}
