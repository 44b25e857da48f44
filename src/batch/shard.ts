// Runs in Node: which files a shard of a batch takes. Each shard is a plain process started by whatever runner the
// user already has (a Kubernetes Indexed Job, a Slurm array, GNU parallel, ssh); N of them over the same inputs
// cover every file exactly once because each one decides from the file's relative path alone.
import { createHash } from 'node:crypto'
import { CodedError } from '../contract/errors'

/** Shard `index` (1-based) of `count`. */
export interface Shard {
  readonly index: number
  readonly count: number
}

/**
 * The shard (1..count) a file belongs to: the first 4 bytes of the SHA-1 of its path relative to the input root
 * (UTF-8, '/' between folders), read as a big-endian unsigned integer, modulo `count`, plus 1. It depends on
 * nothing but that path, so every machine computes the same split wherever the folders are mounted.
 */
export function shardOf(relative: string, count: number): number {
  const digest = createHash('sha1').update(relative, 'utf8').digest()
  return (digest.readUInt32BE(0) % count) + 1
}

/** Parses `K/N` (1 <= K <= N); throws a `bad-options` error naming the flag. */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text)
  const index = match ? Number(match[1]) : NaN
  const count = match ? Number(match[2]) : NaN
  if (!(count >= 1 && index >= 1 && index <= count && Number.isSafeInteger(count))) {
    throw new CodedError(`--shard must be K/N with 1 <= K <= N (e.g. 2/8) or "auto", got "${text}"`, 'bad-options')
  }
  return { index, count }
}

/**
 * The variable a Kubernetes Indexed Job's manifest sets to its `spec.completions`: Kubernetes gives each pod its
 * index (JOB_COMPLETION_INDEX, 0-based) but not the count, so resources/deploy/kubernetes-job.yaml passes it.
 */
export const JOB_COMPLETIONS = 'JOB_COMPLETIONS'

function envInteger(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name]
  if (text === undefined || text.trim() === '') return undefined
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN
  if (!Number.isSafeInteger(value)) throw new CodedError(`--shard auto: ${name} must be a whole number, got "${text}"`, 'bad-options')
  return value
}

/**
 * `--shard auto`: the shard from the runner's environment. A Kubernetes Indexed Job gives JOB_COMPLETION_INDEX
 * (0-based) and, from our manifest, JOB_COMPLETIONS; a Slurm array gives SLURM_ARRAY_TASK_ID with
 * SLURM_ARRAY_TASK_COUNT (and MIN/STEP, so `--array=1-8` and `--array=0-14:2` work as well as `0-7`).
 * Throws a `bad-options` error with one line when neither is set or the values do not make a shard.
 */
export function shardFromEnv(env: NodeJS.ProcessEnv): Shard {
  const k8sIndex = envInteger(env, 'JOB_COMPLETION_INDEX')
  if (k8sIndex !== undefined) {
    const count = envInteger(env, JOB_COMPLETIONS)
    if (count === undefined) {
      throw new CodedError(`--shard auto: JOB_COMPLETION_INDEX is set but ${JOB_COMPLETIONS} is not (set it to the Job's spec.completions)`, 'bad-options')
    }
    if (count < 1 || k8sIndex >= count) {
      throw new CodedError(`--shard auto: JOB_COMPLETION_INDEX=${k8sIndex} is not below ${JOB_COMPLETIONS}=${count}`, 'bad-options')
    }
    return { index: k8sIndex + 1, count }
  }
  const taskId = envInteger(env, 'SLURM_ARRAY_TASK_ID')
  if (taskId !== undefined) {
    const count = envInteger(env, 'SLURM_ARRAY_TASK_COUNT')
    if (count === undefined || count < 1) throw new CodedError('--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not', 'bad-options')
    const min = envInteger(env, 'SLURM_ARRAY_TASK_MIN') ?? 0
    const step = envInteger(env, 'SLURM_ARRAY_TASK_STEP') ?? 1
    const offset = (taskId - min) / Math.max(step, 1)
    if (!Number.isInteger(offset) || offset < 0 || offset >= count) {
      throw new CodedError(
        `--shard auto: SLURM_ARRAY_TASK_ID=${taskId} is not in a regular array of ${count} tasks from ${min} by ${step} (use --shard K/N)`,
        'bad-options'
      )
    }
    return { index: offset + 1, count }
  }
  throw new CodedError(
    `--shard auto needs JOB_COMPLETION_INDEX and ${JOB_COMPLETIONS} (Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT (Slurm array); neither is set`,
    'bad-options'
  )
}
