"""The losses and penalties by name: what `GAN.compile` accepts."""

import keras

from keras_gan.losses.adversarial import (
    HingeLoss,
    LeastSquaresLoss,
    MinimaxLoss,
    NonSaturatingLoss,
    WassersteinLoss,
)
from keras_gan.losses.base import AdversarialLoss
from keras_gan.losses.penalties import (
    DiscriminatorPenalty,
    GradientPenalty,
    LeCamPenalty,
    R1Penalty,
)

__all__ = ["get", "get_penalty", "loss_names", "penalty_names"]

_LOSSES_BY_NAME = {
    "minimax": MinimaxLoss,
    "non_saturating": NonSaturatingLoss,
    "wasserstein": WassersteinLoss,
    "hinge": HingeLoss,
    "least_squares": LeastSquaresLoss,
}

_PENALTIES_BY_NAME = {
    "gradient_penalty": GradientPenalty,
    "r1": R1Penalty,
    "lecam": LeCamPenalty,
}


def get(identifier):
    """Returns the loss object for `identifier`: a name, a config dict or an
    `AdversarialLoss` (returned as is)."""
    return _resolve(identifier, _LOSSES_BY_NAME, AdversarialLoss, "loss")


def get_penalty(identifier):
    """Returns the penalty for `identifier`: a name, a config dict or a
    `DiscriminatorPenalty` (returned as is)."""
    return _resolve(
        identifier, _PENALTIES_BY_NAME, DiscriminatorPenalty, "penalty"
    )


def loss_names():
    """The names `get` accepts."""
    return sorted(_LOSSES_BY_NAME)


def penalty_names():
    """The names `get_penalty` accepts."""
    return sorted(_PENALTIES_BY_NAME)


def _resolve(identifier, by_name, base, argument):
    if isinstance(identifier, base):
        return identifier
    if isinstance(identifier, str) and identifier in by_name:
        return by_name[identifier]()
    if isinstance(identifier, dict):
        obj = keras.saving.deserialize_keras_object(identifier)
        if isinstance(obj, base):
            return obj
    raise ValueError(
        f"Invalid value for argument `{argument}`. Expected one of "
        f"{sorted(by_name)} or a `{base.__name__}` instance. "
        f"Received: {argument}={identifier!r}"
    )
