"""bin/benchmark runs a tiny workload end to end and writes its JSON."""

import json
import math
import os
import pathlib
import subprocess
import sys

import pytest

from benchmarks import runner

ROOT = pathlib.Path(__file__).resolve().parents[2]

# The keys runner's docstring documents.
REPORT_KEYS = {
    "date",
    "command",
    "machine",
    "config",
    "workloads",
    "scaling",
    "memory",
    "profile",
    "load_average_end",
    "peak_rss_bytes",
}
WORKLOAD_KEYS = {
    "name",
    "description",
    "batch_size",
    "discriminator_steps",
    "pipeline_images_per_second",
    "pipeline_to_training_ratio",
    "matmul_peak",
    "variants",
}
VARIANT_KEYS = {
    "variant",
    "images_per_step",
    "steps_per_window",
    "images_per_second",
    "ms_per_step",
    "cpu_ms_per_step",
    "flops_per_step",
    "matmul_flops_per_step",
    "flops_by_op_type",
    "uncounted_ops",
    "achieved_flops_per_second",
    "fraction_of_peak",
    "cpu_fraction_of_peak",
    "ratio_to_plain",
    "cpu_ratio_to_plain",
    "window_seconds",
    "window_cpu_seconds",
    "spread",
    "warmup_seconds",
    "rss_bytes",
    "error",
}
SCALING_KEYS = {
    "image_size",
    "batch_size",
    "variant",
    "ms_per_step",
    "images_per_second",
    "flops_per_step",
    "achieved_flops_per_second",
    "fraction_of_peak",
    "cpu_fraction_of_peak",
    "error",
}
MEMORY_KEYS = {
    "workload",
    "variant",
    "rss_bytes_by_step",
    "growth_bytes",
    "peak_rss_bytes",
}
TINY_FLAGS = [
    "--workloads=mlp_ring",
    "--variants=plain,ours+spe2",
    "--windows=2",
    "--window_seconds=0.05",
    "--warmup_windows=0",
    "--pipeline_batches=2",
    "--peak_size=64",
    "--scaling_image_sizes=8",
    "--scaling_batch_sizes=4",
    "--scaling_windows=2",
    "--memory_steps=2,4",
    "--memory_workload=mlp_ring",
    "--memory_variant=ours",
    "--profile",
    "--profile_steps=2",
]


def _check_report(report):
    assert set(report) == REPORT_KEYS
    (workload,) = report["workloads"]
    assert set(workload) == WORKLOAD_KEYS
    assert set(workload["matmul_peak"]) == {"float32"}
    plain, ours = workload["variants"]
    for entry in (plain, ours):
        assert set(entry) == VARIANT_KEYS
        assert entry["error"] is None
        for key in ("images_per_second", "flops_per_step", "fraction_of_peak"):
            assert entry[key] > 0 and math.isfinite(entry[key])
        assert entry["uncounted_ops"] == []
        assert len(entry["window_seconds"]) == 2
    assert plain["ratio_to_plain"] == 1.0
    assert ours["ratio_to_plain"] > 0
    # Same architecture and batch: one step of each does the same products.
    assert ours["matmul_flops_per_step"] == plain["matmul_flops_per_step"]
    (cell,) = report["scaling"]
    assert set(cell) == SCALING_KEYS
    assert (cell["image_size"], cell["batch_size"]) == (8, 4)
    assert cell["error"] is None
    assert set(report["memory"]) == MEMORY_KEYS
    assert [s for s, _ in report["memory"]["rss_bytes_by_step"]] == [2, 4]
    # The only workload measured is the lowest; ours+spe2 stands for ours.
    profiled = report["profile"]
    assert profiled["workload"] == "mlp_ring"
    assert [v["variant"] for v in profiled["variants"]] == ["plain", "ours"]
    for entry in profiled["variants"]:
        assert entry["steps"] == 2
        assert 0 < entry["busy_ms_per_step"] <= entry["ms_per_step"]
        assert entry["parts"] and entry["op_types"]


@pytest.mark.slow
def test_cli_runs_a_tiny_benchmark_and_writes_valid_json(tmp_path):
    output = tmp_path / "report" / "benchmark.json"
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    completed = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bin" / "benchmark"),
            *TINY_FLAGS,
            f"--output={output}",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "vs plain" in completed.stdout
    assert "scaling (ours)" in completed.stdout
    assert "profile of mlp_ring" in completed.stdout
    report = json.loads(output.read_text(encoding="utf-8"))
    _check_report(report)
    assert "--workloads=mlp_ring" in report["command"]


@pytest.mark.slow
def test_cli_refuses_an_unknown_workload():
    completed = subprocess.run(
        [sys.executable, str(ROOT / "bin" / "benchmark"), "--workloads=nope"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode != 0
    assert "Invalid workload 'nope'" in completed.stderr


@pytest.mark.parametrize(
    "changes",
    [
        {"workloads": ("nope",)},
        {"variants": ("ours+warp",)},
        {"memory_steps": (3, 4)},
        {"windows": 0},
        {"scaling_windows": 0},
    ],
)
def test_invalid_configs_are_refused(changes):
    config = runner.BenchmarkConfig(**changes)
    with pytest.raises(ValueError):
        config.validate()
