"""The base class of augmentations applied inside the GAN's updates."""

import keras
from keras import ops

__all__ = [
    "Augmentation",
    "AugmentedDiscriminator",
    "chain",
]


class Augmentation(keras.layers.Layer):
    """Base class of differentiable augmentations of a `GAN`'s
    discriminator inputs.

    `GAN` augments the real and the generated batch of every discriminator
    update and the generated batch of the generator update (inside its
    gradient tape, so the generator's gradient flows through), never in
    evaluation or sampling. An augmentation is a layer so that its state
    (ADA's probability) is saved and restored with the model; its
    randomness comes from the GAN's seed generator.

    Subclasses implement `draw(images, seed_generator)`, which draws one
    batch's random values and returns the transform they fix, and may
    override `observe` and `log_values`. Splitting the draw from its
    application lets `GAN` apply one draw twice: to the real batch, and
    inside the penalties, which by default differentiate the
    discriminator through the augmentation with respect to the raw batch
    (`GAN(penalty_inputs="augmented")`).
    """

    #: Names of the values `log_values` returns, logged every step.
    log_names = ("augment_p",)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.built = True

    def draw(self, images, seed_generator):
        """Draws the random values of one batch's augmentation.

        Args:
            images: A batch `[batch, height, width, channels]` in
                `[-1, 1]`; its shape sets the draws.
            seed_generator: The GAN's `keras.random.SeedGenerator`. Draw
                per-example values with `keras_gan.distribute.
                replica_random`, so replicas differ as examples do.

        Returns:
            A function mapping a batch of that shape to its augmented
            batch with these draws: differentiable in the images, drawing
            nothing, the same transform on every call.
        """
        raise NotImplementedError

    def augment(self, images, seed_generator):
        """Returns the augmented batch, `draw(images, seed_generator)
        (images)`.

        Args:
            images: A batch `[batch, height, width, channels]` in
                `[-1, 1]`.
            seed_generator: The GAN's `keras.random.SeedGenerator`.
        """
        return self.draw(images, seed_generator)(images)

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


def chain(steps):
    """The transform applying `steps`, `(function, arguments)` pairs, in
    order: `x = function(x, *arguments)` for each."""

    def transform(images):
        for function, arguments in steps:
            images = function(images, *arguments)
        return images

    return transform


class AugmentedDiscriminator:
    """A discriminator seen through one drawn augmentation: a function of
    raw samples, `discriminator(transform(samples))`, as the penalties
    (`keras_gan.losses.penalties`) call it. Every other attribute is the
    discriminator's."""

    def __init__(self, discriminator, transform):
        self._discriminator = discriminator
        self._transform = transform

    def __call__(self, samples, training=False):
        return self._discriminator(self._transform(samples), training=training)

    def __getattr__(self, name):
        return getattr(self._discriminator, name)
