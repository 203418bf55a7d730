"""Fixtures for the data tests: offline, never the real TFDS data_dir."""

import os
import time

import pytest

from keras_gan.data import fashion_mnist


@pytest.fixture(autouse=True)
def _isolated_data_dirs(tmp_path, monkeypatch):
    """Points every default TFDS data_dir at a fresh temporary folder."""
    monkeypatch.setenv("TFDS_DATA_DIR", os.fspath(tmp_path / "tfds_default"))
    monkeypatch.delenv(fashion_mnist.SOURCE_DIR_ENV, raising=False)


@pytest.fixture(scope="session")
def fashion_mnist_data_dir(tmp_path_factory):
    """A TFDS data_dir with `fashion_mnist` prepared from the local files.

    Prepared once per session from /usr/share/datasets/fashion-mnist.
    """
    if not os.path.isdir(fashion_mnist.DEFAULT_SOURCE_DIR):
        pytest.skip(
            f"{fashion_mnist.DEFAULT_SOURCE_DIR} is missing: "
            f"apt-get install -y {fashion_mnist.DEBIAN_PACKAGE}"
        )
    data_dir = tmp_path_factory.mktemp("tfds")
    start = time.perf_counter()
    fashion_mnist.prepare(
        source_dir=fashion_mnist.DEFAULT_SOURCE_DIR, data_dir=data_dir
    )
    fashion_mnist_data_dir.seconds = time.perf_counter() - start
    return data_dir
