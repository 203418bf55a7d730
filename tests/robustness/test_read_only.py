"""A workdir on a file system mounted read-only (a real tmpfs mounted
`ro`, which needs root and a mount namespace that allows it; skipped
elsewhere, like the permission tests): refused before anything is
written, fresh or resumed, by root too."""

import dataclasses
import os
import subprocess

import pytest

from keras_gan import files
from keras_gan.training import train_lib


def _mount(*args):
    return subprocess.run(
        ["mount", *args], capture_output=True, text=True, check=False
    )


@pytest.fixture
def tmpfs(tmp_path):
    """`(directory, remount)`: a fresh tmpfs, read-write, and a function
    `remount(read_only)`. Unmounted at the end."""
    directory = tmp_path / "mnt"
    directory.mkdir()
    if os.geteuid() != 0:
        pytest.skip("Mounting a read-only file system needs root.")
    done = _mount("-t", "tmpfs", "-o", "size=64m", "tmpfs", directory)
    if done.returncode != 0:
        pytest.skip(f"Cannot mount a tmpfs here: {done.stderr.strip()}")

    def remount(read_only):
        option = "remount,ro" if read_only else "remount,rw"
        done = _mount("-o", option, directory)
        assert done.returncode == 0, done.stderr

    yield directory, remount
    subprocess.run(["umount", directory], check=True)


def _tree(directory):
    return sorted(
        os.path.join(parent, name)
        for parent, dirs, names in os.walk(directory)
        for name in [*dirs, *names]
    )


@pytest.mark.parametrize("where", ["workdir", "its_parent"])
def test_a_read_only_file_system_is_refused_before_anything_is_written(
    tmpfs, ring_config, where
):
    directory, remount = tmpfs
    if where == "its_parent":
        config = ring_config(directory / "new" / "run")
    else:
        (directory / "run").mkdir()
        config = ring_config(directory / "run")
    remount(read_only=True)
    with pytest.raises(files.WriteError, match="read-only file system"):
        train_lib.train(config)
    remount(read_only=False)
    assert _tree(directory) == (
        [] if where == "its_parent" else [os.fspath(directory / "run")]
    )


def test_a_run_whose_file_system_became_read_only_is_refused_to_resume(
    tmpfs, ring_config
):
    directory, remount = tmpfs
    config = ring_config(directory / "run")
    train_lib.train(config)
    before = {path: os.stat(path).st_mtime_ns for path in _tree(directory)}
    remount(read_only=True)
    resumed = dataclasses.replace(config, steps=10)
    with pytest.raises(files.WriteError) as info:
        train_lib.train(resumed)
    assert "is on a read-only file system" in str(info.value)
    assert os.fspath(directory / "run") in str(info.value)
    remount(read_only=False)
    after = {path: os.stat(path).st_mtime_ns for path in _tree(directory)}
    assert after == before
