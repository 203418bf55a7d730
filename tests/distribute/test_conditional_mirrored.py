"""Two replicas train a conditional GAN exactly like one device: each
replica's shard keeps its labels, and the gradient penalty sees them."""

import numpy as np
import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def results(run_scenario):
    return run_scenario("conditional_mirrored_scenario.py", timeout=300)


def test_two_replicas_update_the_weights_like_one_device(results):
    single, mirrored = results["single"], results["mirrored"]
    assert (single["replicas"], mirrored["replicas"]) == (1, 2)
    assert single["generator_steps"] == mirrored["generator_steps"] == 2
    for expected, actual in zip(single["weights"], mirrored["weights"]):
        np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-5)


def test_logged_values_are_those_of_the_global_batch(results):
    single, mirrored = results["single"], results["mirrored"]
    assert set(mirrored["logs"]) == set(single["logs"])
    for key, expected in single["logs"].items():
        assert mirrored["logs"][key] == pytest.approx(expected, rel=1e-5), key
    for key, expected in single["evaluate"].items():
        actual = mirrored["evaluate"][key]
        assert actual == pytest.approx(expected, rel=1e-5, abs=1e-6), key
