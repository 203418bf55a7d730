"""Layers the players need: conditioning, spectral normalisation,
self-attention."""

from keras_gan.layers.conditioning import (
    ClassProjection,
    ConditionalBatchNormalization,
    OneHotLabels,
)
from keras_gan.layers.self_attention import SelfAttention
from keras_gan.layers.spectral_normalization import (
    SpectralNormalization,
    advance_power_iterations,
    spectral_normalization_layers,
)

__all__ = [
    "ClassProjection",
    "ConditionalBatchNormalization",
    "OneHotLabels",
    "SelfAttention",
    "SpectralNormalization",
    "advance_power_iterations",
    "spectral_normalization_layers",
]
