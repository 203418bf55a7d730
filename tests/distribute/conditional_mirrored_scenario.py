"""One conditional GAN trained on one device and on 2 replicas.

Run as a script by test_conditional_mirrored.py, in a fresh process that
splits the CPU into two logical devices before TensorFlow starts. Prints one
JSON object with the weights and logs of both runs.
"""

import json
import os
import sys

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

LATENT = 3
CLASSES = 4
GLOBAL_BATCH = 8
STEPS = 2
K = 2


def _models():
    # No batch normalisation: its statistics are per replica, so only
    # example-wise players give one device's result exactly. The generator
    # concatenates one-hot labels; the discriminator projects them.
    z = keras.Input((LATENT,))
    labels = keras.Input((), dtype="int32")
    codes = keras_gan.layers.OneHotLabels(CLASSES)(labels)
    h = keras.layers.Dense(8, activation="tanh")(
        keras.layers.Concatenate()([z, codes])
    )
    generator = keras.Model([z, labels], keras.layers.Dense(2)(h))
    x = keras.Input((2,))
    h = keras.layers.Dense(8, activation="tanh")(x)
    logit = keras.layers.Add()(
        [
            keras.layers.Dense(1)(h),
            keras_gan.layers.ClassProjection(CLASSES)([h, labels]),
        ]
    )
    discriminator = keras.Model([x, labels], logit)
    rng = np.random.default_rng(0)
    for model in (generator, discriminator):
        model.set_weights(
            [
                rng.normal(0, 0.5, w.shape).astype("float32")
                for w in model.weights
            ]
        )
    return generator, discriminator


def _train(strategy):
    with strategy.scope():
        gan = keras_gan.GAN(
            *_models(), num_classes=CLASSES, discriminator_steps=K, seed=11
        )
        gan.compile(
            g_optimizer=keras.optimizers.SGD(0.1),
            d_optimizer=keras.optimizers.SGD(0.1),
            loss="wasserstein",
            penalties=["gradient_penalty"],
        )
    rng = np.random.default_rng(1)
    count = GLOBAL_BATCH * K * STEPS
    points = rng.normal(size=(count, 2)).astype("float32")
    labels = rng.integers(0, CLASSES, count).astype("int32")
    data = tf.data.Dataset.from_tensor_slices((points, labels))
    history = gan.fit(data.batch(GLOBAL_BATCH), epochs=1, verbose=0)
    return {
        "replicas": strategy.num_replicas_in_sync,
        "weights": [w.tolist() for w in gan.get_weights()],
        "logs": {key: values[-1] for key, values in history.history.items()},
        "generator_steps": gan.generator_steps,
        "evaluate": gan.evaluate(
            data.batch(GLOBAL_BATCH), return_dict=True, verbose=0
        ),
    }


def main():
    mirrored = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    results = {
        "single": _train(tf.distribute.get_strategy()),
        "mirrored": _train(mirrored),
    }
    sys.stdout.write("RESULT " + json.dumps(results) + "\n")


if __name__ == "__main__":
    main()
