// Runs in the renderer (pure). Where the shown preview clips, as an RGBA overlay: with the histogram's definitions
// (engine/histogram.ts), a pixel clips its shadows when a colour channel is at 0 and its highlights when one is at
// the maximum; fully transparent pixels are left out, as the histogram leaves them out.

/** Overlay colours: shadows blue, highlights red (a pixel clipping both shows as highlights). */
const SHADOW: readonly number[] = [40, 110, 255, 200]
const HIGHLIGHT: readonly number[] = [255, 40, 40, 200]

/** The overlay for an 8-bit RGBA raster: clipped pixels coloured, the rest transparent. */
export function clippingOverlay(rgba: Uint8Array | Uint8ClampedArray): Uint8ClampedArray {
  const out = new Uint8ClampedArray(rgba.length)
  for (let p = 0; p < rgba.length; p += 4) {
    if (rgba[p + 3] === 0) continue
    const r = rgba[p]
    const g = rgba[p + 1]
    const b = rgba[p + 2]
    const colour = r === 255 || g === 255 || b === 255 ? HIGHLIGHT : r === 0 || g === 0 || b === 0 ? SHADOW : null
    if (colour) out.set(colour, p)
  }
  return out
}
