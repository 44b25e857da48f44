// Test helper: the teaching texts' worked example, written once. Sliding the kernel over the image in `valid`
// mode gives 12 at output (0, 0); the specs compute the rest from these numbers.
/** The 5x5 example image: rows of 8-bit grey samples. */
export const LESSON_IMAGE: readonly (readonly number[])[] = [
  [3, 3, 2, 1, 0],
  [0, 0, 1, 3, 1],
  [3, 1, 2, 2, 3],
  [2, 0, 0, 2, 2],
  [2, 0, 0, 0, 1]
]

/** The 3x3 example kernel (divisor 1, offset 0). */
export const LESSON_KERNEL: readonly (readonly number[])[] = [
  [0, 1, 2],
  [2, 2, 0],
  [0, 1, 2]
]

/** Rows as one line of text, `0 1 2; 2 2 0; 0 1 2`: the CLI's `--kernel` syntax, the editor's and `gridImage`'s. */
export function gridText(rows: readonly (readonly number[])[]): string {
  return rows.map((row) => row.join(' ')).join('; ')
}
