"""The plain keras.io-style GAN `train_step`: the throughput reference.

Written after keras.io's "DCGAN: overriding `train_step`" example
(`dcgan_overriding_train_step`), which is what a Keras user writes by hand:
one discriminator update on the concatenation of a generated and a real
batch, then one generator update, nothing else. Its defects that have
nothing to do with speed are fixed, so both trainers do the same math:

- The players are called with `training=True` (keras.io calls them without
  it, so a generator with batch normalisation trains in inference mode).
- No label noise: keras.io adds unseeded uniform noise to the labels ("an
  important trick"); it is a trick, not part of the algorithm, and it made
  runs irreproducible.
- The discriminator gives logits and the loss takes `from_logits=True`
  (keras.io ends the discriminator with a sigmoid, whose cross-entropy
  saturates), as `keras_gan.GAN`'s logistic losses do.
- Real images are labelled 1 and generated ones 0, the generator maximises
  `log D(G(z))` (the non-saturating loss) and all noise comes from one
  seeded `keras.random.SeedGenerator`.
"""

import keras
import tensorflow as tf
from keras import ops


class PlainGAN(keras.Model):
    """A GAN trained by the plain keras.io-style `train_step`.

    Per step: draw noise, generate a batch, train the discriminator once on
    `concatenate([generated, real])` with binary cross-entropy, then train
    the generator once through the fixed discriminator on fresh noise. One
    real batch per step, whatever the dataset.

    Args:
        generator: A model mapping noise `[batch, latent_dim]` to samples.
        discriminator: A model mapping samples to one logit per example.
        latent_dim: Size of the noise vector.
        seed: Seed of the noise. Defaults to `None` (unseeded).

    Example:

    ```python
    plain = PlainGAN(generator, discriminator, latent_dim=128, seed=0)
    plain.compile(
        d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
    )
    plain.fit(images.batch(64), epochs=1)
    ```
    """

    def __init__(self, generator, discriminator, latent_dim, seed=None):
        super().__init__()
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = int(latent_dim)
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.d_loss_metric = keras.metrics.Mean(name="d_loss")
        self.g_loss_metric = keras.metrics.Mean(name="g_loss")

    def compile(self, d_optimizer, g_optimizer, **kwargs):
        """Sets the two optimizers.

        Args:
            d_optimizer: The discriminator's optimizer.
            g_optimizer: The generator's optimizer (another instance).
            **kwargs: Passed to `keras.Model.compile` (`jit_compile`,
                `steps_per_execution`, `run_eagerly`).
        """
        super().compile(**kwargs)
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)

    @property
    def metrics(self):
        return [self.d_loss_metric, self.g_loss_metric]

    def call(self, z, training=False):
        return self.generator(z, training=training)

    def train_step(self, real_images):
        if isinstance(real_images, tuple):
            real_images = real_images[0]
        batch_size = ops.shape(real_images)[0]
        noise = keras.random.normal(
            (batch_size, self.latent_dim), seed=self.seed_generator
        )
        generated_images = self.generator(noise, training=True)
        combined_images = ops.concatenate(
            [generated_images, ops.cast(real_images, generated_images.dtype)],
            axis=0,
        )
        labels = ops.concatenate(
            [ops.zeros((batch_size, 1)), ops.ones((batch_size, 1))], axis=0
        )
        with tf.GradientTape() as tape:
            predictions = self.discriminator(combined_images, training=True)
            d_loss = self.loss_fn(labels, predictions)
            scaled = self.d_optimizer.scale_loss(d_loss)  # fp16 only
        grads = tape.gradient(scaled, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(
            zip(grads, self.discriminator.trainable_weights)
        )

        noise = keras.random.normal(
            (batch_size, self.latent_dim), seed=self.seed_generator
        )
        misleading_labels = ops.ones((batch_size, 1))
        with tf.GradientTape() as tape:
            predictions = self.discriminator(
                self.generator(noise, training=True), training=True
            )
            g_loss = self.loss_fn(misleading_labels, predictions)
            scaled = self.g_optimizer.scale_loss(g_loss)
        grads = tape.gradient(scaled, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(
            zip(grads, self.generator.trainable_weights)
        )

        self.d_loss_metric.update_state(d_loss)
        self.g_loss_metric.update_state(g_loss)
        return {m.name: m.result() for m in self.metrics}
