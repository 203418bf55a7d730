"""keras_gan.benchmark.quality on tiny settings: the studies run and
write what they promise (the real runs are benchmarks, not tests)."""

import json

import pytest

from keras_gan.benchmark import quality


def test_mixture_study_scores_raw_and_averaged_generators(tmp_path):
    setup = quality.MixtureSetup(
        hidden_units=(8, 8),
        latent_dim=4,
        batch_size=32,
        steps=6,
        eval_every=3,
        num_samples=100,
    )
    results = quality.mixture_study(
        ["ring"], seeds=[0, 1], setup=setup, output_dir=tmp_path
    )
    study = results["mixtures"]["ring"]
    assert len(study["runs"]) == 2
    for run in study["runs"]:
        assert [r["step"] for r in run["raw"]] == [3, 6]
        assert [r["step"] for r in run["ema"]] == [3, 6]
    finals = [run["ema"][-1]["modes_captured"] for run in study["runs"]]
    assert study["mean"]["ema"]["modes_captured"] == pytest.approx(
        sum(finals) / 2
    )
    assert (tmp_path / "samples_ring.png").exists()
    assert json.loads((tmp_path / "results.json").read_text())["mixtures"]
    assert "| ring | averaged (EMA) |" in (tmp_path / "results.md").read_text()


def test_fashion_trainers_share_architecture_and_initial_weights():
    setup = quality.FashionSetup(base_filters=4, latent_dim=8)
    ours = quality.build_fashion_trainer("ours", setup)
    plain = quality.build_fashion_trainer("plain", setup)
    for a, b in zip(ours.generator.weights, plain.generator.weights):
        assert a.shape == b.shape
        assert (a.numpy() == b.numpy()).all()
    with pytest.raises(ValueError, match="trainer"):
        quality.build_fashion_trainer("other", setup)
