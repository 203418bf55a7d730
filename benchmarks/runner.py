"""Runs the throughput benchmark and reports it as a table and JSON.

`run_benchmark(BenchmarkConfig(...))` measures, in one process:

- per workload: the input pipeline alone, then every variant (our `GAN`
  with its speed options, the plain keras.io-style step) interleaved with
  the matmul peak (see `timing`); per variant images/s, ms/step, FLOPs
  per step counted from the traced step's graph (see `flops`), achieved
  FLOP/s and its fraction of the peak, and the ratio to `plain`;
- a scaling table: step time against batch size and image size;
- a memory check: resident memory after N and after M steps;
- a per-op profile (see `profile`) of one workload's step, by part: the
  workload whose `ours` reached the lowest fraction of the peak, or the
  one named.

With `quick`, every workload is shrunk (`workloads.quick_workload`: batch
4, random images for Fashion-MNIST): a smoke run that measures nothing.

The JSON `run_benchmark` returns (and `bin/benchmark --output` writes):

```
{
  "date", "command",
  "machine": {"platform", "processor", "cpu_count", "python", "tensorflow",
      "keras", "devices", "env", "threads", "load_average"},
  "config": {...BenchmarkConfig...},
  "workloads": [{
      "name", "description", "batch_size", "discriminator_steps",
      "pipeline_images_per_second",
      "pipeline_to_training_ratio",        # pipeline / fastest variant
      "matmul_peak": {dtype: {"flops_per_second", "flops_per_cpu_second",
                              "window_flops_per_second", "size"}},
      "variants": [{
          "variant", "images_per_step", "steps_per_window",
          "images_per_second", "ms_per_step", "cpu_ms_per_step",
          "flops_per_step", "matmul_flops_per_step", "flops_by_op_type",
          "uncounted_ops", "achieved_flops_per_second",
          "fraction_of_peak", "cpu_fraction_of_peak",
          "ratio_to_plain", "cpu_ratio_to_plain",
          "window_seconds", "window_cpu_seconds", "spread",
          "warmup_seconds", "rss_bytes", "error"}]}],
  "scaling": [{"image_size", "batch_size", "variant", "ms_per_step",
               "images_per_second", "flops_per_step",
               "achieved_flops_per_second", "fraction_of_peak",
               "cpu_fraction_of_peak", "error"}],
  "memory": {"workload", "variant", "rss_bytes_by_step": [[step, bytes]],
             "growth_bytes", "peak_rss_bytes"} or null,
  "profile": {"workload", "description", "chosen_by",
              "variants": [{"variant", "method", "steps", "ms_per_step",
                  "busy_ms_per_step", "idle_ms_per_step", "op_ms_per_step",
                  "parts": [{"part", "ms_per_step", "ms_per_update",
                             "share", "top_op_types"}],
                  "op_types", "input_pipeline_ms_per_step"}]} or null,
  "load_average_end", "peak_rss_bytes"
}
```

Variants that are not a step of their own on a workload (`onepass` at
k = 1) are left out of it.

Rates and times are medians over the timed windows. `ratio_to_plain` and
`fraction_of_peak` pair the windows of one round (the same minutes of
machine load) and take the median of the per-round ratios; the `cpu_`
versions divide process CPU time instead of wall time, which other
processes on a shared machine disturb much less (a reading, not a
replacement: CPU time also counts threads spinning while they wait).
Images/s counts real examples consumed: our `GAN` with k discriminator
steps consumes k batches per step, the plain step one.
"""

import dataclasses
import datetime
import gc
import math
import os
import platform
import statistics
import sys
import time

import keras
import tensorflow as tf

from benchmarks import flops as flops_module
from benchmarks import peak, timing, workloads
from benchmarks import profile as profile_module

__all__ = [
    "ALL_WORKLOADS",
    "FULL_VARIANTS",
    "QUICK_VARIANTS",
    "BenchmarkConfig",
    "format_profile",
    "format_report",
    "format_workload",
    "lowest_utilisation",
    "machine_info",
    "run_benchmark",
    "run_memory",
    "run_profile",
    "run_scaling",
    "run_workload",
]

ALL_WORKLOADS = tuple(workloads.WORKLOADS)
QUICK_VARIANTS = ("plain", "ours", "ours+spe8")
FULL_VARIANTS = (
    "plain",
    "plain+xla+spe8",
    "plain+bf16",
    "ours",
    "ours+spe8",
    "ours+xla",
    "ours+xla+spe8",
    "ours+concat",
    "ours+onepass",
    "ours+bf16",
    "ours+bf16+xla+spe8",
)
_ENV_KEYS = (
    "TF_ENABLE_ONEDNN_OPTS",
    "TF_NUM_INTRAOP_THREADS",
    "TF_NUM_INTEROP_THREADS",
    "OMP_NUM_THREADS",
    "TF_XLA_FLAGS",
    "XLA_FLAGS",
)


@dataclasses.dataclass
class BenchmarkConfig:
    """What to measure, and for how long.

    Attributes:
        workloads: Names from `workloads.WORKLOADS`.
        variants: Variant names (see `workloads`), each run on every
            workload.
        windows: Timed windows per variant.
        window_seconds: Target length of a window; the steps per window
            are set from a short calibration run.
        warmup_windows: Untimed windows per variant, in the interleaved
            run (after tracing and calibration).
        peak_size: Side of the square matrices of the matmul peak.
        pipeline_batches: Batches per timed window of the input pipeline
            alone.
        scaling_image_sizes: Image sizes of the scaling table (empty: no
            table).
        scaling_batch_sizes: Batch sizes of the scaling table.
        scaling_variant: The variant the scaling table runs.
        scaling_windows: Timed windows per cell of the scaling table
            (large cells take one step or more per window).
        memory_steps: `(n, m)`: resident memory after n and after m steps
            (m a multiple of n), or `()` for no memory check.
        memory_workload: Workload of the memory check.
        memory_variant: Variant of the memory check.
        seed: Seed of weights, noise and data order.
        quick: Shrink every workload (`workloads.quick_workload`) for a
            smoke run.
        profile: Profile the measured workload whose `ours` variant
            reached the lowest fraction of the matmul peak.
        profile_workload: Profile this workload instead (measured or
            not). `None`: as `profile` says.
        profile_variants: The variants profiled.
        profile_steps: Steps traced per profiled variant.
    """

    workloads: tuple = ("dcgan28_fmnist",)
    variants: tuple = QUICK_VARIANTS
    windows: int = 7
    window_seconds: float = 1.0
    warmup_windows: int = 1
    peak_size: int = 2048
    pipeline_batches: int = 200
    scaling_image_sizes: tuple = ()
    scaling_batch_sizes: tuple = (16, 32, 64, 128, 256, 512)
    scaling_variant: str = "ours"
    scaling_windows: int = 5
    memory_steps: tuple = ()
    memory_workload: str = "dcgan28_fmnist"
    memory_variant: str = "ours"
    seed: int = 0
    quick: bool = False
    profile: bool = False
    profile_workload: str | None = None
    profile_variants: tuple = ("plain", "ours")
    profile_steps: int = 5

    def validate(self):
        """Raises `ValueError` for names or numbers that cannot work."""
        names = [*self.workloads, self.memory_workload]
        if self.profile_workload is not None:
            names.append(self.profile_workload)
        for name in names:
            if name not in workloads.WORKLOADS:
                raise ValueError(
                    f"Invalid workload {name!r}. Expected one of "
                    f"{sorted(workloads.WORKLOADS)}."
                )
        for variant in (
            *self.variants,
            self.scaling_variant,
            self.memory_variant,
            *self.profile_variants,
        ):
            workloads.parse_variant(variant)
        if self.profile_steps < 1:
            raise ValueError(
                "Invalid value for `profile_steps`. Expected a positive "
                f"integer. Received: {self.profile_steps}"
            )
        if (
            min(self.windows, self.scaling_windows) < 1
            or self.window_seconds <= 0
        ):
            raise ValueError(
                "Expected at least one window of positive length. Received: "
                f"windows={self.windows}, scaling_windows="
                f"{self.scaling_windows}, window_seconds="
                f"{self.window_seconds}"
            )
        if self.memory_steps and (
            len(self.memory_steps) != 2
            or self.memory_steps[0] < 1
            or self.memory_steps[1] % self.memory_steps[0]
        ):
            raise ValueError(
                "Invalid value for `memory_steps`. Expected (n, m) with "
                f"m a multiple of n >= 1. Received: {self.memory_steps}"
            )


def machine_info():
    """What the numbers were measured on."""
    return {
        "platform": platform.platform(),
        "processor": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "python": sys.version.split()[0],
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "devices": [
            f"{d.device_type}:{d.name}"
            for d in tf.config.list_physical_devices()
        ],
        "env": {k: os.environ[k] for k in _ENV_KEYS if k in os.environ},
        "threads": {
            "intra_op": tf.config.threading.get_intra_op_parallelism_threads(),
            "inter_op": tf.config.threading.get_inter_op_parallelism_threads(),
        },
        "load_average": _load_average(),
    }


def _load_average():
    try:
        return list(os.getloadavg())
    except OSError:
        return None


def _cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def _workload(config, name):
    workload = workloads.WORKLOADS[name]
    return workloads.quick_workload(workload) if config.quick else workload


def _gpu_present():
    return bool(tf.config.list_physical_devices("GPU"))


def _compute_dtype(variant):
    _, options = workloads.parse_variant(variant)
    if "bf16" in options:
        return "bfloat16"
    if "fp16" in options:
        return "float16"
    return "float32"


class _Calibration(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)


def _prepare(workload, variant, dataset, config):
    """Builds, traces and calibrates one variant.

    Returns `(model, recorder, steps_per_window)`.
    """
    model = workloads.build_trainer(workload, variant, seed=config.seed)
    recorder = flops_module.TrainStepRecorder(model)
    spe = workloads.steps_per_execution(variant)
    steps = spe * max(1, math.ceil(2 / spe))
    calibration = _Calibration()
    # Epoch 1 traces (and compiles, with XLA); epoch 2 times a few steps.
    model.fit(
        dataset,
        epochs=2,
        steps_per_epoch=steps,
        callbacks=[calibration],
        shuffle=False,  # datasets shuffle themselves
        verbose=0,
    )
    seconds_per_step = calibration.seconds[-1] / steps
    window = max(1, round(config.window_seconds / seconds_per_step / spe))
    return model, recorder, window * spe


def _peak_participants(dtypes, config):
    participants, flops_per_window = {}, {}
    for dtype in sorted(dtypes):
        window, flops = peak.matmul_window(config.peak_size, dtype=dtype)
        participants[f"matmul_peak_{dtype}"] = timing.function_participant(
            window
        )
        flops_per_window[dtype] = flops
    return participants, flops_per_window


def _peak_results(results, flops_per_window, config):
    out = {}
    for dtype, flops in flops_per_window.items():
        windows = results[f"matmul_peak_{dtype}"]
        if windows.error is not None:
            raise windows.error
        rates = [flops / s for s in windows.window_seconds]
        out[dtype] = {
            "flops_per_second": statistics.median(rates),
            "flops_per_cpu_second": statistics.median(
                flops / s for s in windows.window_cpu_seconds
            ),
            "window_flops_per_second": rates,
            "size": config.peak_size,
        }
    return out


def _paired_median(numerators, denominators):
    """Median over rounds of numerator / denominator, pairing the windows
    of one round (the same minutes of machine load)."""
    pairs = list(zip(numerators, denominators))
    if not pairs:
        return None
    return statistics.median(n / d for n, d in pairs)


def _variant_result(variant, workload, windows, recorder, peak_rates):
    """One variant's numbers; `peak_rates[dtype]` are per-round FLOP/s."""
    result = {
        "variant": variant,
        "images_per_step": workloads.images_per_step(workload, variant),
        "steps_per_window": windows.steps_per_window,
        "error": None if windows.error is None else repr(windows.error),
    }
    if windows.error is not None or not windows.window_seconds:
        return result
    count = recorder.count()
    steps = windows.steps_per_window
    seconds = windows.seconds_per_step
    achieved = [count.total * steps / t for t in windows.window_seconds]
    peak_rates = peak_rates[_compute_dtype(variant)]
    result.update(
        images_per_second=result["images_per_step"] / seconds,
        ms_per_step=seconds * 1e3,
        cpu_ms_per_step=windows.cpu_seconds_per_step * 1e3,
        flops_per_step=count.total,
        matmul_flops_per_step=count.matmul,
        flops_by_op_type=count.as_dict()["by_op_type"],
        uncounted_ops=[list(u) for u in count.uncounted],
        achieved_flops_per_second=count.total / seconds,
        fraction_of_peak=_paired_median(achieved, peak_rates["windows"]),
        cpu_fraction_of_peak=(
            count.total
            / windows.cpu_seconds_per_step
            / peak_rates["per_cpu_second"]
        ),
        window_seconds=windows.window_seconds,
        window_cpu_seconds=windows.window_cpu_seconds,
        spread=windows.spread,
        warmup_seconds=windows.warmup_seconds,
        rss_bytes=windows.resident_bytes[-1][1],
    )
    return result


def _add_ratios_to_plain(entries, results):
    """Sets each entry's `ratio_to_plain` (median over rounds of the
    paired images/s ratio) and `cpu_ratio_to_plain` (plain's CPU time
    per image over the variant's)."""
    plain = next((e for e in entries if e["variant"] == "plain"), None)
    for entry in entries:
        entry["ratio_to_plain"] = entry["cpu_ratio_to_plain"] = None
        if plain is None or plain["error"] or entry["error"]:
            continue
        if "images_per_second" not in entry or "images_per_second" not in plain:
            continue

        def rates(e):
            images = e["images_per_step"] * e["steps_per_window"]
            return [images / t for t in results[e["variant"]].window_seconds]

        entry["ratio_to_plain"] = _paired_median(rates(entry), rates(plain))
        entry["cpu_ratio_to_plain"] = (
            plain["cpu_ms_per_step"]
            / plain["images_per_step"]
            / (entry["cpu_ms_per_step"] / entry["images_per_step"])
        )


def _per_round_peaks(peaks):
    return {
        dtype: {
            "windows": p["window_flops_per_second"],
            "per_cpu_second": p["flops_per_cpu_second"],
        }
        for dtype, p in peaks.items()
    }


def run_workload(workload, variants, config, log=print):
    """Measures every variant on one workload, interleaved with the peak.

    Args:
        workload: A `workloads.Workload`.
        variants: Variant names.
        config: A `BenchmarkConfig` (windows, lengths, seed).
        log: Progress printer. Defaults to `print`.

    Returns:
        The workload's entry of the report (see the module docstring).
    """
    dataset = workloads.make_dataset(workload, seed=config.seed)
    log(f"[{workload.name}] input pipeline alone")
    pipeline = timing.time_pipeline(
        dataset, config.pipeline_batches, config.windows
    )
    variants = [v for v in variants if workloads.variant_applies(workload, v)]
    participants, prepared = {}, {}
    for variant in variants:
        log(f"[{workload.name}] tracing and calibrating {variant}")
        data = workloads.trainer_dataset(workload, variant, dataset)
        model, recorder, steps = _prepare(workload, variant, data, config)
        prepared[variant] = recorder
        participants[variant] = timing.fit_participant(model, data, steps)
    dtypes = {_compute_dtype(v) for v in variants}
    peak_participants, peak_flops = _peak_participants(dtypes, config)
    participants.update(peak_participants)
    log(
        f"[{workload.name}] {config.windows} interleaved windows of "
        f"{len(participants)} participants"
    )
    results = timing.run_interleaved(
        participants, config.windows, config.warmup_windows
    )
    peaks = _peak_results(results, peak_flops, config)
    peak_rates = _per_round_peaks(peaks)
    entries = [
        _variant_result(v, workload, results[v], prepared[v], peak_rates)
        for v in variants
    ]
    _add_ratios_to_plain(entries, results)
    fastest = max((e.get("images_per_second") or 0 for e in entries), default=0)
    return {
        "name": workload.name,
        "description": workload.describe(),
        "batch_size": workload.batch_size,
        "discriminator_steps": workload.discriminator_steps,
        "pipeline_images_per_second": pipeline,
        "pipeline_to_training_ratio": pipeline / fastest if fastest else None,
        "matmul_peak": peaks,
        "variants": entries,
    }


def run_scaling(config, log=print):
    """Step time of one variant against batch size, per image size.

    The cells of one image size are interleaved with the matmul peak.

    Returns:
        A list of rows (see the module docstring).
    """
    rows = []
    variant = config.scaling_variant
    for image_size in config.scaling_image_sizes:
        participants, prepared = {}, {}
        for batch_size in config.scaling_batch_sizes:
            workload = workloads.scaling_workload(image_size, batch_size)
            log(f"[scaling] tracing and calibrating {workload.name}")
            dataset = workloads.make_dataset(workload, seed=config.seed)
            model, recorder, steps = _prepare(
                workload, variant, dataset, config
            )
            prepared[workload.name] = (workload, recorder)
            participants[workload.name] = timing.fit_participant(
                model, dataset, steps
            )
        dtype = _compute_dtype(variant)
        peak_participants, peak_flops = _peak_participants({dtype}, config)
        participants.update(peak_participants)
        log(f"[scaling] {image_size}x{image_size}: interleaved windows")
        results = timing.run_interleaved(
            participants, config.scaling_windows, config.warmup_windows
        )
        peak_rates = _per_round_peaks(
            _peak_results(results, peak_flops, config)
        )
        for name, (workload, recorder) in prepared.items():
            entry = _variant_result(
                variant, workload, results[name], recorder, peak_rates
            )
            rows.append(
                {
                    "image_size": image_size,
                    "batch_size": workload.batch_size,
                    "variant": variant,
                    "ms_per_step": entry.get("ms_per_step"),
                    "images_per_second": entry.get("images_per_second"),
                    "flops_per_step": entry.get("flops_per_step"),
                    "achieved_flops_per_second": entry.get(
                        "achieved_flops_per_second"
                    ),
                    "fraction_of_peak": entry.get("fraction_of_peak"),
                    "cpu_fraction_of_peak": entry.get("cpu_fraction_of_peak"),
                    "error": entry["error"],
                }
            )
            del participants[name]
        _release()
    return rows


def run_memory(config, log=print):
    """Resident memory after n and after m steps of one variant, alone.

    Returns:
        The report's `memory` entry (see the module docstring).
    """
    first, last = config.memory_steps
    workload = _workload(config, config.memory_workload)
    variant = config.memory_variant
    spe = workloads.steps_per_execution(variant)
    if first % spe:
        raise ValueError(
            f"`memory_steps` {config.memory_steps} must be multiples of the "
            f"variant's steps_per_execution ({spe})."
        )
    log(f"[memory] {variant} on {workload.name}: {last} steps")
    dataset = workloads.trainer_dataset(
        workload, variant, workloads.make_dataset(workload, seed=config.seed)
    )
    model = workloads.build_trainer(workload, variant, seed=config.seed)
    participant = timing.fit_participant(model, dataset, first)
    windows = timing.run_interleaved(
        {"memory": participant}, last // first - 1, warmup_windows=1
    )["memory"]
    if windows.error is not None:
        raise windows.error
    by_step = windows.resident_bytes
    return {
        "workload": workload.name,
        "variant": variant,
        "rss_bytes_by_step": [list(p) for p in by_step],
        "growth_bytes": by_step[-1][1] - by_step[0][1],
        "peak_rss_bytes": timing.peak_resident_bytes(),
    }


def lowest_utilisation(report):
    """The name of the measured workload whose `ours` variant (else its
    first variant of our trainer) reached the lowest fraction of the
    matmul peak, or `None`."""
    candidates = []
    for workload in report["workloads"]:
        ours = [
            e
            for e in workload["variants"]
            if workloads.parse_variant(e["variant"])[0] == "ours"
            and e.get("fraction_of_peak")
        ]
        ours.sort(key=lambda e: e["variant"] != "ours")
        if ours:
            candidates.append((ours[0]["fraction_of_peak"], workload["name"]))
    return min(candidates)[1] if candidates else None


def run_profile(config, name, chosen_by, log=print):
    """Profiles `config.profile_variants` on one workload (see `profile`).

    Returns:
        The report's `profile` entry (see the module docstring).
    """
    workload = _workload(config, name)
    dataset = workloads.make_dataset(workload, seed=config.seed)
    entries = []
    for variant in config.profile_variants:
        if not workloads.variant_applies(workload, variant):
            continue
        log(f"[profile] {variant} on {workload.name}")
        model = workloads.build_trainer(workload, variant, seed=config.seed)
        spe = workloads.steps_per_execution(variant)
        steps = spe * math.ceil(config.profile_steps / spe)
        summary = profile_module.profile_trainer(
            model,
            workloads.trainer_dataset(workload, variant, dataset),
            steps,
            workload.discriminator_steps,
        )
        entries.append({"variant": variant, **summary})
        del model
        _release()
    return {
        "workload": workload.name,
        "description": workload.describe(),
        "chosen_by": chosen_by,
        "variants": entries,
    }


def run_benchmark(config, command=None, log=print):
    """Runs everything `config` asks for.

    Args:
        config: A `BenchmarkConfig`.
        command: The command line, recorded in the report. Defaults to
            `None`: `sys.argv`.
        log: Progress printer. Defaults to `print`.

    Returns:
        The report dict (see the module docstring).
    """
    config.validate()
    report = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec="seconds"
        ),
        "command": " ".join(command if command is not None else sys.argv),
        "machine": machine_info(),
        "config": dataclasses.asdict(config),
        "workloads": [],
        "scaling": [],
        "memory": None,
        "profile": None,
    }
    # The memory check first, while the process holds nothing else.
    if config.memory_steps:
        report["memory"] = run_memory(config, log)
        _release()
    for name in config.workloads:
        workload = _workload(config, name)
        entry = run_workload(workload, config.variants, config, log)
        report["workloads"].append(entry)
        if len(config.workloads) > 1 or config.scaling_image_sizes:
            log(format_workload(entry))  # a long run's partial results
        _release()
    if config.scaling_image_sizes:
        report["scaling"] = run_scaling(config, log)
    name, chosen_by = config.profile_workload, "named (--profile_workload)"
    if name is None and config.profile:
        name = lowest_utilisation(report)
        chosen_by = "lowest fraction of the fp32 peak of `ours`"
        if name is None:
            log("[profile] no measured `ours` to choose a workload by")
    if name is not None:
        report["profile"] = run_profile(config, name, chosen_by, log)
        _release()
    report["load_average_end"] = _load_average()
    report["peak_rss_bytes"] = timing.peak_resident_bytes()
    return report


# vs plain and of peak: paired per-round medians, then by CPU time.
_VARIANT_HEADER = (
    f"  {'':<22}{'':>15}{'vs plain':>12}{'':>22}{'of peak':>12}\n"
    f"  {'variant':<22}{'img/s':>7}{'ms/st':>8}{'wall':>6}{'cpu':>6}"
    f"{'cpu ms':>8}{'GFLOP':>7}{'GF/s':>7}{'wall':>6}{'cpu':>6}"
    f"{'spread':>7}"
)


def _release():
    """Drops the finished phase's models and graphs."""
    keras.backend.clear_session()
    gc.collect()


def _fmt(value, pattern, missing="-"):
    return missing if value is None else format(value, pattern)


def format_workload(entry):
    """Renders one workload's entry of a report as a table."""
    lines = []
    lines.append(f"{entry['name']}: {entry['description']}")
    for dtype, p in entry["matmul_peak"].items():
        lines.append(
            f"  matmul peak {dtype} ({p['size']}^3, interleaved): "
            f"median {p['flops_per_second'] / 1e9:.1f} GFLOP/s, "
            f"{p['flops_per_cpu_second'] / 1e9:.1f} GFLOP per CPU-second"
        )
    ratio = entry["pipeline_to_training_ratio"]
    lines.append(
        "  input pipeline alone: "
        f"{entry['pipeline_images_per_second']:,.0f} img/s "
        f"({_fmt(ratio, '.0f')}x the fastest training rate)"
    )
    lines.append(_VARIANT_HEADER)
    for v in entry["variants"]:
        if v["error"]:
            lines.append(f"  {v['variant']:<22}failed: {v['error']}")
            continue
        lines.append(
            f"  {v['variant']:<22}"
            f"{v['images_per_second']:>7.0f}"
            f"{v['ms_per_step']:>8.1f}"
            f"{_fmt(v['ratio_to_plain'], '.2f'):>6}"
            f"{_fmt(v['cpu_ratio_to_plain'], '.2f'):>6}"
            f"{v['cpu_ms_per_step']:>8.0f}"
            f"{v['flops_per_step'] / 1e9:>7.2f}"
            f"{v['achieved_flops_per_second'] / 1e9:>7.1f}"
            f"{v['fraction_of_peak']:>6.0%}"
            f"{v['cpu_fraction_of_peak']:>6.0%}"
            f"{v['spread']:>7.0%}"
        )
    return "\n".join(lines)


def format_report(report):
    """Renders a report as plain-text tables."""
    lines = []
    machine = report["machine"]
    lines.append(
        f"{report['date']}  {machine['processor']}, {machine['cpu_count']} "
        f"CPUs, TF {machine['tensorflow']}, Keras {machine['keras']}, "
        f"devices {', '.join(machine['devices'])}"
    )
    loads = (machine["load_average"], report.get("load_average_end"))
    if all(loads):
        lines.append(
            f"load average (1 min) at start {loads[0][0]:.1f}, at end "
            f"{loads[1][0]:.1f}"
        )
    for entry in report["workloads"]:
        lines.append("")
        lines.append(format_workload(entry))
    if report["scaling"]:
        lines.append("")
        variant = report["scaling"][0]["variant"]
        lines.append(
            f"scaling ({variant}): ms/step (% of matmul peak: wall, cpu)"
        )
        sizes = sorted({r["image_size"] for r in report["scaling"]})
        batches = sorted({r["batch_size"] for r in report["scaling"]})
        cells = {
            (r["image_size"], r["batch_size"]): r for r in report["scaling"]
        }
        lines.append(
            f"  {'batch':>6}" + "".join(f"{f'{s}x{s}':>22}" for s in sizes)
        )
        for b in batches:
            row = f"  {b:>6}"
            for s in sizes:
                r = cells.get((s, b))
                if r is None or r["ms_per_step"] is None:
                    row += f"{'-':>22}"
                else:
                    cell = (
                        f"{r['ms_per_step']:.1f} ({r['fraction_of_peak']:.0%}"
                        f", {r['cpu_fraction_of_peak']:.0%})"
                    )
                    row += f"{cell:>22}"
            lines.append(row)
    memory = report["memory"]
    if memory:
        lines.append("")
        by_step = memory["rss_bytes_by_step"]
        points = ", ".join(
            f"step {s}: {b / 2**20:.0f} MiB"
            for s, b in (by_step[0], by_step[-1])
        )
        lines.append(
            f"memory ({memory['variant']} on {memory['workload']}): RSS "
            f"{points}; growth {memory['growth_bytes'] / 2**20:+.0f} MiB"
        )
    if report.get("profile"):
        lines.append("")
        lines.append(format_profile(report["profile"]))
    lines.append(
        f"peak RSS of the run: {report['peak_rss_bytes'] / 2**20:.0f} MiB"
    )
    return "\n".join(lines)


def format_profile(entry):
    """Renders the report's `profile` entry as tables."""
    lines = [
        f"profile of {entry['workload']} ({entry['description']}), chosen "
        f"by: {entry['chosen_by']}"
    ]
    for v in entry["variants"]:
        lines.append(
            f"  {v['variant']}: {v['steps']} steps traced, "
            f"{v['ms_per_step']:.1f} ms/step: ops busy "
            f"{v['busy_ms_per_step']:.1f}, idle/host "
            f"{v['idle_ms_per_step']:.1f} ({v['op_ms_per_step']:.1f} ms of "
            f"op time; input pipeline threads "
            f"{v['input_pipeline_ms_per_step']:.1f})"
        )
        lines.append(
            f"    {'part':<48}{'ms/step':>9}{'/update':>9}{'share':>7}"
            "  costliest op types (ms/step)"
        )
        for part in v["parts"]:
            tops = ", ".join(
                f"{t} {ms:.1f}" for t, ms in part["top_op_types"][:3]
            )
            lines.append(
                f"    {part['part']:<48}{part['ms_per_step']:>9.2f}"
                f"{part['ms_per_update']:>9.2f}{part['share']:>7.1%}  {tops}"
            )
    return "\n".join(lines)
