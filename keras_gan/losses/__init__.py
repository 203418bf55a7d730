"""Adversarial losses and discriminator penalties."""

from keras_gan.losses.adversarial import (
    HingeLoss,
    LeastSquaresLoss,
    MinimaxLoss,
    NonSaturatingLoss,
    WassersteinLoss,
    hinge_discriminator_loss,
    least_squares_discriminator_loss,
    least_squares_generator_loss,
    minimax_discriminator_loss,
    minimax_generator_loss,
    modified_generator_loss,
    wasserstein_discriminator_loss,
    wasserstein_generator_loss,
)
from keras_gan.losses.auxiliary import (
    AuxiliaryClassifierLoss,
    auxiliary_classifier_loss,
)
from keras_gan.losses.base import AdversarialLoss
from keras_gan.losses.names import (
    get,
    get_penalty,
    loss_names,
    penalty_names,
)
from keras_gan.losses.penalties import (
    DiscriminatorPenalty,
    GradientPenalty,
    LeCamPenalty,
    OutputPenalty,
    R1Penalty,
)

__all__ = [
    "AuxiliaryClassifierLoss",
    "auxiliary_classifier_loss",
    "AdversarialLoss",
    "DiscriminatorPenalty",
    "GradientPenalty",
    "HingeLoss",
    "LeCamPenalty",
    "LeastSquaresLoss",
    "MinimaxLoss",
    "NonSaturatingLoss",
    "OutputPenalty",
    "R1Penalty",
    "WassersteinLoss",
    "get",
    "get_penalty",
    "hinge_discriminator_loss",
    "least_squares_discriminator_loss",
    "least_squares_generator_loss",
    "loss_names",
    "minimax_discriminator_loss",
    "minimax_generator_loss",
    "modified_generator_loss",
    "penalty_names",
    "wasserstein_discriminator_loss",
    "wasserstein_generator_loss",
]
