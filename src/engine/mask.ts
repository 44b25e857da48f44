// Layer masks: where a layer acts, 0..1 per pixel, from shapes in fractions of the image's size, so one recipe
// fits any size. Rasterised row by row, so the fast paths can make each row where they use it.
import { EngineError } from './errors'

/** `x, y` top-left corner, `width, height`: fractions of the image's width and height. */
export interface RectShape {
  readonly type: 'rect'
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
}

/** Centre `cx, cy` and radii `rx` (a fraction of the width), `ry` (of the height). */
export interface EllipseShape {
  readonly type: 'ellipse'
  readonly cx: number
  readonly cy: number
  readonly rx: number
  readonly ry: number
}

/** 0 at (x0, y0), 1 at (x1, y1), linear in between along that line, flat beyond. */
export interface GradientShape {
  readonly type: 'gradient'
  readonly x0: number
  readonly y0: number
  readonly x1: number
  readonly y1: number
}

/**
 * A stroke through `points` (a single point is a dab). `radius` is a fraction of the image's shorter side;
 * `hardness` (0..1) is the fraction of the radius painted at full strength, falling linearly to 0 at the radius.
 * `erase` takes the stroke out of the shapes before it instead of adding to them.
 */
export interface BrushShape {
  readonly type: 'brush'
  readonly points: readonly (readonly [number, number])[]
  readonly radius: number
  /** @default 1 */
  readonly hardness?: number
  /** @default false */
  readonly erase?: boolean
}

/**
 * The pixels whose luminance (BT.709 on stored values, 0..1, of the layer's input) lies in `from..to`,
 * falling linearly to 0 over `soft` beyond each end.
 */
export interface TonesShape {
  readonly type: 'tones'
  readonly from: number
  readonly to: number
  /** @default 0 */
  readonly soft?: number
}

/** One shape of a mask. */
export type MaskShape = RectShape | EllipseShape | GradientShape | BrushShape | TonesShape

/** A layer's mask: shapes combined by their maximum (brush erasers remove), then feathered, then inverted. */
export interface LayerMask {
  readonly shapes: readonly MaskShape[]
  /**
   * Gaussian blur of the combined shapes, sigma as a fraction of the image's shorter side; the mask continues
   * past the edges as its mirror image. @default 0
   */
  readonly feather?: number
  /** Use 1 - mask. @default false */
  readonly invert?: boolean
}

/** Fills `out` (length width) with the luminance, 0..1, of row `y` of the layer's input. */
export type LuminanceRow = (y: number, out: Float32Array) => void

function finite(value: unknown, what: string, low = -Infinity, high = Infinity): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < low || value > high) {
    const range = low === -Infinity ? 'a number' : high === Infinity ? `a number of at least ${low}` : `a number from ${low} to ${high}`
    throw new EngineError(`mask ${what} must be ${range}, got ${JSON.stringify(value) ?? String(value)}`)
  }
}

/** Throws an EngineError naming the problem unless `mask` is a valid {@link LayerMask}. */
export function checkMask(mask: LayerMask): void {
  if (typeof mask !== 'object' || mask === null || !Array.isArray(mask.shapes)) {
    throw new EngineError('a mask is {"shapes": [...], "feather": 0, "invert": false}')
  }
  if (mask.feather !== undefined) finite(mask.feather, 'feather', 0, 1)
  if (mask.invert !== undefined && typeof mask.invert !== 'boolean') throw new EngineError('mask invert must be true or false')
  mask.shapes.forEach((shape, i) => {
    const at = `shapes[${i}]`
    switch (shape?.type) {
      case 'rect':
        for (const key of ['x', 'y'] as const) finite(shape[key], `${at}.${key}`)
        for (const key of ['width', 'height'] as const) finite(shape[key], `${at}.${key}`, 0)
        break
      case 'ellipse':
        for (const key of ['cx', 'cy'] as const) finite(shape[key], `${at}.${key}`)
        for (const key of ['rx', 'ry'] as const) finite(shape[key], `${at}.${key}`, 0)
        break
      case 'gradient':
        for (const key of ['x0', 'y0', 'x1', 'y1'] as const) finite(shape[key], `${at}.${key}`)
        break
      case 'brush': {
        const points: unknown = shape.points
        if (!Array.isArray(points) || points.length === 0) throw new EngineError(`mask ${at}.points must list at least one [x, y]`)
        points.forEach((p: unknown, j: number) => {
          if (!Array.isArray(p) || p.length !== 2) throw new EngineError(`mask ${at}.points[${j}] must be [x, y]`)
          finite(p[0], `${at}.points[${j}][0]`)
          finite(p[1], `${at}.points[${j}][1]`)
        })
        finite(shape.radius, `${at}.radius`, 0)
        if (shape.hardness !== undefined) finite(shape.hardness, `${at}.hardness`, 0, 1)
        if (shape.erase !== undefined && typeof shape.erase !== 'boolean') throw new EngineError(`mask ${at}.erase must be true or false`)
        break
      }
      case 'tones':
        finite(shape.from, `${at}.from`, 0, 1)
        finite(shape.to, `${at}.to`, 0, 1)
        if (shape.soft !== undefined) finite(shape.soft, `${at}.soft`, 0, 1)
        break
      default:
        throw new EngineError(`mask ${at}.type must be one of rect, ellipse, gradient, brush, tones`)
    }
  })
}

/** The feathered mask on a coarse grid, bilinearly interpolated back to pixels (see {@link planMask}). */
export interface CoarseMask {
  /** Pixels per coarse cell along each axis. */
  readonly factor: number
  readonly width: number
  readonly height: number
  readonly values: Float32Array
  /** Per pixel column: the left coarse column and the weight of the one right of it. */
  readonly col0: Int32Array
  readonly colT: Float32Array
  /** The plan's key when it is kept between runs (its rows are then kept too, see coarseRow), or ''. */
  readonly key: string
}

/** A mask ready to rasterise rows of a width x height image; plain data (it can be posted to worker threads). */
export interface MaskPlan {
  readonly width: number
  readonly height: number
  readonly shapes: readonly MaskShape[]
  readonly invert: boolean
  /** True when rows need the input's luminance (a `tones` shape, unfeathered). */
  readonly needsLuminance: boolean
  /** Feathered masks: the blurred mask, computed once; rows interpolate it. */
  readonly coarse: CoarseMask | null
}

/** True when some shape of `mask` reads the layer's input (its luminance). */
export function maskUsesTones(mask: LayerMask): boolean {
  return mask.shapes.some((s) => s.type === 'tones')
}

// Rect and ellipse spans are whole pixels whose centre (x + 0.5, y + 0.5) is inside: a rect with feather 0 is exact.
// Each fills its span with 1 and returns it through `span` (x1 <= x0: none).
const span2 = new Int32Array(2)

function rectRow(shape: RectShape, width: number, height: number, y: number, out: Float32Array): void {
  // A pixel is inside when top <= y + 0.5 < bottom and left <= x + 0.5 < right (in pixels).
  span2[0] = span2[1] = 0
  const py = y + 0.5
  if (!(py >= shape.y * height && py < (shape.y + shape.height) * height)) return
  const x0 = Math.max(0, Math.ceil(shape.x * width - 0.5))
  const x1 = Math.min(width, Math.ceil((shape.x + shape.width) * width - 0.5))
  if (x1 > x0) out.fill(1, x0, x1)
  span2[0] = x0
  span2[1] = x1
}

function ellipseRow(shape: EllipseShape, width: number, height: number, y: number, out: Float32Array): void {
  span2[0] = span2[1] = 0
  const rx = shape.rx * width
  const ry = shape.ry * height
  if (rx <= 0 || ry <= 0) return
  const dy = (y + 0.5 - shape.cy * height) / ry
  const q = 1 - dy * dy
  if (q < 0) return
  const cx = shape.cx * width
  const half = rx * Math.sqrt(q)
  let x0 = Math.max(0, Math.ceil(cx - half - 0.5))
  let x1 = Math.min(width - 1, Math.floor(cx + half - 0.5))
  // The span's ends are rounded: check them exactly (the pixels inside form one run, the ellipse being convex).
  const inside = (x: number): boolean => {
    const dx = (x + 0.5 - cx) / rx
    return dx * dx + dy * dy <= 1
  }
  while (x0 <= x1 && !inside(x0)) x0++
  while (x1 >= x0 && !inside(x1)) x1--
  if (x1 >= x0) out.fill(1, x0, x1 + 1)
  span2[0] = x0
  span2[1] = x1 + 1
}

function gradientRow(shape: GradientShape, width: number, height: number, y: number, out: Float32Array): void {
  const ax = shape.x0 * width
  const ay = shape.y0 * height
  const vx = shape.x1 * width - ax
  const vy = shape.y1 * height - ay
  const len2 = vx * vx + vy * vy
  const py = y + 0.5 - ay
  for (let x = 0; x < width; x++) {
    // A gradient of zero length is a step: 1 from its point on.
    const t = len2 === 0 ? 1 : ((x + 0.5 - ax) * vx + py * vy) / len2
    const v = t < 0 ? 0 : t > 1 ? 1 : t
    if (v > out[x]) out[x] = v
  }
}

/** Brush strength at distance d from the stroke: 1 up to hardness x radius, linear to 0 at the radius. */
function brushValue(d: number, r: number, hard: number): number {
  if (d <= hard) return 1
  if (d >= r) return 0
  return (r - d) / (r - hard)
}

function brushRow(shape: BrushShape, width: number, height: number, y: number, out: Float32Array): void {
  const r = shape.radius * Math.min(width, height)
  if (r <= 0) return
  const hard = (shape.hardness ?? 1) * r
  const erase = shape.erase === true
  const py = y + 0.5
  const pts = shape.points
  const n = Math.max(1, pts.length - 1)
  for (let s = 0; s < n; s++) {
    const ax = pts[s][0] * width
    const ay = pts[s][1] * height
    const b = pts.length > 1 ? pts[s + 1] : pts[s]
    const bx = b[0] * width
    const by = b[1] * height
    if (py < Math.min(ay, by) - r || py > Math.max(ay, by) + r) continue
    const vx = bx - ax
    const vy = by - ay
    const len2 = vx * vx + vy * vy
    const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - r - 0.5))
    const x1 = Math.min(width - 1, Math.ceil(Math.max(ax, bx) + r - 0.5))
    for (let x = x0; x <= x1; x++) {
      const px = x + 0.5
      let t = len2 === 0 ? 0 : ((px - ax) * vx + (py - ay) * vy) / len2
      t = t < 0 ? 0 : t > 1 ? 1 : t
      const dx = px - (ax + t * vx)
      const dy = py - (ay + t * vy)
      const v = brushValue(Math.sqrt(dx * dx + dy * dy), r, hard)
      if (v <= 0) continue
      if (erase) {
        if (1 - v < out[x]) out[x] = 1 - v
      } else if (v > out[x]) out[x] = v
    }
  }
}

function tonesRow(shape: TonesShape, width: number, luminance: Float32Array, out: Float32Array): void {
  const soft = shape.soft ?? 0
  const low = Math.min(shape.from, shape.to)
  const high = Math.max(shape.from, shape.to)
  for (let x = 0; x < width; x++) {
    const l = luminance[x]
    let v: number
    if (l >= low && l <= high) v = 1
    else if (soft === 0) v = 0
    else v = Math.max(0, 1 - (l < low ? low - l : l - high) / soft)
    if (v > out[x]) out[x] = v
  }
}

/**
 * Where a row of a mask is 0 and 1: every value outside [start, end) is 0, every value in [onesStart, onesEnd) (a
 * part of it, maybe empty) is exactly 1. The fast paths copy the backdrop outside and skip the mask inside.
 */
export interface MaskSpan {
  start: number
  end: number
  onesStart: number
  onesEnd: number
}

/**
 * Row `y` of the shapes combined, before feathering and inverting: each shape in order adds by maximum, an
 * erasing brush removes (minimum with 1 - its strength). `luminance` is the input row's luminance (tones only).
 * `span`, when given, receives where the row is not 0 (see {@link MaskSpan}).
 */
function shapesRow(
  shapes: readonly MaskShape[],
  width: number,
  height: number,
  y: number,
  out: Float32Array,
  luminance: Float32Array | null,
  span: MaskSpan | null = null
): void {
  out.fill(0)
  let start = width
  let end = 0
  // Rect and ellipse runs of 1 in this row while every shape is one of them; null once another kind comes.
  let runs: [number, number][] | null = []
  const add = (x0: number, x1: number): void => {
    if (x1 <= x0) return
    start = Math.min(start, x0)
    end = Math.max(end, x1)
    runs?.push([x0, x1])
  }
  for (const shape of shapes) {
    switch (shape.type) {
      case 'rect':
        rectRow(shape, width, height, y, out)
        add(span2[0], span2[1])
        break
      case 'ellipse':
        ellipseRow(shape, width, height, y, out)
        add(span2[0], span2[1])
        break
      case 'gradient':
        gradientRow(shape, width, height, y, out)
        runs = null
        add(0, width)
        break
      case 'brush':
        brushRow(shape, width, height, y, out)
        runs = null
        if (shape.erase !== true) add(0, width)
        break
      case 'tones':
        if (!luminance) throw new Error('a tones mask needs the input luminance')
        tonesRow(shape, width, luminance, out)
        runs = null
        add(0, width)
        break
    }
  }
  if (!span) return
  span.start = Math.min(start, end)
  span.end = end
  // All 1 inside when the runs of 1 join into one.
  let ones = runs !== null && runs.length > 0
  if (runs && ones) {
    runs.sort((a, b) => a[0] - b[0])
    let reach = runs[0][1]
    for (const [x0, x1] of runs) {
      if (x0 > reach) ones = false
      reach = Math.max(reach, x1)
    }
  }
  span.onesStart = span.start
  span.onesEnd = ones ? span.end : span.start
}

/** A gaussian of `sigma` sampled at whole offsets out to 4 sigma, weights summing to 1. */
function gaussianWeights(sigma: number): Float64Array {
  const radius = Math.max(1, Math.ceil(4 * sigma))
  const w = new Float64Array(2 * radius + 1)
  let sum = 0
  for (let i = -radius; i <= radius; i++) sum += w[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma))
  for (let i = 0; i < w.length; i++) w[i] /= sum
  return w
}

/** Index `i` of 0..n-1 mirrored past either end (half-sample symmetric: -1 is 0, n is n - 1). */
function mirror(i: number, n: number): number {
  const period = 2 * n
  let j = i % period
  if (j < 0) j += period
  return j < n ? j : period - 1 - j
}

/**
 * One separable pass of `weights` over `n` lines of `len` samples `step` apart, in place. Lines start on the
 * image's first pixel, which the mask mirrors about; their far end has room for the whole kernel, so clamping
 * there never reaches a cell that is interpolated. Each line is copied once with its borders, so the taps run
 * without an index check.
 */
function blurLines(data: Float32Array, len: number, n: number, step: number, lineStep: number, weights: Float64Array): void {
  const radius = (weights.length - 1) / 2
  const taps = weights.length
  const line = new Float64Array(len + 2 * radius)
  for (let l = 0; l < n; l++) {
    const base = l * lineStep
    for (let i = 0; i < len; i++) line[radius + i] = data[base + i * step]
    for (let k = 1; k <= radius; k++) {
      line[radius - k] = line[radius + Math.min(k - 1, len - 1)]
      line[radius + len - 1 + k] = line[radius + len - 1]
    }
    for (let i = 0; i < len; i++) {
      let sum = 0
      for (let k = 0; k < taps; k++) sum += weights[k] * line[i + k]
      data[base + i * step] = sum
    }
  }
}

/**
 * Coarse cells are this many times smaller than sigma (at least one pixel): the blur then costs the same at any
 * feather (below 8 pixels the blur runs on the pixels themselves), and the grid, the cell averaging and the
 * interpolation keep the result within 0.002 of the exact gaussian (half an 8-bit level over a full-range
 * difference; 0.0012 at most in tests/unit/engine/mask.spec.ts).
 */
const SIGMA_PER_CELL = 8

/** The cells, blur and size of the feathered grid of a width x height image for a gaussian of `sigma` pixels. */
function gridLayout(width: number, height: number, sigma: number): { factor: number; weights: Float64Array; cw: number; ch: number } {
  const factor = Math.max(1, Math.floor(sigma / SIGMA_PER_CELL))
  // Variance in cell units: averaging f pixels adds (f^2 - 1) / (12 f^2), linear interpolation 1/6 (none at f = 1).
  const s = sigma / factor
  const variance = s * s - (factor > 1 ? (factor * factor - 1) / (12 * factor * factor) + 1 / 6 : 0)
  const weights = gaussianWeights(Math.sqrt(Math.max(variance, 0.01)))
  const radius = (weights.length - 1) / 2
  // Cells past the right and bottom edges hold the mirrored mask out to the kernel's reach.
  return { factor, weights, cw: Math.ceil(width / factor) + radius + 1, ch: Math.ceil(height / factor) + radius + 1 }
}

/** Bytes of the feathered grid {@link planMask} makes for `mask` on a width x height image (0 without feather). */
export function maskGridBytes(mask: LayerMask, width: number, height: number): number {
  const sigma = (mask.feather ?? 0) * Math.min(width, height)
  if (!(sigma > 0)) return 0
  const { cw, ch } = gridLayout(width, height, sigma)
  return cw * ch * 4
}

/**
 * Bytes of the rows {@link coarseRow} keeps for `mask` on a width x height image, per thread (0 without feather):
 * one grid line per image row and its span.
 */
export function maskRowsBytes(mask: LayerMask, width: number, height: number): number {
  const sigma = (mask.feather ?? 0) * Math.min(width, height)
  if (!(sigma > 0) || maskUsesTones(mask) || maskGridBytes(mask, width, height) > KEEP_BYTES) return 0
  const { factor, cw, ch } = gridLayout(width, height, sigma)
  return ch * factor * (cw * 4 + ROW_SPAN_INTS * 4 + 1)
}

/** The fast paths share a kept mask's row values up to this size (src/engine/fast/mask-rows.ts). */
export const SHARED_ROWS_MAX_BYTES = 64 * 1024 * 1024

/**
 * Bytes of the rows the fast paths' threads share for `mask` on a width x height image, at most (0 for masks they
 * make on every run: `tones`, inverted, feathered on a grid too large to keep): its values wherever it is neither 0
 * nor 1, per row a span, an offset and a state.
 */
export function sharedRowsBytes(mask: LayerMask, width: number, height: number): number {
  if (maskUsesTones(mask) || mask.invert === true) return 0
  // A feathered grid too large to keep is made on every run (planMask), and so are its rows.
  if (maskGridBytes(mask, width, height) > KEEP_BYTES) return 0
  return Math.min((width * height + 2 * height) * 4, SHARED_ROWS_MAX_BYTES) + height * (ROW_SPAN_INTS + 2) * 4 + 4
}

/**
 * The feathered mask: the shapes, mirrored past the image's edges, averaged over cells of `factor` x `factor`
 * pixels starting at the top-left pixel, blurred on that grid with the gaussian whose variance, added to the
 * cells' and the interpolation's, makes the requested one.
 */
function featherGrid(
  shapes: readonly MaskShape[],
  width: number,
  height: number,
  sigma: number,
  luminanceRow: LuminanceRow | null
): CoarseMask {
  const { factor, weights, cw, ch } = gridLayout(width, height, sigma)
  const values = new Float32Array(cw * ch)
  const row = new Float32Array(width)
  const lum = luminanceRow ? new Float32Array(width) : null
  const cellRow = new Float64Array(cw)
  const columns = Int32Array.from({ length: cw * factor }, (_, j) => mirror(j, width))
  const inner = Math.floor(width / factor)
  let lastY = -1
  for (let cy = 0; cy < ch; cy++) {
    cellRow.fill(0)
    for (let k = 0; k < factor; k++) {
      const y = mirror(cy * factor + k, height)
      if (y !== lastY) {
        if (lum && luminanceRow) luminanceRow(y, lum)
        shapesRow(shapes, width, height, y, row, lum)
        lastY = y
      }
      // Cells inside the image read the row directly; those past its right edge through the mirrored columns.
      let cx = 0
      for (let j = 0; cx < inner; cx++) {
        let sum = 0
        for (let e = j + factor; j < e; j++) sum += row[j]
        cellRow[cx] += sum
      }
      for (let j = cx * factor; cx < cw; cx++) {
        let sum = 0
        for (let e = j + factor; j < e; j++) sum += row[columns[j]]
        cellRow[cx] += sum
      }
    }
    for (let cx = 0; cx < cw; cx++) values[cy * cw + cx] = cellRow[cx] / (factor * factor)
  }
  blurLines(values, cw, ch, 1, cw, weights)
  blurLines(values, ch, cw, cw, 1, weights)
  const col0 = new Int32Array(width)
  const colT = new Float32Array(width)
  for (let x = 0; x < width; x++) {
    const u = (x + 0.5) / factor - 0.5
    const i = Math.floor(u)
    col0[x] = i
    colT[x] = u - i
  }
  return { factor, width: cw, height: ch, values, col0, colT, key: '' }
}

/**
 * The last feathered plans made, by mask and size: a preview loop or a batch applies the same mask again and again,
 * and its grid costs tens of milliseconds at 12 MP. Plans are never changed once made, so they are shared. Grids
 * over KEEP_BYTES (a feather under 8 pixels is blurred on the pixels themselves) are not kept.
 */
const recentPlans: { readonly key: string; readonly plan: MaskPlan }[] = []
const RECENT_PLANS = 4
const KEEP_BYTES = 16 * 1024 * 1024

/**
 * Prepares `mask` for a width x height image. `luminanceRow` gives the layer input's luminance (needed when a
 * `tones` shape is used). Feathered masks are computed here, once, on a grid of sigma/8-pixel cells (and kept
 * for the next call with the same mask and size, unless they depend on the image through `tones`).
 */
export function planMask(mask: LayerMask, width: number, height: number, luminanceRow: LuminanceRow | null): MaskPlan {
  const tones = maskUsesTones(mask)
  if (tones && !luminanceRow) throw new Error('a tones mask needs the input luminance')
  const sigma = (mask.feather ?? 0) * Math.min(width, height)
  const invert = mask.invert === true
  if (!(sigma > 0)) return { width, height, shapes: mask.shapes, invert, needsLuminance: tones, coarse: null }
  const key = tones || maskGridBytes(mask, width, height) > KEEP_BYTES ? '' : `${width}x${height} ${JSON.stringify(mask)}`
  const kept = key ? recentPlans.find((p) => p.key === key) : undefined
  if (kept) return kept.plan
  const coarse = { ...featherGrid(mask.shapes, width, height, sigma, tones ? luminanceRow : null), key }
  const plan: MaskPlan = { width, height, shapes: mask.shapes, invert, needsLuminance: false, coarse }
  if (key) {
    recentPlans.unshift({ key, plan })
    recentPlans.length = Math.min(recentPlans.length, RECENT_PLANS)
  }
  return plan
}

/** The first index of the non-decreasing `values` whose value is at least `value` (values.length if none). */
function firstAtLeast(values: Int32Array, value: number): number {
  let lo = 0
  let hi = values.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (values[mid] < value) lo = mid + 1
    else hi = mid
  }
  return lo
}

function clampIndex(i: number, n: number): number {
  return i < 0 ? 0 : i >= n ? n - 1 : i
}

/**
 * Row `y` of a feathered mask on its grid: the coarse cells' values into `line` (length coarse.width, mixed
 * between the two grid rows around y), and into `span` where the row's pixels are 0 and 1 (before any invert).
 * Pixel x is then line[col0[x]] + (line[col0[x] + 1] - line[col0[x]]) x colT[x], indices clamped to the line.
 */
export function coarseRow(coarse: CoarseMask, width: number, y: number, line: Float32Array, span: MaskSpan): void {
  const kept = coarse.key ? keptRows(coarse, y) : null
  if (kept?.made[y]) {
    const cw = coarse.width
    line.set(kept.lines.subarray(y * cw, y * cw + cw))
    const s = y * ROW_SPAN_INTS
    span.start = kept.spans[s]
    span.end = kept.spans[s + 1]
    span.onesStart = kept.spans[s + 2]
    span.onesEnd = kept.spans[s + 3]
    return
  }
  makeCoarseRow(coarse, width, y, line, span)
  if (kept) {
    kept.lines.set(line.subarray(0, coarse.width), y * coarse.width)
    const s = y * ROW_SPAN_INTS
    kept.spans[s] = span.start
    kept.spans[s + 1] = span.end
    kept.spans[s + 2] = span.onesStart
    kept.spans[s + 3] = span.onesEnd
    kept.made[y] = 1
  }
}

/** Ints per row span: start, end, onesStart, onesEnd. */
export const ROW_SPAN_INTS = 4

/**
 * The rows coarseRow made for the last kept plan, in this thread: a preview loop or a batch asks for the same
 * rows of the same mask on every run. One plan's rows only (12 MP: about 7 MB per thread, see maskRowsBytes).
 */
let rowsKept: { readonly key: string; readonly lines: Float32Array; readonly spans: Int32Array; readonly made: Uint8Array } | null = null

/** The kept rows of `coarse` (made empty on a new plan), or null where row `y` is past the grid's reach. */
function keptRows(coarse: CoarseMask, y: number): typeof rowsKept {
  const rows = coarse.height * coarse.factor
  if (y < 0 || y >= rows) return null
  if (rowsKept?.key !== coarse.key) {
    rowsKept = null
    rowsKept = {
      key: coarse.key,
      lines: new Float32Array(rows * coarse.width),
      spans: new Int32Array(rows * ROW_SPAN_INTS),
      made: new Uint8Array(rows)
    }
  }
  return rowsKept
}

/** {@link coarseRow} without the kept rows: row `y`'s cells into `line` and its span into `span`. */
export function makeCoarseRow(coarse: CoarseMask, width: number, y: number, line: Float32Array, span: MaskSpan): void {
  const { values, col0 } = coarse
  const cw = coarse.width
  const v = (y + 0.5) / coarse.factor - 0.5
  const r = Math.floor(v)
  const t = v - r
  const top = clampIndex(r, coarse.height) * cw
  const bottom = clampIndex(r + 1, coarse.height) * cw
  // Cells c0..c1 are not 0; o0..o1 is the longest run of cells exactly 1 (inside a shape, the blur of ones).
  let c0 = cw
  let c1 = -1
  let o0 = 0
  let o1 = -1
  for (let i = 0, run = 0; i < cw; i++) {
    const value = values[top + i] + (values[bottom + i] - values[top + i]) * t
    line[i] = value
    if (value !== 0) {
      c0 = Math.min(c0, i)
      c1 = i
    }
    run = value === 1 ? run + 1 : 0
    if (run > o1 - o0 + 1) {
      o0 = i - run + 1
      o1 = i
    }
  }
  // Pixel x mixes cells col0[x] and col0[x] + 1 (clamped): 0 unless one is in c0..c1, 1 when both are in o0..o1.
  // col0 never decreases, so each bound is a binary search.
  const x0 = firstAtLeast(col0, c0 - 1)
  const x1 = Math.max(x0, firstAtLeast(col0, c1 + 1))
  let ones0 = x0
  let ones1 = x0
  if (o1 >= o0) {
    // Clamped, col0 >= o0 holds everywhere for o0 = 0, and col0 + 1 <= o1 everywhere for the last cell.
    ones0 = Math.min(x1, Math.max(x0, o0 <= 0 ? 0 : firstAtLeast(col0, o0)))
    ones1 = Math.max(ones0, Math.min(x1, o1 >= cw - 1 ? width : firstAtLeast(col0, o1)))
  }
  span.start = x0
  span.end = x1
  span.onesStart = ones0
  span.onesEnd = ones1
}

/**
 * Row `y` of the mask into `out` (length width), values 0..1. `luminance`: that row's input luminance, 0..1,
 * when {@link MaskPlan.needsLuminance}. `scratch`: a row of `coarse.width` floats for feathered masks. `span`,
 * when given, receives where the row is 0 and 1 (the fast paths copy the backdrop outside, skip the mask inside).
 */
export function maskRow(
  plan: MaskPlan,
  y: number,
  out: Float32Array,
  luminance: Float32Array | null,
  scratch: Float32Array | null = null,
  span: MaskSpan | null = null
): void {
  const { width, coarse } = plan
  if (coarse) {
    const { col0, colT } = coarse
    const cw = coarse.width
    const line = scratch && scratch.length >= cw ? scratch : new Float32Array(cw)
    const at = span ?? { start: 0, end: 0, onesStart: 0, onesEnd: 0 }
    coarseRow(coarse, width, y, line, at)
    out.fill(0, 0, at.start)
    out.fill(0, at.end)
    out.fill(1, at.onesStart, at.onesEnd)
    // Pixels between the same two cells come in runs: each run reads its two cells once (lerpMask in
    // src/wasm/layers.ts computes the same, operation for operation).
    const lerp = (from: number, to: number): void => {
      for (let x = from; x < to; ) {
        const i = col0[x]
        const a = line[clampIndex(i, cw)]
        const d = line[clampIndex(i + 1, cw)] - a
        for (; x < to && col0[x] === i; x++) out[x] = a + d * colT[x]
      }
    }
    lerp(at.start, at.onesStart)
    lerp(at.onesEnd, at.end)
  } else {
    shapesRow(plan.shapes, width, plan.height, y, out, luminance, span)
  }
  if (plan.invert) {
    for (let x = 0; x < width; x++) out[x] = 1 - out[x]
    if (span) {
      span.start = 0
      span.end = width
      span.onesEnd = span.onesStart = 0
    }
  }
}

/** The whole mask of a width x height image, row-major (the reference's form). */
export function rasterMask(mask: LayerMask, width: number, height: number, luminanceRow: LuminanceRow | null): Float32Array {
  const plan = planMask(mask, width, height, luminanceRow)
  const out = new Float32Array(width * height)
  const lum = plan.needsLuminance ? new Float32Array(width) : null
  for (let y = 0; y < height; y++) {
    if (lum && luminanceRow) luminanceRow(y, lum)
    maskRow(plan, y, out.subarray(y * width, (y + 1) * width), lum)
  }
  return out
}
