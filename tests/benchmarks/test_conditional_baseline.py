"""The keras.io conditional_gan.py baseline: its architecture and
optimiser, seeded training, and an export scored as it generates."""

import numpy as np
import pytest

from benchmarks import conditional_baseline
from keras_gan import export
from keras_gan.metrics import scoring


def test_keras_ios_players_and_optimiser():
    model = conditional_baseline.build_keras_io_trainer(seed=0)
    # keras.io's parameter counts, layer by layer: Dense(7*7*138) on
    # 128 + 10 inputs, two Conv2DTranspose(128, 4), Conv2D(1, 7); and
    # Conv2D(64, 3) on 1 + 10 channels, Conv2D(128, 3), Dense(1).
    generator = [138 * 6762 + 6762, 4 * 4 * 138 * 128 + 128]
    generator += [4 * 4 * 128 * 128 + 128, 7 * 7 * 128 + 1]
    discriminator = [3 * 3 * 11 * 64 + 64, 3 * 3 * 64 * 128 + 128, 129]
    for player, counts in (
        (model.generator, generator),
        (model.discriminator, discriminator),
    ):
        assert [
            layer.count_params() for layer in player.layers if layer.weights
        ] == counts
    assert model.generator.layers[-1].activation.__name__ == "sigmoid"
    for optimizer in (model.d_optimizer, model.g_optimizer):
        assert float(optimizer.learning_rate) == pytest.approx(3e-4)
    assert model.d_optimizer is not model.g_optimizer


def test_seeded_training_repeats_and_the_export_serves_it(tmp_path, weights_of):
    rng = np.random.default_rng(0)
    images = rng.uniform(-1, 1, (4, 28, 28, 1)).astype("float32")
    batch = conditional_baseline.to_keras_io_range(
        images, np.array([0, 3, 3, 9], np.int32)
    )
    assert batch[0].min() >= 0.0 and batch[0].max() <= 1.0
    trained = []
    for _ in range(2):  # one step each, eagerly: no tracing to wait for
        model = conditional_baseline.build_keras_io_trainer(seed=3)
        before = weights_of(model.generator) + weights_of(model.discriminator)
        model.train_step(batch)
        after = weights_of(model.generator) + weights_of(model.discriminator)
        assert all(not np.allclose(b, a) for b, a in zip(before, after))
        trained.append(after)
    for first, second in zip(*trained):
        np.testing.assert_array_equal(first, second)

    path = export.export_generator(model, tmp_path / "e", value_range=(0, 1))
    exported = scoring.ExportSampler(path)
    assert exported.num_classes == 10
    samples = exported.sample(20, seed=1)
    direct = model.sample_generator(
        [scoring.standard_normal_noise(20, 128, 1), np.arange(20) % 10]
    )
    np.testing.assert_allclose(samples, direct, atol=1e-6)  # nothing mapped
