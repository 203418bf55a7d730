"""The plain keras.io-style GAN `train_step`s: the throughput references.

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
- Spectrally normalised players (`keras_gan.layers.SpectralNormalization`)
  advance their power iteration once per update, as that layer asks of a
  training loop; for other players this adds no op.

With `num_classes` it is keras.io's "Conditional GAN" step
(`conditional_gan.py`), the same update with the real batch's labels
given to both players. `PlainWGANGP` is keras.io's "WGAN-GP overriding
`Model.train_step`" (`wgan_gp.py`), with its defects fixed likewise.
"""

import keras
import tensorflow as tf
from keras import ops

from keras_gan.layers import advance_power_iterations

__all__ = [
    "PlainGAN",
    "PlainWGANGP",
]


class PlainGAN(keras.Model):
    """A GAN trained by the plain keras.io-style `train_step`.

    Per step: draw noise, generate a batch, train the discriminator once on
    `concatenate([generated, real])` with binary cross-entropy, then train
    the generator once through the fixed discriminator on fresh noise. One
    real batch per step, whatever the dataset.

    Args:
        generator: A model mapping noise `[batch, latent_dim]` to samples
            (conditional: `[noise, labels]`).
        discriminator: A model mapping samples to one logit per example
            (conditional: `[samples, labels]`).
        latent_dim: Size of the noise vector.
        seed: Seed of the noise. Defaults to `None` (unseeded).
        num_classes: Train on `(images, labels)` batches with conditional
            players: both updates use the real batch's int labels.
            Defaults to `None`: unconditional.

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

    def __init__(
        self, generator, discriminator, latent_dim, seed=None, num_classes=None
    ):
        super().__init__()
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = int(latent_dim)
        self.num_classes = num_classes
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

    def _players_inputs(self, inputs, classes):
        return inputs if self.num_classes is None else [inputs, classes]

    def train_step(self, data):
        real_images, classes = (
            data if self.num_classes is not None else (data, None)
        )
        if isinstance(real_images, tuple):
            real_images = real_images[0]
        batch_size = ops.shape(real_images)[0]
        advance_power_iterations(self.discriminator)
        noise = keras.random.normal(
            (batch_size, self.latent_dim), seed=self.seed_generator
        )
        generated_images = self.generator(
            self._players_inputs(noise, classes), training=True
        )
        combined_images = ops.concatenate(
            [generated_images, ops.cast(real_images, generated_images.dtype)],
            axis=0,
        )
        if classes is not None:
            classes = ops.concatenate([classes, classes], axis=0)
        labels = ops.concatenate(
            [ops.zeros((batch_size, 1)), ops.ones((batch_size, 1))], axis=0
        )
        with tf.GradientTape() as tape:
            predictions = self.discriminator(
                self._players_inputs(combined_images, classes), training=True
            )
            d_loss = self.loss_fn(labels, predictions)
            scaled = self.d_optimizer.scale_loss(d_loss)  # fp16 only
        grads = tape.gradient(scaled, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(
            zip(grads, self.discriminator.trainable_weights)
        )

        advance_power_iterations(self.generator)
        if classes is not None:
            classes = classes[:batch_size]
        noise = keras.random.normal(
            (batch_size, self.latent_dim), seed=self.seed_generator
        )
        misleading_labels = ops.ones((batch_size, 1))
        with tf.GradientTape() as tape:
            generated_images = self.generator(
                self._players_inputs(noise, classes), training=True
            )
            predictions = self.discriminator(
                self._players_inputs(generated_images, classes), training=True
            )
            g_loss = self.loss_fn(misleading_labels, predictions)
            scaled = self.g_optimizer.scale_loss(g_loss)
        return self._finish_step(tape, scaled, d_loss, g_loss)

    def _finish_step(self, tape, scaled_g_loss, d_loss, g_loss):
        # The generator's gradients and update, then the logs.
        grads = tape.gradient(scaled_g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(
            zip(grads, self.generator.trainable_weights)
        )

        self.d_loss_metric.update_state(d_loss)
        self.g_loss_metric.update_state(g_loss)
        return {m.name: m.result() for m in self.metrics}


class PlainWGANGP(PlainGAN):
    """A WGAN-GP trained by the plain keras.io-style `train_step`.

    Per step: `discriminator_steps` critic updates, each on its own real
    batch and fresh noise, with the loss `mean(D(fake)) - mean(D(real))`
    plus `gp_weight` times the gradient penalty; then one generator update
    on `-mean(D(G(z)))`. keras.io's defects are fixed, as for `PlainGAN`:
    the interpolation weight is uniform (keras.io draws it from a normal
    distribution), the norm is `sqrt(sum(g^2) + 1e-10)` (keras.io takes
    `sqrt(0)` where a gradient vanishes: NaN gradients) and every critic
    update gets a fresh real batch (keras.io reuses one): each element of
    the dataset holds the step's k batches, `[k, batch, ...]`
    (`dataset.batch(k)`). The same math as `keras_gan.GAN` with
    `loss="wasserstein"` and `GradientPenalty(gp_weight)`. Compiled like
    `PlainGAN`.

    Args:
        generator: A model mapping noise `[batch, latent_dim]` to samples.
        discriminator: The critic, mapping samples to one value each.
        latent_dim: Size of the noise vector.
        discriminator_steps: Critic updates per step (k). Defaults to `5`.
        gp_weight: The penalty's weight. Defaults to `10.0`.
        seed: Seed of the noise. Defaults to `None` (unseeded).
    """

    def __init__(
        self,
        generator,
        discriminator,
        latent_dim,
        discriminator_steps=5,
        gp_weight=10.0,
        seed=None,
    ):
        super().__init__(generator, discriminator, latent_dim, seed=seed)
        self.discriminator_steps = int(discriminator_steps)
        self.gp_weight = float(gp_weight)

    def gradient_penalty(self, real_images, fake_images):
        """`mean((||grad D(x_hat)||_2 - 1)^2)` at uniform interpolates."""
        real_images = ops.cast(real_images, "float32")
        fake_images = ops.cast(fake_images, "float32")
        batch_size = ops.shape(real_images)[0]
        eps = keras.random.uniform(
            (batch_size,) + (1,) * (len(real_images.shape) - 1),
            seed=self.seed_generator,
        )
        interpolated = real_images + eps * (fake_images - real_images)
        with tf.GradientTape() as tape:
            tape.watch(interpolated)
            predictions = self.discriminator(interpolated, training=True)
        gradients = tape.gradient(predictions, interpolated)
        gradients = ops.cast(gradients, "float32")
        axes = list(range(1, len(gradients.shape)))
        norm = ops.sqrt(ops.sum(ops.square(gradients), axis=axes) + 1e-10)
        return ops.mean(ops.square(norm - 1.0))

    def train_step(self, real_batches):
        batch_size = ops.shape(real_batches)[1]
        for step in range(self.discriminator_steps):
            real_images = real_batches[step]
            noise = keras.random.normal(
                (batch_size, self.latent_dim), seed=self.seed_generator
            )
            fake_images = self.generator(noise, training=True)
            with tf.GradientTape() as tape:
                fake_logits = self.discriminator(fake_images, training=True)
                real_logits = self.discriminator(
                    ops.cast(real_images, fake_images.dtype), training=True
                )
                d_cost = ops.mean(fake_logits) - ops.mean(real_logits)
                gp = self.gradient_penalty(real_images, fake_images)
                d_loss = d_cost + gp * self.gp_weight
                scaled = self.d_optimizer.scale_loss(d_loss)  # fp16 only
            grads = tape.gradient(scaled, self.discriminator.trainable_weights)
            self.d_optimizer.apply_gradients(
                zip(grads, self.discriminator.trainable_weights)
            )

        noise = keras.random.normal(
            (batch_size, self.latent_dim), seed=self.seed_generator
        )
        with tf.GradientTape() as tape:
            predictions = self.discriminator(
                self.generator(noise, training=True), training=True
            )
            g_loss = -ops.mean(predictions)
            scaled = self.g_optimizer.scale_loss(g_loss)
        return self._finish_step(tape, scaled, d_loss, g_loss)
