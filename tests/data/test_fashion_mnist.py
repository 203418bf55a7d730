"""Tests for the offline Fashion-MNIST preparation through TFDS."""

import gzip
import hashlib
import os
import struct
import time

import numpy as np
import pytest
import tensorflow_datasets as tfds

from keras_gan import data
from keras_gan.data import fashion_mnist


def _load_all(data_dir, split):
    dataset = data.load(
        "fashion_mnist",
        split=split,
        batch_size=2000,
        shuffle=False,
        data_dir=data_dir,
        drop_remainder=False,
        with_labels=True,
    )
    batches = list(dataset.as_numpy_iterator())
    images = np.concatenate([b[0] for b in batches])
    labels = np.concatenate([b[1] for b in batches])
    return images, labels


def _write_idx_files(directory, image_magic=2051, label_value=0):
    """Writes structurally valid IDX .gz files full of zeros."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, (split, kind) in fashion_mnist.FILES.items():
        count = fashion_mnist.NUM_EXAMPLES[split]
        if kind == "images":
            header = struct.pack(">4I", image_magic, count, 28, 28)
            body = bytes(count * 28 * 28)
        else:
            header = struct.pack(">2I", 2049, count)
            body = bytes([label_value]) * count
        with gzip.open(directory / name, "wb", compresslevel=1) as f:
            f.write(header + body)
    return directory


def test_prepares_a_normal_tfds_dataset(fashion_mnist_data_dir):
    builder = tfds.builder("fashion_mnist", data_dir=fashion_mnist_data_dir)
    assert builder.is_prepared()
    assert builder.info.splits["train"].num_examples == 60000
    assert builder.info.splits["test"].num_examples == 10000
    assert builder.info.features["image"].shape == (28, 28, 1)
    assert builder.info.features["label"].num_classes == 10
    # Plain TFDS reads it, without keras_gan and without downloading.
    test = tfds.load(
        "fashion_mnist",
        split="test",
        data_dir=os.fspath(fashion_mnist_data_dir),
        download=False,
    )
    assert test.cardinality().numpy() == 10000


def test_train_split_pixels_and_labels(fashion_mnist_data_dir):
    images, labels = _load_all(fashion_mnist_data_dir, "train")
    assert images.shape == (60000, 28, 28, 1)
    assert images.dtype == np.float32
    assert images.min() == -1.0
    assert images.max() == 1.0
    unit = data.to_unit_range(images)
    # Published mean of the [0, 1] Fashion-MNIST training pixels: 0.2860.
    assert abs(unit.mean() - 0.2860) < 0.001
    assert abs(unit.std() - 0.3530) < 0.001
    np.testing.assert_array_equal(np.bincount(labels), [6000] * 10)


def test_test_split_counts(fashion_mnist_data_dir):
    images, labels = _load_all(fashion_mnist_data_dir, "test")
    assert images.shape == (10000, 28, 28, 1)
    np.testing.assert_array_equal(np.bincount(labels), [1000] * 10)


def test_preparation_is_idempotent_and_leaves_no_temporaries(
    fashion_mnist_data_dir,
):
    info_file = fashion_mnist_data_dir / "fashion_mnist/3.0.1/dataset_info.json"
    before = info_file.stat().st_mtime_ns
    start = time.perf_counter()
    # Reuse needs no source files at all.
    builder = fashion_mnist.prepare(
        source_dir="/nonexistent", data_dir=fashion_mnist_data_dir
    )
    assert time.perf_counter() - start < 5
    assert builder.is_prepared()
    assert info_file.stat().st_mtime_ns == before
    leftovers = [
        p.name
        for p in fashion_mnist_data_dir.rglob("*")
        if "incomplete" in p.name or "keras_gan_fashion_mnist" in p.name
    ]
    assert leftovers == []


def test_restored_files_match_tfds_registered_checksums():
    paths = fashion_mnist.find_source_files(fashion_mnist.DEFAULT_SOURCE_DIR)
    registered = fashion_mnist._registered_checksums()
    for name, path in paths.items():
        raw = path.read_bytes()
        restored = fashion_mnist._restore_upstream_gzip(name, raw)
        digest = hashlib.sha256(restored).hexdigest()
        assert digest == registered[name].checksum, name
        # The decompressed bytes are untouched by the restoration.
        assert gzip.decompress(restored) == gzip.decompress(raw)


def test_missing_files_name_the_debian_package(tmp_path):
    with pytest.raises(data.DatasetUnavailableError) as error:
        fashion_mnist.find_source_files(tmp_path)
    message = str(error.value)
    assert "apt-get install -y dataset-fashion-mnist" in message
    assert "train-images-idx3-ubyte.gz" in message
    assert fashion_mnist.SOURCE_DIR_ENV in message
    assert os.fspath(tmp_path) in message


def test_load_without_files_fails_fast(tmp_path, monkeypatch):
    monkeypatch.setenv(fashion_mnist.SOURCE_DIR_ENV, os.fspath(tmp_path))
    start = time.perf_counter()
    with pytest.raises(
        data.DatasetUnavailableError, match="apt-get install -y dataset"
    ):
        data.load("fashion_mnist", data_dir=tmp_path / "tfds", download=False)
    assert time.perf_counter() - start < 5
    assert not fashion_mnist.is_prepared(tmp_path / "tfds")


def test_env_var_directory_is_used(tmp_path, monkeypatch):
    monkeypatch.setenv(fashion_mnist.SOURCE_DIR_ENV, os.fspath(tmp_path))
    _write_idx_files(tmp_path)
    paths = fashion_mnist.find_source_files()
    assert set(paths) == set(fashion_mnist.FILES)
    assert all(p.parent == tmp_path for p in paths.values())


def test_refuses_well_formed_files_with_other_data(tmp_path):
    source = _write_idx_files(tmp_path / "source")
    with pytest.raises(data.DatasetUnavailableError, match="SHA-256"):
        fashion_mnist.prepare(source_dir=source, data_dir=tmp_path / "tfds")
    assert not fashion_mnist.is_prepared(tmp_path / "tfds")
    assert list((tmp_path / "tfds").glob(".keras_gan_fashion_mnist-*")) == []


def test_refuses_malformed_files(tmp_path):
    source = _write_idx_files(tmp_path / "source", image_magic=2052)
    with pytest.raises(data.DatasetUnavailableError, match="magic number"):
        fashion_mnist.prepare(source_dir=source, data_dir=tmp_path / "tfds")


def test_refuses_out_of_range_labels(tmp_path):
    source = _write_idx_files(tmp_path / "source", label_value=10)
    with pytest.raises(data.DatasetUnavailableError, match="label 10"):
        fashion_mnist.prepare(source_dir=source, data_dir=tmp_path / "tfds")


def test_info_without_preparing(tmp_path):
    spec = data.info("fashion_mnist", data_dir=tmp_path)
    assert spec.element_shape == (28, 28, 1)
    assert spec.num_examples == 60000
    assert spec.num_classes == 10
    assert spec.value_range == (-1.0, 1.0)
    assert data.info("fashion_mnist", "test", tmp_path).num_examples == 10000
    resized = data.info("fashion_mnist", image_size=32, channels=3)
    assert resized.element_shape == (32, 32, 3)
    assert not fashion_mnist.is_prepared(tmp_path)


def test_load_resizes_and_converts_channels(fashion_mnist_data_dir):
    dataset = data.load(
        "fashion_mnist",
        split="test[:10%]",
        batch_size=100,
        data_dir=fashion_mnist_data_dir,
        image_size=32,
        channels=3,
        seed=0,
    )
    assert tuple(dataset.element_spec.shape) == (100, 32, 32, 3)
    batches = list(dataset.as_numpy_iterator())
    assert len(batches) == 10
    images = np.concatenate(batches)
    assert images.min() >= -1.0 and images.max() <= 1.0
    np.testing.assert_allclose(images[..., 0], images[..., 2])
