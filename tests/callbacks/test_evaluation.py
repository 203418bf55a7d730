"""The Evaluation callback: figures in the epoch logs, cached real
features, and other callbacks monitoring them."""

import keras
import numpy as np
import pytest

import keras_gan
from keras_gan.callbacks.equilibrium_stopping import EquilibriumStopping
from keras_gan.callbacks.evaluation import Evaluation
from keras_gan.data import mixture_dataset
from keras_gan.metrics import scoring
from keras_gan.models import build_pair, dcgan, mlp
from keras_gan.models.generator_ema import GeneratorEMA


def _ring_gan(seed=0):
    keras.utils.set_random_seed(seed)
    gan = keras_gan.GAN(
        mlp.mlp_generator(4, 2, (16, 16)),
        mlp.mlp_discriminator(2, (16, 16)),
        seed=seed,
    )
    gan.compile()
    return gan


class _ConstantScorer:
    """Always the same figures: a monitor that never improves."""

    kind = "points"

    def __init__(self):
        self.calls = 0

    def score(self, samples):
        self.calls += 1
        return {"frechet_distance": 1.0}


def test_ring_figures_are_logged_on_evaluated_epochs_only():
    gan = _ring_gan()
    evaluation = Evaluation("ring", every_n_epochs=2, num_samples=300)
    history = gan.fit(
        mixture_dataset("ring", 32, seed=0),
        epochs=4,
        steps_per_epoch=2,
        callbacks=[evaluation],
        verbose=0,
    )
    assert [h["epoch"] for h in evaluation.history] == [2, 4]
    assert [h["step"] for h in evaluation.history] == [4, 8]
    # Keras's History holds one value per evaluation.
    assert len(history.history["modes_captured"]) == 2
    assert len(history.history["d_loss"]) == 4
    for record in evaluation.history:
        assert record["num_modes"] == 8
        assert 0 <= record["modes_captured"] <= 8
        assert 0.0 <= record["high_quality_percent"] <= 100.0


def test_fixed_noise_gives_the_same_figures_for_the_same_generator():
    gan = _ring_gan()
    gan.build()
    evaluation = Evaluation("ring", num_samples=500, seed=3)
    evaluation.set_model(gan)
    evaluation.on_train_begin()
    first, second = evaluation.evaluate(), evaluation.evaluate()
    assert first == second
    expected = scoring.MixtureScorer("ring").score(
        scoring.ModelSampler(gan.generator).sample(500, seed=3)
    )
    assert first == expected


def test_equilibrium_stopping_sees_the_logged_metric():
    gan = _ring_gan()
    stopping = EquilibriumStopping(
        tolerance=10.0, patience=1, monitor="frechet_distance"
    )
    gan.fit(
        mixture_dataset("ring", 32, seed=0),
        epochs=6,
        steps_per_epoch=1,
        callbacks=[Evaluation(_ConstantScorer(), num_samples=8), stopping],
        verbose=0,
    )
    # Epoch 1 sets the best value, epoch 2 does not improve on it: the
    # monitor has stalled and the outputs are within the tolerance.
    assert stopping.stopped_epoch == 1
    assert gan.generator_steps == 2


def test_listed_after_the_monitor_the_metric_is_not_seen(capsys):
    gan = _ring_gan()
    stopping = EquilibriumStopping(
        tolerance=10.0, patience=1, monitor="frechet_distance"
    )
    gan.fit(
        mixture_dataset("ring", 32, seed=0),
        epochs=3,
        steps_per_epoch=1,
        callbacks=[stopping, Evaluation(_ConstantScorer(), num_samples=8)],
        verbose=0,
    )
    assert stopping.stopped_epoch is None
    assert "`frechet_distance` is not logged" in capsys.readouterr().out


def test_early_stopping_and_checkpoint_monitor_the_figures(tmp_path):
    gan = _ring_gan()
    path = tmp_path / "best.weights.h5"
    checkpoint = keras.callbacks.ModelCheckpoint(
        path,
        monitor="frechet_distance",
        mode="min",
        save_best_only=True,
        save_weights_only=True,
    )
    early = keras.callbacks.EarlyStopping(
        "frechet_distance", mode="min", patience=2
    )
    gan.fit(
        mixture_dataset("ring", 32, seed=0),
        epochs=10,
        steps_per_epoch=1,
        callbacks=[
            Evaluation(_ConstantScorer(), num_samples=8),
            checkpoint,
            early,
        ],
        verbose=0,
    )
    assert path.exists()
    assert early.stopped_epoch == 2


class _CountingExtractor:
    """A tiny untrained classifier's features, counting the images seen."""

    value_range = (0.0, 1.0)
    has_logits = False

    def __init__(self):
        keras.utils.set_random_seed(1)
        self.model = keras.Sequential(
            [keras.Input((8, 8, 1)), keras.layers.Flatten()]
            + [keras.layers.Dense(6)]
        )
        self.images_seen = 0

    def features(self, images):
        self.images_seen += len(images)
        return np.asarray(self.model(images))


def test_image_figures_with_real_features_computed_once():
    extractor = _CountingExtractor()
    reference = np.random.default_rng(0).uniform(size=(64, 8, 8, 1))
    scorer = scoring.FeatureScorer(
        reference, extractor, kid_subset_size=16, kid_num_subsets=4
    )
    assert extractor.images_seen == 64
    keras.utils.set_random_seed(0)
    gan = keras_gan.GAN(
        dcgan.dcgan_generator(8, (8, 8, 1), base_filters=4),
        dcgan.dcgan_discriminator((8, 8, 1), base_filters=4),
        seed=0,
    )
    gan.compile()
    evaluation = Evaluation(scorer, num_samples=32, prefix="eval_")
    real = np.random.default_rng(1).uniform(-1, 1, (64, 8, 8, 1))
    for _ in range(2):  # two fits reuse the scorer's features
        history = gan.fit(
            real.astype("float32"),
            batch_size=16,
            epochs=2,
            callbacks=[evaluation],
            verbose=0,
        )
    for key in ("frechet_distance", "kid_mean", "precision", "recall"):
        assert len(history.history[f"eval_{key}"]) == 2
    assert np.isfinite(history.history["eval_frechet_distance"]).all()
    # 64 reference images once, then 32 samples per evaluation.
    assert extractor.images_seen == 64 + 4 * 32


def test_evaluates_the_averaged_generator_of_a_generator_ema():
    gan = _ring_gan()
    ema = GeneratorEMA(decay=0.999)
    evaluation = Evaluation("ring", num_samples=200, generator=ema)
    gan.fit(
        mixture_dataset("ring", 32, seed=0),
        epochs=1,
        steps_per_epoch=3,
        callbacks=[ema, evaluation],
        verbose=0,
    )
    expected = scoring.MixtureScorer("ring").score(
        scoring.ModelSampler(ema.generator).sample(200, seed=0)
    )
    assert evaluation.history[0]["high_quality_percent"] == pytest.approx(
        expected["high_quality_percent"]
    )
    assert evaluation._generator() is ema.generator


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"scorer": "ring", "every_n_epochs": 0}, "every_n_epochs"),
        ({"scorer": "ring", "num_samples": -1}, "num_samples"),
        ({"scorer": 3}, "scorer"),
    ],
)
def test_invalid_arguments_are_named(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        Evaluation(**kwargs)


def test_a_conditional_gan_logs_its_per_class_figures():
    from tests.metrics import brightness_classes as classes

    keras.utils.set_random_seed(0)
    gan = keras_gan.GAN(
        *build_pair(
            "dcgan",
            (8, 8, 1),
            4,
            num_classes=3,
            conditioning="concat",
            base_filters=4,
        ),
        num_classes=3,
        seed=0,
    )
    gan.compile()
    scorer = classes.scorer()
    rising = keras.callbacks.EarlyStopping("label_accuracy", patience=9)
    falling = keras.callbacks.EarlyStopping("intra_class_fd", patience=9)
    images, labels = classes.real_images(16, seed=3)
    history = gan.fit(
        images * 2.0 - 1.0,
        labels,
        batch_size=16,
        epochs=2,
        callbacks=[Evaluation(scorer, num_samples=30), rising, falling],
        verbose=0,
    )
    assert len(history.history["label_accuracy"]) == 2
    # The classes in turn on the fixed noise, as bin/evaluate draws them.
    sampler = scoring.ModelSampler(gan.sample_generator, num_classes=3)
    expected = scorer.score(sampler.sample(30), labels=np.arange(30) % 3)
    for key in ("label_accuracy", "intra_class_fd", "frechet_distance"):
        assert history.history[key][-1] == pytest.approx(expected[key])
    assert (rising.mode, falling.mode) == ("max", "min")
