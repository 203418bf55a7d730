"""Tests for `load` and `info` on the offline sources and TFDS names."""

import os
import time

import numpy as np
import pytest
import tensorflow as tf
import tensorflow_datasets as tfds

from keras_gan import data
from keras_gan.data import tfds_source


def _first_batch(dataset):
    return next(iter(dataset)).numpy()


@pytest.fixture
def no_downloads(monkeypatch):
    """Fails the test if anything tries to download or probe the network."""

    def forbidden(*args, **kwargs):
        raise AssertionError("tried to use the network")

    monkeypatch.setattr(
        tfds.core.DatasetBuilder, "download_and_prepare", forbidden
    )
    monkeypatch.setattr(tfds_source, "network_reachable", forbidden)


def test_unknown_name_lists_builtin_names():
    start = time.perf_counter()
    with pytest.raises(ValueError) as error:
        data.load("no_such_dataset_xyz")
    assert time.perf_counter() - start < 5
    message = str(error.value)
    for name in data.BUILTIN_NAMES:
        assert repr(name) in message
    assert "name='no_such_dataset_xyz'" in message


def test_misspelled_name_suggests_the_right_one():
    with pytest.raises(ValueError, match="Did you mean.*'fashion_mnist'"):
        data.load("fashoin_mnist")


def test_unprepared_tfds_dataset_fails_fast(tmp_path, no_downloads):
    start = time.perf_counter()
    with pytest.raises(data.DatasetUnavailableError) as error:
        data.load("mnist", data_dir=tmp_path, download=False)
    assert time.perf_counter() - start < 5
    message = str(error.value)
    assert "tfds build mnist --data_dir=DIR" in message
    assert os.fspath(tmp_path) in message


def test_unprepared_tfds_dataset_without_network(tmp_path, monkeypatch):
    monkeypatch.setattr(tfds_source, "network_reachable", lambda b: False)
    monkeypatch.setattr(
        tfds.core.DatasetBuilder,
        "download_and_prepare",
        lambda *a, **k: pytest.fail("downloaded without network"),
    )
    start = time.perf_counter()
    with pytest.raises(data.DatasetUnavailableError, match="no network"):
        data.load("cifar10", data_dir=tmp_path)
    assert time.perf_counter() - start < 5


class _Builder:
    url_infos = {"https://example.org/file.tar.gz": None}


def test_network_probe_is_bounded_when_name_resolution_hangs(monkeypatch):
    def hang(address, timeout=None):
        time.sleep(30)
        raise OSError("name resolution timed out")  # as the real call would

    monkeypatch.setattr(tfds_source.socket, "create_connection", hang)
    monkeypatch.setattr(tfds_source, "_NETWORK_TIMEOUT_S", 0.5)
    start = time.perf_counter()
    assert not tfds_source.network_reachable(_Builder())
    # Returns long before the hung lookup would (30 s), even on a busy
    # machine.
    assert time.perf_counter() - start < 20


def test_network_probe_connects_to_the_download_host(monkeypatch):
    addresses = []

    class Connection:
        def close(self):
            pass

    def connect(address, timeout=None):
        addresses.append(address)
        return Connection()

    monkeypatch.setattr(tfds_source.socket, "create_connection", connect)
    assert tfds_source.network_reachable(_Builder())
    assert addresses == [("example.org", 443)]


def test_tfds_dataset_without_images_is_refused(tmp_path, no_downloads):
    with pytest.raises(ValueError, match="no image feature"):
        data.load("imdb_reviews", data_dir=tmp_path, download=False)


def test_info_of_unprepared_tfds_dataset(tmp_path, no_downloads):
    spec = data.info("mnist", data_dir=tmp_path)
    assert spec.element_shape == (28, 28, 1)
    assert spec.num_classes == 10
    assert spec.num_examples is None
    celeb = data.info("celeb_a", data_dir=tmp_path, image_size=64)
    assert celeb.element_shape == (64, 64, 3)


def test_digits_batches():
    dataset = data.load("digits", batch_size=32, seed=0)
    assert tuple(dataset.element_spec.shape) == (32, 8, 8, 1)
    assert dataset.element_spec.dtype == tf.float32
    images = np.concatenate(list(dataset.as_numpy_iterator()))
    assert images.shape == (1792, 8, 8, 1)  # 56 full batches of 1797
    assert images.min() == -1.0
    assert images.max() == 1.0


def test_digits_all_examples_and_labels():
    dataset = data.load(
        "digits",
        batch_size=500,
        shuffle=False,
        drop_remainder=False,
        with_labels=True,
    )
    assert dataset.element_spec[0].shape.as_list() == [None, 8, 8, 1]
    labels = np.concatenate([y for _, y in dataset.as_numpy_iterator()])
    assert len(labels) == 1797
    assert set(labels) == set(range(10))
    spec = data.info("digits")
    assert spec.element_shape == (8, 8, 1)
    assert spec.num_examples == 1797
    assert spec.num_classes == 10


def test_digits_resized_rgb():
    batch = _first_batch(
        data.load("digits", batch_size=4, image_size=(16, 12), channels=3)
    )
    assert batch.shape == (4, 16, 12, 3)
    np.testing.assert_allclose(batch[..., 0], batch[..., 1])


def test_split_slicing():
    assert data.info("digits", split="train[:10%]").num_examples == 180
    assert data.info("digits", split="train[1700:]").num_examples == 97
    dataset = data.load(
        "digits", split="train[:10%]", batch_size=100, drop_remainder=False
    )
    assert sum(len(b) for b in dataset.as_numpy_iterator()) == 180
    with pytest.raises(ValueError, match="`split`.*split='test'"):
        data.load("digits", split="test")


def test_shuffle_is_seeded_and_reshuffles_each_epoch():
    def first(seed):
        return _first_batch(data.load("digits", batch_size=64, seed=seed))

    np.testing.assert_array_equal(first(3), first(3))
    assert not np.array_equal(first(3), first(4))
    dataset = data.load("digits", batch_size=64, seed=3)
    epoch_1, epoch_2 = _first_batch(dataset), _first_batch(dataset)
    assert not np.array_equal(epoch_1, epoch_2)
    unshuffled = data.load("digits", batch_size=64, shuffle=False)
    np.testing.assert_array_equal(
        _first_batch(unshuffled), _first_batch(unshuffled)
    )


def test_repeat_and_file_cache(tmp_path):
    repeated = data.load("digits", batch_size=500, repeat=True, seed=0)
    assert len(list(repeated.take(10))) == 10  # 3 batches per epoch
    twice = data.load("digits", batch_size=500, repeat=2)
    assert len(list(twice)) == 7  # batches span epochs: 2 * 1797 // 500
    cache = os.fspath(tmp_path / "cache")
    cached = data.load("digits", batch_size=500, cache=cache, seed=0)
    assert len(list(cached)) == 3
    assert list(tmp_path.glob("cache*"))
    uncached = data.load("digits", batch_size=500, cache=False)
    assert len(list(uncached)) == 3


@pytest.mark.parametrize(
    "argument, value",
    [
        ("batch_size", 0),
        ("image_size", (0, 4)),
        ("image_size", "big"),
        ("channels", 2),
        ("download", "yes"),
    ],
)
def test_invalid_arguments_are_named(argument, value):
    with pytest.raises(ValueError, match=f"`{argument}`"):
        data.load("digits", **{argument: value})


def _write_png(path, color, size):
    path.parent.mkdir(parents=True, exist_ok=True)
    image = np.full((*size, 3), color, dtype=np.uint8)
    path.write_bytes(tf.io.encode_png(image).numpy())


def _write_jpeg(path, color, size):
    path.parent.mkdir(parents=True, exist_ok=True)
    image = np.full((*size, 3), color, dtype=np.uint8)
    path.write_bytes(tf.io.encode_jpeg(image, quality=100).numpy())


@pytest.fixture
def image_folder(tmp_path):
    root = tmp_path / "images"
    _write_png(root / "black" / "a.png", 0, (20, 30))
    _write_png(root / "black" / "nested" / "b.PNG", 0, (10, 10))
    _write_jpeg(root / "white" / "c.jpg", 255, (16, 16))
    _write_png(root / "white" / "d.png", 255, (40, 20))
    (root / "white" / "notes.txt").write_text("not an image")
    return root


def test_folder_images_labels_and_range(image_folder):
    dataset = data.load(
        os.fspath(image_folder),
        batch_size=4,
        image_size=8,
        shuffle=False,
        with_labels=True,
    )
    assert tuple(dataset.element_spec[0].shape) == (4, 8, 8, 3)
    images, labels = next(iter(dataset))
    np.testing.assert_array_equal(labels, [0, 0, 1, 1])
    np.testing.assert_allclose(images[:2], -1.0)
    np.testing.assert_allclose(images[2:], 1.0, atol=0.02)


def test_folder_default_size_grayscale_and_info(image_folder):
    dataset = data.load(image_folder, batch_size=2, channels=1, seed=0)
    # Default size: the first image in sorted order (black/a.png).
    assert tuple(dataset.element_spec.shape) == (2, 20, 30, 1)
    assert len(list(dataset)) == 2
    spec = data.info(image_folder)
    assert spec.element_shape == (20, 30, 3)
    assert spec.num_examples == 4
    assert spec.num_classes == 2


def test_class_names_in_label_order(image_folder):
    assert data.class_names(image_folder) == ["black", "white"]
    assert data.class_names("fashion_mnist")[7] == "Sneaker"
    assert data.class_names("digits") == [str(d) for d in range(10)]
    assert data.class_names("ring") == [str(m) for m in range(8)]


def test_folder_errors(tmp_path):
    with pytest.raises(ValueError, match="no such folder"):
        data.load(os.fspath(tmp_path / "missing"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="holds no images"):
        data.load(tmp_path / "empty")
    _write_png(tmp_path / "flat" / "a.png", 0, (4, 4))
    with pytest.raises(ValueError, match="class subfolder"):
        data.load(tmp_path / "flat", with_labels=True)


def test_unit_range_helpers():
    images = np.array([-1.0, 0.0, 1.0, 1.2], dtype=np.float32)
    np.testing.assert_allclose(data.to_unit_range(images), [0, 0.5, 1, 1])
    np.testing.assert_allclose(
        data.to_unit_range(images, clip=False), [0, 0.5, 1, 1.1]
    )
    np.testing.assert_allclose(
        data.from_unit_range(data.to_unit_range(images[:3])), images[:3]
    )
    tensor = tf.constant(images)
    np.testing.assert_allclose(data.to_unit_range(tensor), [0, 0.5, 1, 1])
    np.testing.assert_allclose(
        data.from_unit_range(tf.constant([0.0, 0.5, 1.0])), [-1, 0, 1]
    )
    assert data.IMAGE_RANGE == (-1.0, 1.0)


def test_download_true_downloads_an_unprepared_tfds_dataset(
    tmp_path, monkeypatch
):
    calls = []
    monkeypatch.setattr(
        tfds.core.DatasetBuilder,
        "download_and_prepare",
        lambda self, **kwargs: calls.append(self.name),
    )
    builder = tfds_source.prepared_builder("mnist", tmp_path, download=True)
    assert calls == ["mnist"] and builder.name == "mnist"
