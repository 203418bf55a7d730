"""The fresh-discriminator rule in train(config) and bin/train: its
fields, its figures in metrics.csv, its stop, and a finished run's
resume."""

import dataclasses
import functools
import os
import types

import numpy as np
import pytest

from keras_gan.callbacks.metrics_log import read_log
from keras_gan.training import stopping, train_lib
from keras_gan.training.config import (
    RESUMABLE_FIELDS,
    ConfigError,
    TrainConfig,
)

_FRESH_D = {"fresh_d_num_samples": 200, "fresh_d_steps": 20}


@pytest.fixture
def make_config(ring_config):
    """The tiny ring run of tests/conftest.py, with a fresh discriminator
    every epoch."""
    return functools.partial(
        ring_config,
        steps=12,
        steps_per_epoch=4,
        log_every_n_steps=2,
        num_samples=50,
        fresh_d_every_n_epochs=1,
        **_FRESH_D,
    )


@pytest.mark.parametrize(
    "field, value",
    [
        ("fresh_d_every_n_epochs", 0),
        ("fresh_d_tolerance", 0.5),
        ("fresh_d_tolerance", -0.01),
        ("fresh_d_patience", 0),
        ("fresh_d_min_delta", -1.0),
        ("fresh_d_num_samples", 0),
        ("fresh_d_steps", 0),
        ("fresh_d_restore_best_weights", "yes"),
        ("fresh_d_features", "inception"),
        ("fresh_d_repeats", 0),
    ],
)
def test_invalid_fields_are_named(make_config, tmp_path, field, value):
    with pytest.raises(ConfigError, match=f"`{field}`"):
        make_config(**{field: value})


def test_a_stop_rule_needs_its_evaluations(make_config, tmp_path):
    with pytest.raises(ConfigError, match="fresh_d_every_n_epochs"):
        make_config(fresh_d_every_n_epochs=None, fresh_d_tolerance=0.05)


def test_its_fields_may_change_on_resume():
    fields = {f.name for f in dataclasses.fields(TrainConfig)}
    fresh = {name for name in fields if name.startswith("fresh_d_")}
    assert len(fresh) == 9
    assert fresh <= RESUMABLE_FIELDS


def test_figures_go_into_the_metrics_log_without_stopping(
    make_config, tmp_path
):
    result = train_lib.train(make_config())
    assert result.stop_reason == train_lib.STOP_STEPS
    log = read_log(os.path.join(result.paths["workdir"], "metrics.csv"))
    logged = [
        (step, accuracy)
        for step, accuracy in zip(log["step"], log["fresh_d_accuracy"])
        if accuracy == accuracy  # not NaN: the epoch-end rows
    ]
    assert [step for step, _ in logged] == [4, 8, 12]
    assert all(0.0 <= accuracy <= 1.0 for _, accuracy in logged)
    assert "fresh_d_real" in log and "fresh_d_fake" in log


def test_stops_and_a_finished_run_stays_finished(make_config, tmp_path):
    # No accuracy falls by 0.5 from one evaluation to the next, so
    # patience 1 stops at the second evaluation.
    config = make_config(fresh_d_patience=1, fresh_d_min_delta=0.5)
    result = train_lib.train(config)
    assert result.stop_reason == train_lib.STOP_FRESH_DISCRIMINATOR
    assert result.steps == 8
    assert "fresh discriminator" in result.summary()
    again = train_lib.train(config)
    assert again.steps_this_run == 0
    assert again.stop_reason == train_lib.STOP_FRESH_DISCRIMINATOR


def test_bin_train_refuses_a_rule_without_evaluations(tmp_path, run_script):
    done = run_script(
        "train",
        "--dataset=ring",
        "--steps=2",
        f"--workdir={tmp_path / 'run'}",
        "--fresh_d_tolerance=0.05",
    )
    assert done.returncode == 2
    assert "fresh_d_every_n_epochs" in done.stderr


def test_bin_train_flags_make_the_config(bin_train, tmp_path):
    from absl import flags
    from absl.testing import flagsaver

    with flagsaver.flagsaver():
        flags.FLAGS.unparse_flags()
        flags.FLAGS(
            [
                "bin/train",
                f"--workdir={tmp_path}",
                "--steps=10",
                "--fresh_d_every_n_epochs=2",
                "--fresh_d_tolerance=0.05",
                "--fresh_d_patience=3",
                "--fresh_d_min_delta=0.01",
                "--fresh_d_num_samples=500",
                "--fresh_d_steps=300",
                "--nofresh_d_restore_best_weights",
                "--fresh_d_features=samples",
                "--fresh_d_repeats=3",
            ]
        )
        config = bin_train.config_from_flags()
    assert (
        config.fresh_d_every_n_epochs,
        config.fresh_d_tolerance,
        config.fresh_d_patience,
        config.fresh_d_min_delta,
        config.fresh_d_num_samples,
        config.fresh_d_steps,
        config.fresh_d_restore_best_weights,
        config.fresh_d_features,
        config.fresh_d_repeats,
    ) == (2, 0.05, 3, 0.01, 500, 300, False, "samples", 3)


def _spec(kind, shape):
    return types.SimpleNamespace(kind=kind, element_shape=shape)


def test_images_the_classifier_fits_are_compared_by_its_features(
    make_config, tmp_path
):
    images = _spec("images", (28, 28, 1))
    config = make_config(dataset="fashion_mnist")
    extractor = stopping.fresh_discriminator_features(config, images)
    assert extractor is not None
    features = extractor(np.zeros((3, 28, 28, 1), "float32"))
    assert features.shape[0] == 3 and features.ndim == 2
    as_samples = dataclasses.replace(config, fresh_d_features="samples")
    assert stopping.fresh_discriminator_features(as_samples, images) is None


def test_other_samples_are_compared_as_they_are(make_config, tmp_path):
    points = _spec("points", (2,))
    assert stopping.fresh_discriminator_features(make_config(), points) is None
    rgb = _spec("images", (32, 32, 3))
    config = make_config(fresh_d_features="auto")
    assert stopping.fresh_discriminator_features(config, rgb) is None
    wanted = dataclasses.replace(config, fresh_d_features="classifier")
    with pytest.raises(ConfigError, match="28x28 grayscale.*32, 32, 3"):
        stopping.fresh_discriminator_features(wanted, rgb)
