// The filled share of a range slider's track (base.css paints the track up to `--fill`): one formula for every
// slider, so the blue part always ends under the thumb.

/** `value`'s position between `min` and `max` as a CSS percentage, clamped to 0..100 % and rounded to 0.1 %. */
export function rangeFill(value: number, min: number, max: number): string {
  const span = max - min
  const share = span > 0 && Number.isFinite(value) ? Math.min(1, Math.max(0, (value - min) / span)) : 0
  return `${Math.round(share * 1000) / 10}%`
}
