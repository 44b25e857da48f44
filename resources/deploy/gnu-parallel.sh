#!/bin/sh
# kernel-studio batch over several machines with GNU parallel: one `--shard K/N` process per machine, all reading
# /shared/photos and writing /shared/looked (a folder every machine mounts at the same place, e.g. NFS).
# nodes.txt lists the machines, one ssh login per line (`:` is this machine); each needs kernel-studio installed.
#   sh resources/deploy/gnu-parallel.sh nodes.txt
# Run it again after an interruption: --skip-existing resumes every shard where it stopped.
set -eu
NODES=${1:-nodes.txt}
N=$(grep -c . "$NODES")
mkdir -p /shared/reports
# --jobs 1: one shard per machine (each shard already uses all of its machine's cores).
# --retries 2: a shard whose machine dropped out runs again elsewhere and resumes.
seq 1 "$N" | parallel --jobs 1 --sshloginfile "$NODES" --retries 2 --line-buffer --tagstring 'shard {}' \
  kernel-studio batch /shared/photos -d /shared/looked --recipe /shared/look.json --format jpg --quality 90 \
  --shard "{}/$N" --skip-existing --progress none --report "/shared/reports/shard-{}.jsonl"
