"""FreshDiscriminatorStopping asks a new discriminator, logs its figures,
stops near 1/2 or on a plateau, and restores the best weights."""

import numpy as np
import pytest

import keras_gan
from keras_gan.callbacks import FreshDiscriminatorStopping
from keras_gan.callbacks.fresh_discriminator_stopping import (
    STOP_NEAR_HALF,
    STOP_PLATEAU,
    FreshDiscriminatorRule,
)
from keras_gan.data import mixtures
from keras_gan.metrics import FreshDiscriminatorResult
from keras_gan.models import mlp_discriminator, mlp_generator

_TINY = {"num_samples": 200, "steps": 20}


def _gan():
    gan = keras_gan.GAN(
        mlp_generator(4, 2, (8,)), mlp_discriminator(2, (8,)), seed=0
    )
    gan.compile(loss="non_saturating")
    gan.fit(np.zeros((8, 2), np.float32), batch_size=8, verbose=0)
    return gan


def _attach(callback, gan):
    callback.set_model(gan)
    callback.on_train_begin()
    return callback


def _result(accuracy):
    return FreshDiscriminatorResult(
        accuracy=accuracy,
        real_output=accuracy,
        generated_output=1 - accuracy,
        standard_error=0.01,
        p_value=0.5,
        num_train=100,
        num_test=200,
        steps=1,
        seconds=0.0,
        time_limited=False,
    )


def _replay(callback, accuracies, change_weights=False):
    """Feeds accuracies as the tests' results; returns the epochs run."""
    results = iter(accuracies)
    callback.evaluate = lambda: _result(next(results))
    for epoch in range(len(accuracies)):
        if change_weights:
            weights = callback.model.get_weights()
            callback.model.set_weights([w + 1.0 for w in weights])
        callback.on_epoch_end(epoch, {})
        if callback.model.stop_training:
            return epoch + 1
    return len(accuracies)


# -- The rule --


def test_rule_stops_within_tolerance_of_one_half():
    rule = FreshDiscriminatorRule(tolerance=0.05)
    assert [rule.update(a) for a in (0.99, 0.8, 0.56)] == [None, None, None]
    assert rule.update(0.54) == STOP_NEAR_HALF
    assert FreshDiscriminatorRule(0.05).update(0.46) == STOP_NEAR_HALF


def test_rule_stops_when_the_accuracy_stops_falling():
    rule = FreshDiscriminatorRule(tolerance=None, patience=2, min_delta=0.01)
    decisions = [rule.update(a) for a in (0.9, 0.8, 0.795, 0.81)]
    # 0.795 is not 0.01 below 0.8, nor 0.81: two evaluations without a fall.
    assert decisions == [None, None, None, STOP_PLATEAU]
    assert (rule.best, rule.best_index) == (0.795, 2)


def test_rule_without_tolerance_or_patience_never_stops():
    rule = FreshDiscriminatorRule(tolerance=None, patience=None)
    assert all(rule.update(a) is None for a in (0.5, 0.5, 0.9, 0.9, 0.9))


# -- The callback on real tests --


def test_logs_the_figures_of_a_real_test():
    real = mixtures.sample_mixture("ring", 200, seed=1)
    callback = _attach(
        FreshDiscriminatorStopping(real, tolerance=None, **_TINY), _gan()
    )
    logs = {}
    callback.on_epoch_end(0, logs)
    # An untrained generator's points sit near the origin, far from the
    # ring: the fresh discriminator tells them apart.
    assert logs["fresh_d_accuracy"] > 0.9
    assert logs["fresh_d_real"] > logs["fresh_d_fake"]
    assert 0 <= logs["fresh_d_p_value"] < 0.01
    assert callback.history[0]["epoch"] == 1
    assert not callback.model.stop_training


def test_compares_the_features_it_is_given_with_repeats():
    real = mixtures.sample_mixture("ring", 200, seed=1)
    calls = []

    def radius(samples):
        # Distance from the ring (radius 1): about 0 for its points, spread
        # over [0, 0.9] for an untrained generator's.
        calls.append(len(samples))
        return np.abs(np.linalg.norm(samples, axis=1, keepdims=True) - 1)

    callback = _attach(
        FreshDiscriminatorStopping(
            real,
            tolerance=None,
            features=radius,
            repeats=2,
            num_samples=200,
            steps=300,  # a logistic regression from zero, lr 1e-3
        ),
        _gan(),
    )
    logs = {}
    callback.on_epoch_end(0, logs)
    assert calls == [200, 200]  # real and generated, once per evaluation
    assert logs["fresh_d_accuracy"] > 0.8  # chance 0.5, standard error 0.035
    config = callback.get_config()
    assert config["repeats"] == 2 and "features" not in config
    again = FreshDiscriminatorStopping.from_config(
        config, real, features=radius
    )
    assert again.features is radius and again.get_config() == config


def test_stops_when_real_and_generated_are_one_distribution():
    gan = _gan()
    real = gan.generate(200, seed=5)  # the generator's own distribution
    callback = _attach(
        FreshDiscriminatorStopping(real, tolerance=0.1, **_TINY), gan
    )
    callback.on_epoch_end(0, {})
    assert gan.stop_training
    assert callback.stop_reason == STOP_NEAR_HALF
    assert callback.stopped_step == gan.generator_steps


def test_every_n_epochs_and_start_from_epoch_skip_evaluations():
    callback = _attach(
        FreshDiscriminatorStopping(
            np.zeros((10, 2)), every_n_epochs=2, start_from_epoch=3
        ),
        _gan(),
    )
    callback.evaluate = lambda: _result(0.9)
    logs = [{} for _ in range(6)]
    for epoch in range(6):
        callback.on_epoch_end(epoch, logs[epoch])
    assert ["fresh_d_accuracy" in log for log in logs] == [
        False, False, False, True, False, True,
    ]  # fmt: skip


def test_plateau_stop_restores_the_weights_of_the_lowest_accuracy():
    gan = _gan()
    callback = _attach(
        FreshDiscriminatorStopping(
            np.zeros((10, 2)),
            tolerance=0.05,
            patience=2,
            restore_best_weights=True,
        ),
        gan,
    )
    initial = gan.get_weights()
    # Weights grow by 1 before each evaluation; the lowest accuracy is at
    # the second (weights + 2), then two evaluations without a fall.
    assert _replay(callback, [0.9, 0.7, 0.75, 0.72, 0.6], True) == 4
    assert callback.stop_reason == STOP_PLATEAU
    for start, now in zip(initial, gan.get_weights()):
        np.testing.assert_allclose(now, start + 2.0, rtol=1e-6)


def test_without_restore_keeps_the_last_weights():
    gan = _gan()
    callback = _attach(
        FreshDiscriminatorStopping(np.zeros((10, 2)), patience=1), gan
    )
    initial = gan.get_weights()
    assert _replay(callback, [0.9, 0.95], True) == 2
    for start, now in zip(initial, gan.get_weights()):
        np.testing.assert_allclose(now, start + 2.0, rtol=1e-6)


def test_is_reusable_across_fit_calls():
    gan = _gan()
    callback = FreshDiscriminatorStopping(
        mixtures.sample_mixture("ring", 200, seed=1), tolerance=None, **_TINY
    )
    data = mixtures.sample_mixture("ring", 64, seed=0)
    for _ in range(2):
        history = gan.fit(
            data, batch_size=32, epochs=2, callbacks=[callback], verbose=0
        )
        assert len(callback.history) == 2
        assert len(history.history["fresh_d_accuracy"]) == 2
    # The fixed noise: the same generator gives the same figures.
    first = callback.evaluate()
    again = callback.evaluate()
    assert first.accuracy == again.accuracy


def test_samples_from_the_weight_average():
    gan = keras_gan.GAN(
        mlp_generator(4, 2, (8,)),
        mlp_discriminator(2, (8,)),
        seed=0,
        ema_decay=0.9,
    )
    gan.compile()
    gan.fit(np.zeros((8, 2), np.float32), batch_size=8, verbose=0)
    callback = _attach(
        FreshDiscriminatorStopping(np.zeros((10, 2)), **_TINY), gan
    )
    assert callback._generator() is gan.sample_generator
    assert gan.sample_generator is not gan.generator


def test_config_round_trips():
    callback = FreshDiscriminatorStopping(
        np.zeros((10, 2)), every_n_epochs=3, tolerance=0.1, patience=2
    )
    config = callback.get_config()
    again = FreshDiscriminatorStopping.from_config(config, np.zeros((10, 2)))
    assert again.get_config() == config


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"real": np.zeros(5)}, "real"),
        ({"tolerance": 0.5}, "tolerance"),
        ({"tolerance": -0.1}, "tolerance"),
        ({"patience": 0}, "patience"),
        ({"every_n_epochs": 0}, "every_n_epochs"),
        ({"num_samples": 0}, "num_samples"),
        ({"steps": 0}, "steps"),
        ({"repeats": 0}, "repeats"),
        ({"features": "classifier"}, "features"),
    ],
)
def test_validates_its_arguments(kwargs, message):
    arguments = {"real": np.zeros((10, 2)), **kwargs}
    with pytest.raises((ValueError, TypeError), match=message):
        FreshDiscriminatorStopping(**arguments)
