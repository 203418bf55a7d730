"""Features that meet in one train step: conditioning with augmentation,
output penalties and Keras's own `validation_split`."""

import keras
import numpy as np

import keras_gan
from keras_gan.models import real_batches

NUM_CLASSES = 3


def _fixed_auxiliary_discriminator():
    # Adversarial logit +5, class logits -5 for every input: the signs of
    # the two parts differ, so what reads which column shows in the logs.
    images = keras.Input((8, 8, 1))
    labels = keras.Input((), dtype="int32")
    flat = keras.layers.Flatten()(images)
    bias = np.array([5.0] + [-5.0] * NUM_CLASSES, np.float32)
    outputs = keras.layers.Dense(
        1 + NUM_CLASSES,
        kernel_initializer="zeros",
        bias_initializer=keras.initializers.Constant(bias),
    )(flat)
    # The labels take part as a conditional discriminator's do.
    outputs = outputs + 0.0 * keras.ops.cast(
        keras.ops.expand_dims(labels, -1), "float32"
    )
    return keras.Model([images, labels], outputs)


def test_ada_reads_the_adversarial_column_of_an_auxiliary_classifier():
    gan = keras_gan.GAN(
        keras_gan.models.conditional_dcgan_generator(
            NUM_CLASSES, latent_dim=4, image_shape=(8, 8, 1), base_filters=4
        ),
        _fixed_auxiliary_discriminator(),
        num_classes=NUM_CLASSES,
        augment=keras_gan.augment.AdaptiveAugment(interval=1),
        seed=0,
    )
    gan.compile(
        g_optimizer=keras.optimizers.Adam(1e-3),
        d_optimizer=keras.optimizers.SGD(0.0),  # D's outputs stay fixed
        loss=keras_gan.losses.AuxiliaryClassifierLoss("non_saturating"),
        penalties=["r1", "lecam"],
    )
    rng = np.random.default_rng(0)
    images = rng.uniform(-1, 1, (32, 8, 8, 1)).astype("float32")
    labels = np.arange(32) % NUM_CLASSES
    history = gan.fit(images, labels, batch_size=8, epochs=1, verbose=0)
    logs = {key: values[-1] for key, values in history.history.items()}
    # sign(+5) everywhere: 1. Reading all four columns would give -0.5.
    assert logs["ada_r_t"] == 1.0
    assert logs["augment_p"] > 0.0  # r_t above the target raises p
    assert all(np.isfinite(value) for value in logs.values())


def test_validation_split_holds_out_samples_with_their_labels():
    x = np.arange(40, dtype="float32").reshape(20, 2)
    y = np.arange(20) % NUM_CLASSES
    train_x, train_y, validation = real_batches.split_validation(
        x, 0.25, batch_size=5, y=y
    )
    np.testing.assert_array_equal(train_x, x[:15])
    np.testing.assert_array_equal(train_y, y[:15])
    held_x, held_y = next(iter(validation))
    np.testing.assert_array_equal(held_x.numpy(), x[15:])
    np.testing.assert_array_equal(held_y.numpy(), y[15:])


def test_conditional_fit_with_validation_split_reports_validation_keys():
    gan = keras_gan.GAN(
        keras_gan.models.conditional_mlp_generator(
            NUM_CLASSES, latent_dim=4, output_dim=2, hidden_units=(8,)
        ),
        keras_gan.models.conditional_mlp_discriminator(
            NUM_CLASSES, input_dim=2, hidden_units=(8,)
        ),
        num_classes=NUM_CLASSES,
        seed=0,
    )
    gan.compile()
    points = np.random.default_rng(0).normal(size=(40, 2)).astype("float32")
    history = gan.fit(
        points,
        np.arange(40) % NUM_CLASSES,
        batch_size=8,
        validation_split=0.2,
        verbose=0,
    )
    assert gan.generator_steps == 4  # 32 training samples, batches of 8
    assert np.isfinite(history.history["val_d_loss"][-1])
