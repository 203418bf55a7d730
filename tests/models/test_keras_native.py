"""Keras's own callbacks, inputs and seeding against a `GAN`, as a Keras
user would try them: one test per behaviour."""

import ast
import csv
import os
import pathlib
import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gan
from keras_gan.models import mlp_discriminator, mlp_generator

LATENT = 4
ROOT = pathlib.Path(__file__).resolve().parents[2]


def _gan(seed=0, generator=None, discriminator=None, **kwargs):
    generator = generator or mlp_generator(LATENT, 2, hidden_units=(16,))
    discriminator = discriminator or mlp_discriminator(2, hidden_units=(16,))
    return keras_gan.GAN(generator, discriminator, seed=seed, **kwargs)


def _compiled(seed=0, penalties=None, g_lr=1e-3, d_lr=1e-3, **kwargs):
    gan = _gan(seed=seed)
    gan.compile(
        g_optimizer=keras.optimizers.Adam(g_lr),
        d_optimizer=keras.optimizers.Adam(d_lr),
        penalties=penalties,
        **kwargs,
    )
    return gan


def _ring(seed=0, batch_size=32):
    return keras_gan.data.mixture_dataset("ring", batch_size, seed=seed)


def _points(count=128, seed=0):
    return keras_gan.data.sample_mixture("ring", count, seed=seed)


# -- mode="auto" on the GAN's keys --


@pytest.mark.parametrize(
    ("monitor", "penalties"),
    [("g_loss", None), ("d_loss", None), ("r1_penalty", ["r1"])],
)
def test_early_stopping_auto_mode_minimises_losses_and_penalties(
    monitor, penalties
):
    gan = _compiled(penalties=penalties)
    stopping = keras.callbacks.EarlyStopping(monitor=monitor, patience=10)
    history = gan.fit(
        _ring(), epochs=4, steps_per_epoch=3, callbacks=[stopping], verbose=0
    )
    assert stopping.best == pytest.approx(min(history.history[monitor]))


def test_model_checkpoint_auto_mode_keeps_the_lowest_g_loss(tmp_path):
    gan = _compiled()
    path = tmp_path / "best.weights.h5"
    checkpoint = keras.callbacks.ModelCheckpoint(
        path, monitor="g_loss", save_best_only=True, save_weights_only=True
    )
    history = gan.fit(
        _ring(), epochs=4, steps_per_epoch=3, callbacks=[checkpoint], verbose=0
    )
    assert path.exists()
    assert checkpoint.best == pytest.approx(min(history.history["g_loss"]))


class _ScriptedScorer:
    """Scores each evaluation with the next of fixed figures."""

    kind = "points"

    def __init__(self, figures):
        self.figures = iter(figures)

    def score(self, samples):
        return next(self.figures)


def test_early_stopping_auto_mode_on_quality_figures():
    gan = _compiled()
    figures = [
        {"frechet_distance": fd, "recall": recall}
        for fd, recall in [(3.0, 0.2), (1.0, 0.1), (2.0, 0.6)]
    ]
    falling = keras.callbacks.EarlyStopping("frechet_distance", patience=9)
    rising = keras.callbacks.EarlyStopping("recall", patience=9)
    gan.fit(
        _ring(),
        epochs=3,
        steps_per_epoch=2,
        callbacks=[
            keras_gan.callbacks.Evaluation(
                _ScriptedScorer(figures), num_samples=10
            ),
            falling,
            rising,
        ],
        verbose=0,
    )
    assert falling.best == 1.0
    assert rising.best == 0.6


def test_auto_mode_on_a_key_without_direction_is_left_to_keras():
    gan = _compiled()
    stopping = keras.callbacks.EarlyStopping(monitor="d_real")
    with pytest.raises(ValueError, match="mode='max'"):
        gan.fit(_ring(), steps_per_epoch=2, callbacks=[stopping], verbose=0)


# -- Divergence --


def _nan_batches():
    # A dataset: arrays holding NaN are refused before training
    # (tests/robustness), datasets are not scanned.
    points = _points()
    points[:] = np.nan
    return tf.data.Dataset.from_tensor_slices(points).batch(32)


def test_terminate_on_nan_stops_a_nan_run_at_its_first_step():
    gan = _compiled()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        gan.fit(
            _nan_batches(),
            epochs=3,
            callbacks=[keras.callbacks.TerminateOnNaN()],
            verbose=0,
        )
    assert gan.generator_steps == 1


def test_terminate_on_nan_with_raise_error_raises():
    gan = _compiled()
    with pytest.raises(RuntimeError, match="NaN or Inf loss"):
        gan.fit(
            _nan_batches(),
            callbacks=[keras.callbacks.TerminateOnNaN(raise_error=True)],
            verbose=0,
        )


def test_a_nan_run_warns_at_its_end():
    gan = _compiled()
    with pytest.warns(
        RuntimeWarning, match="Training diverged: .*d_loss=nan"
    ) as record:
        gan.fit(_nan_batches(), verbose=0)
    # Attributed to the line that called `fit`, not to the library.
    diverged = [w for w in record if "Training diverged" in str(w.message)]
    assert diverged[0].filename == __file__


# -- Seeding --


def _seeded_run(global_seed):
    keras.utils.set_random_seed(global_seed)
    gan = _gan(seed=None)
    gan.compile()
    gan.fit(
        keras_gan.data.mixture_dataset("ring", 32), steps_per_epoch=3, verbose=0
    )
    gan.fit(_points(96, seed=None), batch_size=32, verbose=0)
    return gan.generator.get_weights()


@pytest.mark.slow
def test_set_random_seed_makes_an_unseeded_run_repeatable():
    first, again, other = _seeded_run(1), _seeded_run(1), _seeded_run(2)
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert any(not np.array_equal(a, b) for a, b in zip(first, other))


def test_set_random_seed_fixes_the_unseeded_data_sources():
    def draw():
        keras.utils.set_random_seed(3)
        stream = next(iter(keras_gan.data.mixture_dataset("grid", 8)))
        points = keras_gan.data.sample_mixture("grid", 8)
        shuffled = next(iter(keras_gan.data.load("ring", batch_size=8)))
        return stream.numpy(), points, shuffled.numpy()

    for a, b in zip(draw(), draw()):
        np.testing.assert_array_equal(a, b)


# -- Players of every kind --


@keras.saving.register_keras_serializable(package="keras_gan_tests")
class SubclassedGenerator(keras.Model):
    def __init__(self, units=16, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.hidden = keras.layers.Dense(units, activation="relu")
        self.out = keras.layers.Dense(2)

    def call(self, z):
        return self.out(self.hidden(z))

    def get_config(self):
        return {**super().get_config(), "units": self.units}


@keras.saving.register_keras_serializable(package="keras_gan_tests")
class SubclassedDiscriminator(keras.Model):
    def __init__(self, units=16, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.hidden = keras.layers.Dense(units)
        self.out = keras.layers.Dense(1)

    def call(self, x):
        return self.out(keras.activations.leaky_relu(self.hidden(x), 0.2))

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def _sequential_players():
    generator = keras.Sequential(
        [keras.Input((LATENT,)), keras.layers.Dense(16), keras.layers.Dense(2)]
    )
    discriminator = keras.Sequential(
        [keras.Input((2,)), keras.layers.Dense(16), keras.layers.Dense(1)]
    )
    return generator, discriminator


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["sequential", "subclassed"])
@pytest.mark.parametrize("ema_decay", [None, 0.9])
def test_players_of_every_kind_train_save_and_load(kind, ema_decay, tmp_path):
    if kind == "sequential":
        generator, discriminator = _sequential_players()
    else:
        generator = SubclassedGenerator()
        discriminator = SubclassedDiscriminator()
    gan = keras_gan.GAN(
        generator, discriminator, latent_dim=LATENT, seed=0, ema_decay=ema_decay
    )
    gan.compile()
    gan.build()
    assert gan.discriminator.variables, "build creates the variables"
    before = [w.copy() for w in gan.generator.get_weights()]
    assert before, "build creates the variables"
    gan.fit(_ring(), steps_per_epoch=3, verbose=0)
    assert gan.generator_steps == 3
    assert any(
        not np.array_equal(a, b)
        for a, b in zip(before, gan.generator.get_weights())
    )
    path = tmp_path / "gan.keras"
    gan.save(path)
    loaded = keras.models.load_model(path)
    z = np.random.default_rng(0).standard_normal((5, LATENT)).astype("float32")
    np.testing.assert_allclose(loaded(z), gan(z), rtol=1e-6)
    loaded.fit(_ring(), steps_per_epoch=2, verbose=0)
    assert loaded.generator_steps == 5


# -- Inputs --


def test_fit_on_an_array_with_validation_split():
    gan = _compiled()
    history = gan.fit(
        _points(100), batch_size=32, validation_split=0.2, verbose=0
    )
    # 80 samples train: two full batches of 32; 20 validate.
    assert gan.generator_steps == 2
    assert np.isfinite(history.history["val_d_loss"][0])
    assert np.isfinite(history.history["val_g_loss"][0])


def test_validation_split_of_a_dataset_names_the_alternative():
    gan = _compiled()
    with pytest.raises(ValueError, match="validation_data"):
        gan.fit(_ring(), steps_per_epoch=2, validation_split=0.2, verbose=0)


def test_fit_with_validation_data():
    gan = _compiled()
    history = gan.fit(
        _ring(),
        steps_per_epoch=2,
        validation_data=_points(64),
        verbose=0,
    )
    assert np.isfinite(history.history["val_d_loss"][0])


def test_evaluate_predict_and_summary():
    gan = _compiled()
    gan.fit(_ring(), steps_per_epoch=2, verbose=0)
    figures = gan.evaluate(_points(64), batch_size=32, return_dict=True)
    assert {"d_loss", "g_loss", "d_real", "d_fake"} <= set(figures)
    z = np.zeros((3, LATENT), "float32")
    np.testing.assert_allclose(gan.predict(z, verbose=0), gan.generator(z))
    lines = []
    gan.summary(print_fn=lambda line, **_: lines.append(line))
    assert any("generator" in line for line in lines)


def test_from_config_rebuilds_an_equal_gan():
    gan = _gan(discriminator_steps=2, ema_decay=0.5)
    copy = keras_gan.GAN.from_config(gan.get_config())
    assert copy.get_config() == gan.get_config()


# -- Learning-rate callbacks act on both players --


def test_reduce_lr_on_plateau_reduces_both_learning_rates():
    gan = _compiled(g_lr=1e-3, d_lr=4e-3)
    plateau = keras.callbacks.ReduceLROnPlateau(
        monitor="g_loss", factor=0.5, patience=1, min_delta=1e9
    )
    gan.fit(
        _ring(), epochs=3, steps_per_epoch=2, callbacks=[plateau], verbose=0
    )
    # No epoch improves by min_delta: epochs 2 and 3 each halve both.
    assert float(gan.g_optimizer.learning_rate) == pytest.approx(2.5e-4)
    assert float(gan.d_optimizer.learning_rate) == pytest.approx(1e-3)


def test_learning_rate_scheduler_sets_both_learning_rates():
    gan = _compiled(g_lr=1e-3, d_lr=4e-3)
    scheduler = keras.callbacks.LearningRateScheduler(lambda e, lr: lr * 0.1)
    history = gan.fit(
        _ring(), epochs=2, steps_per_epoch=2, callbacks=[scheduler], verbose=0
    )
    assert float(gan.g_optimizer.learning_rate) == pytest.approx(1e-5)
    assert float(gan.d_optimizer.learning_rate) == pytest.approx(4e-5)
    logged = {k for k in history.history if k.startswith("learning_rate")}
    assert len(logged) == 2


# -- Together with the GAN's own options --


@pytest.mark.slow
@pytest.mark.parametrize("policy", ["float32", "mixed_float16"])
def test_keras_callbacks_compose_with_k_ema_penalty_and_mixed_precision(
    policy, tmp_path
):
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(policy)
    try:
        gan = _gan(discriminator_steps=2, ema_decay=0.9)
        gan.compile(
            g_optimizer=keras.optimizers.Adam(1e-3),
            d_optimizer=keras.optimizers.Adam(2e-3),
            loss="hinge",
            penalties=["gradient_penalty"],
            steps_per_execution=2,
        )
        stopping = keras.callbacks.EarlyStopping("gradient_penalty", patience=9)
        plateau = keras.callbacks.ReduceLROnPlateau(
            "g_loss", factor=0.5, patience=1, min_delta=1e9
        )
        history = gan.fit(
            _ring(),
            epochs=3,
            steps_per_epoch=4,
            callbacks=[
                stopping,
                plateau,
                keras.callbacks.TerminateOnNaN(),
                keras.callbacks.ModelCheckpoint(
                    tmp_path / "best.keras",
                    monitor="d_loss",
                    save_best_only=True,
                ),
            ],
            verbose=0,
        ).history
    finally:
        keras.config.set_dtype_policy(previous)
    assert gan.generator_steps == 12
    assert stopping.best == pytest.approx(min(history["gradient_penalty"]))
    assert float(gan.g_optimizer.learning_rate) == pytest.approx(2.5e-4)
    assert float(gan.d_optimizer.learning_rate) == pytest.approx(5e-4)
    loaded = keras.models.load_model(tmp_path / "best.keras")
    assert loaded.generator_ema is not None


# -- steps_per_execution --


def test_steps_per_epoch_must_be_a_multiple_of_steps_per_execution():
    gan = _compiled(steps_per_execution=4)
    with pytest.raises(ValueError, match="steps_per_epoch=10"):
        gan.fit(_ring(), steps_per_epoch=10, verbose=0)
    gan.fit(_ring(), steps_per_epoch=8, epochs=2, verbose=0)
    assert gan.generator_steps == 16


def test_train_config_refuses_steps_it_would_miscount(tmp_path):
    from keras_gan.training.config import ConfigError, TrainConfig

    base = {"dataset": "ring", "workdir": tmp_path, "steps_per_execution": 4}
    with pytest.raises(ConfigError, match="steps_per_epoch=10"):
        TrainConfig(**base, steps=80, steps_per_epoch=10)
    with pytest.raises(ConfigError, match="steps=10"):
        TrainConfig(**base, steps=10, steps_per_epoch=8)
    TrainConfig(**base, steps=80, steps_per_epoch=8)


# -- Callbacks that already worked keep working --


@pytest.mark.slow
def test_backup_and_restore_resumes_at_the_interrupted_epoch(tmp_path):
    class Interrupt(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                raise KeyboardInterrupt

    backup = tmp_path / "backup"
    gan = _compiled()
    with pytest.raises(KeyboardInterrupt):
        gan.fit(
            _ring(),
            epochs=4,
            steps_per_epoch=2,
            callbacks=[keras.callbacks.BackupAndRestore(backup), Interrupt()],
            verbose=0,
        )
    resumed = _compiled()
    history = resumed.fit(
        _ring(),
        epochs=4,
        steps_per_epoch=2,
        callbacks=[keras.callbacks.BackupAndRestore(backup)],
        verbose=0,
    )
    # Epoch 1 (the second) was backed up before the interruption.
    assert len(history.history["g_loss"]) == 2
    assert resumed.generator_steps == 8


def test_model_checkpoint_whole_model_and_weights_only(tmp_path):
    gan = _compiled()
    gan.fit(
        _ring(),
        epochs=2,
        steps_per_epoch=2,
        callbacks=[
            keras.callbacks.ModelCheckpoint(tmp_path / "e{epoch}.keras"),
            keras.callbacks.ModelCheckpoint(
                tmp_path / "e{epoch}.weights.h5", save_weights_only=True
            ),
        ],
        verbose=0,
    )
    loaded = keras.models.load_model(tmp_path / "e2.keras")
    assert loaded.generator_steps == 4
    fresh = _compiled()
    fresh.build()
    fresh.load_weights(tmp_path / "e2.weights.h5")
    for a, b in zip(fresh.generator.get_weights(), gan.generator.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_csv_logger_and_tensorboard_write_the_logged_keys(tmp_path):
    gan = _compiled()
    gan.fit(
        _ring(),
        epochs=2,
        steps_per_epoch=2,
        callbacks=[
            keras.callbacks.CSVLogger(tmp_path / "log.csv"),
            keras.callbacks.TensorBoard(tmp_path / "tb"),
        ],
        verbose=0,
    )
    with open(tmp_path / "log.csv") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 2
    assert {"d_loss", "g_loss", "d_real", "d_fake"} <= set(rows[0])
    events = list((tmp_path / "tb").rglob("events.out.tfevents.*"))
    tags = {
        value.tag
        for path in events
        for event in tf.compat.v1.train.summary_iterator(os.fspath(path))
        for value in event.summary.value
    }
    assert {"epoch_g_loss", "epoch_d_loss"} <= tags


# -- Public Keras API only --


def test_no_module_imports_private_keras():
    sources = [*ROOT.glob("keras_gan/**/*.py"), *ROOT.glob("benchmarks/*.py")]
    sources += [p for p in (ROOT / "bin").iterdir() if _is_python(p)]
    offenders = []
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text(), os.fspath(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n.split(".")[:2] == ["keras", "src"] for n in names):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def _is_python(path):
    with open(path, "rb") as f:
        return f.readline().startswith(b"#!/usr/bin/env python")
