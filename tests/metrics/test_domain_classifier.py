"""The domain classifier, its feature extractor and its weight cache."""

import json
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

from keras_gan.metrics import (
    ClassifierFeatureExtractor,
    build_classifier,
    default_cache_dir,
    fashion_mnist_classifier_paths,
    load_or_train_fashion_mnist_classifier,
    train_classifier,
)
from keras_gan.metrics import classifier as classifier_lib
from keras_gan.metrics.fashion_mnist_idx import (
    DEFAULT_DIRECTORY,
    load_fashion_mnist_idx,
)

ROOT = pathlib.Path(__file__).resolve().parents[2]

needs_fashion_mnist = pytest.mark.skipif(
    not os.path.exists(
        os.path.join(DEFAULT_DIRECTORY, "t10k-images-idx3-ubyte.gz")
    ),
    reason="Fashion-MNIST IDX files not installed (dataset-fashion-mnist).",
)


@pytest.fixture(scope="module")
def fashion_mnist_test_split():
    return load_fashion_mnist_idx("test")


def _random_images(n, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, size=(n, 28, 28, 1)).astype(np.float32)


def test_extractor_shapes_and_batching():
    extractor = ClassifierFeatureExtractor(build_classifier(), batch_size=7)
    images = _random_images(20)
    features, logits = extractor.features_and_logits(images)
    assert features.shape == (20, 128) and extractor.num_features == 128
    assert logits.shape == (20, 10) and extractor.num_classes == 10
    assert (features >= 0).all()  # ReLU feature layer
    whole = ClassifierFeatureExtractor(extractor.classifier, batch_size=100)
    np.testing.assert_allclose(whole.features(images), features, atol=1e-5)
    np.testing.assert_allclose(whole.logits(images[..., 0]), logits, atol=1e-5)
    assert extractor.features(images[:0]).shape == (0, 128)


def test_extractor_maps_value_range_to_minus_one_one():
    model = build_classifier()
    images = _random_images(8, seed=1)
    unit = (images + 1) / 2
    from_signed = ClassifierFeatureExtractor(model).logits(images)
    from_unit = ClassifierFeatureExtractor(model, value_range=(0, 1))
    np.testing.assert_allclose(from_unit.logits(unit), from_signed, atol=1e-4)
    uint8 = np.round(unit * 255).astype(np.uint8)
    from_uint8 = ClassifierFeatureExtractor(model, value_range=(0, 255))
    np.testing.assert_allclose(from_uint8.logits(uint8), from_signed, atol=0.05)
    with pytest.raises(ValueError, match="value_range=\\(0, 255\\)"):
        ClassifierFeatureExtractor(model).features(uint8)
    with pytest.raises(ValueError, match="feature_layer"):
        ClassifierFeatureExtractor(model, feature_layer="missing")
    with pytest.raises(ValueError, match="1 channel"):
        ClassifierFeatureExtractor(model).features(np.zeros((2, 28, 28, 3)))


@needs_fashion_mnist
def test_idx_reader_shapes_and_range(fashion_mnist_test_split):
    images, labels = fashion_mnist_test_split
    assert images.shape == (10_000, 28, 28, 1) and images.dtype == np.float32
    assert images.min() == -1.0 and images.max() == 1.0
    assert labels.shape == (10_000,)
    np.testing.assert_array_equal(np.bincount(labels), [1000] * 10)


def test_default_cache_dir_honours_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_GAN_CACHE", str(tmp_path))
    assert default_cache_dir() == str(tmp_path)
    monkeypatch.delenv("KERAS_GAN_CACHE")
    assert default_cache_dir().endswith(os.path.join(".cache", "keras_gan"))


@needs_fashion_mnist
def test_cache_is_written_atomically_and_reused(
    monkeypatch, tmp_path, fashion_mnist_test_split
):
    images, labels = fashion_mnist_test_split
    data = (images[:512], labels[:512], images[512:1024], labels[512:1024])
    model, accuracy = load_or_train_fashion_mnist_classifier(
        cache_dir=str(tmp_path), data=data, epochs=1
    )
    model_path, metadata_path = fashion_mnist_classifier_paths(str(tmp_path))
    assert sorted(os.listdir(tmp_path)) == sorted(
        [os.path.basename(model_path), os.path.basename(metadata_path)]
    )
    with open(metadata_path) as f:
        assert json.load(f)["test_accuracy"] == accuracy
    umask = os.umask(0)
    os.umask(umask)
    for path in (model_path, metadata_path):
        assert os.stat(path).st_mode & 0o777 == 0o666 & ~umask

    def no_training(*args, **kwargs):
        raise AssertionError("the cached classifier should have been loaded")

    monkeypatch.setattr(classifier_lib, "train_classifier", no_training)
    monkeypatch.setenv("KERAS_GAN_CACHE", str(tmp_path))
    cached, cached_accuracy = load_or_train_fashion_mnist_classifier(data=data)
    assert cached_accuracy == accuracy
    np.testing.assert_allclose(
        cached.predict(images[:16], verbose=0),
        model.predict(images[:16], verbose=0),
        atol=1e-5,
    )
    with pytest.raises(AssertionError, match="cached"):
        load_or_train_fashion_mnist_classifier(data=data, retrain=True)


@needs_fashion_mnist
def test_training_on_a_subset_beats_chance_by_far(fashion_mnist_test_split):
    train_images, train_labels = load_fashion_mnist_idx("train")
    test_images, test_labels = fashion_mnist_test_split
    model, accuracy = train_classifier(
        train_images[:10_000],
        train_labels[:10_000],
        test_images,
        test_labels,
        epochs=1,
        seed=0,
    )
    assert accuracy > 0.65  # chance is 0.1
    features, logits = ClassifierFeatureExtractor(model).features_and_logits(
        test_images[:100]
    )
    assert features.shape == (100, 128) and logits.shape == (100, 10)
    predictions = logits.argmax(axis=1)
    assert np.mean(predictions == test_labels[:100]) > 0.5


def test_mismatched_labels_raise():
    with pytest.raises(ValueError, match="train_labels"):
        train_classifier(
            _random_images(4), np.zeros(3), _random_images(2), np.zeros(2)
        )


@pytest.mark.slow
@needs_fashion_mnist
def test_script_trains_and_caches(tmp_path):
    command = [
        sys.executable,
        os.fspath(ROOT / "bin" / "train_classifier"),
        f"--cache_dir={tmp_path}",
        "--epochs=1",
    ]
    result = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=600
    )
    accuracy = float(result.stdout.split("test_accuracy:")[1].split()[0])
    assert accuracy > 0.8
    model_path, metadata_path = fashion_mnist_classifier_paths(str(tmp_path))
    assert os.path.exists(model_path) and os.path.exists(metadata_path)


def test_unreadable_cache_is_retrained(monkeypatch, tmp_path):
    model_path, metadata_path = fashion_mnist_classifier_paths(str(tmp_path))
    with open(model_path, "w") as f:
        f.write("not a model")
    with open(metadata_path, "w") as f:
        json.dump(
            {"version": classifier_lib.FASHION_MNIST_CLASSIFIER_VERSION}, f
        )
    trained = []

    def fake_train(*args, **kwargs):
        trained.append(True)
        return build_classifier(), 0.5

    monkeypatch.setattr(classifier_lib, "train_classifier", fake_train)
    data = (_random_images(4), np.zeros(4), _random_images(4), np.zeros(4))
    with pytest.warns(UserWarning, match="Retraining"):
        _, accuracy = load_or_train_fashion_mnist_classifier(
            cache_dir=str(tmp_path), data=data
        )
    assert trained and accuracy == 0.5
    with open(metadata_path) as f:
        assert json.load(f)["test_accuracy"] == 0.5
