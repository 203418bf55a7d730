"""MetricsLog writes per-window means by step and truncates on resume;
TrainingCurves draws them."""

import csv

import numpy as np
import pytest
from PIL import Image

from keras_gan.callbacks.metrics_log import MetricsLog, read_log
from keras_gan.callbacks.training_curves import plot_training_curves


class _FakeModel:
    generator_steps = 0


def _drive(callback, model, epochs, values):
    """Feeds Keras-style running means of `values` (one list per epoch)."""
    callback.set_model(model)
    callback.on_train_begin()
    for epoch in range(epochs):
        callback.on_epoch_begin(epoch)
        for index in range(len(values[epoch])):
            model.generator_steps += 1
            running = np.mean(values[epoch][: index + 1])
            callback.on_train_batch_end(index, {"d_loss": running, "g": 1.0})
        callback.on_epoch_end(epoch, {})


def test_rows_hold_the_mean_of_their_own_steps(tmp_path):
    path = tmp_path / "metrics.csv"
    model = _FakeModel()
    _drive(
        MetricsLog(path, every_n_steps=3),
        model,
        2,
        [[1, 2, 3, 4, 5, 6, 7], [10, 20, 30, 40]],
    )
    log = read_log(path)
    # Rows every 3 steps and at each epoch end.
    assert log["step"] == [3, 6, 7, 9, 11]
    assert log["epoch"] == [1, 1, 1, 2, 2]
    np.testing.assert_allclose(log["d_loss"], [2, 5, 7, 15, 35])
    np.testing.assert_allclose(log["g"], [1, 1, 1, 1, 1])
    with open(path) as file:
        assert next(csv.reader(file)) == [
            "step",
            "epoch",
            "wall_time",
            "d_loss",
            "g",
        ]


def test_resume_drops_rows_after_the_checkpoint_and_appends(tmp_path):
    path = tmp_path / "metrics.csv"
    model = _FakeModel()
    _drive(MetricsLog(path, every_n_steps=2), model, 1, [[1, 2, 3, 4, 5, 6]])
    with open(path, "a") as file:
        file.write("8,2,17")  # a row cut short by a killed process
    model.generator_steps = 4  # the checkpoint resumed from
    _drive(MetricsLog(path, every_n_steps=2), model, 1, [[7, 9]])
    log = read_log(path)
    assert log["step"] == [2, 4, 6]
    np.testing.assert_allclose(log["d_loss"], [1.5, 3.5, 8])


def test_a_log_with_nothing_before_the_resumed_step_starts_afresh(tmp_path):
    path = tmp_path / "metrics.csv"
    _drive(MetricsLog(path, every_n_steps=1), _FakeModel(), 1, [[1, 2]])
    model = _FakeModel()  # a fresh run in the same place
    callback = MetricsLog(path, every_n_steps=1)
    callback.set_model(model)
    callback.on_train_begin()
    assert not path.exists()


def test_every_n_steps_must_be_positive(tmp_path):
    with pytest.raises(ValueError, match="every_n_steps"):
        MetricsLog(tmp_path / "m.csv", every_n_steps=0)


def test_curves_are_drawn_from_the_log(tmp_path):
    log_path = tmp_path / "metrics.csv"
    assert not plot_training_curves(log_path, tmp_path / "none.png")
    model = _FakeModel()
    _drive(MetricsLog(log_path, every_n_steps=1), model, 1, [[1, 2, 3]])
    plot_path = tmp_path / "curves.png"
    assert plot_training_curves(log_path, plot_path, equilibrium=0.5)
    image = Image.open(plot_path)
    assert image.format == "PNG" and image.size == (800, 600)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "curves.png",
        "metrics.csv",
    ]


def test_epoch_end_figures_go_into_the_epochs_last_row(tmp_path):
    path = tmp_path / "metrics.csv"
    model = _FakeModel()
    callback = MetricsLog(path, every_n_steps=2)
    callback.set_model(model)
    callback.set_params({"steps": 4})
    callback.on_train_begin()
    for epoch in range(2):
        callback.on_epoch_begin(epoch)
        for index in range(4):
            model.generator_steps += 1
            callback.on_train_batch_end(index, {"d_loss": float(epoch)})
        # Like Evaluation every second epoch: keys the steps never log.
        figures = {"recall": 0.5, "modes": 3} if epoch == 1 else {}
        callback.on_epoch_end(epoch, {"d_loss": float(epoch), **figures})
    log = read_log(path)
    assert log["step"] == [2, 4, 6, 8]
    np.testing.assert_allclose(log["d_loss"], [0, 0, 1, 1])
    # The columns appeared at step 8 and the earlier rows were kept.
    np.testing.assert_allclose(log["recall"], [np.nan] * 3 + [0.5])
    np.testing.assert_allclose(log["modes"], [np.nan] * 3 + [3])
    with open(path) as file:
        header = next(csv.reader(file))
    assert header[-2:] == ["recall", "modes"]
    assert not list(tmp_path.glob(".*"))
