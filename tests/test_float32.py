"""The float32 reordering tolerance bounds what another summation order
changes, and is no looser than the argument says."""

import numpy as np
import pytest

from tests.float32 import UNIT_ROUNDOFF, reordering_tolerance


@pytest.mark.parametrize("n", [8, 288, 4096])
def test_two_summation_orders_differ_by_less_than_the_bound(n):
    rng = np.random.default_rng(n)
    worst = 0.0
    for _ in range(50):
        terms = rng.normal(size=n).astype(np.float32)
        scale = float(np.abs(terms.astype(np.float64)).sum())
        forward = np.float32(0)
        for t in terms:  # left to right, float32 at every addition
            forward = np.float32(forward + t)
        pairwise = terms.sum(dtype=np.float32)  # numpy's pairwise blocks
        worst = max(worst, abs(float(forward) - float(pairwise)) / scale)
    assert worst <= reordering_tolerance(terms=n, reductions=1)
    assert worst > 0  # the orders do differ: the test can see rounding


def test_the_bound_grows_with_each_factor():
    base = reordering_tolerance(terms=8, reductions=3, updates=2)
    assert base == pytest.approx(2 * 8 * 3 * 2 * UNIT_ROUNDOFF)
    assert reordering_tolerance(terms=16, reductions=3, updates=2) == 2 * base
    assert reordering_tolerance(terms=8, reductions=6, updates=2) == 2 * base
    assert reordering_tolerance(terms=8, reductions=3, updates=4) == 2 * base


@pytest.mark.parametrize("bad", [dict(terms=0), dict(reductions=1.5)])
def test_rejects_counts_that_are_not_positive_integers(bad):
    kwargs = dict(terms=8, reductions=1) | bad
    with pytest.raises(ValueError, match="positive integer"):
        reordering_tolerance(**kwargs)
