"""Multi-worker training, and resuming its checkpoint on one device.

Run as a script by test_multi_worker.py:

- `multi_worker_scenario.py worker OUT_DIR`, once per worker with its own
  TF_CONFIG: creates `MultiWorkerMirroredStrategy`, trains `STEPS` steps,
  saves `gan.keras` (the chief into OUT_DIR, the others into a temporary
  directory), trains one more step and writes `worker_<index>.npz`.
- `multi_worker_scenario.py single OUT_DIR`, in a plain process: loads the
  chief's `gan.keras` and trains the same extra step (`resumed.npz`), and
  trains a fresh GAN the same `STEPS + 1` steps on one device
  (`single.npz`).
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import tensorflow as tf  # noqa: E402

from keras_gan import distribute  # noqa: E402

ROLE, OUT_DIR = sys.argv[1], sys.argv[2]
# MultiWorkerMirroredStrategy must exist before any other TensorFlow op.
STRATEGY = distribute.get_strategy(
    "multi_worker" if ROLE == "worker" else "default"
)

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_gan  # noqa: E402

LATENT = 3
FEATURES = 2
GLOBAL_BATCH = 8
STEPS = 3
K = 2


def _gan():
    with STRATEGY.scope():
        keras.utils.set_random_seed(0)
        gan = keras_gan.GAN(
            keras_gan.models.mlp_generator(LATENT, FEATURES, (8,)),
            keras_gan.models.mlp_discriminator(FEATURES, (8,)),
            discriminator_steps=K,
            seed=3,
        )
        # The same initial weights in every process, whatever the
        # initialisers draw.
        rng = np.random.default_rng(0)
        for model in (gan.generator, gan.discriminator):
            model.set_weights(
                [
                    rng.normal(0, 0.5, w.shape).astype("float32")
                    for w in model.weights
                ]
            )
        gan.compile(
            g_optimizer=keras.optimizers.SGD(0.1, momentum=0.5),
            d_optimizer=keras.optimizers.SGD(0.1, momentum=0.5),
            penalties=[keras_gan.losses.R1Penalty(0.5)],
        )
    return gan


def _dataset(steps, offset):
    rng = np.random.default_rng(1)
    data = rng.normal(size=(GLOBAL_BATCH * K * (STEPS + 1), FEATURES))
    start = GLOBAL_BATCH * K * offset
    data = data[start : start + GLOBAL_BATCH * K * steps].astype("float32")
    dataset = tf.data.Dataset.from_tensor_slices(data).batch(GLOBAL_BATCH)
    # In-memory data has no files to shard: each worker keeps its part of
    # every global batch.
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = (
        tf.data.experimental.AutoShardPolicy.DATA
    )
    return dataset.with_options(options)


def _save_weights(gan, name, **extra):
    np.savez(
        os.path.join(OUT_DIR, name),
        *gan.get_weights(),
        generator_steps=gan.generator_steps,
        **extra,
    )


def worker():
    gan = _gan()
    history = gan.fit(_dataset(STEPS, 0), epochs=1, verbose=0)
    # Every worker saves (saving reads synchronised variables); only the
    # chief's file is kept.
    with distribute.write_dir(OUT_DIR, STRATEGY) as directory:
        gan.save(os.path.join(directory, "gan.keras"))
    gan.fit(_dataset(1, STEPS), epochs=1, verbose=0)
    task = json.loads(os.environ["TF_CONFIG"])["task"]
    _save_weights(
        gan,
        f"worker_{task['index']}.npz",
        is_chief=distribute.is_chief(STRATEGY),
        replicas=STRATEGY.num_replicas_in_sync,
        d_loss=history.history["d_loss"][-1],
    )


def single():
    resumed = keras.models.load_model(os.path.join(OUT_DIR, "gan.keras"))
    before = resumed.generator_steps
    resumed.fit(_dataset(1, STEPS), epochs=1, verbose=0)
    _save_weights(resumed, "resumed.npz", steps_at_load=before)
    gan = _gan()
    history = gan.fit(_dataset(STEPS, 0), epochs=1, verbose=0)
    gan.fit(_dataset(1, STEPS), epochs=1, verbose=0)
    _save_weights(gan, "single.npz", d_loss=history.history["d_loss"][-1])


if __name__ == "__main__":
    {"worker": worker, "single": single}[ROLE]()
