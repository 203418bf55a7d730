"""benchmarks.quality on tiny settings: the studies run the
presets and write what they promise (the real runs are benchmarks, not
tests)."""

import json
import os

import numpy as np
import pytest

from benchmarks import quality
from keras_gan.training import build_gan
from keras_gan.training.config import TrainConfig

TINY_MIXTURE_FLAGS = (
    "--hidden_units=8,8",
    "--latent_dim=4",
    "--batch_size=32",
    "--steps=6",
    "--steps_per_epoch=3",
    "--eval_every_n_epochs=1",
    "--eval_num_samples=100",
    "--num_samples=100",
)


def _preset_values(path):
    with open(path) as file:
        lines = [line.strip() for line in file if line.startswith("--")]
    return dict(line[2:].split("=", 1) for line in lines)


@pytest.mark.slow
def test_mixture_study_trains_the_presets_and_scores_their_exports(tmp_path):
    results = quality.mixture_study(
        ["ring"],
        seeds=[0, 1],
        output_dir=tmp_path,
        extra_flags=TINY_MIXTURE_FLAGS,
        num_samples=100,
    )
    study = results["mixtures"]["ring"]
    assert [run["seed"] for run in study["runs"]] == [0, 1]
    for run in study["runs"]:
        assert run["steps"] == 6
        # The preset's evaluations during training, from metrics.csv.
        assert [e["step"] for e in run["evaluations"]] == [3, 6]
        assert run["seconds"] > 0
    finals = [run["final"]["modes_captured"] for run in study["runs"]]
    assert study["mean"]["modes_captured"] == pytest.approx(sum(finals) / 2)
    assert study["min"]["modes_captured"] == min(finals)
    assert (tmp_path / "samples_ring.png").exists()
    assert json.loads((tmp_path / "results.json").read_text())["mixtures"]
    assert "| ring | " in (tmp_path / "results.md").read_text()


def test_a_failed_run_stops_the_study_and_names_its_log(tmp_path):
    with pytest.raises(RuntimeError, match="ring_0.log"):
        quality.mixture_study(
            ["ring"],
            seeds=[0],
            output_dir=tmp_path,
            extra_flags=("--steps=0",),
        )


def test_the_plain_dcgan_is_the_presets_architecture():
    preset = _preset_values(quality.FASHION_PRESET)
    setup = quality.FashionSetup()
    assert int(preset["base_filters"]) == setup.base_filters
    assert int(preset["latent_dim"]) == setup.latent_dim
    # The plain DCGAN keeps DCGAN's batch and Adam: the fixed reference.
    assert setup.batch_size == 64
    assert preset["loss"] == "non_saturating"
    assert preset["discriminator_steps"] == "1"
    plain = quality.build_plain_trainer(setup)
    assert plain.generator.output_shape == (None, 28, 28, 1)
    assert plain.generator.input_shape == (None, setup.latent_dim)
    assert float(plain.g_optimizer.learning_rate) == pytest.approx(2e-4)


def test_the_plain_dcgan_starts_from_the_presets_initial_weights(
    fashion_mnist_data_dir, tmp_path
):
    preset = _preset_values(quality.FASHION_PRESET)
    config = TrainConfig(
        dataset="fashion_mnist",
        data_dir=os.fspath(fashion_mnist_data_dir),
        architecture=preset["architecture"],
        base_filters=int(preset["base_filters"]),
        latent_dim=int(preset["latent_dim"]),
        steps=10,
        seed=0,
        workdir=os.fspath(tmp_path / "run"),
    )
    ours = build_gan(config, total_steps=10)
    plain = quality.build_plain_trainer(seed=0)
    for player in ("generator", "discriminator"):
        pairs = zip(
            getattr(ours, player).get_weights(),
            getattr(plain, player).get_weights(),
            strict=True,
        )
        for a, b in pairs:
            np.testing.assert_array_equal(a, b)
