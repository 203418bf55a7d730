"""The base class of adversarial losses."""

__all__ = [
    "AdversarialLoss",
]


class AdversarialLoss:
    """Base class of the losses that define the adversarial game.

    A loss gives the two players' objectives from the discriminator's raw
    outputs (logits for the logistic losses, critic values for the others).
    Both methods return scalars to be *minimised*.

    To write your own loss, subclass this, implement `discriminator_loss` and
    `generator_loss`, and register it so it survives `model.save`:

    ```python
    @keras.saving.register_keras_serializable(package="my_project")
    class SquaredHingeLoss(keras_gan.losses.AdversarialLoss):
        def discriminator_loss(self, real_outputs, generated_outputs):
            real = keras.ops.relu(1.0 - real_outputs) ** 2
            fake = keras.ops.relu(1.0 + generated_outputs) ** 2
            return keras.ops.mean(real) + keras.ops.mean(fake)

        def generator_loss(self, generated_outputs):
            return -keras.ops.mean(generated_outputs)
    ```

    Subclasses with constructor arguments return exactly those from
    `get_config`.

    Attributes:
        equilibrium_output: The mean value of `discriminator_output` that an
            optimal discriminator gives on both real and generated data when
            the generator matches the data distribution, or `None` when the
            loss has no such fixed point (the Wasserstein and hinge critics
            are unbounded). `EquilibriumStopping` watches for it.
    """

    equilibrium_output = None

    def discriminator_loss(self, real_outputs, generated_outputs):
        """The discriminator's loss, to be minimised.

        Args:
            real_outputs: Discriminator outputs on a real batch.
            generated_outputs: Discriminator outputs on a generated batch.

        Returns:
            A scalar tensor.
        """
        raise NotImplementedError(
            f"{type(self).__name__} must implement `discriminator_loss`."
        )

    def generator_loss(self, generated_outputs):
        """The generator's loss, to be minimised.

        Args:
            generated_outputs: Discriminator outputs on a generated batch.

        Returns:
            A scalar tensor.
        """
        raise NotImplementedError(
            f"{type(self).__name__} must implement `generator_loss`."
        )

    def discriminator_output(self, outputs):
        """Maps raw discriminator outputs to the values logged as `d_real`
        and `d_fake`: probabilities for the logistic losses, the raw critic
        value otherwise."""
        return outputs

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other):
        return type(self) is type(other) and (
            self.get_config() == other.get_config()
        )

    def __hash__(self):
        return hash((type(self), tuple(sorted(self.get_config().items()))))
