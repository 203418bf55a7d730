"""The benchmark's workloads: keras.io's players, same-math references."""

import dataclasses

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gan
from benchmarks import PlainWGANGP, flops, kerasio, workloads
from keras_gan.models import mlp_discriminator, mlp_generator


@pytest.mark.parametrize(
    ("build", "generator_params", "discriminator_params"),
    [
        # The summaries keras.io prints for its examples.
        (kerasio.mnist_dcgan_players, 1_339_905, 74_625),
        (kerasio.celeba_dcgan_players, 3_979_651, 404_801),
        (kerasio.wgan_gp_players, 910_660, 4_305_409),
        # conditional_gan.py prints none: its layers by hand, 128 + 10
        # generator inputs and 1 + 10 discriminator channels.
        (
            lambda: kerasio.mnist_dcgan_players(num_classes=10),
            138 * 6762 + 6762 + 16 * 138 * 128 + 128 + 262_272 + 6273,
            9 * 11 * 64 + 64 + 73_856 + 129,
        ),
    ],
)
def test_kerasio_players_have_the_examples_parameters(
    build, generator_params, discriminator_params
):
    generator, discriminator = build()
    assert generator.count_params() == generator_params
    assert discriminator.count_params() == discriminator_params
    assert generator.name == "generator"
    assert discriminator.name == "discriminator"


def test_plain_wgan_gp_step_is_ours_with_the_wasserstein_loss_and_penalty():
    """Same initial weights and seed: one step of the plain WGAN-GP step
    (k real batches per element) and of `GAN` give the same weights."""
    k, batch = 2, 8
    points = np.random.default_rng(0).normal(size=(k * batch, 2))
    dataset = tf.data.Dataset.from_tensor_slices(points.astype(np.float32))
    dataset = dataset.batch(batch)
    trained = []
    for plain in (True, False):
        keras.utils.set_random_seed(0)
        generator = mlp_generator(4, 2, (8,))
        critic = mlp_discriminator(2, (8,))
        if plain:
            model = PlainWGANGP(generator, critic, 4, k, 10.0, seed=3)
            model.compile(
                d_optimizer=keras.optimizers.SGD(0.1),
                g_optimizer=keras.optimizers.SGD(0.1),
            )
            data = dataset.batch(k)
        else:
            model = keras_gan.GAN(
                generator, critic, discriminator_steps=k, seed=3
            )
            model.compile(
                g_optimizer=keras.optimizers.SGD(0.1),
                d_optimizer=keras.optimizers.SGD(0.1),
                loss="wasserstein",
                penalties=[keras_gan.losses.GradientPenalty(10.0)],
            )
            data = dataset
        history = model.fit(data, epochs=1, verbose=0)
        weights = generator.get_weights() + critic.get_weights()
        trained.append((weights, history))
    (plain_weights, plain_history), (our_weights, our_history) = trained
    for a, b in zip(plain_weights, our_weights):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert plain_history.history["g_loss"][0] == pytest.approx(
        our_history.history["g_loss"][0], rel=1e-5
    )


@pytest.mark.slow
def test_the_conditional_plain_step_does_the_same_products_as_ours():
    workload = workloads.quick_workload(
        workloads.WORKLOADS["kerasio_conditional28"], batch_size=2
    )
    dataset = workloads.make_dataset(workload)
    counts = {}
    for variant in ("plain", "ours"):
        model = workloads.build_trainer(workload, variant)
        recorder = flops.TrainStepRecorder(model)
        history = model.fit(
            workloads.trainer_dataset(workload, variant, dataset),
            steps_per_epoch=1,
            verbose=0,
        )
        assert np.isfinite(history.history["g_loss"][0])
        counts[variant] = recorder.count().matmul
    # Ours also computes the discriminator's output for the logs of every
    # update (a plain step's unlogged outputs are dead ops); nothing else.
    assert counts["ours"] == pytest.approx(counts["plain"], rel=1e-3)


def test_the_plain_wgan_gp_reference_takes_k_batches_per_step():
    workload = workloads.WORKLOADS["kerasio_wgan_gp28_k5"]
    assert workloads.images_per_step(workload, "plain") == 5 * 64
    assert workloads.images_per_step(workload, "ours+onepass") == 5 * 64
    dataset = tf.data.Dataset.from_tensor_slices(np.zeros((10, 3), np.float32))
    batches = dataset.batch(2, drop_remainder=True)
    element = workloads.trainer_dataset(workload, "plain", batches)
    assert element.element_spec.shape.as_list() == [5, 2, 3]
    assert workloads.trainer_dataset(workload, "ours", dataset) is dataset
    plain_dcgan = workloads.WORKLOADS["dcgan28_fmnist_k5"]
    assert workloads.images_per_step(plain_dcgan, "plain") == 64


def test_quick_workloads_and_which_variants_apply():
    wgan_gp = workloads.WORKLOADS["kerasio_wgan_gp28_k5"]
    quick = workloads.quick_workload(wgan_gp)
    assert (quick.data, quick.batch_size, quick.discriminator_steps) == (
        "random",
        4,
        5,
    )
    k1 = workloads.WORKLOADS["kerasio_dcgan28"]
    assert not workloads.variant_applies(k1, "ours+onepass")
    assert workloads.variant_applies(k1, "ours+concat")
    assert workloads.variant_applies(quick, "ours+onepass")
    with pytest.raises(ValueError, match="`onepass` is an option of `ours`"):
        workloads.parse_variant("plain+onepass")


def test_the_prototype_options_build_and_concat_trains():
    workload = dataclasses.replace(
        workloads.WORKLOADS["mlp_ring"],
        batch_size=8,
        width=8,
        discriminator_steps=2,
    )
    assert workloads.build_trainer(
        workload, "ours+onepass"
    ).single_generator_pass
    model = workloads.build_trainer(workload, "ours+concat")
    assert not model.single_generator_pass
    history = model.fit(
        workloads.make_dataset(workload), steps_per_epoch=2, verbose=0
    )
    assert np.isfinite(history.history["d_loss"][0])
