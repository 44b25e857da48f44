#!/bin/sh
# kernel-studio batch as a Slurm job array: 8 tasks, each a `--shard auto` process (shard from SLURM_ARRAY_TASK_ID
# and SLURM_ARRAY_TASK_COUNT) over the same shared folders.
#   sbatch resources/deploy/slurm-array.sh
# Resubmit after an interruption: --skip-existing resumes every task where it stopped.
#SBATCH --job-name=kernel-studio-batch
#SBATCH --array=1-8
#SBATCH --cpus-per-task=4
#SBATCH --mem=3G
#SBATCH --output=slurm-%A_%a.log
mkdir -p /shared/reports
export KERNEL_STUDIO_THREADS="$SLURM_CPUS_PER_TASK"
exec kernel-studio batch /shared/photos -d /shared/looked --recipe /shared/look.json --format jpg --quality 90 \
  --shard auto --skip-existing --jobs "$SLURM_CPUS_PER_TASK" --progress none \
  --report "/shared/reports/shard-$SLURM_ARRAY_TASK_ID.jsonl"
