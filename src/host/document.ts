// Runs in the engine host: the open image and what is computed from it, cached for the requests that follow
// (screen-sized proxies, stack results on them, exact full-resolution regions and pixel blocks, the float input of
// an explained filter). Full resolution is only computed where it is looked at: a region runs the stack on just
// the source pixels it depends on.
import type { ImageInfo } from '../contract/api'
import { toFloat } from '../engine/image'
import { applyResolved } from '../engine/stack'
import type { FloatImage, IntImage } from '../engine/types'
import { downscale, downscaleSource, type DownscaleGrid } from '../engine/downscale'
import { runStack, sharedImage } from '../runtime/run-stack'
import { lruGet, lruSet } from './lru'
import { cropImage, downscaleInBands, fitSize } from './raster'
import { planRegion, type PixelBox } from './region'
import { resultSize, type HostStack } from './stack'

/** A computed part of a full-resolution result. */
interface RegionResult {
  /** The stack's key. */
  readonly key: string
  /** Where its exact pixels lie in the result. */
  readonly box: PixelBox
  /** Pixels of the result from `origin` on (the stack's run on a crop, kept whole: `box` is the exact part of it). */
  readonly image: IntImage
  readonly origin: { readonly x: number; readonly y: number }
}

/** How many proxies and results to keep: a few screen sizes and thumbnails, one or two full-size results. */
const MAX_PROXIES = 4
const MAX_PROXY_RESULTS = 6
const MAX_FULL_RESULTS = 2
/** Regions kept: the visible one, and a few the user just panned or zoomed away from. */
const MAX_REGIONS = 4
/** Full-resolution regions kept at most this many times the source's bytes (at fit, a region is the whole result). */
const REGION_BYTES_PER_SOURCE = 2
/** Exact display rasters kept (screen-sized: undo and redo show one again at once). */
const MAX_SHOWN = 8
/** Pixel-readout blocks kept (each a few kilobytes). */
const MAX_BLOCKS = 32
/** Buffers of dropped regions kept to write the next region's run into (new memory faults on first touch). */
const MAX_SPARE = 2
/**
 * Gallery cards kept (at most 320 pixels a side: 0.6 MB each at worst, 16-bit RGBA): the built-in presets' cards
 * at one size and some edited candidates, so the gallery asking again (reopened, a tab shown again) runs nothing.
 */
const MAX_CARDS = 32

/** True when `outer` contains all of `inner`. */
function contains(outer: PixelBox, inner: PixelBox): boolean {
  return (
    inner.x >= outer.x &&
    inner.y >= outer.y &&
    inner.x + inner.width <= outer.x + outer.width &&
    inner.y + inner.height <= outer.y + outer.height
  )
}

/** The open image, its file's ICC profile, and caches of what was computed from it. */
export class OpenDocument {
  /** Proxies by "WxH", most recently used last. */
  private readonly proxies = new Map<string, IntImage>()
  /** Stack results by "WxH|stack key", most recently used last. */
  private readonly results = new Map<string, IntImage>()
  /** Regions of full-resolution results shown by the viewer, most recently used last. */
  private readonly regions = new Map<string, RegionResult>()
  /** Small blocks of full-resolution results read by the status bar's pixel readout. */
  private readonly blocks = new Map<string, RegionResult>()
  /** Exact display rasters by "stack key|box|WxH", most recently used last. */
  private readonly shownCache = new Map<string, IntImage>()
  /** Gallery cards by "stack key|size", most recently used last. */
  private readonly cards = new Map<string, IntImage>()
  /** The float input of the last explained filter. */
  private prefix?: { readonly key: string; readonly image: FloatImage }
  /** The whole-image ranges of the stretch filters of the last explained stack. */
  private stretch?: { readonly key: string; readonly ranges: ReadonlyMap<number, { low: number; high: number }> }
  /** Buffers of regions no cache holds any more, for the next run of the stack to write into (runStack's `into`). */
  private spare: IntImage['data'][] = []
  /** Buffers being read off this thread (a downscale on the worker threads): never handed out as spare. */
  private readonly lent = new Set<ArrayBufferLike>()
  /** Set when another image replaced this one: work still finishing for it is not cached any more. */
  private closed = false

  /**
   * @param info what the renderer is told about the image
   * @param image the decoded pixels, in shared memory (every run of the stack reads them in place)
   * @param icc the file's ICC profile, attached again on export
   */
  constructor(
    readonly info: ImageInfo,
    readonly image: IntImage,
    readonly icc?: Uint8Array
  ) {}

  /** Stops caching: another image is open now. */
  close(): void {
    this.closed = true
    this.dropCaches()
  }

  /** Bytes of the decoded source (kept as long as the document is open). */
  get sourceBytes(): number {
    return this.image.data.byteLength
  }

  /** Bytes held by caches, all of which can be computed again. */
  cacheBytes(): number {
    let total = this.prefix ? this.prefix.image.data.byteLength : 0
    for (const data of this.spare) total += data.byteLength
    for (const image of this.proxies.values()) total += image.data.byteLength
    for (const image of this.results.values()) total += image.data.byteLength
    for (const image of this.shownCache.values()) total += image.data.byteLength
    for (const image of this.cards.values()) total += image.data.byteLength
    for (const cache of [this.regions, this.blocks]) for (const hit of cache.values()) total += hit.image.data.byteLength
    return total
  }

  /** Drops every cache (memory is short): the next requests compute again what they need. */
  dropCaches(): void {
    this.proxies.clear()
    this.results.clear()
    this.regions.clear()
    this.blocks.clear()
    this.shownCache.clear()
    this.cards.clear()
    this.spare = []
    this.prefix = undefined
    this.stretch = undefined
  }

  /** The source downscaled to exactly `width` x `height` (cached). */
  proxy(width: number, height: number): IntImage {
    const key = `${width}x${height}`
    let proxy = lruGet(this.proxies, key)
    if (!proxy) {
      proxy = sharedImage(downscale(this.image, width, height))
      lruSet(this.proxies, key, proxy, MAX_PROXIES)
    }
    return proxy
  }

  /** The stack's result on `source` (the image or one of its proxies), cached per source size and stack unless `store` is false. */
  async result(source: IntImage, stack: HostStack, signal: AbortSignal, store = true): Promise<IntImage> {
    const key = `${source.width}x${source.height}|${stack.key}`
    const cached = lruGet(this.results, key)
    if (cached) return cached
    const out = await runStack(source, stack.filters, { signal, active: stack.active })
    signal.throwIfAborted()
    if (store && !this.closed) {
      // Full-size results are big: keep only a couple, and never let them push out every proxy result.
      const fullPrefix = `${this.image.width}x${this.image.height}|`
      const fullKeys = [...this.results.keys()].filter((k) => k.startsWith(fullPrefix))
      if (source === this.image && fullKeys.length >= MAX_FULL_RESULTS) this.results.delete(fullKeys[0])
      lruSet(this.results, key, out, MAX_FULL_RESULTS + MAX_PROXY_RESULTS)
    }
    return out
  }

  /**
   * The exact full-resolution pixels of `box` (inside the result) of `stack`: from a region or whole result
   * computed before, else by running the stack on just the source pixels the box depends on (its region plus the
   * reach of every kernel). Kept in `store` for the next request.
   */
  async region(stack: HostStack, box: PixelBox, signal: AbortSignal, store: 'regions' | 'blocks'): Promise<IntImage> {
    const { image, origin } = await this.placed(stack, box, signal, store)
    return cropImage(image, box.x - origin.x, box.y - origin.y, box.width, box.height)
  }

  /**
   * Like {@link region}, without the copy: an image holding the result's pixels from `origin` on, exact at least
   * over `box`. Read it before the next await that could let another request recycle it, or {@link lend} it.
   */
  private async placed(stack: HostStack, box: PixelBox, signal: AbortSignal, store: 'regions' | 'blocks'): Promise<{ image: IntImage; origin: { x: number; y: number } }> {
    for (const cache of [this.regions, this.blocks]) {
      for (const [name, hit] of cache) {
        if (hit.key !== stack.key || !contains(hit.box, box)) continue
        lruGet(cache, name)
        return hit
      }
    }
    const whole = lruGet(this.results, `${this.image.width}x${this.image.height}|${stack.key}`)
    if (whole) return { image: whole, origin: { x: 0, y: 0 } }
    const plan = planRegion(stack.active, this.image.width, this.image.height, box)
    // Not local (a stretch filter maps by the whole image's range): only the whole result is exact (kept with
    // the results).
    if (!plan) return { image: await this.result(this.image, stack, signal), origin: { x: 0, y: 0 } }
    const { crop, offset } = plan
    const source = cropImage(this.image, crop.x, crop.y, crop.width, crop.height)
    // A run for a region the size of the last one (the next kernel edit at the same zoom) writes into that one's
    // memory when no cache holds it any more.
    const samples = box.width * box.height * this.image.channels
    const into = this.spare.find((d) => d.length >= samples && d.length <= samples * 1.25)
    const image = await runStack(source, stack.filters, { signal, active: stack.active, into: into && this.takeSpare(into, source, stack) })
    signal.throwIfAborted()
    // Every filter keeps the crop's origin where it was, so the result's pixel o of the crop's run is pixel
    // o + crop.x of the whole result; only `box` of it is exact (the edges saw the crop's borders).
    const found = { key: stack.key, box, image, origin: { x: box.x - offset.x, y: box.y - offset.y } }
    if (!this.closed) this.keep(found, store)
    return found
  }

  /** `into` when a run of the stack on `source` can write its whole result there; it leaves the spares then. */
  private takeSpare(into: IntImage['data'], source: IntImage, stack: HostStack): IntImage['data'] | undefined {
    const { width, height } = resultSize(stack, source.width, source.height)
    // Lent since it was dropped (a downscale that got it from the cache just before): not free yet.
    if (into.length !== width * height * source.channels || this.lent.has(into.buffer)) return undefined
    this.spare = this.spare.filter((d) => d !== into)
    return into
  }

  /** Stores a computed region and recycles the memory of those it pushes out that nothing else holds. */
  private keep(found: RegionResult, store: 'regions' | 'blocks'): void {
    const cache = store === 'regions' ? this.regions : this.blocks
    const before = [...this.regions.values(), ...this.blocks.values()]
    const { box } = found
    lruSet(cache, `${found.key}|${box.x},${box.y},${box.width},${box.height}`, found, store === 'regions' ? MAX_REGIONS : MAX_BLOCKS)
    if (store === 'regions') {
      // At fit zoom a region is the whole result: keep a couple, not four 24 MP copies.
      let bytes = 0
      for (const hit of this.regions.values()) bytes += hit.image.data.byteLength
      const cap = REGION_BYTES_PER_SOURCE * this.sourceBytes
      while (bytes > cap && this.regions.size > 1) {
        const oldest = this.regions.keys().next().value as string
        bytes -= (this.regions.get(oldest) as RegionResult).image.data.byteLength
        this.regions.delete(oldest)
      }
    }
    const held = new Set<unknown>([...this.regions.values(), ...this.blocks.values(), ...this.results.values()].map((h) => ('data' in h ? h.data : h.image.data).buffer))
    for (const gone of before) {
      const data = gone.image.data
      if (held.has(data.buffer) || this.lent.has(data.buffer) || !(data.buffer instanceof SharedArrayBuffer) || data.byteLength < 1 << 16) continue
      this.spare = [data, ...this.spare.filter((d) => d.buffer !== data.buffer)].slice(0, MAX_SPARE)
    }
  }

  /** Runs `read` with `data`'s memory kept out of the spares until it settles (it is read off this thread). */
  private async lend<T>(data: IntImage['data'], read: () => Promise<T>): Promise<T> {
    const fresh = !this.lent.has(data.buffer)
    this.lent.add(data.buffer)
    try {
      return await read()
    } finally {
      if (fresh) this.lent.delete(data.buffer)
    }
  }

  /**
   * `box` of the stack's full-resolution result, area-averaged down to `size` with the function the source's
   * proxies use (so both sides of the viewer are resampled alike): the export as seen at that zoom. Cached.
   */
  async shown(stack: HostStack, box: PixelBox, size: { width: number; height: number }, signal: AbortSignal): Promise<IntImage> {
    const whole = box.x === 0 && box.y === 0 && box.width === this.image.width && box.height === this.image.height
    // No filter: the source itself, which is what the proxies are.
    if (stack.active.length === 0 && whole) return this.proxy(size.width, size.height)
    const key = `${stack.key}|${box.x},${box.y},${box.width},${box.height}|${size.width}x${size.height}`
    const cached = lruGet(this.shownCache, key)
    if (cached) return cached
    const grid = { full: { width: box.width, height: box.height }, grid: size, window: { x: 0, y: 0, ...size } }
    const image = await this.shrink(stack, box, grid, signal)
    if (!this.closed) lruSet(this.shownCache, key, image, MAX_SHOWN)
    return image
  }

  /**
   * The whole result of `stack` shrunk to fit `size` x `size` from its full-resolution pixels, by the viewer's
   * area average: a gallery card shows what the export would look like that small (a kernel run on a reduced copy
   * acts several times too wide: edge detect's card glowed where the export is nearly black). `into` is reused
   * memory of the result's size (the caller's, for the cards of one request). Cached per stack and size; `result`,
   * the full-resolution run, is absent when the card came from the cache.
   */
  async thumbnail(stack: HostStack, size: number, signal: AbortSignal, into?: IntImage['data']): Promise<{ image: IntImage; result?: IntImage }> {
    const key = `${stack.key}|${size}`
    const cached = lruGet(this.cards, key)
    if (cached) return { image: cached }
    const full = resultSize(stack, this.image.width, this.image.height)
    const fit = fitSize(full.width, full.height, size, size)
    const result = await runStack(this.image, stack.filters, { signal, active: stack.active, into })
    signal.throwIfAborted()
    const grid = { full, grid: fit, window: { x: 0, y: 0, ...fit } }
    const image = await downscaleInBands(result, { x: 0, y: 0 }, grid, signal)
    if (!this.closed) lruSet(this.cards, key, image, MAX_CARDS)
    return { image, result }
  }

  /**
   * `grid.window` of the stack's full-resolution result (of size `grid.full`) area-averaged to the grid, from only
   * the result pixels it reads (returned as `box`): what the viewer draws one pixel per device pixel between fit
   * and 100 % zoom. The same function as every other downscale, so both sides of the viewer match. Cached.
   */
  async gridWindow(stack: HostStack, grid: DownscaleGrid, signal: AbortSignal): Promise<{ image: IntImage; box: PixelBox }> {
    const box = downscaleSource(grid)
    const w = grid.window
    const key = `${stack.key}|grid ${grid.grid.width}x${grid.grid.height}|${w.x},${w.y},${w.width},${w.height}`
    const cached = lruGet(this.shownCache, key)
    if (cached) return { image: cached, box }
    const image = await this.shrink(stack, { x: 0, y: 0, ...grid.full }, grid, signal)
    if (!this.closed) lruSet(this.shownCache, key, image, MAX_SHOWN)
    return { image, box }
  }

  /**
   * `grid` (over `area` of the result: its full size is `area`'s) area-averaged from the exact full-resolution
   * pixels it reads, on the engine's threads.
   */
  private async shrink(stack: HostStack, area: PixelBox, grid: DownscaleGrid, signal: AbortSignal): Promise<IntImage> {
    const need = downscaleSource(grid)
    const box = { x: area.x + need.x, y: area.y + need.y, width: need.width, height: need.height }
    const { image, origin } =
      stack.active.length === 0 ? { image: this.image, origin: { x: 0, y: 0 } } : await this.placed(stack, box, signal, 'regions')
    signal.throwIfAborted()
    const at = { x: origin.x - area.x, y: origin.y - area.y }
    return this.lend(image.data, () => downscaleInBands(image, at, grid, signal))
  }

  /**
   * The float result of `prefix` on the whole source, as the stack hands it to the next filter (not rounded), so
   * an explained pixel matches the stack's output exactly. Cached for the last prefix (explain follows the cursor).
   */
  floatResult(prefix: HostStack, signal: AbortSignal): FloatImage {
    if (this.prefix?.key === prefix.key) return this.prefix.image
    const image = applyResolved(toFloat(this.image), prefix.active, { signal })
    this.prefix = { key: prefix.key, image }
    return image
  }

  /**
   * The ranges of values before the mapping over the whole image that the `stretch` filters of `stack` (those
   * without layer effects) map by, by index among its enabled filters, from the run an export makes of the stack
   * (worker threads, cancelled by `signal`). Cached for the last stack (explain follows the cursor).
   */
  async stretchRanges(stack: HostStack, signal: AbortSignal): Promise<ReadonlyMap<number, { low: number; high: number }>> {
    if (this.stretch?.key === stack.key) return this.stretch.ranges
    const ranges = new Map<number, { low: number; high: number }>()
    await runStack(this.image, stack.filters, { signal, active: stack.active, onStretchRange: (index, r) => ranges.set(index, { low: r.low, high: r.high }) })
    if (!this.closed) this.stretch = { key: stack.key, ranges }
    return ranges
  }
}
