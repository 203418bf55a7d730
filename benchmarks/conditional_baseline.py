"""The keras.io `conditional_gan.py` baseline: a class-conditional GAN by
input concatenation, the reference of the conditional quality study.

Written after keras.io's "Conditional GAN" example (Sayak Paul,
`examples/generative/conditional_gan.py`), what a Keras user starts from to
generate the class they ask for. Its architecture, step and optimiser are
kept as they are:

- Generator: the noise (128) concatenated with the label's one-hot code
  (10), `Dense(7 * 7 * 138)`, `LeakyReLU(0.2)`, `Reshape((7, 7, 138))`,
  twice `Conv2DTranspose(128, 4, strides=2, "same")` and `LeakyReLU(0.2)`,
  then `Conv2D(1, 7, "same", activation="sigmoid")`: images in [0, 1].
- Discriminator: the image with the one-hot code tiled over it as 10 more
  channels, `Conv2D(64, 3, strides=2, "same")`, `LeakyReLU(0.2)`,
  `Conv2D(128, 3, strides=2, "same")`, `LeakyReLU(0.2)`,
  `GlobalMaxPooling2D()`, `Dense(1)`: a logit.
- Per step: one discriminator update on `concatenate([generated, real])`
  with binary cross-entropy from logits (generated labelled 1, real 0, as
  keras.io labels them), then one generator update on fresh noise at the
  real batch's labels, aiming at 0. Adam(3e-4) for both players, batch 64.

Changed, so that the comparison is fair and reproducible, and nothing
else:

- Seeded: the initial weights (`keras.utils.set_random_seed`), the noise
  (keras.io's one `SeedGenerator`, of the run's seed rather than 1337) and
  the data order. keras.io shuffles unseeded.
- Its data: the Fashion-MNIST training split only, through
  `keras_gan.data.load` (keras.io trains on MNIST's training and test
  images together; here the test split is what samples are scored
  against). keras_gan's images in [-1, 1] are mapped to keras.io's [0, 1]
  exactly, `(x + 1) / 2`; labels come as integers and are one-hot coded
  inside the players (keras.io codes them in the dataset: the same
  numbers).
- Its samples are scored as it makes them: the sigmoid's [0, 1] output is
  exported with `value_range=(0, 1)`, which maps nothing (the export's
  clip to [0, 1] does nothing to a sigmoid), and the export takes `z` and
  `labels` as docs/contracts.md, "SavedModel signature" says, the
  one-hot concatenation inside.
- The players are called with `training=True` (they have no batch
  normalisation or dropout, so nothing changes).
"""

import dataclasses

import keras
import tensorflow as tf
from keras import layers, ops

from benchmarks.baseline import PlainGAN
from keras_gan.layers import OneHotLabels

__all__ = [
    "KerasIoConditionalGAN",
    "KerasIoConditionalSetup",
    "build_keras_io_discriminator",
    "build_keras_io_generator",
    "build_keras_io_trainer",
    "to_keras_io_range",
]


@dataclasses.dataclass(frozen=True)
class KerasIoConditionalSetup:
    """keras.io's `conditional_gan.py` settings.

    Attributes:
        latent_dim: Noise size.
        num_classes: Classes.
        image_shape: One image's shape.
        batch_size: Real images per step.
        learning_rate: Adam learning rate of both players.
        steps_per_epoch: Steps between progress records.
        max_steps: Stop after this many steps even if time is left.
            `None`: time alone.
    """

    latent_dim: int = 128
    num_classes: int = 10
    image_shape: tuple = (28, 28, 1)
    batch_size: int = 64
    learning_rate: float = 3e-4
    steps_per_epoch: int = 200
    max_steps: int | None = None


def build_keras_io_generator(latent_dim=128, num_classes=10):
    """keras.io's generator: `[noise, one-hot label]` -> 28x28x1 images in
    [0, 1] (sigmoid)."""
    channels = latent_dim + num_classes
    return keras.Sequential(
        [
            keras.Input((channels,)),
            layers.Dense(7 * 7 * channels),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Reshape((7, 7, channels)),
            layers.Conv2DTranspose(128, (4, 4), strides=(2, 2), padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Conv2DTranspose(128, (4, 4), strides=(2, 2), padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Conv2D(1, (7, 7), padding="same", activation="sigmoid"),
        ],
        name="generator",
    )


def build_keras_io_discriminator(image_shape=(28, 28, 1), num_classes=10):
    """keras.io's discriminator: an image with its one-hot label tiled as
    more channels -> one logit."""
    height, width, channels = image_shape
    return keras.Sequential(
        [
            keras.Input((height, width, channels + num_classes)),
            layers.Conv2D(64, (3, 3), strides=(2, 2), padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Conv2D(128, (3, 3), strides=(2, 2), padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.GlobalMaxPooling2D(),
            layers.Dense(1),
        ],
        name="discriminator",
    )


class KerasIoConditionalGAN(PlainGAN):
    """keras.io's `ConditionalGAN`, seeded and with integer labels.

    Trains on `(images, labels)` batches: images in [0, 1], int labels.
    Its optimizers and loss trackers are `PlainGAN`'s (keras.io's
    conditional example is adapted from the same train-step guide).

    Args:
        generator: `build_keras_io_generator(latent_dim, num_classes)`.
        discriminator: `build_keras_io_discriminator(...)`.
        latent_dim: Size of the noise vector.
        num_classes: Number of classes.
        seed: Seed of the noise. Defaults to `None` (unseeded).

    Attributes:
        sample_generator: The generator as a model of `[z, labels]` (int
            labels `[batch]`), what `keras_gan.export.export_generator`
            exports.
    """

    def __init__(
        self, generator, discriminator, latent_dim, num_classes, seed=None
    ):
        super().__init__(generator, discriminator, latent_dim, seed=seed)
        self.num_classes = int(num_classes)
        self._codes = OneHotLabels(self.num_classes)
        height, width = discriminator.input_shape[1:3]
        self._image_codes = OneHotLabels(self.num_classes, (height, width))
        z = keras.Input((self.latent_dim,), name="z")
        labels = keras.Input((), dtype="int32", name="labels")
        self.sample_generator = keras.Model(
            [z, labels],
            generator(ops.concatenate([z, self._codes(labels)], axis=1)),
            name="conditional_generator",
        )

    def call(self, inputs, training=False):
        return self.sample_generator(inputs, training=training)

    def _noise_and_codes(self, codes):
        noise = keras.random.normal(
            (ops.shape(codes)[0], self.latent_dim), seed=self.seed_generator
        )
        return ops.concatenate([noise, codes], axis=1)

    def train_step(self, data):
        real_images, labels = data
        codes = self._codes(labels)
        image_codes = self._image_codes(labels)
        batch_size = ops.shape(real_images)[0]

        generated = self.generator(self._noise_and_codes(codes), training=True)
        combined = ops.concatenate(
            [
                ops.concatenate([generated, image_codes], -1),
                ops.concatenate(
                    [ops.cast(real_images, generated.dtype), image_codes], -1
                ),
            ],
            axis=0,
        )
        targets = ops.concatenate(
            [ops.ones((batch_size, 1)), ops.zeros((batch_size, 1))], axis=0
        )
        with tf.GradientTape() as tape:
            d_loss = self.loss_fn(
                targets, self.discriminator(combined, training=True)
            )
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(
            zip(grads, self.discriminator.trainable_weights)
        )

        noise_and_codes = self._noise_and_codes(codes)
        with tf.GradientTape() as tape:
            fakes = self.generator(noise_and_codes, training=True)
            predictions = self.discriminator(
                ops.concatenate([fakes, image_codes], -1), training=True
            )
            g_loss = self.loss_fn(ops.zeros((batch_size, 1)), predictions)
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(
            zip(grads, self.generator.trainable_weights)
        )

        self.d_loss_metric.update_state(d_loss)
        self.g_loss_metric.update_state(g_loss)
        return {m.name: m.result() for m in self.metrics}


def build_keras_io_trainer(setup=KerasIoConditionalSetup(), seed=0):
    """Builds and compiles keras.io's conditional GAN.

    Args:
        setup: A `KerasIoConditionalSetup`. Defaults to
            `KerasIoConditionalSetup()`.
        seed: Seed of the initial weights and of the noise. Defaults to
            `0`.

    Returns:
        A compiled `KerasIoConditionalGAN`.
    """
    keras.utils.set_random_seed(seed)
    model = KerasIoConditionalGAN(
        build_keras_io_generator(setup.latent_dim, setup.num_classes),
        build_keras_io_discriminator(setup.image_shape, setup.num_classes),
        setup.latent_dim,
        setup.num_classes,
        seed=seed,
    )
    model.compile(
        d_optimizer=keras.optimizers.Adam(setup.learning_rate),
        g_optimizer=keras.optimizers.Adam(setup.learning_rate),
    )
    return model


def to_keras_io_range(images, labels):
    """keras_gan's images in [-1, 1] as keras.io's, in [0, 1]: for
    `tf.data.Dataset.map` on `(images, labels)` batches."""
    return (images + 1.0) / 2.0, labels
