"""Differentiable augmentation of the discriminator's inputs: DiffAugment
and adaptive augmentation (ADA)."""

import keras

from keras_gan.augment import transforms
from keras_gan.augment.ada import AUGMENTATIONS, AdaptiveAugment
from keras_gan.augment.base import Augmentation
from keras_gan.augment.diffaugment import POLICIES, DiffAugment

_BY_NAME = {"diffaugment": DiffAugment, "ada": AdaptiveAugment}


def names():
    """The names `get` accepts."""
    return sorted(_BY_NAME)


def get(identifier):
    """Returns the augmentation for `identifier`: `None` (none), a name
    from `names()` (default settings), a config dict or an `Augmentation`
    (returned as is)."""
    if identifier is None or isinstance(identifier, Augmentation):
        return identifier
    if isinstance(identifier, str) and identifier in _BY_NAME:
        return _BY_NAME[identifier]()
    if isinstance(identifier, dict):
        obj = keras.saving.deserialize_keras_object(identifier)
        if isinstance(obj, Augmentation):
            return obj
    raise ValueError(
        "Invalid value for argument `augment`. Expected None, one of "
        f"{names()} or an `Augmentation` instance. Received: "
        f"augment={identifier!r}"
    )


__all__ = [
    "AUGMENTATIONS",
    "AdaptiveAugment",
    "Augmentation",
    "DiffAugment",
    "POLICIES",
    "get",
    "names",
    "transforms",
]
