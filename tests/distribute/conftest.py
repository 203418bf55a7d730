"""Shared set-up of the distribution tests: a scenario script runs in its
own process (logical devices are fixed at TensorFlow's start) and prints
one `RESULT <json>` line."""

import json
import os
import subprocess
import sys

import pytest

_HERE = os.path.dirname(os.path.abspath(__file__))
_ROOT = os.path.dirname(os.path.dirname(_HERE))


def _run_scenario(script, timeout):
    env = dict(os.environ, PYTHONPATH=_ROOT, CUDA_VISIBLE_DEVICES="")
    completed = subprocess.run(
        [sys.executable, os.path.join(_HERE, script)],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    lines = [
        line
        for line in completed.stdout.splitlines()
        if line.startswith("RESULT ")
    ]
    assert completed.returncode == 0 and lines, completed.stderr[-4000:]
    return json.loads(lines[-1][len("RESULT ") :])


@pytest.fixture(scope="session")
def run_scenario():
    """`run_scenario(script, timeout)` runs `tests/distribute/<script>` and
    returns the JSON of its last `RESULT` line."""
    return _run_scenario
