"""Layers the players need."""

from keras_gan.layers.conditioning import (
    ClassProjection,
    ConditionalBatchNormalization,
    OneHotLabels,
)

__all__ = [
    "ClassProjection",
    "ConditionalBatchNormalization",
    "OneHotLabels",
]
