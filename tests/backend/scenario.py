"""One GAN training scenario on the backend named by `KERAS_BACKEND`.

Run as `python -m tests.backend.scenario DIR` from the repository root,
once per backend (Keras reads the backend when it is first imported). It
writes `DIR/<backend>.json` (losses, weights and variable changes) and
`DIR/<backend>.keras` with `DIR/<backend>_samples.npy`, `generator(z)` of
the saved model. `python -m tests.backend.scenario DIR --load` loads the
other backends' `.keras` files and writes what their generators give
here (`DIR/<backend>_loaded.json`).

Every backend starts from the same weights (set from NumPy), reads the
same real batches and, in the parity runs, the same noise (injected:
`keras.random` draws differ per backend). Plain SGD keeps a weight's
update proportional to its gradient: Adam's first step divides the
gradient by its own magnitude, which turns a rounding difference in a
near-zero gradient into a full learning-rate step.
"""

import json
import os
import sys

import keras
import numpy as np
import tensorflow as tf
from keras import layers, ops

import keras_gan
from keras_gan.layers import SpectralNormalization

LATENT, FEATURES, BATCH, CLASSES, K, STEPS = 4, 3, 8, 3, 2, 2


def _players(num_classes):
    if num_classes is not None:
        return keras_gan.models.build_pair(
            "mlp", (FEATURES,), LATENT, num_classes, "concat", hidden_units=(8,)
        )
    z = keras.Input((LATENT,))
    h = layers.Dense(8, activation="relu")(z)
    # Moving statistics: state that changes in every generator call.
    h = layers.BatchNormalization()(h)
    generator = keras.Model(z, layers.Dense(FEATURES)(h), name="generator")
    x = keras.Input((FEATURES,))
    # Spectral norm: its `u` moves once per discriminator update.
    h = SpectralNormalization(layers.Dense(8))(x)
    h = layers.LeakyReLU(0.2)(h)
    discriminator = keras.Model(x, layers.Dense(1)(h), name="discriminator")
    return generator, discriminator


def _set_weights(model, rng):
    for variable in model.weights:
        if variable.trainable:
            values = 0.5 * rng.standard_normal(variable.shape)
        elif variable.path.endswith("/u"):  # spectral norm's unit vector
            values = rng.standard_normal(variable.shape)
            values /= np.linalg.norm(values)
        else:  # BatchNorm statistics start alike on every backend
            continue
        variable.assign(values.astype("float32"))


def _gan(num_classes, penalties=("r1",), seed=0, ema_decay=None):
    keras.utils.set_random_seed(seed)
    generator, discriminator = _players(num_classes)
    gan = keras_gan.GAN(
        generator,
        discriminator,
        discriminator_steps=K,
        seed=seed,
        num_classes=num_classes,
        ema_decay=ema_decay,
    )
    gan.build()
    rng = np.random.default_rng(seed)
    _set_weights(generator, rng)
    _set_weights(discriminator, rng)
    if ema_decay is not None:
        gan.generator_ema.set_weights(generator.get_weights())
    gan.compile(
        g_optimizer=keras.optimizers.SGD(0.05),
        d_optimizer=keras.optimizers.SGD(0.05),
        penalties=list(penalties),
        run_eagerly=True,
    )
    return gan


def _data(num_classes, rng):
    x = rng.standard_normal((STEPS * K * BATCH, FEATURES)).astype("float32")
    if num_classes is None:
        return {"x": x}
    y = rng.integers(0, num_classes, STEPS * K * BATCH).astype("int32")
    return {"x": x, "y": y}


def _numpy(variables):
    return {v.path: ops.convert_to_numpy(v.value).tolist() for v in variables}


class _StepLogs(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.logs = []

    def on_train_batch_end(self, batch, logs=None):
        self.logs.append({k: float(v) for k, v in logs.items()})


def parity(num_classes):
    """Two steps with injected noise: losses per step, and weights and the
    generator's average after them."""
    rng = np.random.default_rng(1)
    # R1 and LeCam (its moving averages); the conditional pair with lazy R1
    # (every other discriminator update: both branches of its condition).
    penalties = ("r1", "lecam")
    if num_classes is not None:
        penalties = (keras_gan.losses.R1Penalty(1.0, interval=2),)
    gan = _gan(num_classes, penalties, ema_decay=0.5)
    noise = rng.standard_normal((STEPS * (K + 1), BATCH, LATENT))
    queue = [ops.convert_to_tensor(z.astype("float32")) for z in noise]
    gan._noise = lambda batch_size: queue.pop(0)
    step_logs = _StepLogs()
    gan.fit(
        **_data(num_classes, rng),
        batch_size=BATCH,
        shuffle=False,
        verbose=0,
        callbacks=[step_logs],
    )
    assert not queue and gan.generator_steps == STEPS
    weights = _numpy(gan.generator.weights + gan.discriminator.weights)
    average = _numpy(gan.generator_ema.weights)
    weights.update({f"average:{path}": v for path, v in average.items()})
    return {"logs": step_logs.logs, "weights": weights}


def _all_variables(gan):
    variables = list(gan.variables) + list(gan.metrics_variables)
    for optimizer in (gan.g_optimizer, gan.d_optimizer):
        variables += list(optimizer.variables)
    variables += [v for _, v in gan._penalty_state()]
    unique = {id(v): v for v in variables}
    return list(unique.values())


def changed_variables():
    """The variables one compiled step (k = 2, LeCam) changes."""
    rng = np.random.default_rng(2)
    gan = _gan(None, penalties=("r1", "lecam"))
    gan.run_eagerly = False  # the backend's compiled step (jit on JAX)
    variables = _all_variables(gan)
    before = [ops.convert_to_numpy(v.value) for v in variables]
    x = rng.standard_normal((K * BATCH, FEATURES)).astype("float32")
    gan.fit(x, batch_size=BATCH, verbose=0)
    return sorted(
        v.path
        for v, old in zip(variables, before)
        if not np.array_equal(ops.convert_to_numpy(v.value), old)
    )


def changed_augmented_variables():
    """The variables one compiled step of an image GAN with ADA changes
    (its probability's accumulators), and whether DiffAugment trains."""
    rng = np.random.default_rng(6)
    changed = {}
    for augment in ("ada", "diffaugment"):
        keras.utils.set_random_seed(6)
        z = keras.Input((LATENT,))
        images = layers.Reshape((4, 4, 1))(layers.Dense(16)(z))
        generator = keras.Model(z, images)
        x = keras.Input((4, 4, 1))
        logits = layers.Dense(1)(layers.Flatten()(x))
        gan = keras_gan.GAN(
            generator,
            keras.Model(x, logits),
            discriminator_steps=K,
            seed=6,
            augment=augment,
        )
        gan.compile(penalties=["r1"])
        gan.build()
        # Every real output positive, on every backend whatever the
        # augmentation draws: ADA's sum of their signs moves.
        gan.discriminator.layers[-1].bias.assign([5.0])
        variables = _all_variables(gan)
        before = [ops.convert_to_numpy(v.value) for v in variables]
        x = rng.standard_normal((K * BATCH, 4, 4, 1)).astype("float32")
        gan.fit(x, batch_size=BATCH, verbose=0)
        changed[augment] = sorted(
            v.path
            for v, old in zip(variables, before)
            if not np.array_equal(ops.convert_to_numpy(v.value), old)
        )
    return changed


def fixed_players():
    """Whether an update changed the other player's trainable weights
    (training on a `tf.data.Dataset`), and the logged keys."""
    rng = np.random.default_rng(3)
    gan = _gan(None)
    moved = {"generator_in_d_update": False, "discriminator_in_g_update": False}

    def watch(update, other, key):
        def watched(*args, **kwargs):
            before = [ops.convert_to_numpy(v.value) for v in other]
            update(*args, **kwargs)
            after = [ops.convert_to_numpy(v.value) for v in other]
            if any(not np.array_equal(a, b) for a, b in zip(before, after)):
                moved[key] = True

        return watched

    gan._discriminator_update = watch(
        gan._discriminator_update,
        gan.generator.trainable_variables,
        "generator_in_d_update",
    )
    gan._generator_update = watch(
        gan._generator_update,
        gan.discriminator.trainable_variables,
        "discriminator_in_g_update",
    )
    x = rng.standard_normal((K * BATCH, FEATURES)).astype("float32")
    dataset = tf.data.Dataset.from_tensor_slices(x).batch(BATCH)
    history = gan.fit(dataset, verbose=0)
    moved["logged"] = sorted(history.history)
    moved["generator_steps"] = gan.generator_steps
    # PyTorch: gradients are asked for, never accumulated into `.grad`.
    moved["accumulated_grad"] = any(
        getattr(v.value, "grad", None) is not None for v in gan.variables
    )
    return moved


def several_steps_per_execution():
    """Two steps in one execution: trained, or the error that refused it
    (PyTorch's trainer runs one step per call)."""
    rng = np.random.default_rng(7)
    gan = _gan(None)
    gan.compile(run_eagerly=False, steps_per_execution=2)
    x = rng.standard_normal((2 * K * BATCH, FEATURES)).astype("float32")
    try:
        gan.fit(x, batch_size=BATCH, steps_per_epoch=2, verbose=0)
        error = None
    except ValueError as refusal:
        error = str(refusal)
    return {"error": error, "generator_steps": gan.generator_steps}


def save(directory, backend):
    """Trains one step, saves, and records `generator(z)`."""
    rng = np.random.default_rng(4)
    gan = _gan(None)
    x = rng.standard_normal((K * BATCH, FEATURES)).astype("float32")
    gan.fit(x, batch_size=BATCH, verbose=0)
    gan.save(os.path.join(directory, f"{backend}.keras"))
    z = np.random.default_rng(5).standard_normal((16, LATENT))
    samples = gan.generator(z.astype("float32"), training=False)
    np.save(
        os.path.join(directory, f"{backend}_samples.npy"),
        ops.convert_to_numpy(samples),
    )


def load(directory, backend):
    """Loads the other backends' files; `generator(z)` and step counts."""
    z = np.random.default_rng(5).standard_normal((16, LATENT))
    loaded = {}
    for name in os.listdir(directory):
        other = name[: -len(".keras")]
        if not name.endswith(".keras") or other == backend:
            continue
        gan = keras.saving.load_model(os.path.join(directory, name))
        samples = gan.generator(z.astype("float32"), training=False)
        expected = np.load(os.path.join(directory, f"{other}_samples.npy"))
        loaded[other] = {
            "max_difference": float(
                np.max(np.abs(ops.convert_to_numpy(samples) - expected))
            ),
            "generator_steps": gan.generator_steps,
        }
    return loaded


def main(directory, load_others=False):
    backend = keras.backend.backend()
    if load_others:
        result = load(directory, backend)
        suffix = "_loaded"
    else:
        result = {
            "unconditional": parity(None),
            "conditional": parity(CLASSES),
            "changed": changed_variables(),
            "changed_augmented": changed_augmented_variables(),
            "fixed": fixed_players(),
            "steps_per_execution": several_steps_per_execution(),
        }
        save(directory, backend)
        suffix = ""
    with open(os.path.join(directory, f"{backend}{suffix}.json"), "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main(sys.argv[1], "--load" in sys.argv[2:])
