"""Stop training when the discriminator can no longer tell real from fake."""

import numpy as np
from keras import callbacks

from keras_gan.callbacks import messages

__all__ = [
    "EquilibriumStopping",
]


class EquilibriumStopping(callbacks.Callback):
    """Stops training when the mean discriminator outputs on real and
    generated data both stay near the equilibrium value.

    Why 0.5: for a fixed generator the optimal discriminator is
    `D*(x) = p_data(x) / (p_data(x) + p_g(x))` (Goodfellow et al. 2014,
    Proposition 1). When the generator matches the data, `p_g = p_data` and
    `D* = 1/2` everywhere, so the mean output on real (`d_real`) and
    generated (`d_fake`) batches both approach 1/2. The loss's
    `equilibrium_output` gives the value: 0.5 for the logistic and
    least-squares losses; the Wasserstein and hinge critics have none, and
    this callback refuses them.

    When the signal misleads: the training discriminator is not the
    optimal one. It chases the generator and is never trained to
    convergence, so its outputs sit near 1/2 long before the samples are
    good. On the presets they do so from the first epochs on, and the rule
    stops well before the run's best Frechet distance or mode coverage
    (`benchmarks.stopping` measures this; BUILD_NOTES.md).

    Outputs near 1/2 also come from a discriminator that has stopped
    learning (too small, too low a learning rate, or overpowered by the
    generator), and from a collapsed generator whose few modes the
    discriminator cannot yet separate. So do not use this rule alone to
    judge quality: require a quality metric (for example a Frechet
    distance logged by an evaluation callback) to have stopped improving
    (`monitor`), or use `FreshDiscriminatorStopping`, which trains a new
    discriminator on held-out samples and asks it (on the mixtures it
    stops near the best; on Fashion-MNIST its test is too noisy to stop
    on, see its docstring).

    Checks run at the end of every epoch, or every `every_n_steps` steps,
    where the outputs are averaged over the steps since the last check.
    Training stops after `patience` consecutive checks within `tolerance`.

    Args:
        tolerance: Largest accepted `|d_real - target|` and
            `|d_fake - target|`. Defaults to `0.05`.
        patience: Consecutive checks that must pass. Defaults to `3`.
        start_from_epoch: Epochs to train before any check. Defaults to `0`.
        every_n_steps: Check every this many steps instead of once per
            epoch. Defaults to `None`.
        target: The equilibrium output. Defaults to `None`: the loss's
            `equilibrium_output`.
        monitor: A logged quality metric that must also have stopped
            improving (checked at epoch ends, where such metrics are
            logged). Defaults to `None`.
        mode: `"min"` or `"max"`: whether a lower or higher `monitor` is
            better. Defaults to `"min"`.
        min_delta: Smallest change of `monitor` that counts as an
            improvement. Defaults to `0.0`.
        monitor_patience: Epochs without improvement after which `monitor`
            counts as stalled. Defaults to `1`.
        restore_best_weights: Whether to restore, on stopping, the weights
            of the best check: the best `monitor` value, or without one the
            check closest to equilibrium. Defaults to `False`.
        verbose: Whether to print a message when stopping. Defaults to `0`.
    """

    def __init__(
        self,
        tolerance=0.05,
        patience=3,
        start_from_epoch=0,
        every_n_steps=None,
        target=None,
        monitor=None,
        mode="min",
        min_delta=0.0,
        monitor_patience=1,
        restore_best_weights=False,
        verbose=0,
    ):
        super().__init__()
        if not tolerance > 0:
            raise ValueError(
                "Invalid value for argument `tolerance`. Expected a positive "
                f"float. Received: tolerance={tolerance}"
            )
        if mode not in ("min", "max"):
            raise ValueError(
                "Invalid value for argument `mode`. Expected one of "
                f"{{'min', 'max'}}. Received: mode={mode!r}"
            )
        for name, value in (
            ("patience", patience),
            ("monitor_patience", monitor_patience),
        ):
            if value < 1:
                raise ValueError(
                    f"Invalid value for argument `{name}`. Expected an "
                    f"integer >= 1. Received: {name}={value}"
                )
        if every_n_steps is not None and every_n_steps < 1:
            raise ValueError(
                "Invalid value for argument `every_n_steps`. Expected a "
                f"positive integer or None. Received: every_n_steps="
                f"{every_n_steps}"
            )
        self.tolerance = tolerance
        self.patience = patience
        self.start_from_epoch = start_from_epoch
        self.every_n_steps = every_n_steps
        self.target = target
        self.monitor = monitor
        self.mode = mode
        self.min_delta = abs(min_delta)
        self.monitor_patience = monitor_patience
        self.restore_best_weights = restore_best_weights
        self.verbose = verbose

    def on_train_begin(self, logs=None):
        target = self.target
        if target is None:
            target = self.model.adversarial_loss.equilibrium_output
            if target is None:
                raise ValueError(
                    "EquilibriumStopping needs a loss with an equilibrium "
                    "output (0.5 for the logistic and least-squares losses). "
                    f"Received loss {self.model.adversarial_loss!r}, whose "
                    "critic is unbounded: pass `target` or use another "
                    "stopping rule."
                )
        self._target = float(target)
        self.streak = 0
        self.stopped_epoch = None
        self.stopped_step = None
        self.best_weights = None
        self._best_score = np.inf
        self._monitor_best = None
        self._monitor_wait = 0
        self._monitor_warned = False
        self._epoch = 0
        self._window_start = (0, 0.0, 0.0)

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch
        self._window_start = (0, 0.0, 0.0)

    def on_train_batch_end(self, batch, logs=None):
        if self.every_n_steps is None or not logs:
            return
        if self.model.generator_steps % self.every_n_steps:
            return
        # Keras logs running means over the epoch; difference the running
        # sums to get the mean over the steps since the last check.
        steps = batch + 1
        start, real_sum, fake_sum = self._window_start
        real_total = float(logs["d_real"]) * steps
        fake_total = float(logs["d_fake"]) * steps
        self._window_start = (steps, real_total, fake_total)
        if steps > start:
            self._check(
                (real_total - real_sum) / (steps - start),
                (fake_total - fake_sum) / (steps - start),
            )

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.monitor is not None:
            self._update_monitor(logs)
        if self.every_n_steps is None and "d_real" in logs:
            self._check(float(logs["d_real"]), float(logs["d_fake"]))

    def _update_monitor(self, logs):
        value = logs.get(self.monitor)
        if value is None:
            if not self._monitor_warned:
                self._monitor_warned = True
                messages.print_msg(
                    f"EquilibriumStopping: metric `{self.monitor}` is not "
                    f"logged. Available metrics are: {','.join(logs)}"
                )
            return
        value = float(value)
        if self.mode == "max":
            value = -value
        if self._monitor_best is None or value < (
            self._monitor_best - self.min_delta
        ):
            self._monitor_best = value
            self._monitor_wait = 0
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
        else:
            self._monitor_wait += 1

    def _check(self, d_real, d_fake):
        if self._epoch < self.start_from_epoch:
            return
        distance = max(abs(d_real - self._target), abs(d_fake - self._target))
        if self.monitor is None and distance < self._best_score:
            self._best_score = distance
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
        self.streak = self.streak + 1 if distance <= self.tolerance else 0
        stalled = (
            self.monitor is None or self._monitor_wait >= self.monitor_patience
        )
        if self.streak >= self.patience and stalled:
            self.model.stop_training = True
            self.stopped_epoch = self._epoch
            self.stopped_step = self.model.generator_steps
            if self.restore_best_weights and self.best_weights is not None:
                self.model.set_weights(self.best_weights)
            if self.verbose:
                messages.print_msg(
                    f"EquilibriumStopping: d_real={d_real:.4f} and "
                    f"d_fake={d_fake:.4f} within {self.tolerance} of "
                    f"{self._target} for {self.streak} checks; stopping at "
                    f"step {self.stopped_step}."
                )
