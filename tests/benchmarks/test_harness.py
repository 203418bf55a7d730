"""benchmarks.harness: the deadline stops any trainer on time or steps
and records its progress, workers run side by side and a failure names
its log, and results are written as the studies read them."""

import dataclasses
import json
import sys

import keras
import pytest

from benchmarks import PlainGAN, harness
from keras_gan.data import mixture_dataset
from keras_gan.models import mlp_discriminator, mlp_generator


@dataclasses.dataclass(frozen=True)
class _Setup:
    batch_size: int = 16
    steps_per_epoch: int = 2
    max_steps: int | None = None


def _plain_gan():
    keras.utils.set_random_seed(0)
    model = PlainGAN(mlp_generator(4, 2, (8,)), mlp_discriminator(2, (8,)), 4)
    model.compile(
        d_optimizer=keras.optimizers.Adam(1e-3),
        g_optimizer=keras.optimizers.Adam(1e-3),
    )
    return model


def test_the_deadline_stops_at_max_steps_and_records_each_epoch(tmp_path):
    setup = _Setup(max_steps=5)
    deadline = harness.fit_for(
        _plain_gan(),
        mixture_dataset("ring", setup.batch_size, seed=0),
        seconds=600,
        output_dir=tmp_path,
        setup=setup,
    )
    assert deadline.steps == 5
    records = [
        json.loads(line)
        for line in (tmp_path / "progress.jsonl").read_text().splitlines()
    ]
    assert [r["steps"] for r in records] == [2, 4, 5]
    assert all("d_loss" in r and r["seconds"] >= 0 for r in records)
    summary = harness.write_training_summary(tmp_path, "plain", deadline, setup)
    assert summary["images_seen"] == 5 * setup.batch_size
    assert summary["seconds"] == round(deadline.elapsed_seconds, 1)
    assert harness.read_training(tmp_path) == summary


def test_the_deadline_stops_a_plain_trainer_on_time(tmp_path):
    # A plain baseline counts no `generator_steps`: the time budget must
    # stop it all the same.
    deadline = harness.fit_for(
        _plain_gan(),
        mixture_dataset("ring", 16, seed=0),
        seconds=1e-6,
        output_dir=tmp_path,
        setup=_Setup(),
    )
    assert deadline.steps == 1
    assert deadline.remaining_seconds == 0


def test_without_a_listing_there_are_no_snapshots(tmp_path):
    assert harness.read_snapshots(tmp_path) == []


def test_commands_of_presets_and_workers():
    preset = harness.preset_path("ring_mlp")
    command = harness.preset_command(preset, 2, "/tmp/w", 3, ["--x=1"])
    assert command[1].endswith("bin/train")
    assert f"--flagfile={preset}" in command and "--seed=3" in command
    assert command.index("--steps=100000000") < command.index("--x=1")
    worker = harness.worker_command(
        "benchmarks.quality", "plain", 2, "/tmp/o", 0, _Setup()
    )
    assert worker[1:4] == ["-m", "benchmarks.quality", "--worker=plain"]
    assert json.loads(worker[-1][len("--setup=") :])["batch_size"] == 16


def test_workers_run_side_by_side_and_a_failure_names_its_log(tmp_path):
    ok = [sys.executable, "-c", "import os; print(os.environ['PYTHONPATH'])"]
    logs = [str(tmp_path / "a.log"), str(tmp_path / "b.log")]
    harness.run_all([ok, ok], logs, parallel=2, threads=1)
    assert harness.ROOT in (tmp_path / "a.log").read_text()
    failing = [sys.executable, "-c", "raise SystemExit(3)"]
    with pytest.raises(RuntimeError, match=r"exit 3\).*b\.log"):
        harness.run_all([ok, failing], logs, parallel=1, threads=1)


def test_results_are_written_as_json_and_markdown(tmp_path):
    harness.write_results(tmp_path, {"a": 1}, "| a |")
    assert json.loads((tmp_path / "results.json").read_text()) == {"a": 1}
    assert (tmp_path / "results.md").read_text() == "| a |\n"
    assert [harness.format_value(v) for v in (None, 3, 0.001, 0.5)] == [
        "-",
        "3",
        "1.00e-03",
        "0.5000",
    ]
