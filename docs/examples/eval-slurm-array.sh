#!/bin/bash
# One evaluation split over 8 Slurm array tasks, then merged into the run the unsharded command would write.
#   sbatch docs/examples/eval-slurm-array.sh
# Each task runs one shard against the same endpoint (or its own in-process model); the merge job runs after all.
#SBATCH --job-name=nano-eval
#SBATCH --array=0-7
#SBATCH --cpus-per-task=8
#SBATCH --mem=32G
#SBATCH --time=04:00:00
#SBATCH --output=logs/%x-%A-%a.out
set -euo pipefail
N=8
RUNS=/shared/runs/nano-gsm8k
nemotron4j eval run --config eval.yaml \
    --endpoint http://vllm.internal:8000/v1 --served-model nemotron-3-nano \
    --shard "${SLURM_ARRAY_TASK_ID}/${N}" --out "${RUNS}/shard-${SLURM_ARRAY_TASK_ID}"
# A shard killed by preemption is finished with: nemotron4j eval resume "${RUNS}/shard-${SLURM_ARRAY_TASK_ID}"

# Merge (submit after the array: sbatch --dependency=afterok:<array job id> --wrap "...")
#   nemotron4j eval merge --out "${RUNS}/merged" "${RUNS}"/shard-{0..7}
#   nemotron4j eval verify "${RUNS}/merged"
