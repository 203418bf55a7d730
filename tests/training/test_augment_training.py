"""Augmentation through the training application: flags to the config to
the GAN, and ADA's probability kept across resuming."""

import dataclasses
import functools
import os

import keras
import numpy as np
import pytest

from keras_gan import checkpoints
from keras_gan.augment import AdaptiveAugment, DiffAugment
from keras_gan.callbacks.metrics_log import read_log
from keras_gan.training import train_lib
from keras_gan.training.config import ConfigError


@pytest.fixture
def make_config(ring_config):
    """A tiny DCGAN run on the digits."""
    return functools.partial(
        ring_config,
        dataset="digits",
        base_filters=4,
        latent_dim=4,
        steps=8,
        steps_per_epoch=4,
        log_every_n_steps=1,
        num_samples=4,
    )


def _log(config):
    return read_log(os.path.join(config.workdir, "metrics.csv"))


def _restored_gan(config):
    manager = checkpoints.CheckpointManager(f"{config.workdir}/checkpoints")
    return keras.models.load_model(manager.latest())


@pytest.mark.slow
def test_ada_p_goes_on_from_the_checkpoint_when_resumed(make_config, tmp_path):
    # A target of -1: r_t >= -1 always, so p rises at every adjustment
    # and a p reset on resume would show.
    config = make_config(augment="ada", ada_target=-1.0, steps=4)
    train_lib.train(config)
    first = float(_restored_gan(config).augment.p)
    assert first == pytest.approx(4 * 16 / 500_000)  # 4 updates, 16 each
    train_lib.train(dataclasses.replace(config, steps=8))
    gan = _restored_gan(config)
    assert isinstance(gan.augment, AdaptiveAugment)
    assert gan.augment.target == -1.0
    assert float(gan.augment.p) == pytest.approx(2 * first)
    log = _log(config)
    np.testing.assert_allclose(
        [float(p) for p in log["augment_p"]],
        [first * (step // 4) for step in (1, 2, 3, 4, 5, 6, 7, 8)],
        rtol=1e-5,
    )
    assert "ada_r_t" in log


@pytest.mark.slow
def test_diffaugment_and_lazy_r1_from_the_config(make_config):
    config = make_config(
        augment="diffaugment",
        penalties=("r1", "lecam"),
        r1_interval=4,
        penalty_inputs="raw",
        steps=4,
    )
    train_lib.train(config)
    gan = _restored_gan(config)
    assert isinstance(gan.augment, DiffAugment)
    assert gan.penalty_inputs == "raw"
    assert gan.penalties[0].interval == 4
    r1 = [float(v) for v in _log(config)["r1_penalty"]]
    # Rows are means since the previous row: the step's own value.
    assert r1[0] > 0
    np.testing.assert_allclose(r1[1:], 0.0, atol=1e-5 * r1[0])


def test_augment_is_checked(make_config, tmp_path):
    with pytest.raises(ConfigError, match="`augment`"):
        make_config(augment="mixup")
    with pytest.raises(ConfigError, match="`r1_interval`"):
        make_config(r1_interval=0)
    with pytest.raises(ConfigError, match="`penalty_inputs`.*'both'"):
        make_config(penalty_inputs="both")
    with pytest.raises(ConfigError, match="`augment`.*points"):
        train_lib.train(make_config(dataset="ring", augment="ada"))
