// Runs in the engine host (a Node child process in serve mode and tests, Electron's utility process in the app).
// Keeps the open image and its screen-sized proxies, runs stacks through runStack, answers one request protocol.
// Full resolution is only ever computed where it is looked at: regions of the result (the visible part of a
// zoomed-in view, small blocks for pixel readouts) run the stack on just the source pixels they depend on.
import type { ImageInfo, PreviewRegion, PreviewResult, Raster } from '../contract/api'
import { outputSize } from '../engine/border'
import { toWireError } from '../contract/errors'
import { AbortError, EngineError } from '../engine/errors'
import { toFloat } from '../engine/image'
import { inspectPixel, type InspectResult } from '../engine/inspect'
import { applyStack, resolveFilter } from '../engine/stack'
import type { FilterSpec, FloatImage, IntImage } from '../engine/types'
import { decode, encode, exportDepth } from './codec'
import type {
  EncodeRequest,
  EncodeResult,
  HostMessage,
  HostRequest,
  HostResults,
  InspectRequest,
  OpenRequest,
  PixelRequest,
  PreviewRequest,
  ThumbnailsRequest
} from './protocol'
import { cropImage, downscale, fitSize, toRaster } from './raster'
import { planRegion, type PixelBox } from './region'
import { stackOutputSize } from '../engine/geometry'
import { runStack, sharedImage } from '../runtime/run-stack'

/** A computed part of a full-resolution result. */
interface RegionResult {
  /** The stack's key (see stackKey). */
  readonly key: string
  /** Where it lies in the result. */
  readonly box: PixelBox
  readonly image: IntImage
}

/** The open document: the decoded source and its cached downscaled copies. */
interface Document {
  readonly info: ImageInfo
  readonly image: IntImage
  /** ICC profile of the file, attached again on export. */
  readonly icc?: Uint8Array
  /** Proxies by "WxH", most recently used last. */
  readonly proxies: Map<string, IntImage>
  /** Stack results by "target|stack", most recently used last. */
  readonly results: Map<string, IntImage>
  /** Regions of full-resolution results shown by the viewer, most recently used last. */
  readonly regions: Map<string, RegionResult>
  /** Small blocks of full-resolution results read by the status bar's pixel readout. */
  readonly blocks: Map<string, RegionResult>
  /** The float input of the last explained filter. */
  floatPrefix?: { readonly key: string; readonly image: FloatImage }
}

/** How many proxies and results to keep: a few screen sizes and thumbnails, one or two full-size results. */
const MAX_PROXIES = 4
const MAX_PROXY_RESULTS = 6
const MAX_FULL_RESULTS = 2

/** Regions kept: the visible one, and a few the user just panned or zoomed away from. */
const MAX_REGIONS = 4
/** Pixel-readout blocks kept (each a few kilobytes). */
const MAX_BLOCKS = 32
/** Edge of the blocks a pixel readout computes: moving the cursor nearby reads the same block again. */
const PIXEL_BLOCK = 64

/** Largest edge a preview or thumbnail may ask for (a 16K screen); keeps a bad request from allocating gigabytes. */
const MAX_PREVIEW_EDGE = 16384

/** Lets messages that arrived meanwhile run first, so a burst of previews collapses to the newest. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

function lruGet<V>(map: Map<string, V>, key: string): V | undefined {
  const value = map.get(key)
  if (value !== undefined) {
    map.delete(key)
    map.set(key, value)
  }
  return value
}

function lruSet<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key)
  map.set(key, value)
  while (map.size > max) map.delete(map.keys().next().value as string)
}

/** What identifies a stack's result: its enabled filters (disabled ones change nothing). */
function stackKey(filters: readonly FilterSpec[]): string {
  return JSON.stringify(filters.filter((f) => f.enabled !== false))
}

/** True when `outer` contains all of `inner`. */
function contains(outer: PixelBox, inner: PixelBox): boolean {
  return (
    inner.x >= outer.x &&
    inner.y >= outer.y &&
    inner.x + inner.width <= outer.x + outer.width &&
    inner.y + inner.height <= outer.y + outer.height
  )
}

/** The `box` part of a float image (which must contain it). */
function cropFloat(image: FloatImage, box: PixelBox): FloatImage {
  const ch = image.channels
  const data = new Float32Array(box.width * box.height * ch)
  for (let r = 0; r < box.height; r++) {
    const from = ((box.y + r) * image.width + box.x) * ch
    data.set(image.data.subarray(from, from + box.width * ch), r * box.width * ch)
  }
  return { width: box.width, height: box.height, channels: image.channels, depth: image.depth, data }
}

/** The requested region clipped to the `size` result; a one-line error when it is malformed or outside. */
function checkRegion(region: PreviewRegion, size: { width: number; height: number }): PixelBox {
  const { x, y, width, height } = (region ?? {}) as Partial<PreviewRegion>
  for (const [name, value, min] of [['x', x, 0], ['y', y, 0], ['width', width, 1], ['height', height, 1]] as const) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
      throw new EngineError(`region ${name} must be a whole number of at least ${min}, got ${String(value)}`)
    }
  }
  const box = region as PixelBox
  const right = Math.min(size.width, box.x + box.width)
  const bottom = Math.min(size.height, box.y + box.height)
  if (right <= box.x || bottom <= box.y) {
    throw new EngineError(
      `region ${box.width}x${box.height} at ${box.x},${box.y} is outside the ${size.width}x${size.height} result`
    )
  }
  return { x: box.x, y: box.y, width: right - box.x, height: bottom - box.y }
}

function checkEdge(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_PREVIEW_EDGE) {
    throw new EngineError(`${name} must be a whole number from 1 to ${MAX_PREVIEW_EDGE}, got ${String(value)}`)
  }
  return value
}

/** The engine host. `handle` takes one request; every reply and progress event goes out through `post`. */
export interface EngineHost {
  /** Handles one incoming message (anything: malformed ones get an error reply when they carry an id). */
  handle(message: unknown): void
  /** Aborts everything running. */
  dispose(): void
}

/**
 * Creates an engine host that answers through `post`. A newer `preview` aborts the one before it, a newer
 * `thumbnails` the one before it; `cancel` aborts any request by id. Errors are replied as one-line messages and
 * never end the host.
 */
export function createHost(post: (message: HostMessage) => void): EngineHost {
  let doc: Document | null = null
  const running = new Map<number, AbortController>()
  let latestPreview: AbortController | null = null
  let latestThumbnails: AbortController | null = null
  /** The most recent open, which later requests wait for. */
  let lastOpen: Promise<unknown> = Promise.resolve()

  function proxyFor(d: Document, width: number, height: number): IntImage {
    const key = `${width}x${height}`
    let proxy = lruGet(d.proxies, key)
    if (!proxy) {
      proxy = sharedImage(downscale(d.image, width, height))
      lruSet(d.proxies, key, proxy, MAX_PROXIES)
    }
    return proxy
  }

  /** The stack's result on `source` (cached per target and stack). */
  async function result(
    d: Document,
    source: IntImage,
    filters: readonly FilterSpec[],
    signal: AbortSignal,
    onProgress?: (fraction: number) => void,
    store = true
  ): Promise<IntImage> {
    const full = source === d.image
    const key = `${source.width}x${source.height}|${stackKey(filters)}`
    const cache = d.results
    const cached = lruGet(cache, key)
    if (cached) return cached
    const out = await runStack(source, filters, { signal, onProgress })
    signal.throwIfAborted()
    if (store && doc === d) {
      // Full-size results are big: keep only a couple, and never let them push out every proxy result.
      const fullKeys = [...cache.keys()].filter((k) => k.startsWith(`${d.image.width}x${d.image.height}|`))
      if (full && fullKeys.length >= MAX_FULL_RESULTS) cache.delete(fullKeys[0])
      lruSet(cache, key, out, MAX_FULL_RESULTS + MAX_PROXY_RESULTS)
    }
    return out
  }

  /**
   * The exact full-resolution pixels of `box` (inside the result) of `filters` on the open image: from a region or
   * whole result computed before, else by running the stack on just the source pixels the box depends on (its
   * region plus the reach of every kernel). Stored in `store` for the next request.
   */
  async function regionResult(
    d: Document,
    filters: readonly FilterSpec[],
    box: PixelBox,
    signal: AbortSignal,
    store: 'regions' | 'blocks'
  ): Promise<IntImage> {
    const key = stackKey(filters)
    for (const cache of [d.regions, d.blocks]) {
      for (const [name, hit] of cache) {
        if (hit.key !== key || !contains(hit.box, box)) continue
        lruGet(cache, name)
        return cropImage(hit.image, box.x - hit.box.x, box.y - hit.box.y, box.width, box.height)
      }
    }
    const whole = lruGet(d.results, `${d.image.width}x${d.image.height}|${key}`)
    if (whole) return cropImage(whole, box.x, box.y, box.width, box.height)
    const plan = planRegion(filters, d.image.width, d.image.height, box)
    let image: IntImage
    if (!plan) {
      // Not local (a stretch filter maps by the whole image's range): only the whole result is exact.
      image = cropImage(await result(d, d.image, filters, signal), box.x, box.y, box.width, box.height)
    } else {
      const { crop, offset } = plan
      const out = await runStack(cropImage(d.image, crop.x, crop.y, crop.width, crop.height), filters, { signal })
      signal.throwIfAborted()
      image = cropImage(out, offset.x, offset.y, box.width, box.height)
    }
    if (doc === d) {
      const max = store === 'regions' ? MAX_REGIONS : MAX_BLOCKS
      lruSet(d[store], `${key}|${box.x},${box.y},${box.width},${box.height}`, { key, box, image }, max)
    }
    return image
  }

  /**
   * The float result of `filters` on the source, as the stack hands it to the next filter (not rounded), so an
   * explained pixel matches the stack's output exactly. Cached for the last prefix (explain follows the cursor).
   */
  function floatPrefix(d: Document, filters: readonly FilterSpec[], signal: AbortSignal): FloatImage {
    const key = JSON.stringify(filters.filter((f) => f.enabled !== false))
    if (d.floatPrefix?.key === key) return d.floatPrefix.image
    const image = applyStack(toFloat(d.image), filters, { signal })
    d.floatPrefix = { key, image }
    return image
  }

  function requireDoc(): Document {
    if (!doc) throw new EngineError('no image is open')
    return doc
  }

  async function open(id: number, req: OpenRequest): Promise<ImageInfo> {
    const source = req.bytes ?? req.path
    if (source === undefined) throw new EngineError('open needs a path or bytes')
    const decoded = await decode(source, req.name)
    // Shared memory: every run of the stack on it reads it in place instead of copying it for the workers.
    const image = sharedImage(decoded.image)
    const info: ImageInfo = {
      name: req.name,
      ...(req.path !== undefined && req.bytes === undefined ? { path: req.path } : {}),
      width: image.width,
      height: image.height,
      channels: image.channels,
      depth: image.depth,
      format: decoded.format,
      notes: [...decoded.notes]
    }
    // Abort work sent before this open: it was about the previous image. Requests sent after it are for this one.
    for (const [otherId, controller] of running) if (otherId < id) controller.abort()
    doc = { info, image, icc: decoded.icc, proxies: new Map(), results: new Map(), regions: new Map(), blocks: new Map() }
    return info
  }

  async function preview(id: number, req: PreviewRequest, signal: AbortSignal): Promise<PreviewResult> {
    const d = requireDoc()
    const maxWidth = checkEdge('maxWidth', req.maxWidth)
    const maxHeight = checkEdge('maxHeight', req.maxHeight)
    const started = performance.now()
    const size = stackOutputSize(req.filters, d.image.width, d.image.height)
    if (req.region !== undefined) {
      const box = checkRegion(req.region, size)
      const exact = await regionResult(d, req.filters, box, signal, 'regions')
      const fit = fitSize(box.width, box.height, maxWidth, maxHeight)
      const shown = downscale(exact, fit.width, fit.height)
      signal.throwIfAborted()
      return {
        requestId: req.requestId,
        image: toRaster(shown),
        scale: shown.width / box.width,
        region: box,
        resultWidth: size.width,
        resultHeight: size.height,
        ms: Math.round(performance.now() - started)
      }
    }
    let out: IntImage
    let scale = 1
    if (req.full) {
      out = await result(d, d.image, req.filters, signal, (fraction) => post({ event: 'progress', id, job: 'preview', fraction }))
    } else {
      const fit = fitSize(d.image.width, d.image.height, maxWidth, maxHeight)
      const proxy = proxyFor(d, fit.width, fit.height)
      scale = proxy.width / d.image.width
      out = await result(d, proxy, req.filters, signal)
    }
    signal.throwIfAborted()
    return {
      requestId: req.requestId,
      image: toRaster(out),
      scale,
      resultWidth: size.width,
      resultHeight: size.height,
      ms: Math.round(performance.now() - started)
    }
  }

  async function thumbnails(req: ThumbnailsRequest, signal: AbortSignal): Promise<(Raster | null)[]> {
    const d = requireDoc()
    const size = checkEdge('size', req.size)
    if (!Array.isArray(req.filters)) throw new EngineError('thumbnails needs a list of filters')
    const fit = fitSize(d.image.width, d.image.height, size, size)
    const proxy = proxyFor(d, fit.width, fit.height)
    const out: (Raster | null)[] = []
    for (const spec of req.filters) {
      // Between cards, let a newer request (the user moved on) abort this batch.
      await yieldToEventLoop()
      signal.throwIfAborted()
      try {
        // Not cached: the gallery asks once per image, and a dozen cards would push out the previews.
        out.push(toRaster(await result(d, proxy, [{ ...spec, enabled: true }], signal, undefined, false)))
      } catch (err) {
        if (signal.aborted) throw err
        out.push(null)
      }
    }
    return out
  }

  async function inspect(req: InspectRequest, signal: AbortSignal): Promise<HostResults['inspect']> {
    const d = requireDoc()
    const { filters, index } = req
    if (!Array.isArray(filters) || !Number.isInteger(index) || index < 0 || index >= filters.length) {
      throw new EngineError(`filter index ${String(index)} is out of range: the stack has ${filters?.length ?? 0} filters`)
    }
    const { kernel, options } = resolveFilter({ ...filters[index], enabled: true })
    const prefix = filters.slice(0, index)
    const local = inspectLocally(d, prefix, filters[index], req.row, req.col, signal)
    return local ?? inspectPixel(floatPrefix(d, prefix, signal), kernel, { row: req.row, col: req.col }, options)
  }

  /**
   * Explains output (row, col) of `spec` applied after `prefix` from just the part of its input the kernel window
   * reads (plus what the border rules fold in), computed from just the source pixels that part depends on: the
   * same answer as on the whole image, without a whole-image float run. Null when that is not possible (a stretch
   * filter needs the whole image's range) or the position is outside the output (the whole-image path says so).
   */
  function inspectLocally(
    d: Document,
    prefix: readonly FilterSpec[],
    spec: FilterSpec,
    row: number,
    col: number,
    signal: AbortSignal
  ): InspectResult | null {
    const { kernel, options } = resolveFilter({ ...spec, enabled: true })
    if (options.signed === 'stretch') return null
    const input = stackOutputSize(prefix, d.image.width, d.image.height)
    const out = outputSize(input.height, input.width, kernel, options.mode)
    if (!Number.isInteger(row) || !Number.isInteger(col) || row < 0 || col < 0 || row >= out.height || col >= out.width) return null
    // What the one output pixel reads of the filter's input, then what that part reads of the source.
    const window = planRegion([{ ...spec, enabled: true }], input.width, input.height, { x: col, y: row, width: 1, height: 1 })
    const part = window && planRegion(prefix, d.image.width, d.image.height, window.crop)
    if (!window || !part) return null
    const { crop, offset } = part
    const source = toFloat(cropImage(d.image, crop.x, crop.y, crop.width, crop.height))
    const done = applyStack(source, prefix, { signal })
    const box = window.crop
    const res = inspectPixel(cropFloat(done, { ...offset, width: box.width, height: box.height }), kernel, { row: row - box.y, col: col - box.x }, options)
    // Back to the coordinates of the whole image.
    const shift = (v: number | null, by: number): number | null => (v === null ? null : v + by)
    return {
      ...res,
      row,
      col,
      outputHeight: out.height,
      outputWidth: out.width,
      windowTop: res.windowTop + box.y,
      windowLeft: res.windowLeft + box.x,
      sourceRows: res.sourceRows.map((v) => shift(v, box.y)),
      sourceCols: res.sourceCols.map((v) => shift(v, box.x))
    }
  }

  async function pixel(req: PixelRequest, signal: AbortSignal): Promise<{ values: number[] }> {
    const d = requireDoc()
    const size = req.filters ? stackOutputSize(req.filters, d.image.width, d.image.height) : d.image
    const { row, col } = req
    if (!Number.isInteger(row) || !Number.isInteger(col) || row < 0 || col < 0 || row >= size.height || col >= size.width) {
      throw new EngineError(`pixel (row ${String(row)}, col ${String(col)}) is outside the ${size.width}x${size.height} image`)
    }
    let image = d.image
    let at = (row * image.width + col) * image.channels
    if (req.filters) {
      // Exact, without rendering the whole image: the block of the result around the pixel.
      const x = col - (col % PIXEL_BLOCK)
      const y = row - (row % PIXEL_BLOCK)
      const box = { x, y, width: Math.min(PIXEL_BLOCK, size.width - x), height: Math.min(PIXEL_BLOCK, size.height - y) }
      image = await regionResult(d, req.filters, box, signal, 'blocks')
      at = ((row - y) * image.width + (col - x)) * image.channels
    }
    return { values: Array.from(image.data.subarray(at, at + image.channels)) }
  }

  async function exportImage(id: number, req: EncodeRequest, signal: AbortSignal): Promise<EncodeResult> {
    const d = requireDoc()
    const report = (fraction: number): void => post({ event: 'progress', id, job: 'export', fraction })
    // Settings are checked before the (long) run, and the stack rounds straight to the output depth.
    const depth = exportDepth(req.format, { quality: req.quality, depth: req.depth }, d.image.depth)
    report(0)
    const image = await runStack(d.image, req.filters, { signal, depth, onProgress: (f) => report(f * 0.9) })
    signal.throwIfAborted()
    const { bytes, notes } = await encode(image, req.format, { quality: req.quality, depth, icc: d.icc, name: d.info.name })
    report(1)
    return { bytes, width: image.width, height: image.height, depth, notes: [...notes] }
  }

  async function run(req: HostRequest, signal: AbortSignal, after: Promise<unknown>): Promise<unknown> {
    // Requests sent after an open are about the image it opens: wait for it (whether it worked or not).
    await after.catch(() => undefined)
    // Let a burst of messages land first so an older preview can be aborted before it starts.
    await yieldToEventLoop()
    signal.throwIfAborted()
    switch (req.type) {
      case 'open':
        return open(req.id, req)
      case 'current':
        return doc?.info ?? null
      case 'preview':
        return preview(req.id, req, signal)
      case 'thumbnails':
        return thumbnails(req, signal)
      case 'inspect':
        return inspect(req, signal)
      case 'pixel':
        return pixel(req, signal)
      case 'export':
        return exportImage(req.id, req, signal)
      default:
        throw new EngineError(`unknown request type "${String((req as { type?: unknown }).type)}"`)
    }
  }

  function handle(message: unknown): void {
    if (!message || typeof message !== 'object') return
    const req = message as HostRequest
    if (typeof req.id !== 'number') return
    if (req.type === 'cancel') {
      const target = running.get(req.target)
      target?.abort()
      post({ id: req.id, ok: true, result: { cancelled: target !== undefined } })
      return
    }
    const controller = new AbortController()
    if (req.type === 'preview') {
      latestPreview?.abort()
      latestPreview = controller
    } else if (req.type === 'thumbnails') {
      latestThumbnails?.abort()
      latestThumbnails = controller
    }
    running.set(req.id, controller)
    const work = run(req, controller.signal, req.type === 'open' ? Promise.resolve() : lastOpen)
    if (req.type === 'open') lastOpen = work
    work
      .then(
        (result) => post({ id: req.id, ok: true, result }),
        (err: unknown) => {
          const error = toWireError(controller.signal.aborted ? new AbortError('cancelled by a newer request') : err)
          post({ id: req.id, ok: false, error })
        }
      )
      .finally(() => {
        running.delete(req.id)
        if (latestPreview === controller) latestPreview = null
        if (latestThumbnails === controller) latestThumbnails = null
      })
  }

  return {
    handle,
    dispose() {
      for (const controller of running.values()) controller.abort()
      doc = null
    }
  }
}
