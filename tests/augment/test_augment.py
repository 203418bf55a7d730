"""DiffAugment and ADA inside the GAN: the reference magnitudes,
gradients through to the generator, p adapting, and p kept."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gan
from keras_gan.augment import AdaptiveAugment, DiffAugment
from tests.float32 import reordering_tolerance

SHAPE = (8, 8, 1)


def _images(n=16, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, (n, *SHAPE)).astype("float32")


def test_diffaugment_translation_is_a_shift_of_at_most_an_eighth():
    images = _images(32)
    images[:] = np.abs(images) + 0.1  # no zero pixel before the shift
    got = np.asarray(
        DiffAugment("translation").augment(
            images, keras.random.SeedGenerator(0)
        )
    )
    shifts = set()
    for x, y in zip(images, got):
        for tr in range(-1, 2):
            for tc in range(-1, 2):
                padded = np.pad(x, ((1, 1), (1, 1), (0, 0)))
                r = np.clip(np.arange(8) + tr + 1, 0, 9)
                c = np.clip(np.arange(8) + tc + 1, 0, 9)
                if np.array_equal(padded[r][:, c], y):
                    shifts.add((tr, tc))
                    break
            else:
                continue
            break
        else:
            pytest.fail("an image was not a shift within 1 pixel (8 / 8)")
    assert len(shifts) > 3  # drawn per example


def test_diffaugment_cutout_zeroes_half_of_each_side():
    images = np.abs(_images(32)) + 0.1
    got = np.asarray(
        DiffAugment("cutout").augment(images, keras.random.SeedGenerator(1))
    )
    zeroed = (got == 0).all(axis=-1)
    counts = zeroed.sum(axis=(1, 2))
    assert counts.max() == 16  # a 4x4 square when it fits
    assert counts.min() >= 4  # clipped at a corner: at least 2x2
    np.testing.assert_array_equal(got[~zeroed], images[~zeroed])


def test_diffaugment_colour_ranges():
    images = np.zeros((256, 4, 4, 3), np.float32)
    images[..., 0] = 0.2  # a colour, so saturation acts
    got = np.asarray(
        DiffAugment("color").augment(images, keras.random.SeedGenerator(2))
    )
    # Brightness shifts the mean by U[-0.5, 0.5]; saturation and contrast
    # keep each image's mean.
    shift = got.mean(axis=(1, 2, 3)) - images.mean(axis=(1, 2, 3))
    assert -0.5 <= shift.min() < -0.4 and 0.4 < shift.max() <= 0.5


def test_rejects_unknown_policies():
    with pytest.raises(ValueError, match="`policy`.*Received: policy='zoom'"):
        DiffAugment("zoom")
    with pytest.raises(ValueError, match="`augmentations`"):
        AdaptiveAugment("zoom")
    with pytest.raises(ValueError, match="`target`"):
        AdaptiveAugment(target=2.0)
    with pytest.raises(ValueError, match="`augment`.*Received: augment='x'"):
        keras_gan.augment.get("x")


def _players():
    z = keras.Input((4,))
    h = keras.layers.Dense(64, activation="tanh")(z)
    generator = keras.Model(z, keras.layers.Reshape(SHAPE)(h))
    x = keras.Input(SHAPE)
    h = keras.layers.Conv2D(4, 3, activation="tanh")(x)
    discriminator = keras.Model(
        x, keras.layers.Dense(1)(keras.layers.Flatten()(h))
    )
    return generator, discriminator


AUGMENTS = [
    lambda: DiffAugment(),
    lambda: AdaptiveAugment(
        ",".join(keras_gan.augment.AUGMENTATIONS), initial_p=1.0
    ),
]


@pytest.mark.parametrize("make", AUGMENTS)
def test_gradients_reach_the_generator_through_the_augmentation(make):
    generator, discriminator = _players()
    gan = keras_gan.GAN(generator, discriminator, seed=0, augment=make())
    seeds = keras.random.SeedGenerator(0)
    with tf.GradientTape() as tape:
        fake = gan._augmented(
            generator(keras.random.normal((8, 4), seed=seeds))
        )
        out = discriminator(fake)
    grads = tape.gradient(out, generator.trainable_variables)
    assert all(g is not None and np.any(g.numpy() != 0) for g in grads)


class _Recording(keras_gan.augment.Augmentation):
    """Counts batches augmented and observed; the identity."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.calls = self.add_weight(
            shape=(), initializer="zeros", trainable=False, name="calls"
        )
        self.observed = self.add_weight(
            shape=(), initializer="zeros", trainable=False, name="observed"
        )

    def draw(self, images, seed_generator):
        self.calls.assign_add(1.0)
        return lambda x: x * 1.0

    def observe(self, real_outputs):
        self.observed.assign_add(1.0)


def test_gan_augments_real_and_fake_of_every_update_and_the_generator_batch():
    generator, discriminator = _players()
    recording = _Recording()
    gan = keras_gan.GAN(
        generator,
        discriminator,
        discriminator_steps=2,
        seed=0,
        augment=recording,
    )
    gan.compile()
    history = gan.fit(_images(32), batch_size=8, epochs=1, verbose=0)  # 2 steps
    # Per step: k = 2 updates x (real, fake), then the generator's batch.
    assert float(recording.calls) == 2 * (2 * 2 + 1)
    assert float(recording.observed) == 2 * 2
    assert history.history["augment_p"] == [1.0]
    gan.evaluate(_images(8), batch_size=8, verbose=0)  # never in evaluation
    assert float(recording.calls) == 10


def _observe(ada, outputs, times):
    for _ in range(times):
        ada.observe(tf.constant(outputs, tf.float32))


def test_ada_p_rises_when_d_overfits_and_falls_when_it_underfits():
    ada = AdaptiveAugment(initial_p=0.5, interval=4, speed_images=1000)
    confident = np.full((16, 1), 3.0)  # sign(D(real)) = 1 > 0.6
    _observe(ada, confident, 3)
    assert float(ada.p) == 0.5  # adjusted every 4 updates only
    _observe(ada, confident, 5)
    # Two adjustments of 16 images x 4 updates / 1000 each.
    assert float(ada.p) == pytest.approx(0.5 + 2 * 64 / 1000)
    assert float(ada.r_t) == 1.0
    mixed = np.array([[1.0]] * 10 + [[-1.0]] * 6)  # r_t = 0.25 < 0.6
    _observe(ada, mixed, 4)
    assert float(ada.p) == pytest.approx(0.5 + 64 / 1000)
    assert float(ada.r_t) == pytest.approx(0.25)
    _observe(ada, -confident, 400)
    assert float(ada.p) == 0.0  # clipped


def test_ada_p_goes_from_0_to_1_in_speed_images():
    ada = AdaptiveAugment(speed_images=640, interval=4)
    _observe(ada, np.full((16, 1), 1.0), 39)  # 624 images
    assert float(ada.p) < 1.0
    _observe(ada, np.full((16, 1), 1.0), 1)  # 640
    assert float(ada.p) == pytest.approx(1.0)


def _ada_gan(**kwargs):
    generator, discriminator = _players()
    gan = keras_gan.GAN(
        generator,
        discriminator,
        seed=0,
        augment=AdaptiveAugment(speed_images=512, interval=2, **kwargs),
    )
    gan.compile(
        g_optimizer=keras.optimizers.Adam(1e-3),
        d_optimizer=keras.optimizers.Adam(1e-2),
    )
    return gan


def test_ada_in_training_logs_p_and_r_t_and_reacts_to_an_overfitting_d():
    gan = _ada_gan()
    # A discriminator that calls everything real: r_t = 1, p must rise.
    gan.discriminator.layers[-1].bias.assign([50.0])
    gan.compile(
        g_optimizer=keras.optimizers.SGD(0.0),
        d_optimizer=keras.optimizers.SGD(0.0),
    )
    history = gan.fit(_images(64), batch_size=16, epochs=2, verbose=0)
    p = history.history["augment_p"]
    # r_t is 0 until the first adjustment (step 2), then 1.
    assert history.history["ada_r_t"] == [0.75, 1.0]
    # 4 steps per epoch, an adjustment of 32 / 512 every 2; the logged
    # value is the epoch's mean of p after each step.
    after = np.array([0, 1, 1, 2, 2, 3, 3, 4]) * 32 / 512
    assert p == pytest.approx([after[:4].mean(), after[4:].mean()])


def test_ada_p_survives_save_and_load(tmp_path):
    gan = _ada_gan(initial_p=0.3)
    gan.discriminator.layers[-1].bias.assign([50.0])
    gan.fit(_images(64), batch_size=16, epochs=1, verbose=0)
    p = float(gan.augment.p)
    assert p != 0.3
    path = tmp_path / "gan.keras"
    gan.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded.augment, AdaptiveAugment)
    assert loaded.augment.speed_images == 512
    assert float(loaded.augment.p) == p
    assert float(loaded.augment.r_t) == float(gan.augment.r_t)
    a = gan.fit(_images(32), batch_size=16, epochs=1, verbose=0, shuffle=False)
    b = loaded.fit(
        _images(32), batch_size=16, epochs=1, verbose=0, shuffle=False
    )
    assert a.history["augment_p"] == pytest.approx(b.history["augment_p"])
    # The loaded model's graph may sum in another order. Longest sum: the
    # conv kernel's gradient over 16 images at 6x6 positions (576). Chain:
    # the generator's dense layer, the augmentation's resampling, the
    # discriminator's conv and dense layers, back through all (8). Updates:
    # 2 steps of one discriminator and one generator update.
    tol = reordering_tolerance(terms=576, reductions=8, updates=4)
    assert a.history["d_loss"] == pytest.approx(
        b.history["d_loss"], rel=tol, abs=tol
    )


@pytest.mark.parametrize("loss", keras_gan.losses.loss_names())
def test_augmentation_composes_with_every_loss_and_penalty(loss):
    generator, discriminator = _players()
    gan = keras_gan.GAN(
        generator,
        discriminator,
        discriminator_steps=2,
        seed=0,
        ema_decay=0.9,
        augment="diffaugment" if loss != "hinge" else "ada",
    )
    gan.compile(
        loss=loss,
        penalties=[
            "gradient_penalty",
            keras_gan.losses.R1Penalty(1.0, interval=2),
            "lecam",
        ],
    )
    history = gan.fit(_images(32), batch_size=8, epochs=1, verbose=0)
    assert all(np.isfinite(v[-1]) for v in history.history.values())
    assert np.isfinite(gan.generate(4)).all()


class _Known(keras_gan.augment.Augmentation):
    """A fixed affine augmentation: T(x) = mask * 2x + 0.5, the mask
    zeroing the left half (like a cutout, the gradient there is 0)."""

    MASK = (np.arange(SHAPE[1]) >= SHAPE[1] // 2).reshape(1, -1, 1)

    def draw(self, images, seed_generator):
        return lambda x: self.MASK.astype("float32") * 2.0 * x + 0.5


def _fixed_discriminator(quadratic):
    # D(x) = 0.5 * sum(x^2) (input gradient x) or sum(x) (gradient 1).
    x = keras.Input(SHAPE)
    h = keras.layers.Multiply()([x, x]) if quadratic else x
    weight = 0.5 if quadratic else 1.0
    out = keras.layers.Dense(
        1,
        use_bias=False,
        kernel_initializer=keras.initializers.Constant(weight),
    )(keras.layers.Flatten()(h))
    return keras.Model(x, out)


@pytest.mark.parametrize("penalty", ["r1", "gp"])
def test_penalty_inputs_augmented_looks_through_the_draw_raw_skips_it(penalty):
    real = _images(8)
    mask = np.broadcast_to(_Known.MASK, SHAPE).astype("float32")
    logged = {}
    for inputs in ("augmented", "raw"):
        generator, _ = _players()
        gan = keras_gan.GAN(
            generator,
            _fixed_discriminator(quadratic=penalty == "r1"),
            seed=0,
            augment=_Known(),
            penalty_inputs=inputs,
        )
        gan.compile(
            penalties=[
                keras_gan.losses.R1Penalty(1.0)
                if penalty == "r1"
                else keras_gan.losses.GradientPenalty(1.0)
            ]
        )
        history = gan.fit(real, batch_size=8, epochs=1, verbose=0)
        logged[inputs] = history.history
    key = "r1_penalty" if penalty == "r1" else "gradient_penalty"
    axes = (1, 2, 3)
    if penalty == "r1":
        # grad_x D(T(x)) = 2 mask (2 mask x + 0.5); grad_x D(x) = x.
        through = 2.0 * mask * (2.0 * mask * real + 0.5)
        expected = {
            "augmented": 0.5 * np.mean(np.sum(through**2, axis=axes)),
            "raw": 0.5 * np.mean(np.sum(real**2, axis=axes)),
        }
    else:
        # A linear D: the gradient is the same at every interpolate.
        norms = {"augmented": np.sqrt(np.sum((2.0 * mask) ** 2)), "raw": 8.0}
        expected = {k: (v - 1.0) ** 2 for k, v in norms.items()}
    for inputs in ("augmented", "raw"):
        assert logged[inputs][key][0] == pytest.approx(
            expected[inputs], rel=1e-5
        )
    assert expected["augmented"] != pytest.approx(expected["raw"])
    # The loss's own passes see the augmented batches either way.
    assert logged["augmented"]["d_real"] == logged["raw"]["d_real"]


def test_penalty_inputs_is_checked_and_serialized():
    generator, discriminator = _players()
    with pytest.raises(ValueError, match="`penalty_inputs`.*Received"):
        keras_gan.GAN(generator, discriminator, penalty_inputs="both")
    gan = keras_gan.GAN(
        generator, discriminator, augment="ada", penalty_inputs="raw"
    )
    assert keras_gan.GAN(generator, discriminator).penalty_inputs == (
        "augmented"
    )
    config = gan.get_config()
    assert config["penalty_inputs"] == "raw"
    assert keras_gan.GAN.from_config(config).penalty_inputs == "raw"
