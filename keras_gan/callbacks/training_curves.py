"""Plot the training curves of a `MetricsLog` as a PNG file."""

import os

import numpy as np
from keras import callbacks

from keras_gan import files
from keras_gan.callbacks import metrics_log

__all__ = [
    "TrainingCurves",
    "plot_training_curves",
]

_OUTPUT_KEYS = ("d_real", "d_fake")
_STEP_KEYS = ("step", "epoch", "wall_time")


def plot_training_curves(log_path, plot_path, equilibrium=None, title=None):
    """Plots a `MetricsLog` CSV: losses above, discriminator outputs below.

    The upper panel shows `d_loss`, `g_loss` and any penalty against the
    generator step; the lower one `d_real` and `d_fake`, with a dashed line
    at the loss's equilibrium output (0.5 for the logistic losses), where
    both meet when the generator matches the data. Written atomically with
    matplotlib's Agg backend.

    Args:
        log_path: The CSV file written by `MetricsLog`.
        plot_path: The PNG file to write.
        equilibrium: The equilibrium discriminator output to mark.
            Defaults to `None` (no line).
        title: Figure title. Defaults to `None`.

    Returns:
        `True` when a plot was written, `False` when the log had no rows.
    """
    # Imported on use: matplotlib would make `import keras_gan` heavy.
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    log = metrics_log.read_log(log_path)
    if not log or not log.get("step"):
        return False
    steps = np.asarray(log["step"])
    figure, (top, bottom) = plt.subplots(
        2, 1, sharex=True, figsize=(8, 6), dpi=100
    )
    for key in log:
        if key in _STEP_KEYS or key in _OUTPUT_KEYS:
            continue
        top.plot(steps, log[key], label=key, linewidth=1)
    top.set_ylabel("loss")
    top.legend(loc="upper right")
    top.grid(alpha=0.3)
    for key in _OUTPUT_KEYS:
        if key in log:
            bottom.plot(steps, log[key], label=key, linewidth=1)
    if equilibrium is not None:
        bottom.axhline(
            equilibrium, color="gray", linestyle="--", label="equilibrium"
        )
    bottom.set_ylabel("mean D output")
    bottom.set_xlabel("generator step")
    bottom.legend(loc="upper right")
    bottom.grid(alpha=0.3)
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    try:
        files.atomic_write(
            plot_path,
            lambda tmp: figure.savefig(tmp, format="png"),
            suffix=".png",
        )
    finally:
        plt.close(figure)
    return True


class TrainingCurves(callbacks.Callback):
    """Redraws the training curves of a `MetricsLog` every few epochs and
    when training ends.

    Place it after the `MetricsLog` in the callback list, so each plot
    includes the rows of the epoch just ended.

    Args:
        log_path: The CSV file of the `MetricsLog`.
        plot_path: The PNG file to write.
        every_n_epochs: Redraw every this many epochs. Defaults to `1`.
        title: Figure title. Defaults to `None`.
    """

    def __init__(self, log_path, plot_path, every_n_epochs=1, title=None):
        super().__init__()
        if (
            isinstance(every_n_epochs, bool)
            or not isinstance(every_n_epochs, int)
            or every_n_epochs < 1
        ):
            raise ValueError(
                "Invalid value for argument `every_n_epochs`. Expected a "
                f"positive integer. Received: every_n_epochs="
                f"{every_n_epochs!r}"
            )
        self.log_path = os.fspath(log_path)
        self.plot_path = os.fspath(plot_path)
        self.every_n_epochs = every_n_epochs
        self.title = title

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every_n_epochs == 0:
            self.plot()

    def on_train_end(self, logs=None):
        self.plot()

    def plot(self):
        """Draws the curves now; returns whether a plot was written."""
        loss = getattr(self.model, "adversarial_loss", None)
        return plot_training_curves(
            self.log_path,
            self.plot_path,
            equilibrium=getattr(loss, "equilibrium_output", None),
            title=self.title,
        )
