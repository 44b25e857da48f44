// Test helpers: an engine host (a real child process) with the 300x220 synthetic texture photo open, as the region
// and grid preview specs compare its previews with the whole result; and the crop those comparisons need.
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import type { PreviewRegion, Raster } from '../../../src/contract/api'
import { HostClient, forkHost } from '../../../src/host/client'
import { hostScriptPath } from '../../../src/io/package-paths'
import { texturePixels } from '../../helpers/texture'

export const WIDTH = 300
export const HEIGHT = 220

/** A running host with the texture open as photo.png in a temp folder; `close` ends both. */
export interface TextureHost {
  readonly host: HostClient
  /** The temp folder (removed by `close`), for more files of a test. */
  readonly dir: string
  readonly photo: string
  /** The photo's RGB samples. */
  readonly pixels: Buffer
  close(): Promise<void>
}

export async function openTextureHost(prefix: string): Promise<TextureHost> {
  if (!existsSync(hostScriptPath())) throw new Error(`${hostScriptPath()} is missing: run npm run build:node before these tests`)
  const dir = await mkdtemp(join(tmpdir(), prefix))
  const photo = join(dir, 'photo.png')
  const pixels = texturePixels(WIDTH, HEIGHT, { cx: 150, cy: 110, r: 60 })
  await sharp(pixels, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } }).png().toFile(photo)
  const host = new HostClient(() => forkHost())
  await host.request({ type: 'open', name: 'photo.png', path: photo })
  return {
    host,
    dir,
    photo,
    pixels,
    async close() {
      host.close()
      await rm(dir, { recursive: true, force: true })
    }
  }
}

/** The `box` part of an RGBA raster. */
export function cropRaster(raster: Raster, box: PreviewRegion): Uint8Array {
  const out = new Uint8Array(box.width * box.height * 4)
  for (let r = 0; r < box.height; r++) {
    const from = ((box.y + r) * raster.width + box.x) * 4
    out.set(raster.rgba.subarray(from, from + box.width * 4), r * box.width * 4)
  }
  return out
}
