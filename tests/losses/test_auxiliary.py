"""AuxiliaryClassifierLoss: AC-GAN's classification terms on top of any
adversarial loss, checked against values computed by hand."""

import math

import keras
import numpy as np
import pytest

import keras_gan
from keras_gan.losses import AuxiliaryClassifierLoss
from keras_gan.models import (
    build_pair,
    conditional_mlp_discriminator,
    conditional_mlp_generator,
)

# Column 0: the adversarial logit; columns 1-3: class logits.
REAL = np.array([[0.5, 2.0, 0.0, -1.0], [-1.0, 0.0, 1.0, 0.0]], np.float32)
FAKE = np.array([[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 2.0, 3.0]], np.float32)
LABELS = np.array([0, 2])


def _ce(logits, label):
    return -(logits[label] - math.log(sum(math.exp(v) for v in logits)))


def _softplus(x):
    return math.log1p(math.exp(x))


# -log softmax at the label, by hand for each row.
CE_REAL = (_ce([2.0, 0.0, -1.0], 0) + _ce([0.0, 1.0, 0.0], 2)) / 2
CE_FAKE = (_ce([0.0, 0.0, 0.0], 0) + _ce([1.0, 2.0, 3.0], 2)) / 2


def test_values_match_the_formulas():
    loss = AuxiliaryClassifierLoss("non_saturating", weight=0.5)
    # Non-saturating: softplus(-real) + softplus(fake), means over rows.
    adversarial_d = (_softplus(-0.5) + _softplus(1.0)) / 2 + (
        _softplus(1.0) + _softplus(0.0)
    ) / 2
    d_loss = float(loss.discriminator_loss(REAL, FAKE, LABELS))
    assert d_loss == pytest.approx(adversarial_d + 0.5 * (CE_REAL + CE_FAKE))
    adversarial_g = (_softplus(-1.0) + _softplus(0.0)) / 2
    g_loss = float(loss.generator_loss(FAKE, LABELS))
    assert g_loss == pytest.approx(adversarial_g + 0.5 * CE_FAKE)
    # d_real logs the adversarial column's probability only.
    d_real = np.asarray(loss.discriminator_output(REAL))
    np.testing.assert_allclose(d_real, 1 / (1 + np.exp(-REAL[:, :1])), 1e-6)


def test_wraps_any_adversarial_loss():
    hinge = AuxiliaryClassifierLoss("hinge", weight=2.0)
    # Hinge: relu(1 - real) + relu(1 + fake).
    adversarial_d = (0.5 + 2.0) / 2 + (2.0 + 1.0) / 2
    assert float(hinge.discriminator_loss(REAL, FAKE, LABELS)) == (
        pytest.approx(adversarial_d + 2.0 * (CE_REAL + CE_FAKE))
    )
    assert float(hinge.generator_loss(FAKE, LABELS)) == pytest.approx(
        -0.5 + 2.0 * CE_FAKE
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"weight": 0}, "weight=0"),
        ({"adversarial": "nope"}, "nope"),
        ({"adversarial": AuxiliaryClassifierLoss()}, "adversarial"),
    ],
)
def test_bad_arguments_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        AuxiliaryClassifierLoss(**kwargs)


def _ac_gan(**kwargs):
    return keras_gan.GAN(
        conditional_mlp_generator(3, 4, 2, (8,)),
        conditional_mlp_discriminator(3, 2, (8,), auxiliary_classifier=True),
        num_classes=3,
        seed=0,
        **kwargs,
    )


def _data():
    rng = np.random.default_rng(0)
    labels = (np.arange(32) % 3).astype(np.int32)
    return rng.normal(size=(32, 2)).astype(np.float32), labels


@pytest.mark.parametrize("adversarial", keras_gan.losses.loss_names())
def test_trains_with_every_adversarial_loss_and_a_penalty(adversarial):
    gan = _ac_gan(discriminator_steps=2)
    gan.compile(
        loss=AuxiliaryClassifierLoss(adversarial),
        penalties=["gradient_penalty"],
    )
    head = gan.discriminator.layers[-2]  # the class logits' Dense
    before = head.get_weights()[0].copy()
    points, labels = _data()
    history = gan.fit(points, labels, batch_size=8, verbose=0)
    for key, values in history.history.items():
        assert np.isfinite(values[0]), key
    assert not np.allclose(head.get_weights()[0], before)


def test_saves_and_loads_with_the_gan(tmp_path):
    gan = _ac_gan()
    gan.compile(loss=AuxiliaryClassifierLoss("hinge", weight=0.25))
    points, labels = _data()
    gan.fit(points, labels, batch_size=8, verbose=0)
    gan.save(tmp_path / "gan.keras")
    loaded = keras.saving.load_model(tmp_path / "gan.keras")
    assert loaded.adversarial_loss == gan.adversarial_loss
    loaded.fit(points, labels, batch_size=8, verbose=0)
    assert loaded.generator_steps == 8


def test_needs_a_conditional_gan():
    gan = keras_gan.GAN(*build_pair("mlp", (2,), 4, hidden_units=(8,)))
    with pytest.raises(ValueError, match="num_classes=None"):
        gan.compile(loss=AuxiliaryClassifierLoss())
