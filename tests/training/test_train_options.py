"""train(config) with a generator average, a decaying learning rate and
evaluations during training."""

import dataclasses
import functools
import os

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gan import checkpoints, export
from keras_gan.callbacks.metrics_log import read_log
from keras_gan.training import precision, train_lib, workdir
from keras_gan.training.config import ConfigError


@pytest.fixture
def make_config(ring_config):
    """The tiny ring run of tests/conftest.py with every option of this
    file: learning rates, a weight average, a decay and evaluations."""
    return functools.partial(
        ring_config,
        steps=12,
        log_every_n_steps=2,
        num_samples=50,
        g_learning_rate=1e-3,
        d_learning_rate=2e-3,
        ema_decay=0.9,
        lr_decay_fraction=0.5,
        eval_every_n_epochs=2,
        eval_num_samples=300,
    )


def _restore(workdir):
    manager = checkpoints.CheckpointManager(f"{workdir}/checkpoints")
    gan, _, _ = manager.restore()
    return gan


def test_average_decay_and_evaluations(make_config, tmp_path):
    config = make_config()
    result = train_lib.train(config)
    gan = _restore(config.workdir)

    # The learning rates held for 6 steps, then fell to 1% at step 12.
    assert float(gan.g_optimizer.learning_rate) == pytest.approx(1e-5)
    assert float(gan.d_optimizer.learning_rate) == pytest.approx(2e-5)

    # Evaluations at the end of epoch 2 (step 10) only, in metrics.csv.
    log = read_log(os.path.join(config.workdir, "metrics.csv"))
    evaluated = [
        step
        for step, value in zip(log["step"], log["high_quality_percent"])
        if not np.isnan(value)
    ]
    assert evaluated == [10]
    assert log["modes_captured"][log["step"].index(10)] >= 0

    # The export serves the averaged generator, and says so.
    z = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    serve = tf.saved_model.load(result.paths["export"]).signatures[
        "serving_default"
    ]
    np.testing.assert_allclose(
        serve(z=tf.constant(z))["samples"].numpy(),
        np.asarray(gan.generator_ema(z, training=False)),
        rtol=1e-5,
        atol=1e-6,
    )
    assert not np.allclose(
        np.asarray(gan.generator_ema(z)), np.asarray(gan.generator(z))
    )
    assert export.read_metadata(result.paths["export"])["ema_decay"] == 0.9


class _RecordGenerator(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.weights = []

    def on_train_batch_end(self, batch, logs=None):
        self.weights.append(self.model.generator.get_weights())


def test_a_resumed_run_continues_the_saved_average(
    make_config, tmp_path, crash_at
):
    config = make_config(eval_every_n_epochs=None)
    with pytest.raises(KeyboardInterrupt):
        train_lib.train(config, callbacks=[crash_at(step=7)])
    average = _restore(config.workdir).generator_ema.get_weights()  # step 5
    record = _RecordGenerator()
    resumed = train_lib.train(config, callbacks=[record])
    assert resumed.resumed_from == 5 and resumed.steps == 12
    # Steps 6..12 fold into the step-5 average with the warm-up decay of
    # their step, as if the run had never stopped.
    for step, weights in zip(range(6, 13), record.weights, strict=True):
        decay = min(0.9, step / (9 + step))
        average = [
            decay * a + (1 - decay) * w for a, w in zip(average, weights)
        ]
    final = _restore(config.workdir).generator_ema.get_weights()
    for got, want in zip(final, average, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_a_longer_budget_on_resume_stretches_the_decay(make_config, tmp_path):
    config = make_config(eval_every_n_epochs=None)
    train_lib.train(config)
    longer = train_lib.train(dataclasses.replace(config, steps=20))
    assert longer.steps == 20
    gan = _restore(config.workdir)
    # Decay now over steps 10..20: at step 20 the rate is 1% again.
    assert float(gan.g_optimizer.learning_rate) == pytest.approx(1e-5)


def test_invalid_settings_are_refused_before_anything_is_written(
    make_config, tmp_path
):
    with pytest.raises(ConfigError, match="lr_decay_fraction"):
        make_config(steps=None, max_train_minutes=1.0)
    with pytest.raises(ConfigError, match="lr_decay_fraction"):
        make_config(lr_decay_fraction=1.5)
    with pytest.raises(ConfigError, match="ema_decay"):
        make_config(ema_decay=1.0)
    with pytest.raises(ConfigError, match="eval_every_n_epochs"):
        make_config(eval_every_n_epochs=0)
    with pytest.raises(ConfigError, match="Cannot evaluate 'digits'"):
        train_lib.train(
            make_config(
                dataset="digits",
                image_size=32,
                architecture="dcgan",
                base_filters=4,
            )
        )
    assert not (tmp_path / "run").exists()


def test_bfloat16_mixed_precision_trains_resumes_and_exports_float32(
    make_config, tmp_path, monkeypatch
):
    config = make_config(mixed_precision="bfloat16", eval_every_n_epochs=None)
    result = train_lib.train(config)
    gan = _restore(config.workdir)
    for model in (gan.generator, gan.generator_ema, gan.discriminator):
        policies = {layer.dtype_policy.name for layer in model.layers[1:]}
        assert "mixed_bfloat16" in policies, (model.name, policies)
    # bfloat16 has float32's range: no loss scaling.
    assert not isinstance(gan.g_optimizer, keras.optimizers.LossScaleOptimizer)
    # Resumed with "auto" on a machine without bfloat16 units: the run
    # keeps the precision it started with.
    monkeypatch.setattr(precision, "cpu_has_bfloat16", lambda *args: False)
    longer = train_lib.train(
        dataclasses.replace(config, steps=15, mixed_precision="auto")
    )
    assert longer.resumed_from == 12 and longer.steps == 15
    saved = workdir.read_config(workdir.WorkdirLayout.of(config))
    assert saved.mixed_precision == "bfloat16"
    serve = tf.saved_model.load(result.paths["export"]).signatures[
        "serving_default"
    ]
    samples = serve(z=tf.zeros((4, 3)))["samples"]
    assert samples.dtype == tf.float32
    assert np.isfinite(samples.numpy()).all()
