// The WebAssembly SIMD backend: a thin wrapper over the exports of out/wasm/kernels.wasm. The host compiles and
// instantiates the module (that needs file access); this file only adapts its exports to `Kernels`.
import type { Kernels } from './backend'

/** The linear memory of an instance, typed structurally so this file needs no platform types. */
export interface WasmMemoryLike {
  readonly buffer: ArrayBuffer
  grow(pages: number): number
}

/** What kernels.wasm exports (functions take and return plain numbers). */
export type KernelExports = Omit<Kernels, 'name' | 'buffer' | 'heapBase' | 'ensure'> & {
  readonly memory: WasmMemoryLike
  heapBase(): number
}

const PAGE = 65536

/** The names every kernels.wasm must export; a build that lacks one is rejected rather than half used. */
export const KERNEL_EXPORTS = [
  'memory',
  'heapBase',
  'wsum',
  'wsumU8',
  'tapPointers',
  'i16ToF32',
  'padRow',
  'resetRange',
  'getRangeLow',
  'getRangeHigh',
  'alphaValues',
  'finish',
  'finishU8',
  'wsumU8Out',
  'wsumF32Out',
  'fillAlpha',
  'clearTransparent',
  'fft2d',
  'fft2d64',
  'convolveTile64',
  'convolveTile',
  'gatherTile',
  'scatterTile',
  'interleave',
  'padRow64',
  'wsum64',
  'alphaValues64',
  'finish64',
  'vpassU8',
  'vpassU8Sym',
  'hpassI16U8',
  'hpassI16U8Sym',
  'lumaRgb8',
  'compositeRgb8',
  'lerpMask',
  'decodeU8',
  'encodeLinear'
] as const

/** Wraps an instance's exports; throws when one is missing (an out-of-date build). */
export function wasmKernels(exports: Record<string, unknown>): Kernels {
  for (const name of KERNEL_EXPORTS) {
    if (!(name in exports)) throw new Error(`kernels.wasm lacks the export "${name}": rebuild with npm run build:wasm`)
  }
  const e = exports as unknown as KernelExports
  const memory = e.memory
  return {
    name: 'wasm',
    heapBase: e.heapBase(),
    buffer: () => memory.buffer,
    ensure(bytes: number): void {
      const have = memory.buffer.byteLength
      if (bytes > have) memory.grow(Math.ceil((bytes - have) / PAGE))
    },
    wsum: e.wsum,
    wsumU8: e.wsumU8,
    tapPointers: e.tapPointers,
    i16ToF32: e.i16ToF32,
    padRow: e.padRow,
    resetRange: e.resetRange,
    getRangeLow: e.getRangeLow,
    getRangeHigh: e.getRangeHigh,
    alphaValues: e.alphaValues,
    finish: e.finish,
    finishU8: e.finishU8,
    wsumU8Out: e.wsumU8Out,
    wsumF32Out: e.wsumF32Out,
    fillAlpha: e.fillAlpha,
    clearTransparent: e.clearTransparent,
    fft2d: e.fft2d,
    fft2d64: e.fft2d64,
    convolveTile64: e.convolveTile64,
    convolveTile: e.convolveTile,
    gatherTile: e.gatherTile,
    scatterTile: e.scatterTile,
    interleave: e.interleave,
    padRow64: e.padRow64,
    wsum64: e.wsum64,
    alphaValues64: e.alphaValues64,
    finish64: e.finish64,
    vpassU8: e.vpassU8,
    vpassU8Sym: e.vpassU8Sym,
    hpassI16U8: e.hpassI16U8,
    hpassI16U8Sym: e.hpassI16U8Sym,
    lumaRgb8: e.lumaRgb8,
    compositeRgb8: e.compositeRgb8,
    lerpMask: e.lerpMask,
    decodeU8: e.decodeU8,
    encodeLinear: e.encodeLinear
  }
}
