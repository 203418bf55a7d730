"""Keras callbacks for GAN training.

Keras's own callbacks work with `GAN` too: `keras.callbacks.EarlyStopping`
and `ModelCheckpoint` on any logged key, `TerminateOnNaN`, `CSVLogger`,
`TensorBoard`, `BackupAndRestore`.
"""

from keras_gan.callbacks.checkpoint import PeriodicCheckpoint
from keras_gan.callbacks.divergence import TerminateOnNonFinite
from keras_gan.callbacks.equilibrium_stopping import EquilibriumStopping
from keras_gan.callbacks.evaluation import Evaluation
from keras_gan.callbacks.fresh_discriminator_stopping import (
    FreshDiscriminatorStopping,
)
from keras_gan.callbacks.loss_threshold import LossThreshold
from keras_gan.callbacks.metrics_log import MetricsLog
from keras_gan.callbacks.sample_grid import SampleGrid
from keras_gan.callbacks.step_budget import StepBudget
from keras_gan.callbacks.time_budget import TimeBudget
from keras_gan.callbacks.training_curves import TrainingCurves
from keras_gan.models.generator_ema import GeneratorEMA
from keras_gan.progbar import ProgbarLogger

__all__ = [
    "EquilibriumStopping",
    "Evaluation",
    "FreshDiscriminatorStopping",
    "GeneratorEMA",
    "LossThreshold",
    "MetricsLog",
    "PeriodicCheckpoint",
    "ProgbarLogger",
    "SampleGrid",
    "StepBudget",
    "TerminateOnNonFinite",
    "TimeBudget",
    "TrainingCurves",
]
