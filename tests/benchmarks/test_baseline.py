"""The plain keras.io-style baseline really trains."""

import keras
import numpy as np

from benchmarks import PlainGAN, workloads
from keras_gan.data import mixture_dataset
from keras_gan.models import mlp_discriminator, mlp_generator


def test_plain_gan_updates_both_players_and_its_losses_change(weights_of):
    keras.utils.set_random_seed(0)
    generator = mlp_generator(8, 2, (16,))
    discriminator = mlp_discriminator(2, (16,))
    plain = PlainGAN(generator, discriminator, latent_dim=8, seed=0)
    plain.compile(
        d_optimizer=keras.optimizers.Adam(1e-2),
        g_optimizer=keras.optimizers.Adam(1e-2),
    )
    g_before, d_before = weights_of(generator), weights_of(discriminator)
    history = plain.fit(
        mixture_dataset("ring", 64, seed=0),
        epochs=3,
        steps_per_epoch=20,
        verbose=0,
    )
    for key in ("d_loss", "g_loss"):
        losses = history.history[key]
        assert np.all(np.isfinite(losses))
        assert len(set(losses)) == 3, (key, losses)
    for before, model in ((g_before, generator), (d_before, discriminator)):
        assert any(
            not np.allclose(b, a) for b, a in zip(before, model.get_weights())
        )


def test_plain_gan_trains_the_generator_in_training_mode():
    """keras.io calls the players without `training=True`: batch
    normalisation then never updates its statistics. Ours does."""
    workload = workloads.Workload(
        "tiny_dcgan", "random", (8, 8, 1), 4, latent_dim=4, width=2
    )
    plain = workloads.build_trainer(workload, "plain")
    norm = next(
        layer
        for layer in plain.generator.layers
        if isinstance(layer, keras.layers.BatchNormalization)
    )
    before = norm.moving_mean.numpy().copy()
    plain.fit(workloads.make_dataset(workload), steps_per_epoch=2, verbose=0)
    assert not np.allclose(before, norm.moving_mean.numpy())
