// Runs in the renderer (pure, unit-tested in Node). Maps between the viewer's image coordinates and one stack
// layer's input and output, whose sizes differ from the image's in `valid` and `full` output modes.
import { outputSize, stackOutputSize } from '../../engine/geometry'
import { EngineError } from '../../engine/errors'
import { resolveFilter } from '../../engine/stack'
import type { FilterSpec, OutputMode } from '../../engine/types'

/** A row/column position or offset. */
export interface GridPos {
  readonly row: number
  readonly col: number
}

/** A height and width in pixels. */
export interface GridSize {
  readonly height: number
  readonly width: number
}

/**
 * Where one layer's input and output sit on the viewer. The viewer centres a result that is smaller (`valid`) or
 * larger (`full`) than the source on it, so pixel (0, 0) of an image of height h sits at image row (H - h) / 2.
 * Kernel sides are odd, so these offsets are whole pixels, and each output pixel lands exactly over the centre
 * of the window it was computed from.
 */
export interface LayerFrame {
  /** Image position of the layer's input pixel (0, 0). */
  readonly input: GridPos
  /** Image position of the layer's output pixel (0, 0). */
  readonly output: GridPos
  readonly inputSize: GridSize
  readonly outputSize: GridSize
  readonly mode: OutputMode
  readonly kernelSize: GridSize
}

/**
 * The frame of layer `index` of `filters` on an image of `image` size: earlier layers that are switched off are
 * skipped (as the engine skips them); the layer itself counts even when off (Explain inspects it anyway).
 * Throws an EngineError when a layer up to `index` is invalid or its kernel does not fit.
 */
export function layerFrame(filters: readonly FilterSpec[], index: number, image: GridSize): LayerFrame {
  if (!Number.isInteger(index) || index < 0 || index >= filters.length) {
    throw new EngineError(`layer ${index + 1} does not exist: the stack has ${filters.length}`)
  }
  const size: GridSize = stackOutputSize(filters.slice(0, index), image.width, image.height)
  const { kernel, options } = resolveFilter({ ...filters[index], enabled: true })
  const mode = options.mode ?? 'same'
  const out = outputSize(size.height, size.width, kernel, mode)
  return {
    input: { row: (image.height - size.height) / 2, col: (image.width - size.width) / 2 },
    output: { row: (image.height - out.height) / 2, col: (image.width - out.width) / 2 },
    inputSize: size,
    outputSize: out,
    mode,
    kernelSize: { height: kernel.height, width: kernel.width }
  }
}

/** The layer output pixel shown at image pixel `p` (may be outside the output: see {@link insideOutput}). */
export function imageToOutput(p: GridPos, frame: LayerFrame): GridPos {
  return { row: p.row - frame.output.row, col: p.col - frame.output.col }
}

/** The image pixel that shows layer output pixel `o`. */
export function outputToImage(o: GridPos, frame: LayerFrame): GridPos {
  return { row: o.row + frame.output.row, col: o.col + frame.output.col }
}

/** True when `o` is a pixel of the layer's output. */
export function insideOutput(o: GridPos, frame: LayerFrame): boolean {
  return o.row >= 0 && o.col >= 0 && o.row < frame.outputSize.height && o.col < frame.outputSize.width
}

/** A rectangle in the layer's input coordinates moved to image coordinates (for the viewer's outline). */
export function inputRectToImage<R extends { top: number; left: number }>(rect: R, frame: LayerFrame): R {
  return { ...rect, top: rect.top + frame.input.row, left: rect.left + frame.input.col }
}

/** A coordinate as people read it: a true minus sign (−1), so it is not mistaken for a dash. */
function coordText(value: number): string {
  return value < 0 ? `−${-value}` : String(value)
}

/** "rows 0 to 2", "rows −1 to 1" or "row 4" for a span of `count` from `start`. */
export function spanText(axis: 'row' | 'column', start: number, count: number): string {
  return count <= 1 ? `${axis} ${coordText(start)}` : `${axis}s ${coordText(start)} to ${coordText(start + count - 1)}`
}
