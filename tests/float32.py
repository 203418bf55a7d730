"""Tolerances for float32 results that two configurations sum in other orders.

Two configurations of one computation (two replicas against one device, one
graph against another, a resumed run against an uninterrupted one, and one
backend against another) do the same float32 arithmetic, but their kernels
may add the terms of each sum in a different order, and the CPU decides
which: oneDNN picks its blocking from the vector units it finds (AVX2 and
AVX-512 machines differ). Their results then differ by rounding alone, and a
tolerance must bound that rounding for any order, not the order one CPU
happened to use.

The bound, to first order in the unit roundoff u = 2**-24 of float32:

- One sum of n terms, in any order, is within (n - 1) u of the exact sum,
  relative to the sum of the terms' magnitudes (Higham, *Accuracy and
  Stability of Numerical Algorithms*, 2nd ed., 2002, eq. 4.4). Two orders
  then differ by at most 2 n u of that magnitude.
- A value that depends on a chain of r such sums (the layers forward, their
  gradients backward, a penalty's second derivative) carries the errors of
  each, added: 2 r n u, with n the longest sum in the chain.
- Each optimizer update writes its rounding into the weights that every later
  step reads, so after m updates the bound is 2 m r n u.

Errors add in the worst case; in practice they partly cancel, so measured
differences sit one to two orders of magnitude below the bound. The bound is
relative to the terms' magnitudes, not to the result's: a result that cancels
(a loss near zero, a small weight) needs it as an absolute tolerance as
well. The players in these tests have weights and activations of order one,
so the same number serves as both.

The bound stays far below what a real mistake gives: a gradient summed
instead of averaged over replicas, a wrong noise row or a missing optimizer
state change a weight by a learning rate times a gradient (about 1e-2 in the
scenarios that use it), and a mixed-up label flips a loss.
"""

UNIT_ROUNDOFF = 2.0**-24


def reordering_tolerance(terms, reductions, updates=1):
    """Largest difference between two float32 computations summing in
    different orders.

    Args:
        terms: the longest sum in the computation (a layer's fan-in, or a
            gradient's sum over the batch and positions).
        reductions: how many sums a compared value passes through, one after
            the other (forward, backward, and again for a penalty's input
            gradient).
        updates: optimizer updates before the comparison (k + 1 per
            generator step). Defaults to `1`.

    Returns:
        A tolerance to use as both `rtol` and `atol`.
    """
    for name, value in (
        ("terms", terms),
        ("reductions", reductions),
        ("updates", updates),
    ):
        if int(value) != value or value < 1:
            raise ValueError(
                f"Expected `{name}` to be a positive integer. "
                f"Received: {name}={value!r}"
            )
    return 2.0 * updates * reductions * terms * UNIT_ROUNDOFF
