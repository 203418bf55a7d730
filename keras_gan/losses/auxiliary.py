"""The auxiliary-classifier loss of AC-GAN, around any adversarial loss."""

import keras
from keras import ops

from keras_gan.losses.base import AdversarialLoss
from keras_gan.losses.names import get as get_loss

__all__ = [
    "AuxiliaryClassifierLoss",
    "auxiliary_classifier_loss",
]


def auxiliary_classifier_loss(labels, class_logits):
    """Mean cross-entropy `-E log softmax(class_logits)[label]`."""
    return ops.mean(
        keras.losses.sparse_categorical_crossentropy(
            ops.cast(labels, "int32"),
            ops.cast(class_logits, "float32"),
            from_logits=True,
        )
    )


@keras.saving.register_keras_serializable(package="keras_gan")
class AuxiliaryClassifierLoss(AdversarialLoss):
    """An adversarial loss plus an auxiliary classifier (AC-GAN, Odena et
    al. 2017), for class-conditional GANs.

    The discriminator outputs `[batch, 1 + num_classes]`: column 0 is the
    adversarial output that `adversarial` scores, the others are class
    logits (`conditional_*_discriminator(..., auxiliary_classifier=True)`
    builds one). Both players also minimise the classifier's
    cross-entropy `CE(y, c(x)) = -E log softmax(c(x))[y]` at the labels:

    - discriminator: `adversarial.discriminator_loss(real, fake) +
      weight * (CE(y, c(x_real)) + CE(y, c(G(z, y))))`;
    - generator: `adversarial.generator_loss(fake) + weight *
      CE(y, c(G(z, y)))`.

    `d_real` and `d_fake` log the adversarial column, and the penalties
    see the adversarial column alone.

    Args:
        adversarial: The adversarial loss: an `AdversarialLoss` or a name
            of `keras_gan.losses.loss_names()`. Defaults to
            `"non_saturating"`.
        weight: Weight of the classification terms. Defaults to `1.0`.

    Example:

    ```python
    discriminator = keras_gan.models.conditional_dcgan_discriminator(
        10, auxiliary_classifier=True
    )
    gan.compile(loss=AuxiliaryClassifierLoss("hinge", weight=0.5))
    ```
    """

    uses_labels = True

    def __init__(self, adversarial="non_saturating", weight=1.0):
        if isinstance(adversarial, AuxiliaryClassifierLoss):
            raise ValueError(
                "Invalid value for argument `adversarial`. Expected an "
                "adversarial loss. Received: an AuxiliaryClassifierLoss"
            )
        self.adversarial = get_loss(adversarial)
        if not (
            isinstance(weight, (int, float))
            and not isinstance(weight, bool)
            and weight > 0
        ):
            raise ValueError(
                "Invalid value for argument `weight`. Expected a positive "
                f"number. Received: weight={weight!r}"
            )
        self.weight = float(weight)
        self.equilibrium_output = getattr(
            self.adversarial, "equilibrium_output", None
        )

    @staticmethod
    def adversarial_outputs(outputs):
        """Column 0 of the discriminator's outputs, `[batch, 1]`."""
        return outputs[:, :1]

    @staticmethod
    def class_logits(outputs):
        """The class logits of the discriminator's outputs."""
        return outputs[:, 1:]

    def discriminator_loss(self, real_outputs, generated_outputs, labels):
        adversarial = self.adversarial.discriminator_loss(
            self.adversarial_outputs(real_outputs),
            self.adversarial_outputs(generated_outputs),
        )
        classification = auxiliary_classifier_loss(
            labels, self.class_logits(real_outputs)
        ) + auxiliary_classifier_loss(
            labels, self.class_logits(generated_outputs)
        )
        return adversarial + self.weight * classification

    def generator_loss(self, generated_outputs, labels):
        adversarial = self.adversarial.generator_loss(
            self.adversarial_outputs(generated_outputs)
        )
        classification = auxiliary_classifier_loss(
            labels, self.class_logits(generated_outputs)
        )
        return adversarial + self.weight * classification

    def discriminator_output(self, outputs):
        return self.adversarial.discriminator_output(
            self.adversarial_outputs(outputs)
        )

    def get_config(self):
        return {
            "adversarial": keras.saving.serialize_keras_object(
                self.adversarial
            ),
            "weight": self.weight,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["adversarial"] = keras.saving.deserialize_keras_object(
            config["adversarial"]
        )
        return cls(**config)

    def __repr__(self):
        return (
            f"AuxiliaryClassifierLoss(adversarial={self.adversarial!r}, "
            f"weight={self.weight!r})"
        )

    def __hash__(self):
        return hash((type(self), self.adversarial, self.weight))
