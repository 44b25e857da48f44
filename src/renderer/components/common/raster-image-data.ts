// Runs in the renderer: rasters from the API as DOM ImageData.
import type { Raster } from '../../../contract/api'

/** An ImageData viewing the raster's bytes (no copy). */
export function rasterImageData(raster: Raster): ImageData {
  // Rasters never live in SharedArrayBuffers; the cast only narrows ArrayBufferLike for the DOM typings.
  const bytes = new Uint8ClampedArray(raster.rgba.buffer as ArrayBuffer, raster.rgba.byteOffset, raster.width * raster.height * 4)
  return new ImageData(bytes, raster.width, raster.height)
}
