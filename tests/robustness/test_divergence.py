"""Divergence: a NaN or infinite loss or weight stops training with a
message naming the step; nothing is saved from the diverged model; the
last good checkpoint and export stay, and lower learning rates go on."""

import dataclasses
import functools
import os

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gan import checkpoints, export
from keras_gan.callbacks.divergence import TerminateOnNonFinite
from keras_gan.training import train_lib

# Adam moves every weight by about the learning rate: 1e30 overflows
# float32 activations in the first step.
ABSURD_LEARNING_RATE = 1e30


@pytest.fixture
def make_config(ring_config):
    """A tiny ring run with the Wasserstein loss, whose unbounded outputs
    can be made to diverge."""
    return functools.partial(
        ring_config,
        log_every_n_steps=1,
        num_samples=50,
        loss="wasserstein",
    )


def _all_finite(model):
    return all(np.all(np.isfinite(w)) for w in model.get_weights())


def _checkpoint_steps(workdir):
    manager = checkpoints.CheckpointManager(
        os.path.join(workdir, "checkpoints")
    )
    return [step for step, _ in manager.checkpoints()]


def _export_step_and_samples(export_dir):
    serve = tf.saved_model.load(export_dir).signatures["serving_default"]
    z = np.random.default_rng(1).standard_normal((8, 3)).astype("float32")
    samples = serve(z=tf.constant(z))["samples"].numpy()
    return export.read_metadata(export_dir)["step"], samples


class _PoisonWeights(keras.callbacks.Callback):
    """A fault: one discriminator weight becomes NaN after a given step,
    with no bad loss logged before the next checkpoint."""

    def __init__(self, step):
        super().__init__()
        self.step = step

    def on_train_batch_end(self, batch, logs=None):
        if self.model.generator_steps == self.step:
            weight = self.model.discriminator.trainable_weights[0]
            weight.assign(np.full(weight.shape, np.nan, "float32"))


def test_a_diverging_run_stops_naming_the_step_and_keeps_the_last_good(
    make_config,
    tmp_path,
):
    config = make_config()
    train_lib.train(config)
    good_step, good_samples = _export_step_and_samples(
        os.path.join(config.workdir, "export")
    )
    assert good_step == 5 and np.all(np.isfinite(good_samples))

    absurd = dataclasses.replace(
        config,
        steps=20,
        g_learning_rate=ABSURD_LEARNING_RATE,
        d_learning_rate=ABSURD_LEARNING_RATE,
    )
    with pytest.raises(train_lib.TrainingDivergedError) as info:
        train_lib.train(absurd)
    error = info.value
    assert error.stop_reason == train_lib.STOP_DIVERGED
    assert 6 <= error.step < 20
    message = str(error)
    assert f"at step {error.step}" in message
    assert "became nan" in message or "became inf" in message
    assert "ckpt-00000005.keras" in message and "learning_rate" in message

    # Nothing was written from the diverged model.
    assert _checkpoint_steps(config.workdir) == [5]
    gan, state, _ = checkpoints.CheckpointManager(
        os.path.join(config.workdir, "checkpoints")
    ).restore()
    assert gan.generator_steps == 5 and _all_finite(gan)
    step, samples = _export_step_and_samples(
        os.path.join(config.workdir, "export")
    )
    assert step == 5 and np.array_equal(samples, good_samples)

    # The documented way on: lower learning rates (the absurd ones took
    # effect on resume above, so these do too), resuming from step 5.
    lower = config.g_learning_rate / 10
    resumed = train_lib.train(
        dataclasses.replace(
            config, steps=10, g_learning_rate=lower, d_learning_rate=lower
        )
    )
    assert (resumed.resumed_from, resumed.steps) == (5, 10)
    gan, _, _ = checkpoints.CheckpointManager(
        os.path.join(config.workdir, "checkpoints")
    ).restore()
    assert gan.generator_steps == 10 and _all_finite(gan)
    assert float(gan.g_optimizer.learning_rate) == pytest.approx(lower)
    assert float(gan.d_optimizer.learning_rate) == pytest.approx(lower)


def test_non_finite_weights_without_a_bad_loss_are_never_checkpointed(
    make_config,
    tmp_path,
):
    # The weights go bad at step 10, an epoch end, before any loss shows
    # it: the epoch-end checkpoint refuses them.
    config = make_config(steps=15)
    with pytest.raises(train_lib.TrainingDivergedError) as info:
        train_lib.train(config, callbacks=[_PoisonWeights(step=10)])
    assert info.value.step == 10
    assert "non-finite by step 10" in str(info.value)
    assert isinstance(info.value.__cause__, checkpoints.NonFiniteWeightsError)
    assert _checkpoint_steps(config.workdir) == [5]
    assert not os.path.exists(os.path.join(config.workdir, "export"))


def test_a_run_diverging_before_its_first_checkpoint_says_so(
    make_config, tmp_path
):
    config = make_config(
        g_learning_rate=ABSURD_LEARNING_RATE,
        d_learning_rate=ABSURD_LEARNING_RATE,
    )
    with pytest.raises(train_lib.TrainingDivergedError) as info:
        train_lib.train(config)
    assert info.value.checkpoint is None
    assert "No checkpoint had been written" in str(info.value)
    assert _checkpoint_steps(config.workdir) == []
    assert not os.path.exists(os.path.join(config.workdir, "export"))


def _tiny_gan():
    from keras_gan import models
    from keras_gan.models.gan import GAN

    generator, discriminator = models.build_pair(
        "mlp", (2,), 3, hidden_units=(4,)
    )
    gan = GAN(generator, discriminator, latent_dim=3)
    gan.compile(
        g_optimizer=keras.optimizers.Adam(), d_optimizer=keras.optimizers.Adam()
    )
    return gan


def test_checkpoint_manager_and_export_refuse_non_finite_weights(tmp_path):
    gan = _tiny_gan()
    manager = checkpoints.CheckpointManager(tmp_path / "ckpt")
    manager.save(gan)
    weight = gan.generator.trainable_weights[0]
    weight.assign(np.full(weight.shape, np.inf, "float32"))
    assert checkpoints.non_finite_weights(gan) == [weight.path]
    with pytest.raises(checkpoints.NonFiniteWeightsError, match=weight.path):
        manager.save(gan)
    assert [s for s, _ in manager.checkpoints()] == [0]
    assert os.listdir(tmp_path / "ckpt") == ["ckpt-00000000.keras"]
    with pytest.raises(checkpoints.NonFiniteWeightsError):
        export.export_generator(gan, tmp_path / "export")
    assert not os.path.exists(tmp_path / "export")


class _FakeModel:
    def __init__(self):
        self.generator_steps = 7
        self.stop_training = False


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_terminate_on_non_finite_records_the_step_and_key(bad):
    callback = TerminateOnNonFinite()
    callback.set_model(_FakeModel())
    callback.on_train_begin()
    callback.on_train_batch_end(0, {"d_loss": 1.0, "g_loss": 2.0})
    assert callback.stopped_step is None and callback.message() is None
    assert not callback.model.stop_training
    callback.on_train_batch_end(1, {"d_loss": 1.0, "g_loss": np.float32(bad)})
    assert callback.model.stop_training
    assert (callback.stopped_step, callback.stopped_key) == (7, "g_loss")
    assert callback.message() == f"g_loss became {bad} at step 7"
    # Reusable across fit calls.
    callback.on_train_begin()
    assert callback.stopped_step is None


@pytest.mark.slow
def test_bin_train_exits_3_with_the_divergence_message(run_script, tmp_path):
    done = run_script(
        "train",
        f"--workdir={tmp_path / 'run'}",
        "--dataset=ring",
        "--hidden_units=8",
        "--latent_dim=3",
        "--batch_size=16",
        "--loss=wasserstein",
        "--steps=5",
        f"--g_learning_rate={ABSURD_LEARNING_RATE}",
        f"--d_learning_rate={ABSURD_LEARNING_RATE}",
    )
    assert done.returncode == 3, done.stderr
    assert "train: error: Training diverged:" in done.stderr
    assert "at step 1" in done.stderr
    assert "Traceback" not in done.stderr
