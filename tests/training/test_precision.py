"""mixed_precision="auto": bfloat16 where the machine has fast bfloat16
units, float16 on older tensor-core GPUs, float32 elsewhere; fixed when a
run starts."""

import os

import pytest
import tensorflow as tf

from keras_gan.training import plan, precision, workdir
from keras_gan.training.config import TrainConfig
from keras_gan.training.workdir import WorkdirLayout

ZEN4_FLAGS = "fpu avx2 avx512f avx512_bf16 avx512vl"


def _cpuinfo(tmp_path, flags):
    path = tmp_path / "cpuinfo"
    path.write_text(
        "processor\t: 0\nmodel name\t: Some CPU\n"
        f"flags\t\t: {flags}\n\nprocessor\t: 1\nflags\t\t: {flags}\n"
    )
    return os.fspath(path)


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (ZEN4_FLAGS, True),
        ("fpu avx2 amx_tile amx_bf16 amx_int8", True),
        # AVX-512 alone has no bfloat16 arithmetic.
        ("fpu avx2 avx512f avx512bw", False),
        ("fpu sse2", False),
    ],
)
def test_cpu_bfloat16_units_from_the_cpu_flags(tmp_path, flags, expected):
    assert precision.cpu_has_bfloat16(_cpuinfo(tmp_path, flags)) is expected


def test_no_cpuinfo_means_no_bfloat16(tmp_path):
    assert not precision.cpu_has_bfloat16(os.fspath(tmp_path / "missing"))


def test_gpus_by_compute_capability():
    assert precision.for_gpus([(9, 0)]) == "bfloat16"
    assert precision.for_gpus([(8, 0), (8, 6)]) == "bfloat16"
    # The oldest GPU decides: a Turing beside an Ampere gets float16.
    assert precision.for_gpus([(8, 6), (7, 5)]) == "float16"
    assert precision.for_gpus([(6, 1)]) is None
    assert precision.for_gpus([None]) is None


def test_resolve(tmp_path, monkeypatch):
    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind: [])
    bf16 = _cpuinfo(tmp_path, ZEN4_FLAGS)
    assert precision.resolve("auto", cpuinfo=bf16) == "bfloat16"
    older = _cpuinfo(tmp_path, "fpu avx2")
    assert precision.resolve("auto", cpuinfo=older) is None
    assert precision.resolve("auto", "tpu", cpuinfo=older) == "bfloat16"
    for value in (None, "float16", "bfloat16"):
        assert precision.resolve(value, cpuinfo=bf16) == value


def test_auto_is_fixed_when_the_run_starts_and_kept_on_resume(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(precision, "resolve", lambda value, strategy: None)
    config = TrainConfig(
        dataset="ring",
        steps=10,
        mixed_precision="auto",
        workdir=os.fspath(tmp_path / "run"),
    )
    layout = WorkdirLayout.of(config)
    assert plan.resolve_mixed_precision(config, layout) == (
        TrainConfig(dataset="ring", steps=10, workdir=config.workdir)
    )
    # A run that started with bfloat16 and has a checkpoint goes on so.
    os.makedirs(layout.checkpoints)
    workdir.write_config(
        layout,
        TrainConfig(**{**config.to_dict(), "mixed_precision": "bfloat16"}),
    )
    assert plan.resolve_mixed_precision(config, layout).mixed_precision is None
    (tmp_path / "run" / "checkpoints" / "ckpt-00000005.keras").write_bytes(b"")
    assert (
        plan.resolve_mixed_precision(config, layout).mixed_precision
        == "bfloat16"
    )
