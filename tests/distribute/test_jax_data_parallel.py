"""JAX's `keras.distribution.DataParallel` on two devices trains like one.

`jax_data_parallel_scenario.py` runs in a subprocess with two simulated CPU
devices (`XLA_FLAGS=--xla_force_host_platform_device_count=2`, read when
JAX starts). The same weights, data and steps (k = 2, R1 and LeCam, the
generator average, SGD, so that a gradient summed instead of averaged over
the devices would show) train without a distribution and under
`DataParallel` over both devices.
The noise is the GAN's own: one device and two draw it for the global
batch from the same seed generator, or the weights could not agree.
PyTorch has no `keras.distribution` data parallelism: `fit` refuses it.
"""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from tests.float32 import reordering_tolerance

pytest.importorskip("jax")

_HERE = os.path.dirname(os.path.abspath(__file__))
_ROOT = os.path.dirname(os.path.dirname(_HERE))

# The devices sum the gradients over the global batch in another order than
# one device. The longest sum is over the batch of 8 (the players are at most
# 8 wide); R1 puts four sums in a chain (forward, the input gradient, and
# the update differentiating it): n = 8, r = 4, after 2 generator steps of
# k + 1 = 3 updates (m = 6).
_TOL = reordering_tolerance(terms=8, reductions=4, updates=6)


def _run(script, backend, **env):
    completed = subprocess.run(
        [sys.executable, "-c", script],
        cwd=_ROOT,
        env={
            **os.environ,
            "KERAS_BACKEND": backend,
            "PYTHONPATH": _ROOT,
            "CUDA_VISIBLE_DEVICES": "",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=480,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    return completed.stdout


@pytest.fixture(scope="module")
def results():
    output = _run(
        "from tests.distribute import jax_data_parallel_scenario as s; "
        "s.main()",
        "jax",
        XLA_FLAGS="--xla_force_host_platform_device_count=2",
    )
    lines = [line for line in output.splitlines() if line.startswith("RESULT")]
    assert lines, output[-4000:]
    return json.loads(lines[-1][len("RESULT ") :])


@pytest.mark.slow
def test_the_batch_axis_is_split_over_both_devices(results):
    # [batch, k, features]: each device gets half the batch's rows of every
    # one of the k real batches; one device gets them all.
    for batch in results["data_parallel"]["batches"]:
        assert batch == {
            "shape": [8, 2, 3],
            "devices": 2,
            "shard_shape": [4, 2, 3],
        }
    assert all(b["devices"] == 1 for b in results["single"]["batches"])
    assert len(results["data_parallel"]["batches"]) == 2


@pytest.mark.slow
def test_every_variable_of_the_state_stays_replicated(results):
    # Both players, both optimizers, the metrics and the penalties' state.
    assert results["data_parallel"]["state_devices"] == [2]
    assert results["single"]["state_devices"] == [1]


@pytest.mark.slow
def test_two_devices_update_the_weights_like_one(results):
    single, parallel = results["single"], results["data_parallel"]
    assert single["generator_steps"] == parallel["generator_steps"] == 2
    # The noise stream advanced identically.
    assert single["seed_state"] == parallel["seed_state"]
    assert len(single["weights"]) == len(parallel["weights"])
    for expected, actual in zip(single["weights"], parallel["weights"]):
        np.testing.assert_allclose(actual, expected, rtol=_TOL, atol=_TOL)
    # The steps moved the weights (updates of 0.05 x a gradient of order
    # one), so a summed gradient could not match.
    assert single["logs"][0]["d_loss"] != single["logs"][1]["d_loss"]


@pytest.mark.slow
def test_logged_values_are_those_of_the_global_batch(results):
    single, parallel = results["single"], results["data_parallel"]
    assert len(single["logs"]) == len(parallel["logs"]) == 2
    for expected, actual in zip(single["logs"], parallel["logs"]):
        assert set(actual) == set(expected)
        for key in expected:
            assert actual[key] == pytest.approx(
                expected[key], rel=_TOL, abs=_TOL
            ), key
    for key, expected in single["evaluate"].items():
        assert parallel["evaluate"][key] == pytest.approx(
            expected, rel=_TOL, abs=_TOL
        ), key


@pytest.mark.slow
def test_a_gan_built_before_the_distribution_is_refused(results):
    message = results["built_before"]
    assert message is not None
    assert "Expected the GAN created" in message
    assert "dense_8/kernel" in message


@pytest.mark.slow
def test_a_batch_the_devices_cannot_split_is_refused(results):
    assert results["indivisible"] == (
        "`DataParallel` splits each batch over 2 devices. Expected a global "
        "batch size divisible by 2. Received: batch_size=5"
    )


def test_pytorch_refuses_a_keras_distribution():
    pytest.importorskip("torch")
    script = textwrap.dedent(
        """
        import keras
        import numpy as np

        import keras_gan

        keras.distribution.set_distribution(
            keras.distribution.DataParallel(devices=["cpu:0"])
        )
        generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])
        discriminator = keras.Sequential(
            [keras.Input((3,)), keras.layers.Dense(1)]
        )
        gan = keras_gan.GAN(generator, discriminator, seed=0)
        gan.compile()
        before = [w.copy() for w in gan.get_weights()]
        try:
            gan.fit(np.zeros((8, 3), "float32"), batch_size=4, verbose=0)
        except ValueError as error:
            print("REFUSED", error)
        after = gan.get_weights()
        same = [np.array_equal(a, b) for a, b in zip(before, after)]
        print("UNCHANGED", all(same))
        """
    )
    output = _run(script, "torch")
    assert "REFUSED" in output and "no `keras.distribution`" in output
    assert "Received: distribution=<DataParallel" in output
    assert "UNCHANGED True" in output
