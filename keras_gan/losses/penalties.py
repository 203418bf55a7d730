"""Discriminator regularisers that compose with any adversarial loss."""

import keras
import tensorflow as tf
from keras import ops

from keras_gan import distribute

# Inside the square root, so the gradient of the norm stays finite when the
# discriminator's input gradient is exactly zero (TF-GAN does the same).
_NORM_EPSILON = 1e-10


def _squared_input_gradient_norm(discriminator, inputs):
    """Per-example `||grad_x sum D(x)||^2`, for inputs of any rank."""
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        outputs = discriminator(inputs, training=True)
        # Summing over the batch gives each example its own gradient, since
        # examples do not interact (no batch normalisation in the critic).
        total = ops.sum(ops.cast(outputs, "float32"))
    gradients = ops.cast(tape.gradient(total, inputs), "float32")
    axes = list(range(1, len(gradients.shape)))
    return ops.sum(ops.square(gradients), axis=axes)


class DiscriminatorPenalty:
    """Base class of penalties added to the discriminator's loss.

    `GAN.train_step` calls a penalty inside the discriminator's gradient
    tape, once per discriminator update, with that update's real and
    generated batches.

    Args:
        weight: Multiplier of the penalty in the discriminator's loss.
    """

    name = "penalty"

    def __init__(self, weight):
        if not weight > 0:
            raise ValueError(
                "Invalid value for argument `weight`. Expected a positive "
                f"float. Received: weight={weight}"
            )
        self.weight = float(weight)

    def __call__(self, discriminator, real, generated, seed_generator):
        """Returns the weighted penalty, a scalar tensor.

        Args:
            discriminator: The discriminator model.
            real: A real batch.
            generated: A generated batch of the same shape.
            seed_generator: A `keras.random.SeedGenerator` for any
                randomness the penalty needs. Under a `tf.distribute`
                strategy it gives every replica the same values: draw
                per-example values with
                `keras_gan.distribute.replica_random`.
        """
        raise NotImplementedError

    def get_config(self):
        return {"weight": self.weight}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"{type(self).__name__}(weight={self.weight!r})"

    def __eq__(self, other):
        return type(self) is type(other) and (
            self.get_config() == other.get_config()
        )

    def __hash__(self):
        return hash((type(self), self.weight))


@keras.saving.register_keras_serializable(package="keras_gan")
class GradientPenalty(DiscriminatorPenalty):
    """The WGAN-GP gradient penalty (Gulrajani et al. 2017).

    `weight * E[(||grad D(x_hat)||_2 - 1)^2]` at
    `x_hat = real + eps * (generated - real)` with `eps ~ U[0, 1]` drawn per
    example. The norm is `sqrt(sum(g^2) + 1e-10)`: finite gradients even
    where `g = 0`.

    Args:
        weight: Penalty coefficient lambda. Defaults to `10.0`.
    """

    name = "gradient_penalty"

    def __init__(self, weight=10.0):
        super().__init__(weight)

    def __call__(self, discriminator, real, generated, seed_generator):
        real = ops.cast(real, "float32")
        generated = ops.cast(generated, "float32")
        shape = [ops.shape(real)[0]] + [1] * (len(real.shape) - 1)
        # Per replica under a strategy: this replica's rows of the global
        # batch's draw (a seed generator alone repeats them on every one).
        eps = distribute.replica_random(
            keras.random.uniform, shape, seed=seed_generator
        )
        interpolated = real + eps * (generated - real)
        squared = _squared_input_gradient_norm(discriminator, interpolated)
        norm = ops.sqrt(squared + _NORM_EPSILON)
        return self.weight * ops.mean(ops.square(norm - 1.0))


@keras.saving.register_keras_serializable(package="keras_gan")
class R1Penalty(DiscriminatorPenalty):
    """The R1 penalty (Mescheder et al. 2018) on real data.

    `weight / 2 * E[||grad D(x)||_2^2]` over real `x`.

    Args:
        weight: Penalty coefficient gamma. Defaults to `10.0`.
    """

    name = "r1_penalty"

    def __init__(self, weight=10.0):
        super().__init__(weight)

    def __call__(self, discriminator, real, generated, seed_generator):
        squared = _squared_input_gradient_norm(
            discriminator, ops.cast(real, "float32")
        )
        return 0.5 * self.weight * ops.mean(squared)
