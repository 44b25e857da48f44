// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { parseShard, shardFromEnv, shardOf } from '../../../src/batch/shard'

describe('shardOf', () => {
  it('is the first 4 bytes of the SHA-1 of the relative path, big-endian, modulo N, plus 1', () => {
    // Known vectors (echo -n PATH | sha1sum): a change here would move files between the shards of a running job.
    // sha1("2024/IMG_0001.jpg") = 1ab968b9..., 0x1ab968b9 % 7 = 3; sha1("a.jpg") = 56ceeb90..., 0x56ceeb90 % 5 = 1.
    expect(shardOf('2024/IMG_0001.jpg', 7)).toBe(4)
    expect(shardOf('a.jpg', 5)).toBe(2)
    expect(shardOf('a.jpg', 1)).toBe(1)
  })

  it('puts every path in exactly one shard, spread about evenly', () => {
    const counts = [0, 0, 0, 0, 0]
    for (let i = 0; i < 5000; i++) {
      const k = shardOf(`shoot-${i % 37}/IMG_${String(i).padStart(5, '0')}.jpg`, 5)
      expect(k).toBeGreaterThanOrEqual(1)
      expect(k).toBeLessThanOrEqual(5)
      counts[k - 1]++
    }
    for (const n of counts) expect(Math.abs(n - 1000)).toBeLessThan(120)
  })

  it('depends on the relative path only (UTF-8), not on where the folders are mounted', () => {
    expect(shardOf('été/photo.png', 13)).toBe(shardOf('été/photo.png', 13))
    const values = new Set(Array.from({ length: 40 }, (_, i) => shardOf(`x${i}.png`, 3)))
    expect(values).toEqual(new Set([1, 2, 3]))
  })
})

describe('parseShard', () => {
  it('takes K/N with 1 <= K <= N', () => {
    expect(parseShard('3/8')).toEqual({ index: 3, count: 8 })
    expect(parseShard(' 1 / 1 ')).toEqual({ index: 1, count: 1 })
  })

  it.each(['0/3', '4/3', '3', '1/0', 'a/b', '-1/3', '1.5/3', ''])('refuses "%s" with one line', (text) => {
    expect(() => parseShard(text)).toThrow(`--shard must be K/N with 1 <= K <= N (e.g. 2/8) or "auto", got "${text}"`)
  })
})

describe('shardFromEnv', () => {
  it('reads a Kubernetes Indexed Job: JOB_COMPLETION_INDEX (0-based) and JOB_COMPLETIONS', () => {
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: '0', JOB_COMPLETIONS: '4' })).toEqual({ index: 1, count: 4 })
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: '3', JOB_COMPLETIONS: '4' })).toEqual({ index: 4, count: 4 })
  })

  it('says what is missing or wrong for Kubernetes', () => {
    expect(() => shardFromEnv({ JOB_COMPLETION_INDEX: '2' })).toThrow(
      "--shard auto: JOB_COMPLETION_INDEX is set but JOB_COMPLETIONS is not (set it to the Job's spec.completions)"
    )
    expect(() => shardFromEnv({ JOB_COMPLETION_INDEX: '4', JOB_COMPLETIONS: '4' })).toThrow('--shard auto: JOB_COMPLETION_INDEX=4 is not below JOB_COMPLETIONS=4')
    expect(() => shardFromEnv({ JOB_COMPLETION_INDEX: 'x', JOB_COMPLETIONS: '4' })).toThrow('--shard auto: JOB_COMPLETION_INDEX must be a whole number, got "x"')
  })

  it('reads a Slurm array, whatever its first index and step', () => {
    expect(shardFromEnv({ SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '8', SLURM_ARRAY_TASK_MIN: '0' })).toEqual({ index: 1, count: 8 })
    expect(shardFromEnv({ SLURM_ARRAY_TASK_ID: '8', SLURM_ARRAY_TASK_COUNT: '8', SLURM_ARRAY_TASK_MIN: '1' })).toEqual({ index: 8, count: 8 })
    expect(shardFromEnv({ SLURM_ARRAY_TASK_ID: '14', SLURM_ARRAY_TASK_COUNT: '8', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_STEP: '2' })).toEqual({ index: 8, count: 8 })
    expect(() => shardFromEnv({ SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '8', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_STEP: '2' })).toThrow(
      '--shard auto: SLURM_ARRAY_TASK_ID=3 is not in a regular array of 8 tasks from 0 by 2 (use --shard K/N)'
    )
    expect(() => shardFromEnv({ SLURM_ARRAY_TASK_ID: '3' })).toThrow('--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not')
  })

  it('fails with one line when no runner is found', () => {
    expect(() => shardFromEnv({ HOME: '/root' })).toThrow(
      '--shard auto needs JOB_COMPLETION_INDEX and JOB_COMPLETIONS (Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT (Slurm array); neither is set'
    )
  })
})
