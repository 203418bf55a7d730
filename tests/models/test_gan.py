"""The GAN train step follows the adversarial algorithm exactly."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

import keras_gan
from keras_gan.models import mlp_discriminator, mlp_generator
from tests.float32 import reordering_tolerance

LATENT = 3
FEATURES = 2


def _linear_gan(seed=7, **kwargs):
    """G(z) = z W + b and D(x) = x a + c, with fixed initial weights."""
    z = keras.Input((LATENT,))
    generator = keras.Model(z, keras.layers.Dense(FEATURES)(z))
    x = keras.Input((FEATURES,))
    discriminator = keras.Model(x, keras.layers.Dense(1)(x))
    generator.set_weights(
        [np.arange(6, dtype=np.float32).reshape(3, 2) / 10, np.zeros(2)]
    )
    discriminator.set_weights([np.array([[0.3], [-0.2]]), np.array([0.1])])
    return keras_gan.GAN(generator, discriminator, seed=seed, **kwargs)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _batches(values, batch_size):
    return tf.data.Dataset.from_tensor_slices(values).batch(batch_size)


def test_one_step_matches_hand_computed_updates():
    """D is updated first on real vs fake; G then uses the updated D."""
    lr = 0.5
    gan = _linear_gan()
    gan.compile(
        g_optimizer=keras.optimizers.SGD(lr),
        d_optimizer=keras.optimizers.SGD(lr),
    )
    real = np.array([[1.0, 2.0], [-1.0, 0.5], [0.0, -1.0], [2.0, 1.0]])
    real = real.astype(np.float32)
    # The model draws the D-step noise, then the G-step noise.
    seeds = keras.random.SeedGenerator(7)
    z1 = keras.random.normal((4, LATENT), seed=seeds).numpy()
    z2 = keras.random.normal((4, LATENT), seed=seeds).numpy()
    W, b = [w.copy() for w in gan.generator.get_weights()]
    a, c = [w.copy() for w in gan.discriminator.get_weights()]

    # D step on -mean(log D(x)) - mean(log(1 - D(G(z1)))).
    fake = z1 @ W + b
    r, f = real @ a + c, fake @ a + c
    d_loss = np.mean(np.log1p(np.exp(-r))) + np.mean(np.log1p(np.exp(f)))
    dr = -_sigmoid(-r) / len(r)  # d loss / d real logits
    df = _sigmoid(f) / len(f)  # d loss / d fake logits
    a_new = a - lr * (real.T @ dr + fake.T @ df)
    c_new = c - lr * (dr.sum(0) + df.sum(0))
    # G step on mean(softplus(-D(G(z2)))) with the updated D.
    f2 = (z2 @ W + b) @ a_new + c_new
    g_loss = np.mean(np.log1p(np.exp(-f2)))
    dg = -_sigmoid(-f2) / len(f2)  # [n, 1]
    W_new = W - lr * (z2.T @ (dg @ a_new.T))
    b_new = b - lr * (dg @ a_new.T).sum(0)

    history = gan.fit(_batches(real, 4), epochs=1, verbose=0)
    np.testing.assert_allclose(gan.discriminator.get_weights()[0], a_new, 1e-5)
    np.testing.assert_allclose(gan.discriminator.get_weights()[1], c_new, 1e-5)
    np.testing.assert_allclose(gan.generator.get_weights()[0], W_new, 1e-5)
    np.testing.assert_allclose(gan.generator.get_weights()[1], b_new, 1e-5)
    assert history.history["d_loss"][0] == pytest.approx(d_loss, rel=1e-5)
    assert history.history["g_loss"][0] == pytest.approx(g_loss, rel=1e-5)
    assert history.history["d_real"][0] == pytest.approx(
        _sigmoid(r).mean(), rel=1e-5
    )
    assert history.history["d_fake"][0] == pytest.approx(
        _sigmoid(f).mean(), rel=1e-5
    )


@pytest.mark.parametrize("frozen", ["generator", "discriminator"])
def test_each_update_changes_only_its_own_player(frozen):
    k = 3
    gan = _linear_gan(discriminator_steps=k)
    rates = {"generator": 0.1, "discriminator": 0.1, frozen: 0.0}
    gan.compile(
        g_optimizer=keras.optimizers.SGD(rates["generator"]),
        d_optimizer=keras.optimizers.SGD(rates["discriminator"]),
    )
    before = {
        "generator": gan.generator.get_weights(),
        "discriminator": gan.discriminator.get_weights(),
    }
    data = np.random.default_rng(0).normal(size=(12, FEATURES))
    gan.fit(_batches(data.astype(np.float32), 4), epochs=1, verbose=0)
    for player in ("generator", "discriminator"):
        after = getattr(gan, player).get_weights()
        changed = any(
            not np.allclose(x, y) for x, y in zip(before[player], after)
        )
        assert changed == (player != frozen), player
    assert int(gan.d_optimizer.iterations) == k
    assert int(gan.g_optimizer.iterations) == 1


class _RecordingDiscriminator(keras.Model):
    """Records every batch it sees (eager mode only)."""

    def __init__(self):
        super().__init__()
        self.dense = keras.layers.Dense(1)
        self.seen = []

    def call(self, x, training=False):
        self.seen.append(np.array(x))
        return self.dense(x)


def test_each_discriminator_update_gets_its_own_real_batch_and_noise():
    k = 3
    discriminator = _RecordingDiscriminator()
    discriminator(np.zeros((1, FEATURES), np.float32))
    discriminator.seen.clear()
    generator = mlp_generator(LATENT, FEATURES, (8,))
    gan = keras_gan.GAN(generator, discriminator, discriminator_steps=k, seed=0)
    gan.compile(run_eagerly=True)
    # Batch i holds the value i everywhere; 7 batches make 2 steps.
    values = np.repeat(np.arange(7, dtype=np.float32), 5)[:, None]
    data = _batches(np.repeat(values, FEATURES, axis=1), 5)
    gan.fit(data, epochs=1, verbose=0)
    seen = discriminator.seen
    assert len(seen) == 2 * (2 * k + 1)  # real+fake per D update, fake per G
    for step in range(2):
        calls = seen[step * (2 * k + 1) : (step + 1) * (2 * k + 1)]
        reals = [calls[2 * i] for i in range(k)]
        fakes = [calls[2 * i + 1] for i in range(k)] + [calls[-1]]
        for i, batch in enumerate(reals):
            np.testing.assert_array_equal(batch, step * k + i)
        for i in range(len(fakes)):
            for j in range(i):
                assert not np.allclose(fakes[i], fakes[j])
    assert gan.generator_steps == 2  # the 7th batch is left over


def _queue_noise(gan, batches):
    """Makes `gan` draw exactly these noise batches, in order: the same
    noise for the one-call and the k-call paths."""
    queue = [ops.convert_to_tensor(b) for b in batches]

    def noise(batch_size):
        return queue.pop(0)

    gan._noise = noise
    return queue


def _one_step(single_generator_pass, noise, data, num_classes=None, k=3):
    keras.utils.set_random_seed(0)
    if num_classes is None:
        generator = mlp_generator(LATENT, FEATURES, (8,))
        discriminator = mlp_discriminator(FEATURES, (8,))
    else:
        generator, discriminator = keras_gan.models.build_pair(
            "mlp", (FEATURES,), LATENT, num_classes, "concat", hidden_units=(8,)
        )
    gan = keras_gan.GAN(
        generator,
        discriminator,
        discriminator_steps=k,
        seed=0,
        num_classes=num_classes,
        single_generator_pass=single_generator_pass,
    )
    gan.compile(
        g_optimizer=keras.optimizers.SGD(0.1),
        d_optimizer=keras.optimizers.SGD(0.1),
        penalties=["gradient_penalty"],
    )
    queue = _queue_noise(gan, noise)
    history = gan.fit(data, epochs=1, verbose=0)
    assert not queue and gan.generator_steps == 1
    return gan, history.history


@pytest.mark.parametrize("num_classes", [None, 3])
def test_single_generator_pass_matches_one_call_per_update(num_classes):
    """With the same noise, one generator call for the k updates' fakes
    gives the k-call path's losses and weights (a generator without batch
    normalisation; the gradient penalty draws its own weights alike)."""
    k, batch = 3, 4
    rng = np.random.default_rng(0)
    z = rng.normal(size=(k + 1, batch, LATENT)).astype(np.float32)
    x = rng.normal(size=(k * batch, FEATURES)).astype(np.float32)
    labels = rng.integers(0, 3, size=k * batch).astype(np.int32)
    data = x if num_classes is None else (x, labels)
    data = tf.data.Dataset.from_tensor_slices(data).batch(batch)
    per_call, logs = _one_step(False, list(z), data, num_classes, k)
    single, single_logs = _one_step(
        True, [np.concatenate(z[:k]), z[k]], data, num_classes, k
    )
    # One generator call on k batches sums in other blocks than k calls.
    # Longest sum: the k batches of 4 (12 terms). Chain: 2 dense layers in
    # each player, back through all 4, the penalty's input gradient through
    # the discriminator twice more (12). Updates: k + 1.
    tol = reordering_tolerance(terms=12, reductions=12, updates=k + 1)
    for key in ("d_loss", "g_loss", "d_real", "d_fake", "gradient_penalty"):
        assert single_logs[key][0] == pytest.approx(
            logs[key][0], rel=tol, abs=tol
        )
    for a, b in zip(per_call.get_weights(), single.get_weights()):
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)
    # Each update's fakes differ, so a mixed-up split would show.
    shuffled, _ = _one_step(
        True, [np.concatenate(z[:k][::-1]), z[k]], data, num_classes, k
    )
    assert not np.allclose(
        per_call.discriminator.get_weights()[0],
        shuffled.discriminator.get_weights()[0],
    )


def test_single_generator_pass_normalises_the_k_batches_together():
    """As documented: batch normalisation in one call sees the k batches
    at once and moves its moving mean once for them."""
    k, batch, momentum = 2, 4, 0.5
    rng = np.random.default_rng(1)
    z = rng.normal(size=(k + 1, batch, LATENT)).astype(np.float32)
    kernel = rng.normal(size=(LATENT, FEATURES)).astype(np.float32)
    data = _batches(np.zeros((k * batch, FEATURES), np.float32), batch)
    one_call = [np.concatenate(z[:k]), z[k]]
    moving_means = []
    for single, noise in ((False, list(z)), (True, one_call)):
        inputs = keras.Input((LATENT,))
        norm = keras.layers.BatchNormalization(momentum=momentum)
        dense = keras.layers.Dense(FEATURES, use_bias=False)
        generator = keras.Model(inputs, norm(dense(inputs)))
        dense.kernel.assign(kernel)
        gan = keras_gan.GAN(
            generator,
            mlp_discriminator(FEATURES, (4,)),
            discriminator_steps=k,
            single_generator_pass=single,
        )
        gan.compile()
        _queue_noise(gan, noise)
        gan.fit(data, epochs=1, verbose=0)
        moving_means.append(norm.moving_mean.numpy())

    def moved(mean, batches):
        for values in batches:
            mean = momentum * mean + (1 - momentum) * (values @ kernel).mean(0)
        return mean

    # The generator update's own call moves it once more, with z[k].
    per_call = moved(np.zeros(FEATURES), list(z))
    single = moved(np.zeros(FEATURES), one_call)
    np.testing.assert_allclose(moving_means[0], per_call, rtol=1e-5)
    np.testing.assert_allclose(moving_means[1], single, rtol=1e-5)
    assert not np.allclose(per_call, single)


def test_unknown_length_dataset_runs_exactly_its_steps():
    # batch() without drop_remainder and k > 1: the step count must match
    # the data even in graph mode (no extra step when the data runs out).
    gan = keras_gan.GAN(
        mlp_generator(LATENT, FEATURES, (8,)),
        mlp_discriminator(FEATURES, (8,)),
        discriminator_steps=2,
        seed=0,
    )
    gan.compile()
    data = np.zeros((205, FEATURES), np.float32)  # 20 full batches + 5
    gan.fit(_batches(data, 10), epochs=2, verbose=0)
    assert gan.generator_steps == 20
    assert int(gan.d_optimizer.iterations) == 40


def _trained_weights(seed, data):
    keras.utils.set_random_seed(0)
    gan = keras_gan.GAN(
        mlp_generator(LATENT, FEATURES, (16,)),
        mlp_discriminator(FEATURES, (16,)),
        discriminator_steps=2,
        seed=seed,
    )
    gan.compile(penalties=["gradient_penalty"])
    gan.fit(_batches(data, 8), epochs=2, verbose=0)
    return gan.get_weights()


def test_same_seed_same_result_and_seed_matters():
    data = np.random.default_rng(1).normal(size=(64, FEATURES))
    data = data.astype(np.float32)
    first, second = _trained_weights(3, data), _trained_weights(3, data)
    other = _trained_weights(4, data)
    for x, y in zip(first, second):
        np.testing.assert_array_equal(x, y)
    assert any(not np.allclose(x, y) for x, y in zip(first, other))


def test_save_load_round_trip_and_training_continues_identically(tmp_path):
    data = np.random.default_rng(2).normal(size=(48, FEATURES))
    data = data.astype(np.float32)
    gan = keras_gan.GAN(
        mlp_generator(LATENT, FEATURES, (16,)),
        mlp_discriminator(FEATURES, (16,)),
        discriminator_steps=2,
        seed=5,
        single_generator_pass=True,
    )
    gan.compile(
        g_optimizer=keras.optimizers.Adam(1e-3),
        d_optimizer=keras.optimizers.RMSprop(5e-4),
        loss=keras_gan.losses.HingeLoss(),
        penalties=[keras_gan.losses.R1Penalty(2.0)],
    )
    gan.fit(_batches(data, 8), epochs=1, verbose=0)
    path = str(tmp_path / "gan.keras")
    gan.save(path)
    restored = keras.models.load_model(path)

    assert isinstance(restored, keras_gan.GAN)
    assert restored.discriminator_steps == 2 and restored.latent_dim == LATENT
    assert restored.single_generator_pass
    assert restored.adversarial_loss == keras_gan.losses.HingeLoss()
    assert restored.penalties == [keras_gan.losses.R1Penalty(2.0)]
    assert isinstance(restored.d_optimizer, keras.optimizers.RMSprop)
    assert restored.generator_steps == gan.generator_steps == 3
    for x, y in zip(gan.get_weights(), restored.get_weights()):
        np.testing.assert_array_equal(x, y)

    # Optimizer state and noise state came back too: one more epoch on
    # each gives the same weights.
    gan.fit(_batches(data, 8), epochs=1, verbose=0)
    restored.fit(_batches(data, 8), epochs=1, verbose=0)
    # oneDNN may reorder float sums between runs. Longest sum: the hidden
    # layer's 16 units. Chain: 2 dense layers in each player, back through
    # all 4, R1's input gradient through the discriminator twice more
    # (12). Updates: 3 generator steps of k = 2 and one generator update.
    # About 2e-4, below what a missing optimizer or noise state gives
    # (Adam's first steps move each weight by its learning rate, 1e-3).
    tol = reordering_tolerance(terms=16, reductions=12, updates=9)
    for x, y in zip(gan.get_weights(), restored.get_weights()):
        np.testing.assert_allclose(x, y, rtol=tol, atol=tol)
    assert restored.generator_steps == 6


def test_fit_accepts_arrays_tuples_and_tfds_style_dicts():
    gan = keras_gan.GAN(
        mlp_generator(LATENT, FEATURES, (8,)),
        mlp_discriminator(FEATURES, (8,)),
        seed=0,
    )
    gan.compile()
    data = np.zeros((40, FEATURES), np.float32)
    labels = np.zeros((40,), np.int64)
    gan.fit(data, batch_size=10, epochs=1, verbose=0)
    assert gan.generator_steps == 4
    tuples = tf.data.Dataset.from_tensor_slices((data, labels)).batch(10)
    gan.fit(tuples, epochs=1, verbose=0)
    dicts = tf.data.Dataset.from_tensor_slices(
        {"image": data, "label": labels}
    ).batch(10)
    gan.fit(dicts, epochs=1, verbose=0)
    assert gan.generator_steps == 12


def test_evaluate_reports_the_logged_keys_without_training():
    gan = _linear_gan()
    gan.compile()
    before = gan.get_weights()
    data = np.ones((8, FEATURES), np.float32)
    results = gan.evaluate(_batches(data, 4), return_dict=True, verbose=0)
    assert set(results) == {"d_loss", "g_loss", "d_real", "d_fake"}
    for x, y in zip(before, gan.get_weights()):
        np.testing.assert_array_equal(x, y)


def test_generate_is_seeded_and_calls_the_generator():
    gan = _linear_gan()
    samples = gan.generate(5, seed=1)
    assert samples.shape == (5, FEATURES)
    np.testing.assert_array_equal(samples, gan.generate(5, seed=1))
    assert not np.allclose(samples, gan.generate(5, seed=2))
    z = keras.random.normal((5, LATENT), seed=1)
    np.testing.assert_allclose(samples, gan.generator(z), rtol=1e-6)


def test_compile_with_penalties_after_an_explicit_build():
    gan = _linear_gan()
    gan.build()
    gan.compile(penalties=["r1"])
    data = np.ones((8, FEATURES), np.float32)
    history = gan.fit(_batches(data, 4), epochs=1, verbose=0)
    assert "r1_penalty" in history.history


def test_penalty_is_logged_under_its_name():
    gan = _linear_gan()
    gan.compile(
        loss="wasserstein", penalties=keras_gan.losses.GradientPenalty()
    )
    data = np.ones((8, FEATURES), np.float32)
    history = gan.fit(_batches(data, 4), epochs=1, verbose=0)
    assert history.history["gradient_penalty"][0] > 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"discriminator_steps": 0}, "discriminator_steps=0"),
        ({"latent_dim": -1}, "latent_dim=-1"),
        ({"discriminator_steps": 1.5}, "discriminator_steps=1.5"),
        ({"single_generator_pass": 1}, "single_generator_pass=1"),
    ],
)
def test_invalid_arguments_are_rejected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        keras_gan.GAN(
            mlp_generator(LATENT, FEATURES),
            mlp_discriminator(FEATURES),
            **kwargs,
        )


def test_mismatched_generator_and_discriminator_are_rejected():
    with pytest.raises(ValueError, match=r"Expected samples of shape \(3,\)"):
        keras_gan.GAN(mlp_generator(LATENT, 2), mlp_discriminator(3))


def test_wrong_data_shape_and_misuse_are_rejected():
    gan = _linear_gan()
    with pytest.raises(RuntimeError, match="compile"):
        gan.fit(np.zeros((8, FEATURES), np.float32))
    optimizer = keras.optimizers.Adam()
    with pytest.raises(ValueError, match="same instance"):
        gan.compile(g_optimizer=optimizer, d_optimizer=optimizer)
    gan.compile()
    with pytest.raises(ValueError, match=r"shape \(2,\).*Received.*\(5,\)"):
        gan.fit(np.zeros((8, 5), np.float32), batch_size=4)
    with pytest.raises(ValueError, match="y=None"):
        gan.fit(np.zeros((8, 2)), np.zeros(8))
    with pytest.raises(ValueError, match="at least one full batch"):
        gan.fit(np.zeros((3, FEATURES), np.float32), batch_size=4)
    with pytest.raises(TypeError, match="x of type list"):
        gan.fit([[0.0, 0.0]])
    with pytest.raises(ValueError, match="metrics"):
        gan.compile(metrics=["accuracy"])
