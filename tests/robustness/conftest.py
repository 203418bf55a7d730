"""The bin/ script fixtures of tests/training, shared here, and variants
that change how the script's process starts. `ring_config` is in
tests/conftest.py."""

import importlib.util
import pathlib
import subprocess

import pytest

_spec = importlib.util.spec_from_file_location(
    "keras_gan_tests_training_conftest",
    pathlib.Path(__file__).resolve().parents[1] / "training" / "conftest.py",
)
_training = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_training)

bin_train = _training.bin_train
run_script = _training.run_script


def _popen_args(env, preexec_fn):
    return dict(
        env=_training._script_env(**(env or {})),
        cwd=_training.ROOT,
        preexec_fn=preexec_fn,
        text=True,
    )


@pytest.fixture
def run_script_with():
    """`run_script_with(name, *args, env=None, preexec_fn=None,
    timeout=300)`: `run_script` with more environment variables and a
    function run in the child process before the script starts."""

    def run(name, *args, env=None, preexec_fn=None, timeout=300):
        return subprocess.run(
            _training._script_command(name, *args),
            capture_output=True,
            timeout=timeout,
            **_popen_args(env, preexec_fn),
        )

    return run


@pytest.fixture
def start_script_with():
    """`start_script_with(name, *args, log, env=None)` starts `bin/<name>`
    with more environment variables and returns the `subprocess.Popen`.
    Its output goes to the file `log` (a pipe nobody reads could fill up
    and stall it)."""

    def start(name, *args, log, env=None):
        with open(log, "w") as output:
            return subprocess.Popen(
                _training._script_command(name, *args),
                stdout=output,
                stderr=subprocess.STDOUT,
                **_popen_args(env, None),
            )

    return start
