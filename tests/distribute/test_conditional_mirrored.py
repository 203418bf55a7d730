"""Two replicas train a conditional GAN exactly like one device: each
replica's shard keeps its labels, and the gradient penalty sees them."""

import numpy as np
import pytest

from tests.float32 import reordering_tolerance

pytestmark = pytest.mark.slow
# Longest sum: a dense kernel's gradient over the global batch of 8. Chain:
# the generator's 2 dense layers, the discriminator's dense layer and its
# two heads, back through all, and the penalty's input gradient through the
# discriminator twice more (14). Updates: 2 generator steps of k = 2
# discriminator updates and one generator update.
_TOL = reordering_tolerance(terms=8, reductions=14, updates=6)


@pytest.fixture(scope="module")
def results(run_scenario):
    return run_scenario("conditional_mirrored_scenario.py", timeout=300)


def test_two_replicas_update_the_weights_like_one_device(results):
    single, mirrored = results["single"], results["mirrored"]
    assert (single["replicas"], mirrored["replicas"]) == (1, 2)
    assert single["generator_steps"] == mirrored["generator_steps"] == 2
    for expected, actual in zip(single["weights"], mirrored["weights"]):
        np.testing.assert_allclose(actual, expected, rtol=_TOL, atol=_TOL)


def test_logged_values_are_those_of_the_global_batch(results):
    single, mirrored = results["single"], results["mirrored"]
    assert set(mirrored["logs"]) == set(single["logs"])
    for key, expected in single["logs"].items():
        assert mirrored["logs"][key] == pytest.approx(
            expected, rel=_TOL, abs=_TOL
        ), key
    for key, expected in single["evaluate"].items():
        actual = mirrored["evaluate"][key]
        assert actual == pytest.approx(expected, rel=_TOL, abs=_TOL), key
