"""The modern toolkit (spectral norm, ADA, LeCam, lazy R1) on one device
and on 2 replicas (MirroredStrategy).

Run as a script by test_toolkit_mirrored.py (the two logical CPU devices
must be configured before TensorFlow starts). Prints one JSON line.
"""

import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import tensorflow as tf  # noqa: E402

_CPU = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(
    _CPU, [tf.config.LogicalDeviceConfiguration()] * 2
)

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_gan  # noqa: E402
from keras_gan.layers import SpectralNormalization  # noqa: E402

SHAPE = (8, 8, 1)
GLOBAL_BATCH = 8


def _models():
    z = keras.Input((3,))
    h = keras.layers.Dense(64, activation="tanh")(z)
    generator = keras.Model(z, keras.layers.Reshape(SHAPE)(h))
    x = keras.Input(SHAPE)
    h = SpectralNormalization(keras.layers.Conv2D(4, 3, activation="tanh"))(x)
    h = keras.layers.Flatten()(h)
    discriminator = keras.Model(
        x, SpectralNormalization(keras.layers.Dense(1))(h)
    )
    rng = np.random.default_rng(0)
    for model in (generator, discriminator):
        model.set_weights(
            [
                rng.normal(0, 0.5, w.shape).astype("float32")
                for w in model.weights
            ]
        )
    return generator, discriminator


def _per_replica(variable):
    values = getattr(variable.value, "values", None) or [variable.value]
    return [np.asarray(v).tolist() for v in values]


def _train(strategy):
    with strategy.scope():
        ada = keras_gan.augment.AdaptiveAugment(
            ",".join(keras_gan.augment.AUGMENTATIONS),
            initial_p=0.5,
            interval=2,
            speed_images=64,
        )
        gan = keras_gan.GAN(
            *_models(), discriminator_steps=2, seed=3, augment=ada
        )
        gan.compile(
            g_optimizer=keras.optimizers.SGD(0.1),
            d_optimizer=keras.optimizers.SGD(0.1),
            loss="hinge",
            penalties=[
                keras_gan.losses.R1Penalty(1.0, interval=2),
                keras_gan.losses.LeCamPenalty(),
            ],
        )
    data = np.random.default_rng(1).uniform(-1, 1, (32, *SHAPE))
    dataset = tf.data.Dataset.from_tensor_slices(data.astype("float32"))
    history = gan.fit(dataset.batch(GLOBAL_BATCH), epochs=1, verbose=0)
    sn = keras_gan.layers.spectral_normalization_layers(gan.discriminator)
    return {
        "replicas": strategy.num_replicas_in_sync,
        "weights": [w.tolist() for w in gan.get_weights()],
        "logs": {k: v[-1] for k, v in history.history.items()},
        "u": [_per_replica(layer.u) for layer in sn],
        "p": _per_replica(ada.p),
        "lecam": [_per_replica(v) for v in gan.penalties[1].variables],
    }


if __name__ == "__main__":
    single = _train(tf.distribute.get_strategy())
    mirrored = _train(tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"]))
    print("RESULT " + json.dumps({"single": single, "mirrored": mirrored}))
