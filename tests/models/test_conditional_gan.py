"""Class-conditional GANs: the same algorithm, each batch with its labels."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

import keras_gan
from keras_gan.layers import ClassProjection, ConditionalBatchNormalization
from keras_gan.models import build_pair

CLASSES = 3
LATENT = 4


def _tiny_pair(conditioning="projection", shape=(2,)):
    kwargs = {"hidden_units": (8,)} if len(shape) == 1 else {"base_filters": 2}
    architecture = "mlp" if len(shape) == 1 else "dcgan"
    return build_pair(
        architecture,
        shape,
        LATENT,
        num_classes=CLASSES,
        conditioning=conditioning,
        **kwargs,
    )


def _labelled_points(count=48, seed=0):
    rng = np.random.default_rng(seed)
    labels = (np.arange(count) % CLASSES).astype(np.int32)
    points = rng.normal(size=(count, 2)).astype(np.float32) + labels[:, None]
    return points, labels


def _label_value(labels):
    """A functional layer stack giving each label as a float, `[batch, 1]`."""
    codes = keras_gan.layers.OneHotLabels(CLASSES)(labels)
    dense = keras.layers.Dense(1, use_bias=False, trainable=False)
    value = dense(codes)
    dense.set_weights([np.arange(CLASSES, dtype=np.float32)[:, None]])
    return value


def _frozen_compile(gan, **kwargs):
    # Learning rate 0: the players stay as built, so the logged values show
    # what the step fed them.
    gan.compile(
        g_optimizer=keras.optimizers.SGD(0.0),
        d_optimizer=keras.optimizers.SGD(0.0),
        **kwargs,
    )


def _label_echo_generator():
    """G([z, y]) = [y, 0] (+ 0 * z): generated points carry their label."""
    z = keras.Input((LATENT,))
    labels = keras.Input((), dtype="int32")
    noise_part = keras.layers.Dense(2, kernel_initializer="zeros")(z)
    value = _label_value(labels)
    echo = keras.layers.Concatenate()([value, ops.zeros_like(value)])
    return keras.Model([z, labels], keras.layers.Add()([noise_part, echo]))


def test_each_real_batch_reaches_the_discriminator_with_its_own_labels():
    # D([x, y]) = -10 (x_0 - y)^2 + 0 * x: logit 0 exactly when the point
    # is paired with its own label, <= -10 for any other pairing.
    x = keras.Input((2,))
    labels = keras.Input((), dtype="int32")
    first = keras.layers.Dense(1, use_bias=False, trainable=False)
    gap = ops.subtract(first(x), _label_value(labels))
    first.set_weights([np.array([[1.0], [0.0]], np.float32)])
    logit = keras.layers.Add()(
        [-10.0 * ops.square(gap), keras.layers.Dense(1)(x) * 0.0]
    )
    discriminator = keras.Model([x, labels], logit)
    gan = keras_gan.GAN(
        _label_echo_generator(),
        discriminator,
        num_classes=CLASSES,
        discriminator_steps=2,
        seed=0,
    )
    _frozen_compile(gan)
    rng = np.random.default_rng(0)
    y = rng.integers(0, CLASSES, 64).astype(np.int32)
    points = np.stack([y, rng.normal(size=64)], axis=1).astype(np.float32)
    history = gan.fit(points, y, batch_size=8, verbose=0)
    assert history.history["d_real"][0] == pytest.approx(0.5, abs=1e-6)
    # The generator echoes its labels, so the generated half matches too.
    assert history.history["d_fake"][0] == pytest.approx(0.5, abs=1e-6)
    dataset = tf.data.Dataset.from_tensor_slices((points, y)).batch(8)
    logs = gan.evaluate(dataset, return_dict=True, verbose=0)
    assert logs["d_real"] == pytest.approx(0.5, abs=1e-6)
    # Shuffled labels break the pairing, and the check above would see it.
    logs = gan.evaluate(points, np.roll(y, 1), batch_size=8, verbose=0)
    assert logs[list(gan.metrics_names).index("d_real")] < 0.4


@pytest.mark.parametrize("k", [1, 3])
def test_generated_batches_take_the_real_batches_labels(k):
    # D([x, y]) = x_0: with the Wasserstein loss d_real and d_fake are the
    # mean first coordinate, i.e. the mean label, of each half.
    x = keras.Input((2,))
    labels = keras.Input((), dtype="int32")
    first = keras.layers.Dense(1, use_bias=False)
    logit = first(x)
    first.set_weights([np.array([[1.0], [0.0]], np.float32)])
    discriminator = keras.Model([x, labels], logit)
    gan = keras_gan.GAN(
        _label_echo_generator(),
        discriminator,
        num_classes=CLASSES,
        discriminator_steps=k,
        seed=0,
    )
    _frozen_compile(gan, loss="wasserstein")
    # One step of k batches of 4; batch i holds the label i % CLASSES, so
    # every batch has its own label distribution.
    y = np.repeat(np.arange(k) % CLASSES, 4).astype(np.int32)
    points = np.stack([y, np.zeros_like(y)], axis=1).astype(np.float32)
    dataset = tf.data.Dataset.from_tensor_slices((points, y)).batch(4)
    history = gan.fit(dataset, verbose=0)
    assert history.history["d_fake"][0] == pytest.approx(y.mean())
    assert history.history["d_real"][0] == pytest.approx(y.mean())
    # The generator update generates at the last real batch's labels.
    assert history.history["g_loss"][0] == pytest.approx(-y[-1])


@pytest.mark.parametrize("conditioning", ["projection", "concat"])
def test_gradients_reach_the_class_parameters_of_the_seen_classes(
    conditioning,
):
    generator, discriminator = _tiny_pair(conditioning)
    gan = keras_gan.GAN(generator, discriminator, num_classes=CLASSES, seed=1)
    gan.compile()
    points, labels = _labelled_points()
    seen = labels != 2  # class 2 never appears
    before = {v.path: v.numpy().copy() for v in gan.weights}
    gan.fit(points[seen], labels[seen], batch_size=8, verbose=0)
    class_rows = {}  # variable path -> its per-class rows, [CLASSES, ...]
    for model in (gan.generator, gan.discriminator):
        for layer in model.layers:
            if isinstance(layer, ConditionalBatchNormalization):
                class_rows.update(
                    {v.path: v for v in (layer.gamma, layer.beta)}
                )
            elif isinstance(layer, ClassProjection):
                class_rows[layer.embeddings.path] = layer.embeddings
        if conditioning == "concat":
            # The first Dense reads [inputs, one-hot]: its last rows are
            # the classes'.
            dense = next(
                layer
                for layer in model.layers
                if isinstance(layer, keras.layers.Dense)
            )
            class_rows[dense.kernel.path] = dense.kernel
    assert len(class_rows) >= 2
    for path, variable in class_rows.items():
        delta = np.abs(variable.numpy() - before[path])
        if conditioning == "concat":
            delta = delta[-CLASSES:]
        assert delta[:2].max() > 0, path  # the seen classes learn
        np.testing.assert_array_equal(delta[2], 0, err_msg=path)


def test_conditional_players_in_an_unconditional_gan_are_refused():
    generator, discriminator = _tiny_pair()
    with pytest.raises(ValueError, match="num_classes=None"):
        keras_gan.GAN(generator, discriminator)
    plain_g, plain_d = build_pair("mlp", (2,), LATENT, hidden_units=(8,))
    with pytest.raises(ValueError, match=r"generator taking \[z, labels\]"):
        keras_gan.GAN(plain_g, discriminator, num_classes=CLASSES)
    with pytest.raises(ValueError, match=r"\[samples, labels\]"):
        keras_gan.GAN(generator, plain_d, num_classes=CLASSES)
    with pytest.raises(ValueError, match="num_classes=0"):
        keras_gan.GAN(generator, discriminator, num_classes=0)


def _conditional_gan(conditioning="projection", **kwargs):
    gan = keras_gan.GAN(
        *_tiny_pair(conditioning), num_classes=CLASSES, seed=0, **kwargs
    )
    gan.compile()
    return gan


@pytest.mark.parametrize(
    ("labels", "error", "message"),
    [
        (np.full(48, 3, np.int32), ValueError, r"\[0, 3\).*to 3"),
        (np.full(48, -1, np.int32), ValueError, r"from -1"),
        (np.zeros(48, np.float32), TypeError, "float32"),
        (None, ValueError, "y=None"),
        (np.zeros(47, np.int32), ValueError, "48 samples and 47 labels"),
    ],
)
def test_bad_array_labels_fail_before_training(labels, error, message):
    gan = _conditional_gan()
    points, _ = _labelled_points()
    before = gan.get_weights()
    with pytest.raises(error, match=message):
        gan.fit(points, labels, batch_size=8, verbose=0)
    assert gan.generator_steps == 0
    for old, new in zip(before, gan.get_weights()):
        np.testing.assert_array_equal(old, new)


def test_an_out_of_range_label_in_a_dataset_stops_before_its_step():
    gan = _conditional_gan()
    points, labels = _labelled_points()
    labels = labels.copy()
    labels[-1] = CLASSES  # in the last of 6 batches
    dataset = tf.data.Dataset.from_tensor_slices((points, labels)).batch(8)
    with pytest.raises(tf.errors.InvalidArgumentError, match="num_classes=3"):
        gan.fit(dataset, verbose=0)
    assert gan.generator_steps == 5  # the first five batches trained


@pytest.mark.parametrize(
    ("element", "error", "message"),
    [
        (lambda p, y: p, ValueError, "without labels"),
        (lambda p, y: {"image": p}, ValueError, r"missing \['label'\]"),
        (lambda p, y: (p, tf.cast(y, "float32")), TypeError, "float32"),
        (lambda p, y: (p, y[:, None, None]), ValueError, "shape"),
    ],
)
def test_datasets_without_integer_labels_are_refused(element, error, message):
    gan = _conditional_gan()
    points, labels = _labelled_points()
    dataset = tf.data.Dataset.from_tensor_slices((points, labels)).batch(8)
    with pytest.raises(error, match=message):
        gan.fit(dataset.map(element), verbose=0)
    assert gan.generator_steps == 0


def test_tfds_style_dicts_carry_the_labels():
    gan = _conditional_gan()
    points, labels = _labelled_points()
    dataset = tf.data.Dataset.from_tensor_slices(
        {"image": points, "label": labels.astype(np.int64)}
    ).batch(8)
    history = gan.fit(dataset, verbose=0)
    assert gan.generator_steps == 6
    assert np.isfinite(history.history["d_loss"][0])


def test_an_unconditional_gan_refuses_labels():
    gan = keras_gan.GAN(
        *build_pair("mlp", (2,), LATENT, hidden_units=(8,)), seed=0
    )
    gan.compile()
    points, labels = _labelled_points()
    with pytest.raises(ValueError, match="num_classes"):
        gan.fit(points, labels, batch_size=8, verbose=0)
    with pytest.raises(ValueError, match="no `labels`"):
        gan.generate(4, labels=[0, 1, 2, 0])


def test_generate_and_call_take_labels_and_check_them():
    # Concatenation: the labels change the samples from the start (a
    # conditional batch normalisation starts as the plain one).
    gan = _conditional_gan("concat")
    default = gan.generate(6, seed=3)
    asked = gan.generate(6, seed=3, labels=np.arange(6) % CLASSES)
    np.testing.assert_allclose(default, asked)  # classes in turn
    single = gan.generate(6, seed=3, labels=1)
    assert not np.allclose(single, asked)
    z = keras.random.normal((6, LATENT), seed=3)
    np.testing.assert_allclose(
        gan([z, np.arange(6) % CLASSES]), asked, rtol=1e-5, atol=1e-6
    )
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        gan.generate(2, labels=[0, 3])
    with pytest.raises(TypeError, match="integer"):
        gan.generate(2, labels=[0.0, 1.0])
    with pytest.raises(ValueError, match=r"shape \(num_samples,\)"):
        gan.generate(2, labels=[0, 1, 2])
    with pytest.raises(tf.errors.InvalidArgumentError, match="num_classes"):
        gan([z[:1], np.array([5], np.int32)])
    with pytest.raises(TypeError, match="integer"):
        gan([z[:1], np.array([1.0], np.float32)])
    with pytest.raises(ValueError, match=r"\[z, labels\]"):
        gan(z)


@pytest.mark.parametrize("loss", keras_gan.losses.loss_names())
@pytest.mark.parametrize("penalty", [None, "gradient_penalty", "r1"])
def test_every_loss_and_penalty_trains_a_conditional_gan(loss, penalty):
    gan = keras_gan.GAN(
        *_tiny_pair(), num_classes=CLASSES, discriminator_steps=2, seed=0
    )
    gan.compile(loss=loss, penalties=[penalty] if penalty else None)
    points, labels = _labelled_points()
    history = gan.fit(points, labels, batch_size=8, verbose=0)
    assert gan.generator_steps == 3
    for key, values in history.history.items():
        assert np.isfinite(values[0]), key
    if penalty:
        assert history.history[gan.penalties[0].name][0] > 0


def test_penalties_see_the_discriminator_at_the_batch_labels():
    # A discriminator whose input gradient is the label: ||grad||^2 = y^2
    # for the R1 penalty, so its mean is E[y^2] over the real labels.
    x = keras.Input((2,))
    labels = keras.Input((), dtype="int32")
    first = keras.layers.Dense(1, use_bias=False, trainable=False)
    logit = keras.layers.Add()(
        [first(x) * _label_value(labels), keras.layers.Dense(1)(x) * 0.0]
    )
    first.set_weights([np.array([[1.0], [0.0]], np.float32)])
    discriminator = keras.Model([x, labels], logit)
    gan = keras_gan.GAN(
        _label_echo_generator(), discriminator, num_classes=CLASSES, seed=0
    )
    _frozen_compile(gan, penalties=[keras_gan.losses.R1Penalty(2.0)])
    points, y = _labelled_points()
    history = gan.fit(points, y, batch_size=48, verbose=0)
    expected = 0.5 * 2.0 * np.mean(y.astype(np.float64) ** 2)
    assert history.history["r1_penalty"][0] == pytest.approx(expected)


@pytest.mark.parametrize("conditioning", ["projection", "concat"])
@pytest.mark.parametrize("shape", [(2,), (8, 8, 1)])
def test_save_and_load_round_trip(tmp_path, conditioning, shape):
    gan = keras_gan.GAN(
        *_tiny_pair(conditioning, shape),
        num_classes=CLASSES,
        seed=0,
        ema_decay=0.9,
    )
    gan.compile(steps_per_execution=2)
    rng = np.random.default_rng(0)
    data = rng.uniform(-1, 1, (32, *shape)).astype(np.float32)
    labels = np.arange(32, dtype=np.int32) % CLASSES
    gan.fit(data, labels, batch_size=8, verbose=0)
    assert gan.generator_steps == 4
    path = str(tmp_path / "gan.keras")
    gan.save(path)
    loaded = keras.saving.load_model(path)
    assert loaded.num_classes == CLASSES
    np.testing.assert_allclose(
        loaded.generate(6, seed=1, labels=[2, 1, 0, 0, 1, 2]),
        gan.generate(6, seed=1, labels=[2, 1, 0, 0, 1, 2]),
        rtol=1e-5,
        atol=1e-6,
    )
    loaded.fit(data, labels, batch_size=8, verbose=0)  # resumes training
    assert loaded.generator_steps == 8


@pytest.mark.parametrize("name", ["mixed_float16", "mixed_bfloat16"])
def test_mixed_precision(name):
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(name)
    try:
        gan = keras_gan.GAN(
            *_tiny_pair("projection", (8, 8, 1)),
            num_classes=CLASSES,
            seed=0,
            ema_decay=0.9,
        )
        gan.compile(penalties=["r1"])
        data = np.random.default_rng(0).uniform(-1, 1, (16, 8, 8, 1))
        labels = np.arange(16) % CLASSES
        history = gan.fit(
            data.astype(np.float32), labels, batch_size=8, verbose=0
        )
        assert gan.generator.compute_dtype == name.split("_")[1]
        for key, values in history.history.items():
            assert np.isfinite(values[0]), key
        assert np.isfinite(gan.generate(3, labels=[0, 1, 2])).all()
    finally:
        keras.config.set_dtype_policy(previous)
