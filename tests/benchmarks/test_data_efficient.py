"""The data-efficient protocol's subset and recipes."""

import os

import keras
import numpy as np
import pytest

import keras_gan
from benchmarks import data_efficient, harness
from keras_gan import files
from keras_gan.metrics import scoring


def test_subset_is_class_balanced_and_follows_the_protocol():
    labels = np.random.default_rng(5).integers(0, 10, 2000)
    indices = data_efficient.balanced_subset(labels, 20)
    assert len(indices) == 200 and len(set(indices)) == 200
    np.testing.assert_array_equal(np.bincount(labels[indices]), [20] * 10)
    # The first 20 of each class in default_rng(0)'s permutation.
    order = np.random.default_rng(0).permutation(2000)
    for label in range(10):
        expected = [i for i in order if labels[i] == label][:20]
        assert sorted(indices[labels[indices] == label]) == sorted(expected)
    np.testing.assert_array_equal(
        indices, data_efficient.balanced_subset(labels, 20)
    )
    assert not np.array_equal(
        indices, data_efficient.balanced_subset(labels, 20, seed=1)
    )


def test_subset_rejects_more_than_a_class_holds():
    with pytest.raises(ValueError, match="`per_class`"):
        data_efficient.balanced_subset([0, 0, 1], 2)


def test_subset_of_the_fashion_mnist_training_split():
    from keras_gan.metrics.fashion_mnist_idx import load_fashion_mnist_idx

    _, labels = load_fashion_mnist_idx("train")
    indices = data_efficient.balanced_subset(labels, 60)
    assert len(indices) == 600
    np.testing.assert_array_equal(np.bincount(labels[indices]), [60] * 10)


@pytest.mark.parametrize("name", sorted(data_efficient.RECIPES))
def test_each_recipe_trains_and_its_row_is_saved(name, tmp_path):
    recipe = data_efficient.RECIPES[name]
    images = np.random.default_rng(0).uniform(-1, 1, (64, 28, 28, 1))
    summary = data_efficient.train_row(
        name,
        images.astype("float32"),
        seconds=60,
        output_dir=str(tmp_path),
        max_steps=1,
    )
    assert summary["steps"] == 1 and summary["images"] == 64
    logs = summary["last_logs"]
    assert all(np.isfinite(value) for value in logs.values())
    assert ("augment_p" in logs) == (recipe.augment is not None)
    assert files.read_json(tmp_path / "train.json") == summary
    generator = keras.models.load_model(tmp_path / "generator.keras")
    z = np.zeros((2, recipe.latent_dim), "float32")
    assert generator(z).shape == (2, 28, 28, 1)


def test_baselines_and_relative_fd_changes():
    assert data_efficient.baseline_of("dcgan") is None
    assert data_efficient.baseline_of("dcgan+ada") == "dcgan"
    assert (
        data_efficient.baseline_of("resnet_sn_hinge+diffaugment")
        == "resnet_sn_hinge"
    )
    rows = [
        _row(600, "dcgan", 10.0),
        _row(600, "dcgan+diffaugment", 6.0),
        _row(6000, "dcgan", 4.0),
        _row(6000, "dcgan+diffaugment", 5.0),
        _row(6000, "dcgan+ada", 3.0),
    ]
    data_efficient.add_fd_changes(rows)
    changes = [row["fd_change"] for row in rows]
    assert changes == [None, pytest.approx(-0.4), None, 0.25, -0.25]
    table = data_efficient.format_results(
        {"rows": rows, "floor": {"frechet_distance": 0.1}, "num_samples": 9}
    )
    lines = table.splitlines()
    assert lines[3].startswith("| 600 | dcgan+diffaugment | 6.0000 |")
    assert lines[3].endswith("| 12 | -40.0% |")
    assert lines[5].endswith("| +25.0% |") and lines[6].endswith("-25.0% |")
    assert lines[-1].startswith("| real floor (9 training images) | | 0.1000")


def _row(size, recipe, fd):
    return {
        "size": size,
        "recipe": recipe,
        "baseline": data_efficient.baseline_of(recipe),
        "figures": {"frechet_distance": fd, "kid_mean": 0.5},
        "training": {"steps": 12},
    }


class _MeanStdFeatures:
    value_range = (0, 1)

    def features(self, images):
        flat = np.asarray(images).reshape(len(images), -1)
        return np.stack(
            [flat.mean(1), flat.std(1), flat[:, :392].mean(1)], axis=1
        )


def _save_row(folder, name, seed):
    keras.utils.set_random_seed(seed)
    generator = keras_gan.models.dcgan_generator(4, (28, 28, 1), 2)
    os.makedirs(folder, exist_ok=True)
    generator.save(os.path.join(folder, "generator.keras"))
    files.write_json(
        os.path.join(folder, "train.json"), {"recipe": name, "steps": 7}
    )


def test_study_trains_only_the_missing_rows_and_rescores_nothing(
    tmp_path, monkeypatch, make_feature_scorer
):
    out = str(tmp_path)
    _save_row(data_efficient.row_dir(out, 600, "dcgan"), "dcgan", seed=0)
    commands = []

    def run_all(batch, logs, parallel, threads):
        # Stands in for the worker processes: each saves its row.
        commands.append(batch)
        for command in batch:
            option = dict(a[2:].split("=", 1) for a in command if "=" in a)
            _save_row(option["output"], option["worker"], seed=1)

    monkeypatch.setattr(harness, "run_all", run_all)
    scorer = make_feature_scorer(
        40,
        kid_subset_size=10,
        features=_MeanStdFeatures(),
        floor_images=np.random.default_rng(1).uniform(0, 1, (40, 28, 28, 1)),
    )
    names = ["dcgan", "dcgan+diffaugment"]
    results = data_efficient.run_study(
        out, sizes=(600,), names=names, num_samples=20, scorer=scorer
    )
    assert len(commands) == 1 and len(commands[0]) == 1  # one row missing
    assert "--worker=dcgan+diffaugment" in commands[0][0]
    assert "--sizes=600" in commands[0][0]
    assert results["trained_now"] == ["600_dcgan+diffaugment"]
    base, augmented = results["rows"]
    fd = [row["figures"]["frechet_distance"] for row in (base, augmented)]
    assert augmented["fd_change"] == pytest.approx((fd[1] - fd[0]) / fd[0])
    for row in results["rows"]:
        assert os.path.exists(row["samples_png"])
    table = (tmp_path / "results.md").read_text()
    assert f"{100 * augmented['fd_change']:+.1f}%" in table
    assert files.read_json(tmp_path / "results.json")["rows"][1]["fd_change"]

    def refuse(*args, **kwargs):
        raise AssertionError("scored again")

    monkeypatch.setattr(scoring, "make_scorer", refuse)
    again = data_efficient.run_study(
        out, sizes=(600,), names=names, num_samples=20
    )
    assert len(commands) == 1 and again["trained_now"] == []
    assert again["rows"][1]["figures"] == augmented["figures"]
