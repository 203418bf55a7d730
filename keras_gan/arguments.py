"""Argument checks shared by the library's public functions."""

import numpy as np

__all__ = [
    "check_positive_int",
]


def check_positive_int(name, value, allow_none=False, allow_zero=False):
    """Returns `value` as an int, or raises a `ValueError` naming the
    argument, what was expected and what was received.

    Args:
        name: The argument's name, for the message.
        value: The value to check; bools are refused.
        allow_none: Whether `None` passes (and is returned). Defaults to
            `False`.
        allow_zero: Whether 0 passes. Defaults to `False`.

    Returns:
        `int(value)`, or `None` where allowed.
    """
    if value is None and allow_none:
        return None
    minimum = 0 if allow_zero else 1
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, np.integer))
        or value < minimum
    ):
        kind = "non-negative" if allow_zero else "positive"
        expected = f"a {kind} integer" + (" or None" if allow_none else "")
        raise ValueError(
            f"Invalid value for argument `{name}`. Expected {expected}. "
            f"Received: {name}={value!r}"
        )
    return int(value)
