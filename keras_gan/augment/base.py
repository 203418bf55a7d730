"""The base class of augmentations applied inside the GAN's updates."""

import keras
from keras import ops


class Augmentation(keras.layers.Layer):
    """Base class of differentiable augmentations of a `GAN`'s
    discriminator inputs.

    `GAN` calls `augment` on the real and the generated batch of every
    discriminator update and on the generated batch of the generator
    update (inside its gradient tape, so the generator's gradient flows
    through), never in evaluation or sampling. Penalties see the same
    augmented batches the discriminator does. An augmentation is a layer
    so that its state (ADA's probability) is saved and restored with the
    model; its randomness comes from the GAN's seed generator.

    Subclasses implement `augment(images, seed_generator)` and may override
    `observe` and `log_values`.
    """

    #: Names of the values `log_values` returns, logged every step.
    log_names = ("augment_p",)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.built = True

    def augment(self, images, seed_generator):
        """Returns the augmented batch.

        Args:
            images: A batch `[batch, height, width, channels]` in
                `[-1, 1]`.
            seed_generator: The GAN's `keras.random.SeedGenerator`. Draw
                per-example values with `keras_gan.distribute.
                replica_random`, so replicas differ as examples do.
        """
        raise NotImplementedError

    def observe(self, real_outputs):
        """Called with the raw discriminator outputs on the (augmented)
        real batch of every discriminator update. Defaults to nothing."""

    def log_values(self):
        """The logged values, in the order of `log_names`."""
        return [ops.ones((), "float32")]

    def call(self, images):
        raise NotImplementedError(
            "Augmentations are applied by `GAN` through `augment`."
        )
