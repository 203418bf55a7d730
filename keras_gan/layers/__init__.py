"""Layers the players need."""

from keras_gan.layers.self_attention import SelfAttention
from keras_gan.layers.spectral_normalization import (
    SpectralNormalization,
    advance_power_iterations,
    spectral_normalization_layers,
)

__all__ = [
    "SelfAttention",
    "SpectralNormalization",
    "advance_power_iterations",
    "spectral_normalization_layers",
]
