// Runs in the renderer. `v-range-fill` on a range input: base.css paints the track up to `--fill`, and this keeps
// `--fill` under the thumb from the input's own value, min and max (set once per slider, never repeated here).
import type { Directive } from 'vue'
import { rangeFill } from '../model/range-fill'

function paint(el: HTMLInputElement): void {
  // An absent min or max is the browser's default, 0 and 100.
  el.style.setProperty('--fill', rangeFill(Number(el.value), el.min === '' ? 0 : Number(el.min), el.max === '' ? 100 : Number(el.max)))
}

/** Dragging repaints at once, even when the value the page binds does not change (a step rounded to the same). */
function onInput(event: Event): void {
  paint(event.target as HTMLInputElement)
}

export const vRangeFill: Directive<HTMLInputElement> = {
  mounted(el) {
    paint(el)
    el.addEventListener('input', onInput)
  },
  updated: paint,
  beforeUnmount(el) {
    el.removeEventListener('input', onInput)
  }
}
