"""JAX `keras.distribution.DataParallel` on two CPU devices against one.

Run with `XLA_FLAGS=--xla_force_host_platform_device_count=2` and
`KERAS_BACKEND=jax` (both read when JAX and Keras start); prints one
`RESULT <json>` line. The same GAN (weights set from NumPy), data and steps
train once without a distribution, on one device, and once under
`DataParallel` over both devices; the noise is the GAN's own (no test
hook): it is drawn for the global batch from the one seed generator.
"""

import json

import jax
import keras
import numpy as np
from keras import layers, ops

import keras_gan

LATENT, FEATURES, BATCH, K, STEPS = 4, 3, 8, 2, 2


def _players():
    z = keras.Input((LATENT,))
    h = layers.Dense(8, activation="relu")(z)
    # Moving statistics: non-trainable state the step assigns.
    h = layers.BatchNormalization()(h)
    generator = keras.Model(z, layers.Dense(FEATURES)(h), name="generator")
    x = keras.Input((FEATURES,))
    h = layers.LeakyReLU(0.2)(layers.Dense(8)(x))
    discriminator = keras.Model(x, layers.Dense(1)(h), name="discriminator")
    return generator, discriminator


def _gan():
    keras.utils.set_random_seed(0)
    # The generator's average (`ema_decay`) is state the step assigns too.
    gan = keras_gan.GAN(
        *_players(), discriminator_steps=K, seed=0, ema_decay=0.5
    )
    gan.build()
    rng = np.random.default_rng(0)
    for variable in gan.generator.weights + gan.discriminator.weights:
        if variable.trainable:
            values = 0.5 * rng.standard_normal(variable.shape)
            variable.assign(values.astype("float32"))
    gan.generator_ema.set_weights(gan.generator.get_weights())
    # SGD: an update proportional to the gradient, so a gradient summed
    # instead of averaged over the devices would show. R1 differentiates an
    # input gradient; LeCam's moving averages are penalty state.
    gan.compile(
        g_optimizer=keras.optimizers.SGD(0.05),
        d_optimizer=keras.optimizers.SGD(0.05),
        penalties=["r1", "lecam"],
    )
    return gan


class _StepLogs(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.logs = []

    def on_train_batch_end(self, batch, logs=None):
        self.logs.append({k: float(v) for k, v in logs.items()})


def _record_batches(gan, shardings):
    """Wraps the compiled step to record each batch's sharding."""
    make_train_function = gan.make_train_function

    def make(force=False):
        make_train_function(force)
        step = gan.train_function

        def recorded(state, iterator):
            def batches():
                for batch in iterator:
                    # Without a distribution, CPU batches stay NumPy.
                    leaf = jax.numpy.asarray(
                        jax.tree_util.tree_leaves(batch)[0]
                    )
                    shardings.append(
                        {
                            "shape": list(leaf.shape),
                            "devices": len(leaf.sharding.device_set),
                            "shard_shape": list(
                                leaf.sharding.shard_shape(leaf.shape)
                            ),
                        }
                    )
                    yield batch

            return step(state, batches())

        gan.train_function = recorded

    gan.make_train_function = make


def _state_devices(gan):
    variables = list(gan.variables) + list(gan.metrics_variables)
    for optimizer in (gan.g_optimizer, gan.d_optimizer):
        variables += list(optimizer.variables)
    variables += [variable for _, variable in gan._penalty_state()]
    return sorted({len(v.value.sharding.device_set) for v in variables})


def train(devices):
    keras.distribution.set_distribution(
        keras.distribution.DataParallel(devices=devices) if devices else None
    )
    gan = _gan()
    shardings = []
    _record_batches(gan, shardings)
    step_logs = _StepLogs()
    x = np.random.default_rng(1).standard_normal((STEPS * K * BATCH, FEATURES))
    gan.fit(
        x.astype("float32"),
        batch_size=BATCH,
        shuffle=False,
        verbose=0,
        callbacks=[step_logs],
    )
    weights = (
        gan.generator.weights
        + gan.discriminator.weights
        + gan.generator_ema.weights
    )
    return {
        "logs": step_logs.logs,
        # In order: the second GAN's layers are named `dense_4`...
        "weights": [ops.convert_to_numpy(v).tolist() for v in weights],
        "seed_state": ops.convert_to_numpy(gan.seed_generator.state).tolist(),
        "generator_steps": int(gan.generator_steps),
        "batches": shardings,
        "state_devices": _state_devices(gan),
        "evaluate": gan.evaluate(
            x.astype("float32"), batch_size=BATCH, return_dict=True, verbose=0
        ),
    }


def built_before_distribution():
    """The error for a GAN built before the distribution was set."""
    keras.distribution.set_distribution(None)
    gan = _gan()
    keras.distribution.set_distribution(
        keras.distribution.DataParallel(devices=jax.devices())
    )
    x = np.zeros((K * BATCH, FEATURES), "float32")
    try:
        gan.fit(x, batch_size=BATCH, verbose=0)
    except ValueError as error:
        return str(error)
    finally:
        keras.distribution.set_distribution(None)
    return None


def indivisible_batch():
    """The error for a batch the devices cannot split evenly."""
    keras.distribution.set_distribution(
        keras.distribution.DataParallel(devices=jax.devices())
    )
    gan = _gan()
    x = np.zeros((2 * K * 5, FEATURES), "float32")
    try:
        gan.fit(x, batch_size=5, verbose=0)
    except ValueError as error:
        return str(error)
    finally:
        keras.distribution.set_distribution(None)
    return None


def main():
    devices = jax.devices()
    assert len(devices) == 2, devices
    result = {
        "single": train(None),
        "data_parallel": train(devices),
        "built_before": built_before_distribution(),
        "indivisible": indivisible_batch(),
    }
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
