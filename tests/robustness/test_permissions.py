"""Files written atomically keep the permissions the user's umask gives.

A temporary file (`tempfile.mkstemp`, 0600) or directory (`mkdtemp`,
0700) renamed into place used to keep its private mode: an export of
mode 0700 that a serving process of another user cannot read. Every kind
of file a run writes is checked here, under umask 022 and 077.
"""

import os
import stat

import keras
import numpy as np
import pytest

from keras_gan import checkpoints, export, files, models, plots
from keras_gan.models.gan import GAN

UMASKS = (0o022, 0o077)


@pytest.fixture(params=UMASKS, ids=lambda m: f"umask{m:03o}")
def umask(request):
    previous = os.umask(request.param)
    yield request.param
    os.umask(previous)


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def _expected(path, umask):
    base = 0o777 if os.path.isdir(path) else 0o666
    return base & ~umask


def _wrong_modes(root, umask):
    """`{path: (mode, expected)}` for everything under `root` (and `root`
    itself) whose mode is not what a plain `open`/`mkdir` gives."""
    wrong = {}
    paths = [root]
    for parent, dirs, names in os.walk(root):
        paths += [os.path.join(parent, name) for name in [*dirs, *names]]
    for path in paths:
        if _mode(path) != _expected(path, umask):
            wrong[path] = (oct(_mode(path)), oct(_expected(path, umask)))
    return wrong


def test_default_mode_follows_the_umask(umask):
    assert files.current_umask() == umask
    assert files.default_mode() == 0o666 & ~umask
    assert files.default_mode(directory=True) == 0o777 & ~umask
    # Reading it does not change it.
    assert os.umask(umask) == umask


def _tiny_gan():
    generator, discriminator = models.build_pair(
        "mlp", (2,), 3, hidden_units=(4,)
    )
    gan = GAN(generator, discriminator, latent_dim=3, seed=0)
    gan.compile(
        g_optimizer=keras.optimizers.Adam(), d_optimizer=keras.optimizers.Adam()
    )
    gan.build()
    return gan


def test_each_kind_of_file_gets_the_umask_mode(tmp_path, umask):
    root = tmp_path / "out"
    files.write_json(root / "config.json", {"a": 1})
    files.atomic_write(
        root / "samples.npz",
        lambda tmp: np.savez(tmp, samples=np.zeros(3)),
        suffix=".npz",
    )
    plots.save_png(np.zeros((4, 4, 3), np.uint8), root / "grid.png")
    plots.save_scatter_png(np.zeros((5, 2), np.float32), root / "ring.png")
    gan = _tiny_gan()
    checkpoint = checkpoints.CheckpointManager(root / "checkpoints").save(gan)
    export_dir = export.export_generator(gan, os.fspath(root / "export"))
    # Replacing an export keeps the mode too.
    export.export_generator(gan, export_dir, overwrite=True)

    assert _mode(checkpoint) == 0o666 & ~umask
    assert _mode(export_dir) == 0o777 & ~umask
    assert _wrong_modes(os.fspath(root), umask) == {}


@pytest.mark.slow
def test_bin_train_and_generate_write_with_the_umask_mode(
    tmp_path, run_script_with
):
    # The stricter umask end to end (each process costs seconds); both
    # umasks are checked in-process above for every kind of file.
    mask = 0o077
    workdir = tmp_path / "run"

    def preexec_fn():
        os.umask(mask)

    trained = run_script_with(
        "train",
        "--dataset=ring",
        "--hidden_units=8",
        "--latent_dim=3",
        "--batch_size=16",
        "--steps=10",
        "--steps_per_epoch=5",
        "--verbose=0",
        f"--workdir={workdir}",
        preexec_fn=preexec_fn,
    )
    assert trained.returncode == 0, trained.stderr
    generated = run_script_with(
        "generate",
        f"--export_dir={workdir / 'export'}",
        "--num=50",
        f"--out={tmp_path / 'generated' / 'samples.png'}",
        preexec_fn=preexec_fn,
    )
    assert generated.returncode == 0, generated.stderr
    kinds = {
        "config.json",
        "metrics.csv",
        "curves.png",
        "checkpoints",
        "samples",
        "tensorboard",
        "export",
    }
    assert kinds <= set(os.listdir(workdir))
    assert _wrong_modes(os.fspath(workdir), mask) == {}
    assert _wrong_modes(os.fspath(tmp_path / "generated"), mask) == {}
