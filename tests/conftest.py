"""Shared test set-up: quiet TensorFlow, offline data, never the user's
TFDS data_dir."""

import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import pytest  # noqa: E402

from keras_gan.data import fashion_mnist  # noqa: E402
from keras_gan.training.config import TrainConfig  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_data_dirs(tmp_path, monkeypatch):
    """Points every default TFDS data_dir at a fresh temporary folder."""
    monkeypatch.setenv("TFDS_DATA_DIR", os.fspath(tmp_path / "tfds_default"))
    monkeypatch.delenv(fashion_mnist.SOURCE_DIR_ENV, raising=False)


@pytest.fixture(scope="session")
def fashion_mnist_data_dir(tmp_path_factory):
    """A TFDS data_dir with `fashion_mnist` prepared from the Debian
    package's files, once per session (about 15 s)."""
    if not os.path.isdir(fashion_mnist.DEFAULT_SOURCE_DIR):
        pytest.fail(
            f"{fashion_mnist.DEFAULT_SOURCE_DIR} is missing: "
            f"apt-get install -y {fashion_mnist.DEBIAN_PACKAGE} (bin/setup "
            "does)"
        )
    data_dir = tmp_path_factory.mktemp("tfds")
    start = time.perf_counter()
    fashion_mnist.prepare(
        source_dir=fashion_mnist.DEFAULT_SOURCE_DIR, data_dir=data_dir
    )
    fashion_mnist_data_dir.seconds = time.perf_counter() - start
    return data_dir


@pytest.fixture
def ring_config(tmp_path):
    """`ring_config(workdir=None, **overrides)`: the `TrainConfig` of a
    5-step run of a tiny MLP on the ring, which trains in seconds, in
    `workdir` (`tmp_path / "run"` when `None`); `overrides` replace its
    settings."""

    def make(workdir=None, **overrides):
        settings = dict(
            dataset="ring",
            hidden_units=(8,),
            latent_dim=3,
            batch_size=16,
            steps=5,
            steps_per_epoch=5,
            workdir=os.fspath(tmp_path / "run" if workdir is None else workdir),
        )
        settings.update(overrides)
        return TrainConfig(**settings)

    return make
