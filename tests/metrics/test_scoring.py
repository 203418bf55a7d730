"""keras_gan.metrics.scoring: samplers, scorers, reports beside the real
floor."""

import os

import keras
import numpy as np
import pytest

import keras_gan
from keras_gan import export
from keras_gan.data import fashion_mnist, mixture_dataset, sample_mixture
from keras_gan.metrics import scoring
from keras_gan.models import dcgan, mlp
from keras_gan.training import config as config_lib


def _mlp_generator(latent_dim=4):
    keras.utils.set_random_seed(0)
    generator = mlp.mlp_generator(latent_dim, 2, (8,))
    generator.build((None, latent_dim))
    return generator


def test_export_sampler_draws_what_the_keras_generator_draws(tmp_path):
    for kind, generator in (
        ("points", _mlp_generator()),
        ("images", dcgan.dcgan_generator(6, (8, 8, 1), base_filters=4)),
    ):
        path = tmp_path / kind
        export.export_generator(generator, path)
        exported = scoring.ExportSampler(path).sample(40, seed=5, batch_size=16)
        direct = scoring.ModelSampler(generator).sample(40, seed=5)
        np.testing.assert_allclose(exported, direct, atol=1e-5)
        assert exported.dtype == np.float32


def test_images_come_out_in_the_unit_range():
    generator = dcgan.dcgan_generator(6, (8, 8, 1), base_filters=4)
    samples = scoring.ModelSampler(generator).sample(10, seed=0)
    assert samples.shape == (10, 8, 8, 1)
    assert samples.min() >= 0.0 and samples.max() <= 1.0
    tanh = np.asarray(generator(scoring.standard_normal_noise(10, 6, 0)))
    np.testing.assert_allclose(samples, (tanh + 1) / 2, atol=1e-6)


def test_noise_depends_on_the_seed_only():
    a = scoring.standard_normal_noise(5, 3, seed=1)
    np.testing.assert_array_equal(a, scoring.standard_normal_noise(5, 3, 1))
    assert not np.allclose(a, scoring.standard_normal_noise(5, 3, seed=2))


def test_export_sampler_rejects_a_folder_without_a_savedmodel(tmp_path):
    with pytest.raises(FileNotFoundError, match="export_dir"):
        scoring.ExportSampler(tmp_path)


def test_real_ring_samples_score_like_the_floor():
    real = sample_mixture("ring", 2500, seed=11)
    report = scoring.score(real, "ring")
    assert report["model"]["modes_captured"] == 8
    # Within 3 std of the mean in 2D: 1 - exp(-9 / 2) = 98.89 %.
    for figures in (report["model"], report["floor"]):
        assert figures["high_quality_percent"] == pytest.approx(98.89, abs=1)
    assert report["num_samples"] == 2500


def test_ring_gan_export_is_scored_end_to_end(tmp_path):
    keras.utils.set_random_seed(0)
    gan = keras_gan.GAN(
        mlp.mlp_generator(4, 2, (16, 16)),
        mlp.mlp_discriminator(2, (16, 16)),
        seed=0,
    )
    gan.compile()
    gan.fit(mixture_dataset("ring", 64, seed=0), steps_per_epoch=5, verbose=0)
    path = export.export_generator(
        gan, tmp_path / "export", metadata={"dataset": "ring"}
    )
    sampler = scoring.ExportSampler(path)
    assert sampler.metadata["dataset"] == "ring"
    report = scoring.score(sampler, "ring", num_samples=1000, seed=2)
    assert set(report["model"]) >= {"modes_captured", "high_quality_percent"}
    assert report["floor"]["modes_captured"] == 8
    # Five steps from random weights: far below the floor.
    assert (
        report["model"]["high_quality_percent"]
        < report["floor"]["high_quality_percent"]
    )
    assert path in report["source"]
    table = scoring.format_table(report)
    assert "real floor" in table and "high_quality_percent" in table


class _Extractor:
    value_range = (0.0, 1.0)

    def __init__(self, dim=5):
        self.projection = np.random.default_rng(0).normal(size=(64, dim))

    def features(self, images):
        return np.asarray(images).reshape(len(images), -1) @ self.projection


def _feature_scorer(**kwargs):
    rng = np.random.default_rng(0)
    reference = rng.uniform(0.4, 0.6, (200, 8, 8, 1))
    floor = rng.uniform(0.4, 0.6, (300, 8, 8, 1))
    return scoring.FeatureScorer(
        reference,
        _Extractor(),
        floor_images=kwargs.pop("floor_images", floor),
        kid_subset_size=50,
        kid_num_subsets=5,
        **kwargs,
    )


def test_feature_scorer_puts_real_images_at_the_floor():
    scorer = _feature_scorer()
    floor = scorer.floor(150, seed=0)
    uniform = np.random.default_rng(1).uniform(size=(150, 8, 8, 1))
    noise = scorer.score(uniform)
    assert set(floor) >= {
        "frechet_distance",
        "kid_mean",
        "precision",
        "recall",
        "density",
        "coverage",
    }
    assert floor["frechet_distance"] < 0.1 * noise["frechet_distance"]
    assert floor["precision"] > noise["precision"]


def test_feature_scorer_floor_loads_lazily_and_checks_its_size():
    loads = []

    def load():
        loads.append(1)
        return np.full((20, 8, 8, 1), 0.5)

    scorer = _feature_scorer(floor_images=load)
    assert not loads
    with pytest.raises(ValueError, match="num_samples"):
        scorer.floor(21)
    scorer.floor(20)
    assert loads == [1]


def test_feature_scorer_checks_shapes_and_value_range():
    scorer = _feature_scorer()
    with pytest.raises(ValueError, match=r"\(8, 8, 1\)"):
        scorer.score(np.zeros((4, 9, 9, 1)))
    extractor = _Extractor()
    extractor.value_range = (-1.0, 1.0)
    with pytest.raises(ValueError, match="value_range"):
        scoring.FeatureScorer(np.zeros((4, 8, 8, 1)), extractor)


def test_images_of_another_shape_need_a_feature_extractor():
    with pytest.raises(ValueError, match="feature_extractor"):
        scoring.make_scorer("digits")


def test_num_samples_must_be_positive():
    with pytest.raises(ValueError, match="num_samples"):
        scoring.score(scoring.ModelSampler(_mlp_generator()), "ring", 0)


@pytest.fixture(scope="module")
def ring_workdir(tmp_path_factory):
    """A tiny bin/train-style run on the ring: export and checkpoints."""
    from keras_gan.training import train_lib

    workdir = tmp_path_factory.mktemp("ring_run")
    config = config_lib.TrainConfig(
        dataset="ring",
        hidden_units=(16, 16),
        latent_dim=4,
        batch_size=32,
        steps=4,
        steps_per_epoch=2,
        num_samples=16,
        workdir=os.fspath(workdir),
    )
    train_lib.train(config)
    return workdir


def test_workdir_sampler_prefers_the_export(ring_workdir):
    sampler = scoring.workdir_sampler(ring_workdir)
    assert isinstance(sampler, scoring.ExportSampler)
    assert sampler.metadata["dataset"] == "ring"
    assert scoring.dataset_of(workdir=ring_workdir) == "ring"


def test_workdir_checkpoint_draws_what_the_export_draws(ring_workdir):
    from_checkpoint = scoring.workdir_sampler(ring_workdir, prefer_export=False)
    assert "checkpoint" in from_checkpoint.description
    assert from_checkpoint.metadata["step"] == 4
    np.testing.assert_allclose(
        from_checkpoint.sample(50, seed=1),
        scoring.workdir_sampler(ring_workdir).sample(50, seed=1),
        atol=1e-5,
    )


def test_a_folder_that_is_no_run_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="workdir"):
        scoring.workdir_sampler(tmp_path)


@pytest.mark.slow
@pytest.mark.skipif(
    not os.path.isdir(fashion_mnist.DEFAULT_SOURCE_DIR),
    reason="needs the dataset-fashion-mnist Debian package",
)
def test_fashion_mnist_scorer_with_the_domain_classifier(tmp_path):
    # The real classifier: from the cache, else trained once (~2 min).
    scorer = scoring.make_scorer(
        "fashion_mnist", num_reference=2000, data_dir=tmp_path
    )
    assert scorer.reference_features.shape == (2000, 128)
    floor = scorer.floor(1000, seed=0)
    uniform = np.random.default_rng(0).uniform(size=(1000, 28, 28, 1))
    noise = scorer.score(uniform)
    assert floor["frechet_distance"] < 0.05 * noise["frechet_distance"]
    assert floor["precision"] > 0.5 > noise["precision"]
    assert floor["classifier_score"] > 5
