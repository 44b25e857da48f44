// Runs in Node (CLI): the layer part of `inspect` for filters with channels, light, blend or mask: how the kernel's
// result becomes the layer, is blended with the backdrop and weighted by opacity and mask.
import type { LayerInspection } from '../engine/inspect-layer'
import { formatNumber } from './text-grid'

const names = (count: number): string[] =>
  count === 1 ? ['grey'] : count === 2 ? ['grey', 'alpha'] : count === 3 ? ['red', 'green', 'blue'] : ['red', 'green', 'blue', 'alpha']

const values = (list: readonly number[]): string => list.map((v) => formatNumber(v)).join(' ')

/** The layer steps of one pixel as aligned text lines. */
export function formatLayer(layer: LayerInspection): string[] {
  const count = layer.backdrop.length
  const what =
    layer.channels === 'luminance'
      ? 'the luminance Y = 0.2126 R + 0.7152 G + 0.0722 B; its change is added to R, G and B'
      : layer.channels === 'rgb'
        ? 'every colour channel'
        : `the ${names(3)['rgb'.indexOf(layer.channels)]} channel; the others pass through`
  const steps: [string, string][] = [
    ['backdrop (input under the kernel centre)', values(layer.backdrop)],
    ['filtered layer', values(layer.source)],
    [`${layer.blend}(backdrop, layer)`, values(layer.blended)],
    [`weight = opacity ${formatNumber(layer.opacity)} x mask ${formatNumber(layer.mask)}`, formatNumber(layer.weight)],
    ['backdrop + (blended - backdrop) x weight', values(layer.output)]
  ]
  const width = Math.max('value (rounded)'.length, ...steps.map(([label]) => label.length))
  return [
    `layer: filters ${what}; ${layer.light === 'linear' ? 'in linear light (sRGB decoded, encoded after)' : 'on the stored values'}; ` +
      `blend ${layer.blend}; channels ${names(count).join(' ')}`,
    ...steps.map(([label, value]) => `  ${label.padEnd(width)} = ${value}`),
    `  ${'value (rounded)'.padEnd(width)} = ${layer.value.join(' ')}`
  ]
}
