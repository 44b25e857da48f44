// Runs in the renderer: readies an overlay canvas for a new frame, one canvas pixel per device pixel, so its marks
// stay as sharp as the image under them.

/** A cleared canvas's 2D context and the device pixels per CSS pixel it was sized with. */
export interface DeviceCanvas {
  readonly ctx: CanvasRenderingContext2D
  readonly dpr: number
}

/**
 * Sizes `canvas` to `box`'s client size in device pixels (at least 1 x 1) and clears it.
 * Its size is set only when it changed: setting it drops the canvas's contents and context state.
 * @param box the element whose size the canvas covers (default: the canvas itself)
 * @returns null where the canvas has no 2D context
 */
export function deviceCanvas(canvas: HTMLCanvasElement, box: HTMLElement = canvas): DeviceCanvas | null {
  const dpr = window.devicePixelRatio || 1
  const w = Math.max(1, Math.round(box.clientWidth * dpr))
  const h = Math.max(1, Math.round(box.clientHeight * dpr))
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w
    canvas.height = h
  }
  const ctx = canvas.getContext('2d')
  if (!ctx) return null
  ctx.clearRect(0, 0, w, h)
  return { ctx, dpr }
}
