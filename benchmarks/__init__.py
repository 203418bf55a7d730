"""Benchmarks: training throughput, and the studies of sample quality.

The throughput benchmark, our `GAN` against a plain train step:

- `workloads`: the problems (data, architecture, batch size, k) and the
  trainer variants (`ours+xla+spe8`, `plain`, ...).
- `baseline`: `PlainGAN` and `PlainWGANGP`, the plain keras.io-style
  `train_step`s.
- `kerasio`: the players of the keras.io GAN examples.
- `timing`: interleaved timed windows, medians, resident memory.
- `flops`: FLOPs per step, counted from the traced step's graph.
- `peak`: the measured matrix-multiplication peak.
- `profile`: where a step's time goes, by part, from a profiler trace.
- `runner`: runs it all; `bin/benchmark` is its command line.

The studies (each `python -m benchmarks.<study>`), on the protocols of
docs/contracts.md, "Evaluation protocols":

- `quality`: the presets against plain baselines, side by side;
  `conditional_quality` the class-conditional one, `conditional_baseline`
  its keras.io baseline.
- `time_to_quality`: the minutes each trainer needs to reach an FD.
- `data_efficient`: training on small class-balanced subsets.
- `stopping`: where each stopping rule would stop a logged run.
- `harness`: what they share: the deadline, scheduled snapshots, worker
  processes and results writing.
"""

from benchmarks.baseline import PlainGAN, PlainWGANGP
from benchmarks.flops import (
    FlopCount,
    TrainStepRecorder,
    count_function_flops,
    count_graph_flops,
)
from benchmarks.peak import matmul_peak, matmul_window
from benchmarks.runner import (
    BenchmarkConfig,
    format_report,
    run_benchmark,
)
from benchmarks.workloads import WORKLOADS, Workload, build_trainer

__all__ = [
    "WORKLOADS",
    "BenchmarkConfig",
    "FlopCount",
    "PlainGAN",
    "PlainWGANGP",
    "TrainStepRecorder",
    "Workload",
    "build_trainer",
    "count_function_flops",
    "count_graph_flops",
    "format_report",
    "matmul_peak",
    "matmul_window",
    "run_benchmark",
]
