"""bin/evaluate, run as a user runs it."""

import json
import os
import pathlib
import subprocess
import sys

import pytest

from keras_gan.training import config as config_lib
from keras_gan.training import train_lib

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _evaluate(*args):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [os.fspath(ROOT), *filter(None, [env.get("PYTHONPATH")])]
    )
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return subprocess.run(
        [sys.executable, os.fspath(ROOT / "bin" / "evaluate"), *args],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        cwd=ROOT,
    )


@pytest.fixture(scope="module")
def ring_run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("ring_run")
    train_lib.train(
        config_lib.TrainConfig(
            dataset="ring",
            hidden_units=(16, 16),
            latent_dim=4,
            batch_size=32,
            steps=4,
            steps_per_epoch=2,
            num_samples=16,
            workdir=os.fspath(workdir),
        )
    )
    return workdir


@pytest.mark.slow
def test_scores_a_workdir_and_writes_json(ring_run, tmp_path):
    output = tmp_path / "scores" / "ring.json"
    result = _evaluate(
        f"--workdir={ring_run}", "--num_samples=500", f"--output={output}"
    )
    assert result.returncode == 0, result.stderr
    assert "real floor" in result.stdout
    assert "high_quality_percent" in result.stdout
    report = json.loads(output.read_text())
    assert report["dataset"] == "ring"  # read from the saved config
    assert report["num_samples"] == 500
    assert report["floor"]["modes_captured"] == 8
    assert "SavedModel" in report["source"]


@pytest.mark.slow
def test_scores_an_export_and_the_checkpoint_alike(ring_run, tmp_path):
    reports = []
    for args in (
        [f"--export_dir={ring_run / 'export'}"],
        [f"--workdir={ring_run}", "--checkpoint"],
    ):
        output = tmp_path / f"{len(reports)}.json"
        result = _evaluate(
            *args,
            "--num_samples=300",
            "--seed=4",
            "--nofloor",
            f"--output={output}",
        )
        assert result.returncode == 0, result.stderr
        reports.append(json.loads(output.read_text()))
    assert reports[0]["floor"] is None
    assert reports[0]["model"] == reports[1]["model"]


@pytest.mark.slow
@pytest.mark.parametrize(
    "args, message",
    [
        ([], "exactly one of --export_dir and --workdir"),
        (["--export_dir=/nonexistent"], "export_dir"),
        (["--num_samples=0", "--workdir=RUN"], "num_samples"),
    ],
)
def test_invalid_flags_exit_with_status_2(ring_run, args, message):
    args = [a.replace("RUN", os.fspath(ring_run)) for a in args]
    result = _evaluate(*args)
    assert result.returncode == 2
    assert message in result.stderr
