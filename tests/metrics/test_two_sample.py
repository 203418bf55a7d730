"""fresh_discriminator_test: separates what differs, scores chance on what
does not, reproducibly, and refuses what it cannot test."""

import keras
import numpy as np
import pytest

from keras_gan.data import mixtures
from keras_gan.metrics import (
    default_discriminator,
    fresh_discriminator_test,
)

# Held-out samples in all (half real, half generated) of the tests below.
_NUM_TEST = 1000


def _gaussians(num, shift=0.0, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((num, 2)) + shift).astype(np.float32)


def _test(real, generated, **kwargs):
    kwargs = {"steps": 200, "seed": 0, **kwargs}
    return fresh_discriminator_test(real, generated, **kwargs)


def test_separates_clearly_different_distributions():
    ring = mixtures.sample_mixture("ring", _NUM_TEST, seed=0)
    grid = mixtures.sample_mixture("grid", _NUM_TEST, seed=1)
    result = _test(ring, grid)
    assert result.accuracy > 0.97
    assert result.real_output > 0.9
    assert result.generated_output < 0.1
    assert result.p_value < 1e-10


def test_reaches_the_bayes_accuracy_on_overlapping_mixtures():
    # The grid shrunk to the ring's extent: 4 of its 25 modes sit on 4 of
    # the ring's 8, where the real density is the larger, so the best
    # classifier calls them real and errs on those 4/25 of the grid's
    # samples only: Bayes accuracy (1 + (1 - 4 / 25)) / 2 = 0.92.
    ring = mixtures.sample_mixture("ring", _NUM_TEST, seed=0)
    grid = mixtures.sample_mixture("grid", _NUM_TEST, seed=1) / 4.0
    result = _test(ring, grid, steps=400)
    bayes = (1 + (1 - 4 / 25)) / 2
    assert abs(result.accuracy - bayes) < 0.03 + 4 * result.standard_error


def test_scores_chance_on_two_samples_of_one_distribution():
    # With n held-out samples of each kind from one distribution, the
    # accuracy has mean 1/2 and standard deviation at most 0.5 /
    # sqrt(2 n) (two_sample's docstring): four of them bound it with
    # probability above 0.9999.
    result = _test(_gaussians(_NUM_TEST, seed=1), _gaussians(_NUM_TEST, seed=2))
    assert result.num_test == _NUM_TEST
    assert result.standard_error == pytest.approx(0.5 / np.sqrt(_NUM_TEST))
    assert abs(result.accuracy - 0.5) <= 4 * result.standard_error
    # The outputs estimate D* = 1/2 on both.
    assert abs(result.real_output - 0.5) < 0.1
    assert abs(result.generated_output - 0.5) < 0.1
    assert result.p_value > 1e-4


def test_detects_a_mean_shift_a_training_discriminator_could_miss():
    # Unit Gaussians one standard deviation apart overlap heavily; the
    # Bayes accuracy is Phi(1 / 2) ~ 0.69 per coordinate shifted.
    result = _test(_gaussians(_NUM_TEST, seed=1), _gaussians(_NUM_TEST, 1.0, 2))
    assert result.accuracy > 0.5 + 6 * result.standard_error
    assert result.real_output > result.generated_output


def test_is_reproducible_with_a_seed():
    real, generated = _gaussians(300, seed=1), _gaussians(300, 0.5, seed=2)
    first = _test(real, generated, steps=30, seed=3)
    again = _test(real, generated, steps=30, seed=3)
    other = _test(real, generated, steps=30, seed=4)
    assert first.accuracy == again.accuracy
    assert first.real_output == again.real_output
    assert first.generated_output == again.generated_output
    assert (first.real_output, first.generated_output) != (
        other.real_output,
        other.generated_output,
    )


def test_images_use_the_default_conv_net():
    rng = np.random.default_rng(0)
    blank = rng.uniform(0.0, 0.1, (400, 8, 8, 1)).astype(np.float32)
    bright = blank.copy()
    bright[:, 2:6, 2:6] += 0.5  # a square the fresh net must find
    result = _test(blank, bright, steps=60)
    assert result.accuracy > 0.95
    model = default_discriminator((8, 8, 1))
    assert any(isinstance(layer, keras.layers.Conv2D) for layer in model.layers)


def _seeded(seed):
    return keras.initializers.GlorotUniform(seed=seed)


def test_takes_the_users_model_fresh_and_leaves_it_untrained():
    model = keras.Sequential(
        [
            keras.Input((2,)),
            # Seeded, so its clone starts from the same weights every run.
            keras.layers.Dense(16, "relu", kernel_initializer=_seeded(0)),
            keras.layers.Dense(1, kernel_initializer=_seeded(1)),
        ]
    )
    before = [w.copy() for w in model.get_weights()]
    real, generated = _gaussians(800, seed=1), _gaussians(800, 4.0, seed=2)
    result = _test(real, generated, discriminator=model, steps=100)
    assert result.accuracy > 0.95
    for old, new in zip(before, model.get_weights()):
        np.testing.assert_array_equal(old, new)


def test_takes_a_builder():
    shapes = []

    def builder(sample_shape):
        shapes.append(sample_shape)
        return default_discriminator(sample_shape, seed=7)

    result = _test(
        _gaussians(800, seed=1),
        _gaussians(800, 4.0, seed=2),
        discriminator=builder,
        steps=100,
    )
    assert shapes == [(2,)]
    assert result.accuracy > 0.95


def test_epochs_replace_steps_and_time_bounds_training():
    real, generated = _gaussians(256, seed=1), _gaussians(256, seed=2)
    result = _test(real, generated, epochs=3, batch_size=64)
    assert result.steps == 3 * 2  # 128 training samples of each kind
    bounded = _test(real, generated, steps=100000, max_seconds=0.5)
    assert bounded.time_limited
    assert bounded.steps < 100000


def test_uses_equal_counts_of_each_kind():
    result = _test(_gaussians(1000, seed=1), _gaussians(300, seed=2), steps=5)
    assert result.num_train + result.num_test // 2 == 300


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"generated": np.zeros((10, 3))}, "same shape"),
        ({"real": np.zeros(10)}, "shape \\[num_samples"),
        ({"real": np.full((10, 2), np.nan)}, "finite"),
        ({"real": np.zeros((1, 2))}, "enough samples"),
        ({"test_fraction": 1.0}, "test_fraction"),
        ({"steps": 0}, "steps"),
        ({"batch_size": -1}, "batch_size"),
        ({"learning_rate": 0}, "learning_rate"),
        ({"max_seconds": -1}, "max_seconds"),
        ({"seed": -1}, "seed"),
        ({"discriminator": "mlp"}, "discriminator"),
        ({"features": "inception"}, "features"),
        ({"features": lambda x: x[:3]}, "feature vectors of shape"),
        ({"repeats": 0}, "repeats"),
    ],
)
def test_validates_its_inputs(kwargs, message):
    arguments = {"real": np.zeros((10, 2)), "generated": np.ones((10, 2))}
    arguments.update(kwargs)
    with pytest.raises((ValueError, TypeError), match=message):
        fresh_discriminator_test(**arguments)


def test_refuses_a_model_with_more_than_one_output_unit():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])
    with pytest.raises(ValueError, match="one logit"):
        fresh_discriminator_test(
            np.zeros((10, 2)), np.ones((10, 2)), discriminator=model
        )


def test_compares_features_when_given_them():
    # Real and generated differ in the second coordinate only: features
    # that keep it tell them apart, features that drop it cannot.
    rng = np.random.default_rng(0)
    real = rng.standard_normal((_NUM_TEST, 2)).astype(np.float32)
    generated = rng.standard_normal((_NUM_TEST, 2)).astype(np.float32)
    generated[:, 1] += 3.0
    seen = []

    def keep_both(samples):
        seen.append(samples.shape)
        return samples * 2.0

    def drop_second(samples):
        return samples[:, :1]

    told = _test(real, generated, features=keep_both)
    assert seen == [(_NUM_TEST, 2)] * 2 and told.accuracy > 0.9
    blind = _test(real, generated, features=drop_second)
    assert abs(blind.accuracy - 0.5) < 4 * blind.standard_error


def test_features_train_a_logistic_regression_from_zero():
    linear = default_discriminator((8,), for_features=True)
    dense = [layer for layer in linear.layers if layer.weights]
    assert len(dense) == 1 and dense[0].kernel.shape == (8, 1)
    assert not np.any(linear.get_weights()[0])
    assert "fourier_features" in [
        layer.name for layer in default_discriminator((8,)).layers
    ]


def test_repeats_average_tests_of_consecutive_seeds():
    real, generated = _gaussians(400, seed=1), _gaussians(400, 0.5, seed=2)
    one, two = (_test(real, generated, steps=50, seed=s) for s in (3, 4))
    both = _test(real, generated, steps=50, seed=3, repeats=2)
    assert both.accuracy == pytest.approx((one.accuracy + two.accuracy) / 2)
    assert both.real_output == pytest.approx(
        (one.real_output + two.real_output) / 2
    )
    assert both.steps == 100 and both.num_test == one.num_test
