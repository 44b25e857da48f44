// Runs in Node (CLI): plain-text layout of number grids and tables for terminal output.

/**
 * A number as the tables show it: integers as they are, other values with up to `digits` decimals
 * (trailing zeros dropped), and -0 as 0.
 */
export function formatNumber(value: number, digits = 4): string {
  if (Object.is(value, -0) || value === 0) return '0'
  if (Number.isInteger(value)) return String(value)
  const fixed = value.toFixed(digits).replace(/\.?0+$/, '')
  return fixed === '-0' ? '0' : fixed
}

/** Rows of cells as text lines, each column right-aligned to its widest cell and separated by `gap` spaces. */
export function gridLines(cells: readonly (readonly string[])[], gap = 2): string[] {
  const widths: number[] = []
  for (const row of cells) row.forEach((cell, c) => (widths[c] = Math.max(widths[c] ?? 0, cell.length)))
  return cells.map((row) => row.map((cell, c) => cell.padStart(widths[c])).join(' '.repeat(gap)))
}

/** A number grid as aligned text lines. */
export function numberGrid(rows: readonly (readonly number[])[], digits = 4): string[] {
  return gridLines(rows.map((row) => row.map((v) => formatNumber(v, digits))))
}

/**
 * Blocks of lines side by side, each padded to its widest line, with `joiners[i]` (e.g. "x", "=") printed
 * between block i and i+1 on the middle line. Blocks may differ in height (shorter ones are blank below).
 * With `headers`, a first line names each block.
 */
export function sideBySide(
  blocks: readonly (readonly string[])[],
  joiners: readonly string[] = [],
  headers?: readonly string[]
): string[] {
  const height = Math.max(...blocks.map((b) => b.length))
  const widths = blocks.map((b, i) => Math.max(headers?.[i]?.length ?? 0, ...b.map((line) => line.length)))
  const joinWidth = Math.max(1, ...joiners.map((j) => j.length))
  const middle = Math.floor((height - 1) / 2)
  const join = (cells: readonly string[], r: number): string =>
    cells
      .map((cell, b) => {
        if (b === cells.length - 1) return cell
        const joiner = r === middle ? (joiners[b] ?? '') : ''
        return `${cell.padEnd(widths[b])}   ${joiner.padEnd(joinWidth)}   `
      })
      .join('')
      .trimEnd()
  const lines: string[] = []
  if (headers) lines.push(join(blocks.map((_, b) => headers[b] ?? ''), -1))
  for (let r = 0; r < height; r++) lines.push(join(blocks.map((block) => block[r] ?? ''), r))
  return lines
}

/**
 * A table with a header row; cells may hold several lines. Columns are left-aligned and separated by two
 * spaces; the last column is not padded.
 */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const all = [header, ...rows]
  const widths = header.map((_, c) => Math.max(...all.map((row) => Math.max(...(row[c] ?? '').split('\n').map((l) => l.length)))))
  const lines: string[] = []
  for (const row of all) {
    const cellLines = row.map((cell) => cell.split('\n'))
    const height = Math.max(...cellLines.map((l) => l.length))
    for (let i = 0; i < height; i++) {
      const parts = cellLines.map((l, c) => (c === row.length - 1 ? (l[i] ?? '') : (l[i] ?? '').padEnd(widths[c])))
      lines.push(parts.join('  ').trimEnd())
    }
  }
  return lines
}
