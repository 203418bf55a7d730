"""One GAN trained on one device and on 2 replicas (MirroredStrategy).

Run as a script by test_mirrored.py: the two logical CPU devices must be
configured before TensorFlow initialises its devices, so this runs in a
fresh process. Prints one JSON object with, for each case, the weights and
logs of the single-device run and of the 2-replica run.
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
from keras_gan import distribute  # noqa: E402

LATENT = 3
GLOBAL_BATCH = 8
STEPS = 2
# Each case: (name, loss, penalties, k, sample shape).
CASES = [
    ("points", "non_saturating", [], 1, (2,)),
    ("images_gp", "wasserstein", ["gradient_penalty"], 2, (4, 4, 1)),
    ("images_r1", "hinge", [keras_gan.losses.R1Penalty(0.5)], 2, (4, 4, 1)),
]


def _models(sample_shape):
    z = keras.Input((LATENT,))
    size = int(np.prod(sample_shape))
    h = keras.layers.Dense(8, activation="tanh")(z)
    out = keras.layers.Reshape(sample_shape)(keras.layers.Dense(size)(h))
    generator = keras.Model(z, out)
    x = keras.Input(sample_shape)
    h = x
    if len(sample_shape) == 3:
        h = keras.layers.Conv2D(2, 3, activation="tanh")(h)
    h = keras.layers.Flatten()(h)
    h = keras.layers.Dense(8, activation="tanh")(h)
    discriminator = keras.Model(x, keras.layers.Dense(1)(h))
    # Fixed weights, the same in both runs whatever the initialisers do.
    rng = np.random.default_rng(0)
    for model in (generator, discriminator):
        model.set_weights(
            [
                rng.normal(0, 0.5, w.shape).astype("float32")
                for w in model.weights
            ]
        )
    return generator, discriminator


def _data(sample_shape, k):
    rng = np.random.default_rng(1)
    count = GLOBAL_BATCH * k * STEPS
    return rng.normal(size=(count, *sample_shape)).astype("float32")


def _train(strategy, loss, penalties, k, sample_shape):
    with strategy.scope():
        gan = keras_gan.GAN(
            *_models(sample_shape), discriminator_steps=k, seed=11
        )
        # SGD: an update proportional to the gradient, so a gradient summed
        # instead of averaged over replicas shows (Adam would hide it).
        gan.compile(
            g_optimizer=keras.optimizers.SGD(0.1),
            d_optimizer=keras.optimizers.SGD(0.1),
            loss=loss,
            penalties=penalties,
        )
    data = tf.data.Dataset.from_tensor_slices(_data(sample_shape, k))
    history = gan.fit(data.batch(GLOBAL_BATCH), epochs=1, verbose=0)
    logs = {key: values[-1] for key, values in history.history.items()}
    return {
        "replicas": strategy.num_replicas_in_sync,
        "weights": [w.tolist() for w in gan.get_weights()],
        "logs": logs,
        # Read in the cross-replica context: totals and counts summed over
        # replicas.
        "trackers": {m.name: float(m.result()) for m in gan.metrics},
        # What each replica's own tracker holds (Keras reports the first
        # replica's on TPU).
        "local_trackers": _local_results(strategy, gan.metrics),
        "seed_state": gan.seed_generator.state.numpy().tolist(),
        "generator_steps": gan.generator_steps,
        "evaluate": gan.evaluate(
            data.batch(GLOBAL_BATCH), return_dict=True, verbose=0
        ),
    }


def _local_results(strategy, metrics):
    """Each replica's own results, read in the replica context."""
    per_replica = strategy.run(
        tf.function(lambda: {m.name: m.result() for m in metrics})
    )
    return {
        name: [float(v) for v in strategy.experimental_local_results(value)]
        for name, value in per_replica.items()
    }


def _replica_noise(strategy):
    """Each replica's `replica_random` draw, and one device's draw."""
    with strategy.scope():
        seeds = keras.random.SeedGenerator(5)

    @tf.function
    def draw():
        return strategy.run(
            lambda: distribute.replica_random(
                keras.random.normal, (4, LATENT), seed=seeds
            )
        )

    per_replica = [
        t.numpy().tolist() for t in strategy.experimental_local_results(draw())
    ]
    single = keras.random.normal(
        (8, LATENT), seed=keras.random.SeedGenerator(5)
    )
    return {"per_replica": per_replica, "single": single.numpy().tolist()}


def _batch_checks(strategy):
    checks = {
        "per_replica_batch_size": distribute.per_replica_batch_size(8, strategy)
    }
    try:
        distribute.per_replica_batch_size(7, strategy)
    except ValueError as error:
        checks["uneven_error"] = str(error)
    with strategy.scope():
        gan = keras_gan.GAN(*_models((2,)), seed=0)
        gan.compile()
    try:
        gan.fit(np.zeros((14, 2), "float32"), batch_size=7, verbose=0)
    except ValueError as error:
        checks["uneven_fit_error"] = str(error)
    return checks


def main():
    mirrored = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    results = {
        "noise": _replica_noise(mirrored),
        "batch_checks": _batch_checks(mirrored),
    }
    for name, loss, penalties, k, shape in CASES:
        results[name] = {
            "single": _train(
                tf.distribute.get_strategy(), loss, penalties, k, shape
            ),
            "mirrored": _train(mirrored, loss, penalties, k, shape),
        }
    sys.stdout.write("RESULT " + json.dumps(results) + "\n")


if __name__ == "__main__":
    main()
