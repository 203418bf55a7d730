"""The same GAN step on TensorFlow, JAX and PyTorch (keras_gan.backend).

Each backend runs `tests/backend/scenario.py` in its own process (Keras
reads `KERAS_BACKEND` once), then loads the `.keras` files the others
saved. The algorithm these tests hold every backend to is the one of
docs/contracts.md: k discriminator updates, each on its own real batch and
fresh noise with the generator fixed, then one generator update with the
discriminator fixed.
"""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from tests.backend.scenario import BATCH, STEPS, K
from tests.float32 import reordering_tolerance

pytest.importorskip("jax")
pytest.importorskip("torch")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
BACKENDS = ("tensorflow", "jax", "torch")
OTHERS = ("jax", "torch")

# Parity after STEPS generator steps of K + 1 updates each (m = 6): the
# longest sum is over a batch of 8 (the players are 8 wide, the
# conditional discriminator's input 3 + 3 classes), and R1 puts four sums
# in a chain (forward, the input gradient, and the update differentiating
# that gradient: n = 8, r = 4).
PARITY_TOLERANCE = reordering_tolerance(
    terms=BATCH, reductions=4, updates=STEPS * (K + 1)
)
# A generator saved on one backend and run on another: three layers
# (Dense, BatchNormalization, Dense) of at most 8 terms, no update.
LOADED_TOLERANCE = reordering_tolerance(terms=8, reductions=3)


def _run_all(directory, *arguments):
    processes = {
        backend: subprocess.Popen(
            [sys.executable, "-m", "tests.backend.scenario", directory]
            + list(arguments),
            cwd=ROOT,
            env={**os.environ, "KERAS_BACKEND": backend, "PYTHONPATH": ROOT},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for backend in BACKENDS
    }
    for backend, process in processes.items():
        output, _ = process.communicate(timeout=600)
        assert process.returncode == 0, f"{backend}:\n{output[-3000:]}"


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    directory = os.fspath(tmp_path_factory.mktemp("backends"))
    _run_all(directory)
    _run_all(directory, "--load")

    def read(name):
        with open(os.path.join(directory, name)) as f:
            return json.load(f)

    return {
        backend: {
            **read(f"{backend}.json"),
            "loaded": read(f"{backend}_loaded.json"),
        }
        for backend in BACKENDS
    }


def _assert_same_step(reference, other):
    assert len(reference["logs"]) == len(other["logs"]) == STEPS
    for expected, received in zip(reference["logs"], other["logs"]):
        assert set(received) == set(expected)
        for key in expected:
            np.testing.assert_allclose(
                received[key],
                expected[key],
                rtol=PARITY_TOLERANCE,
                atol=PARITY_TOLERANCE,
                err_msg=key,
            )
    assert set(other["weights"]) == set(reference["weights"])
    for path, expected in reference["weights"].items():
        np.testing.assert_allclose(
            other["weights"][path],
            expected,
            rtol=PARITY_TOLERANCE,
            atol=PARITY_TOLERANCE,
            err_msg=path,
        )


@pytest.mark.slow
@pytest.mark.parametrize("backend", OTHERS)
@pytest.mark.parametrize("scenario", ["unconditional", "conditional"])
def test_step_matches_tensorflow(results, backend, scenario):
    """k = 2, R1 and LeCam, spectral norm in D, batch normalisation in G
    (and a conditional pair with lazy R1): the same weights, batches and noise
    give the same logged losses after each of two steps, and the same
    weights and generator average (`ema_decay`) after them.
    """
    reference = results["tensorflow"][scenario]
    # The steps moved the weights: a backend that skipped an update could
    # not match (updates of about 0.05 x a gradient of order one).
    assert reference["logs"][0] != reference["logs"][1]
    _assert_same_step(reference, results[backend][scenario])


@pytest.mark.slow
@pytest.mark.parametrize("backend", OTHERS)
def test_step_changes_the_variables_tensorflow_changes(results, backend):
    """A variable the JAX state did not carry would keep its value."""
    expected = results["tensorflow"]["changed"]
    for state in (
        "moving_mean",
        "moving_variance",
        "/u",
        "seed_generator_state",
        "iteration",
        "lecam_ema_real",
        "d_loss/total",
    ):
        assert any(path.endswith(state) for path in expected), state
    assert results[backend]["changed"] == expected


@pytest.mark.slow
@pytest.mark.parametrize("backend", OTHERS)
def test_augmented_step_changes_the_variables_tensorflow_changes(
    results, backend
):
    expected = results["tensorflow"]["changed_augmented"]
    assert any(path.endswith("sign_sum") for path in expected["ada"])
    assert any(
        path.endswith("seed_generator_state")
        for path in expected["diffaugment"]
    )
    assert results[backend]["changed_augmented"] == expected


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_each_update_leaves_the_other_player_fixed(results, backend):
    assert results[backend]["fixed"] == {
        "generator_in_d_update": False,
        "discriminator_in_g_update": False,
        "accumulated_grad": False,
        # docs/contracts.md, "Logged keys".
        "logged": ["d_fake", "d_loss", "d_real", "g_loss", "r1_penalty"],
        "generator_steps": 1,
    }


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_several_steps_per_execution(results, backend):
    """Run on TensorFlow and JAX; refused on PyTorch before any step."""
    result = results[backend]["steps_per_execution"]
    if backend == "torch":
        assert "steps_per_execution" in result["error"]
        assert "PyTorch" in result["error"]
        assert result["generator_steps"] == 0
    else:
        assert result == {"error": None, "generator_steps": 2}


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_keras_file_saved_on_one_backend_loads_on_another(results, backend):
    loaded = results[backend]["loaded"]
    assert set(loaded) == set(BACKENDS) - {backend}
    for other, result in loaded.items():
        assert result["generator_steps"] == 1, other
        assert result["max_difference"] <= LOADED_TOLERANCE, other
