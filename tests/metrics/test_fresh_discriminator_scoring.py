"""The fresh-discriminator figures in scoring reports and bin/evaluate,
beside their real floor."""

import json
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

from keras_gan.metrics import scoring
from keras_gan.training import config as config_lib
from keras_gan.training import train_lib

ROOT = pathlib.Path(__file__).resolve().parents[2]


class _PixelFeatures:
    """Flattened pixels: a stand-in extractor of images in [0, 1]."""

    value_range = (0, 1)

    def features(self, images):
        return np.asarray(images, np.float32).reshape(len(images), -1)


def _within_chance(figures, num_test):
    # Two real sets: the held-out accuracy is 1/2 up to 4 of its standard
    # errors, 0.5 / sqrt(num_test) at most (keras_gan.metrics.two_sample).
    return abs(figures["fresh_d_accuracy"] - 0.5) <= 4 * 0.5 / np.sqrt(num_test)


def test_a_mixture_report_has_the_figures_and_the_floor_is_chance():
    collapsed = np.zeros((600, 2), np.float32)  # every point at the origin
    report = scoring.score(
        collapsed, "ring", fresh_discriminator=True, fresh_d_steps=100
    )
    assert report["model"]["fresh_d_accuracy"] > 0.95
    assert _within_chance(report["floor"], 600)
    assert ["fresh_d_accuracy", None] in report["figures"]
    table = scoring.format_table(report)
    assert "fresh_d_accuracy" in table and "nearer 0.5" in table
    json.dumps(report)  # JSON-ready


def test_image_scorers_test_against_their_reference_images():
    rng = np.random.default_rng(0)
    real = rng.uniform(0.0, 0.2, (900, 6, 6, 1)).astype(np.float32)
    scorer = scoring.FeatureScorer(
        real[:300], _PixelFeatures(), floor_images=real[300:]
    )
    bright = rng.uniform(0.5, 1.0, (300, 6, 6, 1)).astype(np.float32)
    model, floor = scoring.fresh_discriminator_figures(scorer, bright, steps=50)
    assert model["fresh_d_accuracy"] > 0.95
    assert _within_chance(floor, 300)
    model, floor = scoring.fresh_discriminator_figures(
        scorer, bright, floor=False, steps=5
    )
    assert floor is None


class _MeanBrightness:
    value_range = (0, 1)

    def features(self, images):
        return (
            np.asarray(images, np.float32)
            .reshape(len(images), -1)
            .mean(axis=1, keepdims=True)
        )


def test_images_are_compared_by_the_scorers_features_unless_told_not_to():
    # Generated images: the real ones under a checkerboard of +-0.05,
    # which pixels show and the mean brightness (the features) does not.
    rng = np.random.default_rng(0)
    real = rng.uniform(0.0, 0.2, (900, 6, 6, 1)).astype(np.float32)
    board = np.indices((6, 6)).sum(axis=0) % 2 * 0.1 - 0.05
    generated = real[:300] + board[None, :, :, None].astype(np.float32)
    scorer = scoring.FeatureScorer(
        real[300:600], _MeanBrightness(), floor_images=real[600:]
    )
    seen, _ = scoring.fresh_discriminator_figures(
        scorer, generated, floor=False, steps=100, on_features=False
    )
    assert seen["fresh_d_accuracy"] > 0.9
    blind, _ = scoring.fresh_discriminator_figures(
        scorer, generated, floor=False, steps=100
    )
    assert _within_chance(blind, 300)


@pytest.mark.slow
def test_bin_evaluate_reports_them(tmp_path):
    workdir = tmp_path / "run"
    train_lib.train(
        config_lib.TrainConfig(
            dataset="ring",
            hidden_units=(16,),
            latent_dim=4,
            batch_size=32,
            steps=4,
            steps_per_epoch=2,
            num_samples=16,
            workdir=os.fspath(workdir),
        )
    )
    env = dict(os.environ, PYTHONPATH=os.fspath(ROOT))
    output = tmp_path / "ring.json"
    args = [f"--workdir={workdir}", "--num_samples=400", "--fresh_d_steps=50"]
    done = subprocess.run(
        [sys.executable, os.fspath(ROOT / "bin" / "evaluate"), *args,
         f"--output={output}"],
        capture_output=True, text=True, timeout=600, env=env, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "fresh_d_accuracy" in done.stdout
    report = json.loads(output.read_text())
    assert report["model"]["fresh_d_accuracy"] > 0.9  # 4 steps of training
    assert _within_chance(report["floor"], 400)
    off = subprocess.run(
        [sys.executable, os.fspath(ROOT / "bin" / "evaluate"), *args,
         "--nofresh_discriminator"],
        capture_output=True, text=True, timeout=600, env=env, cwd=ROOT,
    )  # fmt: skip
    assert off.returncode == 0, off.stderr
    assert "fresh_d_accuracy" not in off.stdout
