"""A class-conditional GAN trains with the compiled step on JAX and
PyTorch, where TensorFlow's graph assertions on labels cannot run, and an
out-of-range label is still refused."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("jax")
pytest.importorskip("torch")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_conditional_gan_trains_compiled_and_refuses_bad_labels(backend):
    completed = subprocess.run(
        [sys.executable, "-m", "tests.backend.conditional_scenario"],
        cwd=ROOT,
        env={**os.environ, "KERAS_BACKEND": backend, "PYTHONPATH": ROOT},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    line = completed.stdout.strip().splitlines()[-1]
    result = json.loads(line.removeprefix("RESULT "))
    assert result["steps"] == 2
    for key in ("d_loss", "g_loss", "d_real", "d_fake"):
        assert np.isfinite(result["logs"][key]), key
    assert result["samples"] == [6, 2]
    assert "Expected class labels in [0, 3)" in result["out_of_range"]
