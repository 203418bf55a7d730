"""InceptionV3 features: fail fast offline, preprocess as Keras does."""

import os
import socket
import time

import numpy as np
import pytest

from keras_gan.metrics import (
    InceptionV3FeatureExtractor,
    InceptionWeightsNotFoundError,
    inception_v3_weights_path,
)
from keras_gan.metrics import inception as inception_lib


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a network connection was attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture
def empty_keras_home(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(
        inception_lib, "_keras_cache_dirs", lambda: [str(tmp_path)]
    )
    return tmp_path


def test_missing_weights_fail_fast_with_instructions(
    no_network, empty_keras_home
):
    start = time.perf_counter()
    with pytest.raises(InceptionWeightsNotFoundError) as raised:
        InceptionV3FeatureExtractor()
    assert time.perf_counter() - start < 1.0
    message = str(raised.value)
    expected_path = os.path.join(
        str(empty_keras_home),
        "models",
        inception_lib.INCEPTION_V3_WEIGHTS_FILENAME,
    )
    assert expected_path in message
    assert inception_lib.INCEPTION_V3_WEIGHTS_URL in message
    assert "weights_path=" in message
    assert isinstance(raised.value, FileNotFoundError)


def test_missing_explicit_weights_path_names_it(no_network, tmp_path):
    missing = str(tmp_path / "nowhere.h5")
    with pytest.raises(InceptionWeightsNotFoundError, match="nowhere.h5"):
        InceptionV3FeatureExtractor(weights_path=missing)


def test_keras_cache_dirs_honour_keras_home(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    assert inception_lib._keras_cache_dirs()[0] == str(tmp_path)


def test_weights_in_the_keras_cache_are_found(tmp_path):
    models = tmp_path / "models"
    models.mkdir()
    weights = models / inception_lib.INCEPTION_V3_WEIGHTS_FILENAME
    weights.write_bytes(b"placeholder")
    assert inception_v3_weights_path(keras_cache_dir=str(tmp_path)) == str(
        weights
    )
    assert inception_v3_weights_path(weights_path=str(weights)) == str(weights)


def test_preprocessing_matches_keras_inception_v3():
    import keras

    rng = np.random.default_rng(0)
    images = rng.uniform(0, 1, size=(2, 28, 28, 1)).astype(np.float32)
    processed = inception_lib.preprocess_for_inception_v3(images, (0.0, 1.0))
    assert processed.shape == (2, 299, 299, 3)
    assert processed.min() >= -1.0 - 1e-6 and processed.max() <= 1.0 + 1e-6
    rgb_0_255 = np.repeat(images, 3, axis=-1) * 255.0
    resized = keras.ops.image.resize(rgb_0_255, (299, 299))
    expected = keras.applications.inception_v3.preprocess_input(
        keras.ops.convert_to_numpy(resized)
    )
    np.testing.assert_allclose(processed, expected, atol=1e-4)


def test_features_with_local_weights(no_network, tmp_path):
    import keras

    # Random weights saved locally stand in for the ImageNet file.
    model = keras.applications.InceptionV3(
        include_top=False, weights=None, pooling="avg"
    )
    weights_path = str(tmp_path / "random_inception.weights.h5")
    model.save_weights(weights_path)
    extractor = InceptionV3FeatureExtractor(
        weights_path=weights_path, batch_size=2
    )
    images = np.random.default_rng(1).uniform(-1, 1, size=(3, 32, 32, 3))
    features = extractor.features(images)
    assert features.shape == (3, 2048)
    expected = model.predict(
        inception_lib.preprocess_for_inception_v3(images, (-1.0, 1.0)),
        verbose=0,
    )
    np.testing.assert_allclose(features, expected, rtol=1e-4, atol=1e-4)
