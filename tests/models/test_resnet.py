"""SNGAN-style ResNet players: the sizes of the issue, spectral norm on
every discriminator weight layer, self-attention, saving and training."""

import os

import keras
import numpy as np
import pytest

import keras_gan
from keras_gan import models
from keras_gan.layers import SelfAttention, SpectralNormalization


def _noise(n=2, dim=16):
    return np.random.default_rng(0).normal(size=(n, dim)).astype("float32")


@pytest.mark.parametrize(
    "shape,attention",
    [((28, 28, 1), 14), ((32, 32, 3), None), ((64, 64, 3), 16)],
)
def test_pair_maps_noise_to_images_and_images_to_logits(shape, attention):
    generator, discriminator = models.build_pair(
        "resnet", shape, 16, base_filters=8, attention_resolution=attention
    )
    images = generator(_noise(), training=False)
    assert tuple(images.shape) == (2, *shape)
    assert np.all(np.abs(images) <= 1.0)
    assert tuple(discriminator(images).shape) == (2, 1)
    for model in (generator, discriminator):
        found = any(isinstance(x, SelfAttention) for x in model.layers)
        assert found == (attention is not None)


def test_every_discriminator_weight_layer_is_spectrally_normalized():
    _, discriminator = models.build_pair(
        "resnet", (32, 32, 3), 16, base_filters=8, attention_resolution=8
    )
    wrapped = {
        id(layer.layer)
        for layer in keras_gan.layers.spectral_normalization_layers(
            discriminator
        )
    }
    raw = [
        layer
        for layer in discriminator.layers
        if isinstance(layer, (keras.layers.Conv2D, keras.layers.Dense))
    ]
    assert not raw  # all inside wrappers
    attention = [
        x for x in discriminator.layers if isinstance(x, SelfAttention)
    ][0]
    for conv in (attention.query, attention.key, attention.value):
        assert isinstance(conv, SpectralNormalization)
    assert len(wrapped) >= 9
    assert not any(
        isinstance(x, keras.layers.BatchNormalization)
        for x in discriminator.layers
    )


def test_self_attention_starts_as_the_identity_and_learns_gamma():
    import tensorflow as tf

    layer = SelfAttention()
    x = tf.random.normal((2, 4, 4, 16))
    np.testing.assert_allclose(layer(x), x)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(layer(x) ** 2)
    assert float(tape.gradient(y, layer.gamma)) != 0.0
    layer.gamma.assign(1.0)
    assert not np.allclose(layer(x), x)


def test_rejects_a_resolution_the_networks_do_not_have():
    for size in (5, 32):
        with pytest.raises(ValueError, match="`attention_resolution`"):
            models.resnet_generator(16, (32, 32, 3), attention_resolution=size)
        with pytest.raises(ValueError, match="`attention_resolution`"):
            models.resnet_discriminator((32, 32, 3), attention_resolution=size)


def test_round_trips_through_save_and_load_in_safe_mode(tmp_path):
    generator, discriminator = models.build_pair(
        "resnet", (8, 8, 1), 16, base_filters=8, attention_resolution=4
    )
    images = generator(_noise(), training=False)
    for model in (generator, discriminator):
        path = os.fspath(tmp_path / f"{model.name}.keras")
        model.save(path)
        loaded = keras.models.load_model(path)  # safe_mode: no Lambda
        x = _noise() if model is generator else images
        np.testing.assert_allclose(
            loaded(x, training=False), model(x, training=False), rtol=1e-5
        )


def test_trains_with_hinge_lazy_r1_and_diffaugment():
    generator, discriminator = models.build_pair(
        "resnet", (8, 8, 1), 16, base_filters=8, attention_resolution=4
    )
    gan = keras_gan.GAN(generator, discriminator, seed=0, augment="diffaugment")
    gan.compile(
        loss="hinge",
        penalties=[keras_gan.losses.R1Penalty(1.0, interval=2)],
    )
    layer = keras_gan.layers.spectral_normalization_layers(discriminator)[0]
    before = layer.u.numpy().copy()
    real = np.random.default_rng(1).uniform(-1, 1, (16, 8, 8, 1))
    history = gan.fit(real.astype("float32"), batch_size=8, verbose=0)
    assert all(np.isfinite(v[-1]) for v in history.history.values())
    assert not np.allclose(layer.u.numpy(), before)


@pytest.mark.parametrize("conditioning", ["projection", "concat"])
def test_conditional_pair_trains_follows_the_labels_and_reloads(
    conditioning, tmp_path
):
    generator, discriminator = models.build_pair(
        "resnet",
        (8, 8, 1),
        16,
        num_classes=3,
        conditioning=conditioning,
        base_filters=4,
    )
    sn = keras_gan.layers.spectral_normalization_layers(discriminator)
    embeddings = [
        layer for layer in sn if isinstance(layer.layer, keras.layers.Embedding)
    ]
    assert len(embeddings) == (conditioning == "projection")
    assert not any(
        isinstance(x, (keras.layers.Conv2D, keras.layers.Dense))
        for x in discriminator.layers
    )  # all inside wrappers, the projection's too
    before = [layer.u.numpy().copy() for layer in embeddings]
    gan = keras_gan.GAN(generator, discriminator, num_classes=3, seed=0)
    # R1 once: the penalty sees the discriminator at the batch's labels.
    gan.compile(
        loss="hinge", penalties=["r1"] if conditioning == "projection" else []
    )
    rng = np.random.default_rng(1)
    real = rng.uniform(-1, 1, (16, 8, 8, 1)).astype("float32")
    history = gan.fit(real, np.arange(16) % 3, batch_size=8, verbose=0)
    assert gan.generator_steps == 2
    assert all(np.isfinite(v[-1]) for v in history.history.values())
    for layer, u in zip(embeddings, before):
        assert not np.allclose(layer.u.numpy(), u)
    # One noise, three labels: three images, three logits. (Conditional
    # batch norm starts as plain batch norm: its classes part in training.)
    z = np.repeat(_noise(1), 3, axis=0)
    labels = np.arange(3, dtype="int32")
    images = np.asarray(generator([z, labels], training=False))
    assert not np.allclose(images[0], images[1])
    assert not np.allclose(images[1], images[2])
    same = np.repeat(images[:1], 3, axis=0)
    logits = np.asarray(discriminator([same, labels])).ravel()
    assert len(set(np.round(logits, 6))) == 3
    path = os.fspath(tmp_path / "gan.keras")
    gan.save(path)
    loaded = keras.models.load_model(path)  # safe mode: no Lambda
    np.testing.assert_allclose(
        loaded.generate(6, seed=1, labels=[2, 1, 0, 0, 1, 2]),
        gan.generate(6, seed=1, labels=[2, 1, 0, 0, 1, 2]),
        rtol=1e-5,
        atol=1e-6,
    )
    np.testing.assert_allclose(
        loaded.discriminator([same, labels]), logits[:, None], rtol=1e-5
    )


@pytest.mark.slow
def test_architecture_resnet_through_the_training_application(tmp_path):
    # Conditional: bin/train --architecture=resnet --conditioning=projection.
    from keras_gan.training import train_lib
    from keras_gan.training.config import TrainConfig

    config = TrainConfig(
        dataset="digits",
        architecture="resnet",
        conditioning="projection",
        base_filters=8,
        latent_dim=8,
        loss="hinge",
        augment="ada",
        batch_size=16,
        steps=3,
        steps_per_epoch=3,
        num_samples=4,
        workdir=os.fspath(tmp_path / "run"),
    )
    result = train_lib.train(config)
    assert result.steps == 3
    import tensorflow as tf

    serve = tf.saved_model.load(result.paths["export"]).signatures[
        "serving_default"
    ]
    labels = tf.constant([0, 3, 5, 9], tf.int32)
    samples = serve(z=tf.constant(_noise(4, 8)), labels=labels)
    samples = samples["samples"].numpy()
    assert samples.shape == (4, 8, 8, 1)
    assert samples.min() >= 0.0 and samples.max() <= 1.0


@pytest.mark.parametrize("augment", ["diffaugment", "ada"])
def test_trains_in_mixed_bfloat16(augment):
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy("mixed_bfloat16")
    try:
        generator, discriminator = models.build_pair(
            "resnet", (8, 8, 1), 16, base_filters=8, attention_resolution=4
        )
    finally:
        keras.config.set_dtype_policy(previous)
    gan = keras_gan.GAN(
        generator,
        discriminator,
        seed=0,
        augment=keras_gan.augment.AdaptiveAugment(initial_p=1.0)
        if augment == "ada"
        else augment,
    )
    gan.compile(loss="hinge", penalties=["r1", "lecam"])
    real = np.random.default_rng(1).uniform(-1, 1, (16, 8, 8, 1))
    history = gan.fit(real.astype("float32"), batch_size=8, verbose=0)
    assert all(np.isfinite(v[-1]) for v in history.history.values())
    for layer in keras_gan.layers.spectral_normalization_layers(discriminator):
        assert layer.u.dtype == "float32"
        assert np.isfinite(layer.u.numpy()).all()
