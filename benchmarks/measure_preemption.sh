#!/usr/bin/env bash
# Seconds from SIGTERM to bin/train's "Preempted" line (the checkpoint is
# on disk then) and to its exit, three times, on the tiny ring run.
# Run from the repository root: bash benchmarks/measure_preemption.sh
set -u
PYTHON=${PYTHON:-python3}
for i in 1 2 3; do
  W=$(mktemp -d)/run
  TF_CPP_MIN_LOG_LEVEL=2 "$PYTHON" bin/train --dataset=ring \
    --hidden_units=8 --latent_dim=3 --batch_size=16 --steps=100000 \
    --steps_per_epoch=500 --verbose=0 --workdir="$W" > "$W.log" 2>&1 &
  P=$!
  until [ -f "$W/metrics.csv" ]; do sleep 0.1; done
  sleep 2
  T0=$(date +%s.%N)
  kill -TERM $P
  until grep -q Preempted "$W.log"; do sleep 0.01; done
  T1=$(date +%s.%N)
  wait $P
  RC=$?
  T2=$(date +%s.%N)
  echo "exit status $RC: line after $(echo "$T1 - $T0" | bc) s," \
    "exit after $(echo "$T2 - $T0" | bc) s"
done
