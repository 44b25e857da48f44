// Runs in the renderer. "Learn from example…": sends an AFTER image to the engine host, which fits the kernel that
// turns the open image into it; the kernel becomes a new layer, and the fit (rms, residual picture) stays on show.
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { LearnedExample } from '../../contract/api'
import { roundLearnt } from '../../engine/learn'
import { errorMessage } from '../model/error-message'
import { api } from '../services/client'
import { useStackStore } from './stack'

/** Kernel sides offered: odd, up to the 15x15 that still fits in about a second on a 12 MP photo. */
export const LEARN_SIZES = [3, 5, 7, 9, 11, 13, 15] as const

/** The learn store: the kernel size asked for, the fit in progress, and the last fit. */
export const useLearnStore = defineStore('learn', () => {
  const stack = useStackStore()
  /** Kernel side to learn. */
  const size = ref<number>(5)
  /** True while the engine host is fitting. */
  const running = ref(false)
  /** The last fit, kept to show its residual. */
  const result = shallowRef<LearnedExample | null>(null)
  /** Why the last attempt failed, or null. */
  const error = ref<string | null>(null)

  /**
   * Learns the kernel that turns the open image into `file` and adds it as a layer named after the file.
   * Resolves to false when it failed (the reason is in `error`).
   */
  async function learnFrom(file: File): Promise<boolean> {
    running.value = true
    error.value = null
    try {
      const bytes = new Uint8Array(await file.arrayBuffer())
      const learnt = await api['image:learn']({ name: file.name, bytes, size: size.value })
      const [shared] = learnt.kernels
      // Rounded as the command line prints them, so the editor shows 0.01325, not 0.013248319...
      stack.add({ name: `Learnt from ${file.name}`, kernel: shared.rows.map((row) => row.map(roundLearnt)), offset: roundLearnt(shared.offset) })
      result.value = learnt
      return true
    } catch (err) {
      error.value = errorMessage(err)
      return false
    } finally {
      running.value = false
    }
  }

  /** Forgets the last fit (another image was opened). */
  function clear(): void {
    result.value = null
    error.value = null
  }

  return { size, running, result, error, learnFrom, clear }
})
