// Presets as data: named kernels with typed, validated parameters, and the `name:key=value,...` spec syntax.
import { EngineError } from './errors'
import { kernelFromRows, MAX_KERNEL_SIZE } from './kernel'
import type { Kernel, ParamValue, SignedMode } from './types'

/** One typed parameter of a preset. */
export interface PresetParam {
  readonly name: string
  readonly type: 'int' | 'number' | 'enum'
  readonly default: number | string
  /** Smallest allowed value (int, number). */
  readonly min?: number
  /** Largest allowed value (int, number). */
  readonly max?: number
  /** Step for sliders and spinners. */
  readonly step?: number
  /** Allowed values (enum). */
  readonly options?: readonly string[]
  /** Only odd values are allowed (kernel sizes). @default false */
  readonly odd?: boolean
  /** One line for tooltips and `presets` listings. */
  readonly description: string
  /**
   * When a spec leaves this parameter out, its value comes from the others (a Gaussian's size from σ), and
   * `default` is that value at the other defaults. A given value overrides it and is used exactly.
   */
  readonly derive?: (params: PresetParams) => number
  /**
   * What a version 1 recipe means when it leaves a derived parameter out: the fixed default it had before sizes
   * were derived from σ, so old files give the same bytes. Absent where version 1 files never had the preset.
   */
  readonly version1Default?: number
}

/** Parameter values after defaults are filled in and types checked: numbers for int/number, strings for enum. */
export type PresetParams = Readonly<Record<string, number | string>>

/** A named kernel generator. */
export interface Preset {
  readonly name: string
  readonly title: string
  /** One line shown in the gallery and `presets` listings. */
  readonly description: string
  readonly params: readonly PresetParam[]
  /** The kernel for complete, validated parameters (see {@link resolvePresetParams}). */
  kernel(params: PresetParams): Kernel
  /** Signed mapping this preset is meant to be seen with. @default 'clamp' */
  readonly signed?: SignedMode
  /** Why these (complete, valid) parameters do not give what they promise (a Gaussian cut short), or null. */
  warning?(params: PresetParams): string | null
}

/** A parsed preset spec: the preset and its complete, validated parameters. */
export interface PresetSelection {
  readonly preset: Preset
  readonly params: PresetParams
}

const num = (params: PresetParams, name: string): number => params[name] as number
const str = (params: PresetParams, name: string): string => String(params[name])

const sizeParam = (fallback: number, description: string): PresetParam => ({
  name: 'size',
  type: 'int',
  default: fallback,
  min: 1,
  max: MAX_KERNEL_SIZE,
  step: 2,
  odd: true,
  description
})

/**
 * The odd kernel size that holds a Gaussian of `sigma` out to 3σ each side (about 6σ + 1, where the weights fall
 * below 1.2 % of the peak), at most the largest kernel.
 */
export function gaussianSize(sigma: number): number {
  return Math.min(MAX_KERNEL_SIZE, 2 * Math.ceil(3 * sigma - 1e-9) + 1)
}

/** A Gaussian's size parameter: derived from σ unless given. */
const gaussianSizeParam = (what: string, version1Default?: number): PresetParam => ({
  ...sizeParam(gaussianSize(1), `width and height of the ${what}, odd; about 6σ + 1 when not given`),
  derive: (params) => gaussianSize(widestSigma(params)),
  version1Default
})

const sigmaParam: PresetParam = {
  name: 'sigma',
  type: 'number',
  default: 1,
  min: 0.1,
  max: 64,
  step: 0.1,
  description: 'standard deviation of the Gaussian, in pixels'
}

/**
 * Says when a Gaussian of `sigma` is cut short by `size` (for a difference of Gaussians, the wider one's σ).
 */
function gaussianWarning(params: PresetParams): string | null {
  const size = params.size as number
  const sigma = widestSigma(params)
  const reach = Number(((size - 1) / 2 / sigma).toFixed(2))
  const needed = 2 * Math.ceil(3 * sigma - 1e-9) + 1
  if (size < needed && needed > MAX_KERNEL_SIZE) {
    return `σ ${Number(sigma.toFixed(4))} needs size ${needed} to hold the Gaussian to 3σ, more than the largest kernel (${MAX_KERNEL_SIZE}): size ${size} holds it to ${reach}σ each side`
  }
  // Within 2σ the weights at the kernel's edge are above 13 % of the peak: a visible cut, not a rounding.
  if ((size - 1) / 2 / sigma >= 2 - 1e-9) return null
  return `size ${size} holds the Gaussian only to ${reach}σ each side, so it acts partly like a box blur: size ${needed} holds it to 3σ`
}

/** The σ of the widest Gaussian a preset's parameters describe (a difference of Gaussians has two). */
function widestSigma(params: PresetParams): number {
  return (params.sigma as number) * (typeof params.ratio === 'number' ? params.ratio : 1)
}

/** 1-D Gaussian of odd `size`, summing to 1. */
export function gaussian1d(size: number, sigma: number): number[] {
  const half = (size - 1) / 2
  const values: number[] = []
  let sum = 0
  for (let i = -half; i <= half; i++) {
    const v = Math.exp(-(i * i) / (2 * sigma * sigma))
    values.push(v)
    sum += v
  }
  return values.map((v) => v / sum)
}

function gaussianRows(size: number, sigma: number): number[][] {
  const g = gaussian1d(size, sigma)
  return g.map((a) => g.map((b) => a * b))
}

// Eight compass directions, clockwise from top-left, as (row, col) offsets of the 3x3 ring.
const RING: readonly (readonly [number, number])[] = [
  [0, 0],
  [0, 1],
  [0, 2],
  [1, 2],
  [2, 2],
  [2, 1],
  [2, 0],
  [1, 0]
]
const COMPASS = ['top-left', 'top', 'top-right', 'right', 'bottom-right', 'bottom', 'bottom-left', 'left'] as const
const SIDES = ['right', 'left', 'top', 'bottom'] as const

/** A 3x3 gradient kernel with positive weights on `side`: `corner` at its ends, `middle` at its centre. */
function gradient(side: string, corner: number, middle: number): number[][] {
  const right = [
    [-corner, 0, corner],
    [-middle, 0, middle],
    [-corner, 0, corner]
  ]
  switch (side) {
    case 'right':
      return right
    case 'left':
      return right.map((row) => row.map((v) => -v || 0))
    case 'bottom':
      return right[0].map((_v, c) => right.map((row) => row[c]))
    default: // top
      return right[0].map((_v, c) => right.map((row) => -row[c] || 0))
  }
}

function centreOnly(size: number, value: number): number[][] {
  const rows = Array.from({ length: size }, () => new Array<number>(size).fill(0))
  rows[(size - 1) / 2][(size - 1) / 2] = value
  return rows
}

/** Antialiased line of `length` pixels through the centre at `angle` degrees (counter-clockwise from +x), sum 1. */
function motionLine(length: number, angle: number): number[][] {
  const half = (length - 1) / 2
  const rad = (angle * Math.PI) / 180
  // Snap trig noise (cos 90deg is 6e-17) so axis-aligned lines come out exactly even.
  const snap = (v: number): number => (Math.abs(v) < 1e-12 ? 0 : v)
  const dx = snap(Math.cos(rad))
  const dy = snap(-Math.sin(rad)) // rows grow downwards
  const rows: number[][] = []
  let sum = 0
  for (let r = 0; r < length; r++) {
    const row: number[] = []
    for (let c = 0; c < length; c++) {
      const x = c - half
      const y = r - half
      const along = x * dx + y * dy
      const across = Math.abs(-x * dy + y * dx)
      // How much of the pixel a 1-pixel-wide segment of `length` covers: linear falloff across it and at its ends.
      const w = Math.max(0, 1 - across) * Math.min(1, Math.max(0, length / 2 + 0.5 - Math.abs(along)))
      const v = w < 1e-12 ? 0 : w
      row.push(v)
      sum += v
    }
    rows.push(row)
  }
  return rows.map((row) => row.map((v) => v / sum))
}

/** 8 in the centre, -1 around: the seeds' edge-detection kernel, which is also the classic outline kernel. */
const EDGE_ROWS = [
  [-1, -1, -1],
  [-1, 8, -1],
  [-1, -1, -1]
]

/** Every built-in preset, in gallery order. */
export const PRESETS: readonly Preset[] = [
  {
    name: 'identity',
    title: 'Identity',
    description: 'Leaves the image unchanged: 1 in the centre, 0 around it.',
    params: [],
    kernel: () => kernelFromRows(centreOnly(3, 1))
  },
  {
    name: 'box-blur',
    title: 'Box blur',
    description: 'Averages each size x size neighbourhood equally (the 3x3 of 1/9 by default).',
    params: [sizeParam(3, 'width and height of the square, odd')],
    kernel: (p) => {
      const size = num(p, 'size')
      const rows = Array.from({ length: size }, () => new Array<number>(size).fill(1))
      return kernelFromRows(rows, { divisor: size * size })
    }
  },
  {
    name: 'gaussian-blur',
    title: 'Gaussian blur',
    description: 'Smooth blur weighting near pixels more; the weights sum to 1.',
    params: [gaussianSizeParam('kernel', 5), sigmaParam],
    warning: gaussianWarning,
    kernel: (p) => kernelFromRows(gaussianRows(num(p, 'size'), num(p, 'sigma')))
  },
  {
    name: 'sharpen',
    title: 'Sharpen',
    description: 'Boosts the centre against its four neighbours (amount 1 is [0 -1 0; -1 5 -1; 0 -1 0]).',
    params: [
      {
        name: 'amount',
        type: 'number',
        default: 1,
        min: 0,
        max: 10,
        step: 0.1,
        description: 'strength of the neighbours\' negative weight'
      }
    ],
    kernel: (p) => {
      const a = num(p, 'amount')
      return kernelFromRows([
        [0, -a || 0, 0],
        [-a || 0, 1 + 4 * a, -a || 0],
        [0, -a || 0, 0]
      ])
    }
  },
  {
    name: 'edge-detect',
    title: 'Edge detect',
    description:
      '8 in the centre, -1 around (the classic outline kernel, also named `outline`): 0 on flat areas, light and dark sides on every border.',
    params: [],
    kernel: () => kernelFromRows(EDGE_ROWS)
  },
  {
    name: 'sobel',
    title: 'Sobel',
    description: 'Directional edges: bright where the image gets brighter towards `direction`.',
    params: [
      {
        name: 'direction',
        type: 'enum',
        default: 'right',
        options: SIDES,
        description: 'side with the positive weights'
      }
    ],
    kernel: (p) => kernelFromRows(gradient(str(p, 'direction'), 1, 2))
  },
  {
    name: 'prewitt',
    title: 'Prewitt',
    description: 'Directional edges with equal weights along the side: like Sobel, less smoothing.',
    params: [
      {
        name: 'direction',
        type: 'enum',
        default: 'right',
        options: SIDES,
        description: 'side with the positive weights'
      }
    ],
    kernel: (p) => kernelFromRows(gradient(str(p, 'direction'), 1, 1))
  },
  {
    name: 'emboss',
    title: 'Emboss',
    description: 'Raised relief lit from `direction` (top-left is [-2 -1 0; -1 1 1; 0 1 2]).',
    params: [
      {
        name: 'direction',
        type: 'enum',
        default: 'top-left',
        options: COMPASS,
        description: 'where the light comes from (the side with the negative weights)'
      }
    ],
    kernel: (p) => {
      const base = [-2, -1, 0, 1, 2, 1, 0, -1]
      const shift = COMPASS.indexOf(str(p, 'direction') as (typeof COMPASS)[number])
      const rows = centreOnly(3, 1)
      RING.forEach(([r, c], i) => {
        rows[r][c] = base[(i - shift + 8) % 8]
      })
      return kernelFromRows(rows)
    }
  },
  {
    name: 'unsharp-mask',
    title: 'Unsharp mask',
    description: 'Sharpens by subtracting a Gaussian blur: (1 + amount) x image - amount x blur.',
    params: [
      gaussianSizeParam('blur', 5),
      sigmaParam,
      {
        name: 'amount',
        type: 'number',
        default: 1,
        min: 0,
        max: 10,
        step: 0.1,
        description: 'how much of the detail to add back'
      }
    ],
    warning: gaussianWarning,
    kernel: (p) => {
      const size = num(p, 'size')
      const amount = num(p, 'amount')
      const half = (size - 1) / 2
      const rows = gaussianRows(size, num(p, 'sigma')).map((row) => row.map((g) => -amount * g || 0))
      rows[half][half] += 1 + amount
      return kernelFromRows(rows)
    }
  },
  {
    name: 'motion-blur',
    title: 'Motion blur',
    description: 'Smears along a straight line, as if the camera moved; the weights sum to 1.',
    params: [
      { ...sizeParam(9, 'length of the streak in pixels, odd'), name: 'length' },
      {
        name: 'angle',
        type: 'number',
        default: 0,
        min: -360,
        max: 360,
        step: 1,
        description: 'direction in degrees, counter-clockwise from horizontal'
      }
    ],
    kernel: (p) => kernelFromRows(motionLine(num(p, 'length'), num(p, 'angle')))
  },
  {
    name: 'laplacian',
    title: 'Laplacian',
    description: 'Second derivative: responds to edges in every direction; 0 on flat areas.',
    params: [
      {
        name: 'variant',
        type: 'enum',
        default: '4',
        options: ['4', '8'],
        description: 'neighbours used: 4 (cross) or 8 (all)'
      }
    ],
    kernel: (p) =>
      kernelFromRows(
        str(p, 'variant') === '8'
          ? [
              [1, 1, 1],
              [1, -8, 1],
              [1, 1, 1]
            ]
          : [
              [0, 1, 0],
              [1, -4, 1],
              [0, 1, 0]
            ]
      )
  },
  {
    name: 'high-pass',
    title: 'High pass',
    description: 'Keeps only fine detail (image minus a Gaussian blur), shown around mid-grey.',
    params: [gaussianSizeParam('blur', 5), sigmaParam],
    signed: 'shift',
    warning: gaussianWarning,
    kernel: (p) => {
      const size = num(p, 'size')
      const half = (size - 1) / 2
      const rows = gaussianRows(size, num(p, 'sigma')).map((row) => row.map((g) => -g || 0))
      rows[half][half] += 1
      return kernelFromRows(rows)
    }
  },
  {
    name: 'difference-of-gaussians',
    title: 'Difference of Gaussians',
    description: 'Band-pass edges: a Gaussian blur minus a wider one (σ x `ratio`); 0 on flat areas and on fine noise.',
    params: [
      gaussianSizeParam('kernel (the wider Gaussian sets it)'),
      sigmaParam,
      {
        name: 'ratio',
        type: 'number',
        default: 1.6,
        min: 1.1,
        max: 10,
        step: 0.1,
        description: 'σ of the wider Gaussian over σ of the narrower one (1.6 approximates a Laplacian of Gaussian)'
      }
    ],
    warning: gaussianWarning,
    kernel: (p) => {
      const size = num(p, 'size')
      const sigma = num(p, 'sigma')
      const narrow = gaussianRows(size, sigma)
      const wide = gaussianRows(size, sigma * num(p, 'ratio'))
      return kernelFromRows(narrow.map((row, r) => row.map((g, c) => g - wide[r][c] || 0)))
    }
  }
]

/**
 * Other names presets are known by. `outline` was a second preset with the same kernel as `edge-detect`; its specs
 * and recipes keep working, with the same results.
 */
export const PRESET_ALIASES: Readonly<Record<string, string>> = { outline: 'edge-detect' }

/** The preset called `name` (or one of its {@link PRESET_ALIASES}), or undefined. */
export function findPreset(name: string): Preset | undefined {
  const real = Object.prototype.hasOwnProperty.call(PRESET_ALIASES, name) ? PRESET_ALIASES[name] : name
  return PRESETS.find((preset) => preset.name === real)
}

function requirePreset(name: string): Preset {
  const preset = findPreset(name)
  if (!preset) {
    throw new EngineError(`unknown preset "${name}": expected one of ${PRESETS.map((p) => p.name).join(', ')}`)
  }
  return preset
}

/** The default value of every parameter of `preset`. */
export function presetDefaults(preset: Preset): PresetParams {
  return Object.fromEntries(preset.params.map((param) => [param.name, param.default]))
}

function checkParam(preset: Preset, param: PresetParam, raw: ParamValue): number | string {
  const where = `preset "${preset.name}": ${param.name}`
  if (param.type === 'enum') {
    const value = String(raw).trim()
    const options = param.options ?? []
    if (!options.includes(value)) throw new EngineError(`${where} "${value}" is not one of ${options.join(', ')}`)
    return value
  }
  let value: number
  if (typeof raw === 'number') {
    value = raw
  } else {
    const text = raw.trim()
    value = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text) ? Number(text) : NaN
    if (!Number.isFinite(value)) throw new EngineError(`${where} "${raw}" is not a number`)
  }
  if (!Number.isFinite(value)) throw new EngineError(`${where} ${String(value)} is not a finite number`)
  if (param.type === 'int' && !Number.isInteger(value)) throw new EngineError(`${where} ${value} is not a whole number`)
  if ((param.min !== undefined && value < param.min) || (param.max !== undefined && value > param.max)) {
    throw new EngineError(`${where} ${value} is out of range: expected ${param.min ?? '-inf'} to ${param.max ?? 'inf'}`)
  }
  if (param.odd && value % 2 === 0) throw new EngineError(`${where} ${value} is even: it must be odd`)
  return value
}

/**
 * Complete, validated parameters for `preset`: defaults filled in, numbers parsed from strings, ranges,
 * odd sizes and enum options checked. Throws an EngineError naming the preset and parameter.
 */
export function resolvePresetParams(preset: Preset, params: Readonly<Record<string, ParamValue>> = {}): PresetParams {
  const resolved: Record<string, number | string> = {}
  for (const key of Object.keys(params)) {
    if (!preset.params.some((param) => param.name === key)) {
      const known = preset.params.map((param) => param.name)
      throw new EngineError(
        `preset "${preset.name}" has no parameter "${key}"` +
          (known.length > 0 ? `: expected ${known.join(', ')}` : ': it takes none')
      )
    }
  }
  // Derived parameters come last: they read the others' resolved values.
  const given = (param: PresetParam): boolean => Object.prototype.hasOwnProperty.call(params, param.name)
  for (const param of preset.params) {
    if (param.derive && !given(param)) continue
    resolved[param.name] = checkParam(preset, param, given(param) ? params[param.name] : param.default)
  }
  for (const param of preset.params) {
    if (param.derive && !given(param)) resolved[param.name] = param.derive(resolved)
  }
  return Object.fromEntries(preset.params.map((param) => [param.name, resolved[param.name]]))
}

/**
 * The parameters a version 1 recipe gave `preset`: each derived parameter it left out set to its fixed version 1
 * default (see {@link PresetParam.version1Default}); unknown presets and given values unchanged.
 */
export function version1Params<P extends Readonly<Record<string, ParamValue>> | undefined>(
  name: string,
  params: P
): P | Readonly<Record<string, ParamValue>> {
  const missing = findPreset(name)?.params.filter((param) => param.version1Default !== undefined && !(params && param.name in params)) ?? []
  if (missing.length === 0) return params
  return { ...params, ...Object.fromEntries(missing.map((param) => [param.name, param.version1Default as number])) }
}

/** True when a filter on `name` leaves out a parameter that version 1 recipes read differently (a derived size). */
export function needsVersion2Params(name: string, params: Readonly<Record<string, ParamValue>> | undefined): boolean {
  return version1Params(name, params) !== params
}

/** The problem with complete, validated `params` of `preset` (a Gaussian cut short by its size), or null. */
export function presetWarning(preset: Preset, params: PresetParams): string | null {
  return preset.warning?.(params) ?? null
}

/**
 * Parses `name` or `name:key=value,key=value` (e.g. `gaussian-blur:size=5,sigma=1`) into the preset and
 * its complete, validated parameters.
 */
export function parsePresetSpec(spec: string): PresetSelection {
  const text = spec.trim()
  if (text === '') throw new EngineError('preset spec is empty')
  const colon = text.indexOf(':')
  const name = (colon < 0 ? text : text.slice(0, colon)).trim()
  const preset = requirePreset(name)
  const params: Record<string, string> = {}
  if (colon >= 0) {
    const list = text.slice(colon + 1)
    for (const pair of list.split(',')) {
      const eq = pair.indexOf('=')
      const key = eq < 0 ? '' : pair.slice(0, eq).trim()
      if (key === '') throw new EngineError(`preset spec "${text}": expected key=value, got "${pair.trim()}"`)
      if (Object.prototype.hasOwnProperty.call(params, key)) {
        throw new EngineError(`preset spec "${text}": parameter "${key}" is given twice`)
      }
      params[key] = pair.slice(eq + 1).trim()
    }
  }
  return { preset, params: resolvePresetParams(preset, params) }
}

/** The kernel of preset `name` with `params` (defaults filled in, validated). Throws an EngineError. */
export function presetKernel(name: string, params: Readonly<Record<string, ParamValue>> = {}): Kernel {
  const preset = requirePreset(name)
  return preset.kernel(resolvePresetParams(preset, params))
}

/**
 * The spec text for a preset and parameters, listing only values that differ from what the spec would imply
 * without them: the default, or for a derived parameter (a Gaussian's size) the value derived from the others.
 */
export function presetSpec(preset: Preset, params: Readonly<Record<string, ParamValue>> = {}): string {
  const implied = (param: PresetParam): string => {
    if (!param.derive) return String(param.default)
    const { [param.name]: _own, ...others } = params
    try {
      return String(resolvePresetParams(preset, others)[param.name])
    } catch {
      return '' // other parameters are invalid: keep the given value
    }
  }
  const changed = preset.params
    .filter((param) => params[param.name] !== undefined && String(params[param.name]) !== implied(param))
    .map((param) => `${param.name}=${String(params[param.name])}`)
  return changed.length > 0 ? `${preset.name}:${changed.join(',')}` : preset.name
}
