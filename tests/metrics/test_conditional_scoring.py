"""Scoring a class-conditional generator: samplers that draw at labels,
the per-class figures beside their real floor, and their tables."""

import numpy as np
import pytest

import keras_gan
from keras_gan import export
from keras_gan.metrics import scoring
from keras_gan.metrics.conditional import (
    intra_class_frechet_distance_from_activations,
)
from keras_gan.models import build_pair
from tests.metrics import brightness_classes as classes


def test_per_class_figures_beside_the_floor():
    scorer = classes.scorer()
    good = scoring.score(classes.LevelSampler(), scorer, per_class=30)
    wrong = scoring.score(classes.LevelSampler(shift=1), scorer, 90)
    for report in (good, wrong):
        assert report["num_samples"] == 90
        assert report["samples_per_class"] == 30
        assert report["figures"][:2] == [
            ["label_accuracy", True],
            ["intra_class_fd", False],
        ]
    # The classes in turn: sample i at label i % 3, drawn from seed 0.
    labels = np.arange(90) % 3
    samples = classes.images_at(labels, scoring.standard_normal_noise(90, 64))
    features = classes.BrightnessClassifier().features(samples)
    expected, _ = intra_class_frechet_distance_from_activations(
        features, labels, scorer.reference_features, scorer.reference_labels
    )
    assert good["model"]["intra_class_fd"] == pytest.approx(expected)
    assert good["model"]["label_accuracy"] == 1.0
    assert good["per_class"]["model"]["label_accuracy"] == [1.0, 1.0, 1.0]
    # Drawing the wrong class: same images overall, every class wrong.
    assert wrong["model"]["label_accuracy"] == 0.0
    assert wrong["model"]["intra_class_fd"] > 100 * expected
    assert wrong["model"]["frechet_distance"] == pytest.approx(
        good["model"]["frechet_distance"], rel=0.5
    )
    # The floor: the classifier on the reference, its classes' halves.
    assert good["floor"]["label_accuracy"] == 1.0
    assert good["floor"]["intra_class_fd"] < 10 * expected
    assert "frechet_distance" in good["floor"]
    assert good["per_class"]["classes"] == classes.NAMES
    assert len(good["per_class"]["floor"]["intra_class_fd"]) == 3
    table = scoring.format_per_class_table(good)
    assert "1 mid" in table and "real floor" in table
    assert "label_accuracy" in scoring.format_table(good)


def test_a_generator_of_other_classes_is_refused():
    sampler = classes.LevelSampler()
    sampler.num_classes = 4
    with pytest.raises(ValueError, match="3 classes"):
        scoring.score(sampler, classes.scorer(), per_class=5)
    with pytest.raises(ValueError, match="per_class"):
        scoring.score(classes.LevelSampler(), classes.scorer(), 2)


def test_a_conditional_export_samples_what_the_model_samples(tmp_path):
    gan = keras_gan.GAN(
        *build_pair(
            "dcgan",
            (8, 8, 1),
            4,
            num_classes=3,
            conditioning="concat",  # the labels matter from the start
            base_filters=4,
        ),
        num_classes=3,
        seed=0,
    )
    gan.build()
    path = export.export_generator(gan, tmp_path / "e", class_names="abc")
    exported = scoring.ExportSampler(path)
    model = scoring.ModelSampler(gan.sample_generator, num_classes=3)
    assert exported.num_classes == 3 and exported.class_names == list("abc")
    assert model.class_names == ["0", "1", "2"]
    np.testing.assert_allclose(
        exported.sample(7, seed=1, batch_size=3),
        model.sample(7, seed=1),
        atol=1e-5,
    )
    at_two = exported.sample(4, seed=1, labels=2)
    assert not np.allclose(at_two, exported.sample(4, seed=1, labels=0))
    np.testing.assert_allclose(
        at_two, model.sample(4, seed=1, labels=[2, 2, 2, 2]), atol=1e-5
    )
    with pytest.raises(ValueError, match=r"in \[0, 3\)"):
        exported.sample(2, labels=[0, 3])
    with pytest.raises(ValueError, match="num_classes"):
        scoring.ModelSampler(gan.sample_generator)
