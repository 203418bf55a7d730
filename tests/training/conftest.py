"""Fixtures for the training tests: the bin/ scripts run as a user runs
them. The data fixtures are in tests/conftest.py."""

import importlib.machinery
import importlib.util
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _load_script(name):
    # Once per process: the script defines its flags in the global FLAGS.
    module_name = f"keras_gan_bin_{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    path = os.fspath(ROOT / "bin" / name)
    loader = importlib.machinery.SourceFileLoader(module_name, path)
    spec = importlib.util.spec_from_loader(module_name, loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    loader.exec_module(module)
    return module


def _script_env(**extra):
    # The checkout importable, TFDS_DATA_DIR as the test set it.
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [os.fspath(ROOT), *filter(None, [env.get("PYTHONPATH")])]
    )
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.update(extra)
    return env


def _script_command(name, *args):
    return [sys.executable, os.fspath(ROOT / "bin" / name), *map(str, args)]


def _run_script(name, *args, timeout=300):
    return subprocess.run(
        _script_command(name, *args),
        capture_output=True,
        text=True,
        timeout=timeout,
        env=_script_env(),
        cwd=ROOT,
    )


@pytest.fixture
def run_script():
    """`run_script(name, *args, timeout=300)` runs `bin/<name>` in a
    subprocess and returns the `CompletedProcess` (text output)."""
    return _run_script


@pytest.fixture
def start_script():
    """`start_script(name, *args)` starts `bin/<name>` and returns the
    `subprocess.Popen` (output to pipes)."""

    def start(name, *args):
        return subprocess.Popen(
            _script_command(name, *args),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=_script_env(),
            cwd=ROOT,
        )

    return start


@pytest.fixture
def bin_train():
    """The `bin/train` script, imported as a module."""
    return _load_script("train")


@pytest.fixture
def crash_at():
    """`crash_at(step)`: a Keras callback that fails like a killed process,
    abruptly (`KeyboardInterrupt`), once the model reaches `step`
    generator steps."""
    import keras

    class CrashAt(keras.callbacks.Callback):
        def __init__(self, step):
            super().__init__()
            self.step = step

        def on_train_batch_end(self, batch, logs=None):
            if self.model.generator_steps == self.step:
                raise KeyboardInterrupt

    return CrashAt
