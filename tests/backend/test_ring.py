"""The ring preset's GAN finds all 8 modes on JAX and on PyTorch."""

import json
import os
import subprocess
import sys

import pytest

pytest.importorskip("jax")
pytest.importorskip("torch")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
# All 8 modes from 1,000 steps on both backends (seed 0); half as many
# again for margin. The raw generator, no average: what the step makes.
STEPS = 1500


@pytest.mark.slow
def test_ring_preset_reaches_eight_modes_on_jax_and_torch():
    processes = {
        backend: subprocess.Popen(
            [sys.executable, "-m", "tests.backend.ring_run", str(STEPS)],
            cwd=ROOT,
            env={
                **os.environ,
                "KERAS_BACKEND": backend,
                "PYTHONPATH": ROOT,
                # The two runs share the cores: OpenMP threads spinning
                # against each other make PyTorch's small kernels ~10x
                # slower.
                "OMP_NUM_THREADS": "1",
            },
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for backend in ("jax", "torch")
    }
    for backend, process in processes.items():
        output, errors = process.communicate(timeout=900)
        assert process.returncode == 0, f"{backend}:\n{errors[-3000:]}"
        metrics = json.loads(output.strip().splitlines()[-1])
        assert metrics["generator_steps"] == STEPS, backend
        assert metrics["modes_captured"] == 8, (backend, metrics)
