"""The shared positive-integer check."""

import numpy as np
import pytest

from keras_gan.arguments import check_positive_int


def test_accepts_python_and_numpy_integers():
    assert check_positive_int("n", 3) == 3
    assert type(check_positive_int("n", np.int64(4))) is int
    assert check_positive_int("n", 0, allow_zero=True) == 0
    assert check_positive_int("n", None, allow_none=True) is None


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        (0, {}, "a positive integer"),
        (-1, {"allow_zero": True}, "a non-negative integer"),
        (2.5, {}, "a positive integer"),
        (True, {}, "a positive integer"),
        (None, {}, "a positive integer"),
        (0, {"allow_none": True}, "a positive integer or None"),
    ],
)
def test_rejects_with_name_expected_and_received(value, kwargs, expected):
    with pytest.raises(ValueError) as error:
        check_positive_int("steps", value, **kwargs)
    message = str(error.value)
    assert f"`steps`. Expected {expected}." in message
    assert f"Received: steps={value!r}" in message
