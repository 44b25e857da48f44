// @vitest-environment node
import { it } from 'vitest'
import { runStack } from '../../../src/host/run-stack'
import { randomIntImage, referenceResult } from './helpers'
it('dbg', async () => {
  const image = randomIntImage(43, 5, 2, 1, 16)
  const filters = [{ kernel: '0 0 0; 0 1 0; 0 0 0' }]
  const e = referenceResult(image, filters)
  const a = await runStack(image, filters, { engine: { threads: 0, backend: 'ts', method: 'direct' } })
  console.log(Array.from(image.data).join(' '))
  console.log(Array.from(e.data).join(' '))
  console.log(Array.from(a.data).join(' '))
})
