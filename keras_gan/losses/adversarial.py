"""Adversarial losses: pure functions and the thin classes that wrap them.

Every function takes raw discriminator outputs (logits for the logistic
losses, critic values for the others) and returns a scalar to minimise.
Arguments are named by role, as in TF-GAN: `discriminator_real_outputs` and
`discriminator_gen_outputs`.
"""

import keras
from keras import ops

from keras_gan.losses.base import AdversarialLoss

__all__ = [
    "HingeLoss",
    "LeastSquaresLoss",
    "MinimaxLoss",
    "NonSaturatingLoss",
    "WassersteinLoss",
    "hinge_discriminator_loss",
    "least_squares_discriminator_loss",
    "least_squares_generator_loss",
    "minimax_discriminator_loss",
    "minimax_generator_loss",
    "modified_generator_loss",
    "wasserstein_discriminator_loss",
    "wasserstein_generator_loss",
]

# -- Logistic losses (Goodfellow et al. 2014, "Generative Adversarial Nets") --


def minimax_discriminator_loss(
    discriminator_real_outputs, discriminator_gen_outputs, label_smoothing=0.0
):
    """The discriminator side of the original GAN game.

    `-E[log D(x)] - E[log(1 - D(G(z)))]` with `D = sigmoid(logits)`, written
    as `softplus(-real) + softplus(gen)` so it is exact for any logit.
    One-sided label smoothing (Salimans et al. 2016) replaces the real
    target 1 by `1 - label_smoothing`.

    Args:
        discriminator_real_outputs: Logits on real data.
        discriminator_gen_outputs: Logits on generated data.
        label_smoothing: Amount taken off the real label. Defaults to `0.0`.

    Returns:
        A scalar tensor.
    """
    real = ops.convert_to_tensor(discriminator_real_outputs)
    gen = ops.convert_to_tensor(discriminator_gen_outputs)
    real_target = 1.0 - label_smoothing
    real_loss = real_target * ops.softplus(-real) + (
        label_smoothing * ops.softplus(real)
    )
    return ops.mean(real_loss) + ops.mean(ops.softplus(gen))


def minimax_generator_loss(discriminator_gen_outputs):
    """The generator side of the original game: minimise
    `E[log(1 - D(G(z)))] = -E[softplus(logits)]`.

    Saturates: when the discriminator rejects samples confidently
    (`D(G(z)) -> 0`) its gradient `-sigmoid(logits)` vanishes.

    Args:
        discriminator_gen_outputs: Logits on generated data.

    Returns:
        A scalar tensor.
    """
    gen = ops.convert_to_tensor(discriminator_gen_outputs)
    return -ops.mean(ops.softplus(gen))


def modified_generator_loss(discriminator_gen_outputs):
    """The non-saturating generator loss: maximise `E[log D(G(z))]`, i.e.
    minimise `E[softplus(-logits)]`.

    Same fixed point as the minimax loss, but its gradient
    `-sigmoid(-logits)` tends to -1, not 0, when the discriminator rejects
    samples confidently (Goodfellow et al. 2014, section 3).

    Args:
        discriminator_gen_outputs: Logits on generated data.

    Returns:
        A scalar tensor.
    """
    gen = ops.convert_to_tensor(discriminator_gen_outputs)
    return ops.mean(ops.softplus(-gen))


# -- Wasserstein (Arjovsky et al. 2017) --


def wasserstein_discriminator_loss(
    discriminator_real_outputs, discriminator_gen_outputs
):
    """The critic's loss `E[D(G(z))] - E[D(x)]`.

    Args:
        discriminator_real_outputs: Critic values on real data.
        discriminator_gen_outputs: Critic values on generated data.

    Returns:
        A scalar tensor.
    """
    return ops.mean(discriminator_gen_outputs) - ops.mean(
        discriminator_real_outputs
    )


def wasserstein_generator_loss(discriminator_gen_outputs):
    """The generator's loss `-E[D(G(z))]`; also the hinge generator loss.

    Args:
        discriminator_gen_outputs: Critic values on generated data.

    Returns:
        A scalar tensor.
    """
    return -ops.mean(discriminator_gen_outputs)


# -- Hinge (Lim & Ye 2017; Miyato et al. 2018) --


def hinge_discriminator_loss(
    discriminator_real_outputs, discriminator_gen_outputs
):
    """`E[relu(1 - D(x))] + E[relu(1 + D(G(z)))]`.

    Args:
        discriminator_real_outputs: Critic values on real data.
        discriminator_gen_outputs: Critic values on generated data.

    Returns:
        A scalar tensor.
    """
    return ops.mean(ops.relu(1.0 - discriminator_real_outputs)) + ops.mean(
        ops.relu(1.0 + discriminator_gen_outputs)
    )


# -- Least squares (Mao et al. 2017, targets a=0, b=1, c=1) --


def least_squares_discriminator_loss(
    discriminator_real_outputs, discriminator_gen_outputs
):
    """`0.5 E[(D(x) - 1)^2] + 0.5 E[D(G(z))^2]`.

    Args:
        discriminator_real_outputs: Raw outputs on real data.
        discriminator_gen_outputs: Raw outputs on generated data.

    Returns:
        A scalar tensor.
    """
    return 0.5 * ops.mean(ops.square(discriminator_real_outputs - 1.0)) + (
        0.5 * ops.mean(ops.square(discriminator_gen_outputs))
    )


def least_squares_generator_loss(discriminator_gen_outputs):
    """`0.5 E[(D(G(z)) - 1)^2]`.

    Args:
        discriminator_gen_outputs: Raw outputs on generated data.

    Returns:
        A scalar tensor.
    """
    return 0.5 * ops.mean(ops.square(discriminator_gen_outputs - 1.0))


# -- Classes --


class _LogisticLoss(AdversarialLoss):
    """Shared by the two logistic losses: same discriminator objective,
    probabilities logged, optimum D* = 1/2."""

    equilibrium_output = 0.5

    def __init__(self, label_smoothing=0.0):
        if not 0.0 <= label_smoothing < 1.0:
            raise ValueError(
                "Invalid value for argument `label_smoothing`. Expected a "
                f"float in [0, 1). Received: label_smoothing={label_smoothing}"
            )
        self.label_smoothing = float(label_smoothing)

    def discriminator_loss(self, real_outputs, generated_outputs):
        return minimax_discriminator_loss(
            real_outputs, generated_outputs, self.label_smoothing
        )

    def discriminator_output(self, outputs):
        return ops.sigmoid(outputs)

    def get_config(self):
        return {"label_smoothing": self.label_smoothing}


@keras.saving.register_keras_serializable(package="keras_gan")
class MinimaxLoss(_LogisticLoss):
    """The original minimax objective of Goodfellow et al. (2014).

    Discriminator: `-E[log D(x)] - E[log(1 - D(G(z)))]`.
    Generator: minimise `E[log(1 - D(G(z)))]` (saturating: prefer
    `NonSaturatingLoss` in practice).

    Args:
        label_smoothing: One-sided smoothing of the real label. Defaults to
            `0.0`.
    """

    def generator_loss(self, generated_outputs):
        return minimax_generator_loss(generated_outputs)


@keras.saving.register_keras_serializable(package="keras_gan")
class NonSaturatingLoss(_LogisticLoss):
    """The non-saturating GAN loss used in practice (the default).

    Discriminator: as `MinimaxLoss`. Generator: maximise `E[log D(G(z))]`,
    i.e. minimise `E[softplus(-D_logits(G(z)))]`.

    Args:
        label_smoothing: One-sided smoothing of the real label. Defaults to
            `0.0`.
    """

    def generator_loss(self, generated_outputs):
        return modified_generator_loss(generated_outputs)


@keras.saving.register_keras_serializable(package="keras_gan")
class WassersteinLoss(AdversarialLoss):
    """The Wasserstein GAN loss (Arjovsky et al. 2017).

    Critic: `E[D(G(z))] - E[D(x)]`. Generator: `-E[D(G(z))]`. The critic
    must be kept 1-Lipschitz: pair it with `GradientPenalty` (WGAN-GP).
    """

    def discriminator_loss(self, real_outputs, generated_outputs):
        return wasserstein_discriminator_loss(real_outputs, generated_outputs)

    def generator_loss(self, generated_outputs):
        return wasserstein_generator_loss(generated_outputs)


@keras.saving.register_keras_serializable(package="keras_gan")
class HingeLoss(AdversarialLoss):
    """The hinge loss of SN-GAN and BigGAN.

    Discriminator: `E[relu(1 - D(x))] + E[relu(1 + D(G(z)))]`.
    Generator: `-E[D(G(z))]`.
    """

    def discriminator_loss(self, real_outputs, generated_outputs):
        return hinge_discriminator_loss(real_outputs, generated_outputs)

    def generator_loss(self, generated_outputs):
        return wasserstein_generator_loss(generated_outputs)


@keras.saving.register_keras_serializable(package="keras_gan")
class LeastSquaresLoss(AdversarialLoss):
    """The least-squares GAN loss (Mao et al. 2017) with targets 0 (fake)
    and 1 (real) for the discriminator and 1 for the generator.

    Discriminator: `0.5 E[(D(x) - 1)^2] + 0.5 E[D(G(z))^2]`.
    Generator: `0.5 E[(D(G(z)) - 1)^2]`. The optimal discriminator is
    `p_data / (p_data + p_g)`, so its equilibrium output is 1/2 as well.
    """

    equilibrium_output = 0.5

    def discriminator_loss(self, real_outputs, generated_outputs):
        return least_squares_discriminator_loss(real_outputs, generated_outputs)

    def generator_loss(self, generated_outputs):
        return least_squares_generator_loss(generated_outputs)
