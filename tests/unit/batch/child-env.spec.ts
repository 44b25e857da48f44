// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { batchProcessEnv } from '../../../src/batch/child-env'

describe('batchProcessEnv', () => {
  it('asks glibc for transparent huge pages, keeping the rest of the environment', () => {
    const env = { PATH: '/usr/bin', HOME: '/home/me' }
    expect(batchProcessEnv(env)).toEqual({ PATH: '/usr/bin', HOME: '/home/me', GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' })
    expect(env).toEqual({ PATH: '/usr/bin', HOME: '/home/me' })
  })

  it("adds to the user's own tunables and keeps a hugetlb setting of theirs", () => {
    expect(batchProcessEnv({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }).GLIBC_TUNABLES).toBe('glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1')
    expect(batchProcessEnv({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' }).GLIBC_TUNABLES).toBe('glibc.malloc.hugetlb=0')
    expect(batchProcessEnv({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=2' }).GLIBC_TUNABLES).toBe(
      'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=2'
    )
  })
})
