"""Seeds that follow Keras's global seed when none is given.

`keras.utils.set_random_seed(s)` seeds Python's `random`, NumPy's global
generator and TensorFlow's global seed, and resets Keras's own global
`SeedGenerator`. A `keras.random.SeedGenerator(None)` then draws its seed
from Python's `random`. Everything random in keras_gan that takes
`seed=None` does the same through `resolve_seed`, so one
`keras.utils.set_random_seed` call makes a whole run repeatable, and
without one every run draws fresh seeds.
"""

import random

import numpy as np

__all__ = [
    "resolve_seed",
]

# tf.data and NumPy both take seeds below 2**31.
_MAX_SEED = 2**31 - 1


def resolve_seed(seed):
    """Returns `seed`, or a fresh one from Python's `random` when it is
    `None`.

    Args:
        seed: An integer seed, or `None`.

    Returns:
        An integer seed: `seed` itself, or one drawn from Python's global
        `random` (which `keras.utils.set_random_seed` seeds), as
        `keras.random.SeedGenerator(None)` draws its own.

    Example:

    ```python
    keras.utils.set_random_seed(0)
    a = keras_gan.seeding.resolve_seed(None)
    keras.utils.set_random_seed(0)
    assert keras_gan.seeding.resolve_seed(None) == a
    ```
    """
    if seed is None:
        return random.randint(1, _MAX_SEED)
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise ValueError(
            "Invalid value for argument `seed`. Expected an integer or "
            f"None. Received: seed={seed!r}"
        )
    return int(seed)
