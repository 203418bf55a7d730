"""train(config) with `conditioning`: labelled data in, a conditional
SavedModel out, resumable; bad settings refused before anything is
written."""

import dataclasses
import functools
import os

import numpy as np
import pytest
import tensorflow as tf

from keras_gan import checkpoints, export
from keras_gan.training import train_lib
from keras_gan.training.config import ConfigError


@pytest.fixture
def make_config(ring_config):
    """The tiny ring run of tests/conftest.py, conditional and evaluated
    every epoch."""
    return functools.partial(
        ring_config,
        steps=6,
        steps_per_epoch=3,
        num_samples=40,
        eval_every_n_epochs=1,
        eval_num_samples=80,
        conditioning="projection",
    )


@pytest.mark.parametrize("conditioning", ["projection", "concat"])
def test_a_conditional_run_trains_resumes_and_exports(
    make_config, tmp_path, conditioning
):
    config = make_config(conditioning=conditioning, steps=3)
    first = train_lib.train(config)
    assert first.steps == 3
    result = train_lib.train(dataclasses.replace(config, steps=6))
    assert result.resumed_from == 3 and result.steps == 6
    gan, _, _ = checkpoints.CheckpointManager(
        f"{config.workdir}/checkpoints"
    ).restore()
    assert gan.num_classes == 8  # the ring's modes are its classes

    serve = tf.saved_model.load(result.paths["export"]).signatures[
        "serving_default"
    ]
    z = np.random.default_rng(0).standard_normal((8, 3)).astype(np.float32)
    labels = np.arange(8, dtype=np.int32)
    np.testing.assert_allclose(
        serve(z=tf.constant(z), labels=tf.constant(labels))["samples"],
        np.asarray(gan.sample_generator([z, labels], training=False)),
        rtol=1e-5,
        atol=1e-6,
    )
    metadata = export.read_metadata(result.paths["export"])
    assert metadata["num_classes"] == 8
    assert metadata["conditioning"] == conditioning
    assert len(metadata["class_names"]) == 8


def test_a_conditional_image_run_keeps_the_class_names(make_config, tmp_path):
    config = make_config(
        dataset="digits",
        base_filters=4,
        steps=2,
        steps_per_epoch=2,
        eval_every_n_epochs=None,
    )
    result = train_lib.train(config)
    metadata = export.read_metadata(result.paths["export"])
    assert metadata["num_classes"] == 10
    assert os.path.getsize(result.paths["last_samples"]) > 0


def test_bad_conditioning_is_refused_before_anything_is_written(
    make_config, tmp_path
):
    with pytest.raises(ConfigError, match="conditioning"):
        train_lib.train(make_config(conditioning="film"))
    assert not os.path.exists(tmp_path / "run" / "checkpoints")
