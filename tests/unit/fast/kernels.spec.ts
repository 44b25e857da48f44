// @vitest-environment node
// Kernel functions that must agree bit for bit, on both kernel sets: a faster variant and the plain one.
import { describe, expect, it } from 'vitest'
import { Arena, type Kernels } from '../../../src/engine/fast/backend'
import { instantiateKernels, kernelModule } from '../../../src/runtime/pool-assets'
import { rng } from './helpers'

const wasm = kernelModule()

/** Two i16 weights in one i32 word, as the pair kernels read them. */
const word = (w0: number, w1: number): number => (w0 & 0xffff) | (w1 << 16)

// kernels.wasm always loads in the tests: the test setup fails the run otherwise (global-setup.ts).
describe.each(['wasm', 'ts'] as const)('%s kernels', (backend) => {
  const kernels = (): Kernels => instantiateKernels(backend === 'wasm' ? wasm.module : null)

  it('hpassI16U8Sym (mirrored taps summed first) gives hpassI16U8 exactly', () => {
    const k = kernels()
    const random = rng(71)
    for (const channels of [1, 3, 4]) {
      for (const taps of [5, 7, 9, 15, 31]) {
        for (const width of [1, 6, 37]) {
          const n = width * channels
          const padded = n + (taps - 1) * channels
          const mid = (taps - 1) / 2
          const weights = Array.from({ length: mid + 1 }, () => Math.floor(random() * 2048) - 256)
          const tap = (j: number): number => weights[Math.min(j, taps - 1 - j)]
          const a = new Arena(k)
          const row16 = a.alloc(padded * 2)
          // The planner keeps a folded row within half the i16 range, so two values sum without overflow.
          const row = new Int16Array(k.buffer(), row16, padded)
          for (let i = 0; i < padded; i++) row[i] = Math.floor(random() * 32768) - 16384
          // Plain: every tap in pairs (an odd count's last pair has a weightless partner on the same tap).
          const plainTaps = Array.from({ length: taps + 1 }, (_, j) => Math.min(j, taps - 1))
          const plainOffs = a.alloc(plainTaps.length * 4)
          const plainWeights = a.alloc(plainTaps.length * 2)
          new Int32Array(k.buffer(), plainOffs, plainTaps.length).set(plainTaps.map((j) => j * channels * 2))
          const plainWords = Array.from({ length: plainTaps.length / 2 }, (_, q) => word(tap(2 * q), 2 * q + 1 < taps ? tap(2 * q + 1) : 0))
          new Int32Array(k.buffer(), plainWeights, plainWords.length).set(plainWords)
          // Folded, laid out as the planner's foldedRow does.
          const offsets: number[] = []
          const words: number[] = []
          let j = 0
          for (; j + 1 < mid; j += 2) {
            offsets.push(j, taps - 1 - j, j + 1, taps - 2 - j)
            words.push(word(weights[j], weights[j + 1]))
          }
          if (j < mid) {
            offsets.push(j, taps - 1 - j, mid)
            words.push(word(weights[j], weights[mid]))
          } else {
            offsets.push(mid, mid, mid)
            words.push(word(0, weights[mid]))
          }
          const foldOffs = a.alloc(offsets.length * 4)
          const foldWeights = a.alloc(words.length * 4)
          new Int32Array(k.buffer(), foldOffs, offsets.length).set(offsets.map((o) => o * channels * 2))
          new Int32Array(k.buffer(), foldWeights, words.length).set(words)
          const outPlain = a.alloc(n)
          const outFolded = a.alloc(n)
          const bias = Math.floor(random() * 65536) - 32768
          const shift = 8 + Math.floor(random() * 4)
          k.hpassI16U8(outPlain, row16, plainOffs, plainWeights, plainWords.length, n, bias, shift)
          k.hpassI16U8Sym(outFolded, row16, foldOffs, foldWeights, words.length - 1, n, bias, shift)
          const expected = Array.from(new Uint8Array(k.buffer(), outPlain, n))
          expect(Array.from(new Uint8Array(k.buffer(), outFolded, n)), `${channels} channels, ${taps} taps, width ${width}`).toEqual(expected)
        }
      }
    }
  })

  it('wsumF32Out and wsumU8Out (sums finished in registers) give wsum then finish exactly', () => {
    const k = kernels()
    const random = rng(72)
    for (const n of [1, 15, 16, 17, 100]) {
      for (const [mode, divisor, offset, maxv] of [
        [0, 1, 0, 255],
        [0, 1, 3.25, 255],
        [0, 3, -7.5, 255],
        [1, 1, 2, 255],
        [2, 9, 0, 65535]
      ]) {
        for (const [accumulate, taps, symmetric] of [
          [0, 5, false],
          [1, 5, false],
          [0, 5, true],
          [1, 5, true],
          [0, 3, true],
          [1, 3, true]
        ] as const) {
          const a = new Arena(k)
          const rows = Array.from({ length: taps }, () => {
            const row = a.alloc(n * 4)
            // Values beyond both ends of the range, so the clamp and the mappings are reached.
            new Float32Array(k.buffer(), row, n).set(Array.from({ length: n }, () => (random() - 0.3) * maxv * 1.5))
            return row
          })
          const ptrs = a.alloc(taps * 4)
          new Uint32Array(k.buffer(), ptrs, taps).set(rows)
          const weights = a.alloc(taps * 4)
          const drawn = Array.from({ length: taps }, () => random() * 2 - 0.5)
          // Symmetric weights take the kernels' mirrored loop (a gaussian's pass), the others the plain one.
          new Float32Array(k.buffer(), weights, taps).set(symmetric ? drawn.map((_, t) => drawn[Math.min(t, taps - 1 - t)]) : drawn)
          const earlier = Array.from({ length: n }, () => random() * 100 - 50)
          const plainSums = a.alloc(n * 4)
          const fusedSums = a.alloc(n * 4)
          new Float32Array(k.buffer(), plainSums, n).set(earlier)
          new Float32Array(k.buffer(), fusedSums, n).set(earlier)
          const plain = a.alloc(n * 4)
          const fused = a.alloc(n * 4)
          k.wsum(plainSums, ptrs, weights, taps, n, accumulate)
          k.finish(plain, 2, plainSums, n, 3, divisor, offset, mode, 128, 0, maxv, 1, 0, 1)
          k.wsumF32Out(fused, ptrs, weights, taps, n, accumulate, fusedSums, divisor, offset, mode, 128, maxv)
          const label = `n ${n}, mode ${mode}, divisor ${divisor}, accumulate ${accumulate}, ${taps} taps${symmetric ? ', symmetric' : ''}`
          expect(Array.from(new Float32Array(k.buffer(), fused, n)), label).toEqual(Array.from(new Float32Array(k.buffer(), plain, n)))
          if (maxv !== 255) continue
          // The same for bytes: wsumU8Out against wsum then finishU8.
          new Float32Array(k.buffer(), plainSums, n).set(earlier)
          new Float32Array(k.buffer(), fusedSums, n).set(earlier)
          k.wsum(plainSums, ptrs, weights, taps, n, accumulate)
          k.finishU8(plain, plainSums, n, divisor, offset, mode, 128)
          k.wsumU8Out(fused, ptrs, weights, taps, n, accumulate, fusedSums, divisor, offset, mode, 128)
          expect(Array.from(new Uint8Array(k.buffer(), fused, n)), `${label}, bytes`).toEqual(Array.from(new Uint8Array(k.buffer(), plain, n)))
        }
      }
    }
  })
})

describe('wsum on a symmetric pass of 3 or 5 taps', () => {
  it('adds mirrored samples before one multiply, in the same order on both kernel sets', () => {
    const random = rng(73)
    const f = Math.fround
    for (const taps of [3, 5, 7]) {
      for (const symmetric of [true, false]) {
        const n = 37
        const drawn = Array.from({ length: taps }, () => f(random() * 2 - 0.5))
        const w = symmetric ? drawn.map((_, t) => drawn[Math.min(t, taps - 1 - t)]) : drawn
        const rows = Array.from({ length: taps }, () => Array.from({ length: n }, () => f((random() - 0.2) * 300)))
        const earlier = Array.from({ length: n }, () => f(random() * 100 - 50))
        // What each kernel set must give: a symmetric 3- or 5-tap pass pairs mirrored taps (outer pair first, the
        // centre last); any other pass adds the products tap by tap. Every step rounded to f32.
        const expected = earlier.map((start, s) => {
          let sum = start
          if (symmetric && taps <= 5) {
            for (let t = 0; t < taps >> 1; t++) sum = f(sum + f(w[t] * f(rows[t][s] + rows[taps - 1 - t][s])))
            return f(sum + f(w[taps >> 1] * rows[taps >> 1][s]))
          }
          for (let t = 0; t < taps; t++) sum = f(sum + f(w[t] * rows[t][s]))
          return sum
        })
        for (const backend of ['wasm', 'ts'] as const) {
          const k = instantiateKernels(backend === 'wasm' ? wasm.module : null)
          const a = new Arena(k)
          const ptrs = a.alloc(taps * 4)
          const rowPtrs = rows.map((row) => {
            const at = a.alloc(n * 4)
            new Float32Array(k.buffer(), at, n).set(row)
            return at
          })
          new Uint32Array(k.buffer(), ptrs, taps).set(rowPtrs)
          const weights = a.alloc(taps * 4)
          new Float32Array(k.buffer(), weights, taps).set(w)
          const sums = a.alloc(n * 4)
          new Float32Array(k.buffer(), sums, n).set(earlier)
          k.wsum(sums, ptrs, weights, taps, n, 1)
          const label = `${backend}, ${taps} taps${symmetric ? ', symmetric' : ''}`
          expect(Array.from(new Float32Array(k.buffer(), sums, n)), label).toEqual(expected)
        }
      }
    }
  })
})
