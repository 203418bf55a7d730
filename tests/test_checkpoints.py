"""Checkpoints are atomic, rotate, carry their state and restore the newest
one that loads."""

import os

import numpy as np
import pytest

import keras_gan
from keras_gan import checkpoints
from keras_gan.callbacks.checkpoint import PeriodicCheckpoint
from keras_gan.models import mlp_discriminator, mlp_generator


def _gan():
    gan = keras_gan.GAN(
        mlp_generator(2, 2, (4,)), mlp_discriminator(2, (4,)), seed=0
    )
    gan.compile()
    return gan


def _points():
    return np.random.default_rng(0).normal(size=(32, 2)).astype(np.float32)


def test_save_names_by_step_keeps_the_newest_and_stores_state(tmp_path):
    gan = _gan()
    manager = checkpoints.CheckpointManager(tmp_path / "ckpt", keep=2)
    assert manager.checkpoints() == [] and manager.restore() is None
    for _ in range(3):
        gan.fit(_points(), batch_size=8, epochs=1, verbose=0)
        manager.save(gan, {"epochs": 1})
    assert [step for step, _ in manager.checkpoints()] == [8, 12]
    latest = manager.latest()
    assert os.path.basename(latest) == "ckpt-00000012.keras"
    assert checkpoints.read_state(latest) == {"epochs": 1, "step": 12}
    assert sorted(os.listdir(tmp_path / "ckpt")) == [
        "ckpt-00000008.keras",
        "ckpt-00000012.keras",
    ]
    restored, state, path = manager.restore()
    assert path == latest and state["step"] == 12
    assert restored.generator_steps == 12
    for x, y in zip(gan.get_weights(), restored.get_weights()):
        np.testing.assert_array_equal(x, y)


def test_a_failed_write_leaves_no_checkpoint_and_no_temp_file(
    tmp_path, monkeypatch
):
    gan = _gan()
    gan.fit(_points(), batch_size=8, epochs=1, verbose=0)
    manager = checkpoints.CheckpointManager(tmp_path, keep=3)

    def broken_save(path, *args, **kwargs):
        with open(path, "wb") as file:
            file.write(b"PK\x03\x04 half an archive")
        raise OSError("disk full")

    monkeypatch.setattr(gan, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        manager.save(gan)
    assert os.listdir(tmp_path) == []


def test_partial_writes_are_never_taken_for_checkpoints(tmp_path):
    gan = _gan()
    gan.fit(_points(), batch_size=8, epochs=1, verbose=0)
    checkpoints.CheckpointManager(tmp_path).save(gan)
    # What a process killed while writing leaves behind.
    partial = tmp_path / ".tmp-ckpt-abc123.keras"
    partial.write_bytes(b"PK\x03\x04 truncated")
    manager = checkpoints.CheckpointManager(tmp_path)
    assert [step for step, _ in manager.checkpoints()] == [4]
    assert manager.restore()[0].generator_steps == 4
    gan.fit(_points(), batch_size=8, epochs=1, verbose=0)
    manager.save(gan)  # the writer cleans up
    assert not partial.exists()


def test_restore_skips_a_damaged_newest_checkpoint(tmp_path):
    gan = _gan()
    manager = checkpoints.CheckpointManager(tmp_path, keep=3)
    gan.fit(_points(), batch_size=8, epochs=1, verbose=0)
    good = manager.save(gan)
    (tmp_path / checkpoints.checkpoint_name(99)).write_bytes(b"garbage")
    with pytest.warns(UserWarning, match="ckpt-00000099.keras"):
        restored, _, path = manager.restore()
    assert path == good and restored.generator_steps == 4
    os.remove(good)
    with (
        pytest.raises(checkpoints.CheckpointError, match="No checkpoint"),
        pytest.warns(UserWarning),
    ):
        manager.restore()


def test_periodic_checkpoint_saves_at_epoch_ends_and_steps(tmp_path):
    gan = _gan()
    callback = PeriodicCheckpoint(
        tmp_path,
        every_n_epochs=2,
        every_n_steps=3,
        keep=10,
        state_fn=lambda: {"note": "x"},
    )
    gan.fit(_points(), batch_size=8, epochs=4, callbacks=[callback], verbose=0)
    steps = [step for step, _ in callback.manager.checkpoints()]
    # Every 3 steps, and at the ends of epochs 2 and 4 (steps 8 and 16).
    assert steps == [3, 6, 8, 9, 12, 15, 16]
    assert checkpoints.read_state(callback.manager.latest())["note"] == "x"
    with pytest.raises(ValueError, match="every_n_steps"):
        PeriodicCheckpoint(tmp_path, every_n_steps=0)
