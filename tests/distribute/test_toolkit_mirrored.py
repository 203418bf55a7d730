"""Spectral norm, ADA, LeCam and lazy R1 under MirroredStrategy: the same
state on every replica, and the same training as on one device."""

import numpy as np
import pytest

from tests.float32 import reordering_tolerance

pytestmark = pytest.mark.slow
# Longest sum: the conv kernel's gradient over the global batch of 8 at 6x6
# positions (288 terms). Chain: the generator's dense layer, the
# discriminator's conv and dense layers with their spectral norms' power
# iterations, back through all, and lazy R1's input gradient through the
# discriminator twice more (14). Updates: 2 generator steps of k = 2
# discriminator updates and one generator update.
_TOL = reordering_tolerance(terms=288, reductions=14, updates=6)


@pytest.fixture(scope="module")
def results(run_scenario):
    return run_scenario("toolkit_scenario.py", timeout=300)


def test_state_is_the_same_on_every_replica(results):
    mirrored = results["mirrored"]
    assert mirrored["replicas"] == 2
    for state in [*mirrored["u"], mirrored["p"], *mirrored["lecam"]]:
        assert len(state) == 2
        np.testing.assert_array_equal(state[0], state[1])


def test_two_replicas_train_like_one_device(results):
    single, mirrored = results["single"], results["mirrored"]
    assert single["p"][0] != 0.5  # ADA moved p
    np.testing.assert_allclose(mirrored["p"][0], single["p"][0], rtol=1e-6)
    for a, b in zip(single["u"], mirrored["u"]):
        np.testing.assert_allclose(b[0], a[0], rtol=_TOL, atol=_TOL)
    for a, b in zip(single["lecam"], mirrored["lecam"]):
        np.testing.assert_allclose(b[0], a[0], rtol=_TOL, atol=_TOL)
    for a, b in zip(single["weights"], mirrored["weights"]):
        np.testing.assert_allclose(b, a, rtol=_TOL, atol=_TOL)
    for key in ("d_loss", "g_loss", "augment_p", "ada_r_t", "lecam_penalty"):
        assert mirrored["logs"][key] == pytest.approx(
            single["logs"][key], rel=_TOL, abs=_TOL
        ), key
