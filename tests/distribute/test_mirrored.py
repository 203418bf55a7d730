"""Two replicas (MirroredStrategy) train exactly like one device.

The scenario runs in a subprocess (mirrored_scenario.py) that splits the CPU
into two logical devices before TensorFlow starts. Both runs draw the same
noise without any test hook: the GAN draws noise for the global batch from
its one seed generator and each replica keeps its rows, so a replica-count
independent result is what the library promises, and what is checked.
The optimizers are SGD, whose update is proportional to the gradient: a
gradient summed instead of averaged over the replicas would show (Adam
normalises the gradient's scale away).
"""

import numpy as np
import pytest

from tests.float32 import reordering_tolerance

_CASES = ("points", "images_gp", "images_r1")
# The replicas sum the gradients in another order than one device. Longest
# sum: the conv kernel's gradient over the global batch of 8 at 2x2
# positions (32 terms). Chain: the generator's 2 dense layers and the
# discriminator's 3 forward, back through all 5, and the penalty's input
# gradient back and forth through the discriminator again (16). Updates:
# 2 generator steps of k = 2 discriminator updates and one generator update.
_TOL = reordering_tolerance(terms=32, reductions=16, updates=6)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def results(run_scenario):
    return run_scenario("mirrored_scenario.py", timeout=480)


def test_each_replica_draws_its_own_rows_of_the_global_noise(results):
    first, second = (np.array(x) for x in results["noise"]["per_replica"])
    assert not np.allclose(first, second)
    np.testing.assert_array_equal(
        np.concatenate([first, second]), results["noise"]["single"]
    )


@pytest.mark.parametrize("case", _CASES)
def test_two_replicas_update_the_weights_like_one_device(results, case):
    single, mirrored = results[case]["single"], results[case]["mirrored"]
    assert (single["replicas"], mirrored["replicas"]) == (1, 2)
    assert single["generator_steps"] == mirrored["generator_steps"] == 2
    # The noise stream advanced identically too.
    assert single["seed_state"] == mirrored["seed_state"]
    for expected, actual in zip(single["weights"], mirrored["weights"]):
        np.testing.assert_allclose(actual, expected, rtol=_TOL, atol=_TOL)


@pytest.mark.parametrize("case", _CASES)
def test_logged_values_are_those_of_the_global_batch(results, case):
    single, mirrored = results[case]["single"], results[case]["mirrored"]
    assert set(mirrored["logs"]) == set(single["logs"])
    for key, expected in single["logs"].items():
        assert mirrored["logs"][key] == pytest.approx(
            expected, rel=_TOL, abs=_TOL
        ), key
        # Cross-replica reads of the trackers, and each replica's own.
        assert mirrored["trackers"][key] == pytest.approx(
            expected, rel=_TOL, abs=_TOL
        )
        for local in mirrored["local_trackers"][key]:
            assert local == pytest.approx(expected, rel=_TOL, abs=_TOL), key
    for key, expected in single["evaluate"].items():
        actual = mirrored["evaluate"][key]
        assert actual == pytest.approx(expected, rel=_TOL, abs=_TOL), key


def test_global_batch_must_split_evenly_over_replicas(results):
    checks = results["batch_checks"]
    assert checks["per_replica_batch_size"] == 4
    assert "divisible by the number of replicas (2)" in checks["uneven_error"]
    assert "Received batches of 7 samples" in checks["uneven_fit_error"]
