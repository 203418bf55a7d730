"""Keras callbacks for GAN training.

Keras's own callbacks work with `GAN` too: `keras.callbacks.EarlyStopping`
and `ModelCheckpoint` on any logged key, `TerminateOnNaN`, `CSVLogger`,
`TensorBoard`, `BackupAndRestore`.
"""

from keras_gan.callbacks.equilibrium_stopping import EquilibriumStopping
from keras_gan.callbacks.loss_threshold import LossThreshold
from keras_gan.callbacks.sample_grid import SampleGrid
from keras_gan.callbacks.step_budget import StepBudget

__all__ = ["EquilibriumStopping", "LossThreshold", "SampleGrid", "StepBudget"]
