// Low-rank splits of a kernel: K = sum of column (x) row outer products, found with a one-sided Jacobi SVD.
// Rank 1 (gaussian, box, sobel, motion blur along an axis) runs as two 1-D passes; small ranks (unsharp mask,
// sharpen, difference of gaussians) as a few such pairs. Pure TypeScript, f64.

/** One separable term: weights[i][j] ~ column[i] * row[j]. */
export interface SeparableTerm {
  readonly column: Float64Array
  readonly row: Float64Array
}

/** Terms in decreasing order of strength, with the bound on what dropping the rest would change. */
export interface Decomposition {
  /** All terms of the SVD whose strength is not negligible, strongest first. */
  readonly terms: readonly SeparableTerm[]
  /**
   * tail[r]: largest change of one output (in units of the input's sample range, per 1.0 of input) from keeping
   * only the first r terms: sum over dropped terms of |column|_1 * |row|_1. tail[terms.length] covers the
   * residue below numerical noise and is ~1e-15 of the kernel.
   */
  readonly tail: readonly number[]
}

/** Largest kernel (cells) the full SVD runs on; larger ones only get the exact rank-1 test (SVD is O(n^3)). */
export const SVD_MAX_CELLS = 63 * 63

/**
 * Splits a row-major `height` x `width` kernel into separable terms. Kernels above SVD_MAX_CELLS cells are
 * only tested for rank 1 (their terms are then exact or the single term list is empty).
 */
export function decompose(weights: ArrayLike<number>, height: number, width: number): Decomposition {
  if (height * width > SVD_MAX_CELLS) {
    const one = rankOne(weights, height, width)
    return one ? { terms: [one], tail: [l1(weights), 0] } : { terms: [], tail: [l1(weights)] }
  }
  return jacobi(weights, height, width)
}

function l1(values: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < values.length; i++) s += Math.abs(values[i])
  return s
}

/** Exact rank-1 factors (to 1e-12 of the largest weight), or null. */
function rankOne(weights: ArrayLike<number>, height: number, width: number): SeparableTerm | null {
  let pivot = 0
  for (let i = 1; i < weights.length; i++) if (Math.abs(weights[i]) > Math.abs(weights[pivot])) pivot = i
  const scale = Math.abs(weights[pivot])
  if (scale === 0) return { column: new Float64Array(height), row: new Float64Array(width) }
  const pr = Math.floor(pivot / width)
  const pc = pivot - pr * width
  const column = new Float64Array(height)
  const row = new Float64Array(width)
  for (let r = 0; r < height; r++) column[r] = weights[r * width + pc]
  for (let c = 0; c < width; c++) row[c] = weights[pr * width + c] / weights[pivot]
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      if (Math.abs(column[r] * row[c] - weights[r * width + c]) > 1e-12 * scale) return null
    }
  }
  return { column, row }
}

/**
 * One-sided Jacobi (Hestenes): rotates column pairs of A until they are orthogonal, accumulating the rotations
 * in V. Then A V = U S, so A = sum_j (A V)_j (x) V_j: term j has column (A V)_j and row V_j.
 */
function jacobi(weights: ArrayLike<number>, m: number, n: number): Decomposition {
  const a = Float64Array.from(weights) // m x n, row-major
  const v = new Float64Array(n * n)
  for (let i = 0; i < n; i++) v[i * n + i] = 1
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        let alpha = 0
        let beta = 0
        let gamma = 0
        for (let i = 0; i < m; i++) {
          const x = a[i * n + p]
          const y = a[i * n + q]
          alpha += x * x
          beta += y * y
          gamma += x * y
        }
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue
        rotated = true
        const zeta = (beta - alpha) / (2 * gamma)
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta))
        const c = 1 / Math.sqrt(1 + t * t)
        const s = c * t
        for (let i = 0; i < m; i++) {
          const x = a[i * n + p]
          const y = a[i * n + q]
          a[i * n + p] = c * x - s * y
          a[i * n + q] = s * x + c * y
        }
        for (let i = 0; i < n; i++) {
          const x = v[i * n + p]
          const y = v[i * n + q]
          v[i * n + p] = c * x - s * y
          v[i * n + q] = s * x + c * y
        }
      }
    }
    if (!rotated) break
  }
  const all: { term: SeparableTerm; strength: number; l1: number }[] = []
  for (let j = 0; j < n; j++) {
    const column = new Float64Array(m)
    const row = new Float64Array(n)
    let norm = 0
    for (let i = 0; i < m; i++) {
      column[i] = a[i * n + j]
      norm += column[i] * column[i]
    }
    for (let i = 0; i < n; i++) row[i] = v[i * n + j]
    all.push({ term: { column, row }, strength: Math.sqrt(norm), l1: l1(column) * l1(row) })
  }
  all.sort((x, y) => y.strength - x.strength)
  const top = all.length > 0 ? all[0].strength : 0
  const kept = all.filter((t) => t.strength > 1e-13 * top)
  const residue = all.filter((t) => t.strength <= 1e-13 * top).reduce((s, t) => s + t.l1, 0)
  const tail = new Array<number>(kept.length + 1)
  tail[kept.length] = residue
  for (let r = kept.length - 1; r >= 0; r--) tail[r] = tail[r + 1] + kept[r].l1
  return { terms: kept.map((t) => t.term), tail }
}
