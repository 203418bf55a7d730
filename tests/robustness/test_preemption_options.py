"""Preemption composes with the training options: a real SIGTERM sent to
this process mid-run (by a callback, at a chosen step), in-process
`train_lib.train`, then a resume to the full step count."""

import os
import signal

import keras
import pytest

from keras_gan import checkpoints
from keras_gan.training import train_lib

pytestmark = pytest.mark.slow


class _SignalAt(keras.callbacks.Callback):
    def __init__(self, step, signum=signal.SIGTERM):
        super().__init__()
        self.step, self.signum = step, signum
        self.sent_at = None

    def on_train_batch_begin(self, batch, logs=None):
        # Sent before the step runs: it must still finish and be kept.
        steps = self.model.generator_steps
        if self.sent_at is None and steps >= self.step:
            self.sent_at = steps
            os.kill(os.getpid(), self.signum)


@pytest.mark.parametrize(
    "options",
    [
        {"ema_decay": 0.9, "discriminator_steps": 2},
        {"steps_per_execution": 2, "steps_per_epoch": 4, "penalties": ("r1",)},
        {"loss": "wasserstein", "penalties": ("gradient_penalty",)},
        {"checkpoint_every_n_steps": 4, "mixed_precision": "bfloat16"},
    ],
    ids=["ema_k2", "spe2_r1", "wgan_gp", "ckpt4_bf16"],
)
def test_a_sigterm_checkpoints_its_step_and_the_run_resumes(
    ring_config, tmp_path, options
):
    config = ring_config(tmp_path / "run", steps=12, **options)
    sender = _SignalAt(7)
    with pytest.raises(train_lib.TrainingPreempted) as info:
        train_lib.train(config, callbacks=[sender])
    preempted = info.value
    spe = options.get("steps_per_execution", 1)
    assert preempted.signal_name == "SIGTERM"
    # The step (execution) in flight was finished and kept.
    assert preempted.step == sender.sent_at + spe
    assert preempted.checkpoint.endswith(
        checkpoints.checkpoint_name(preempted.step)
    )
    # The handlers are restored after the run.
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
    resumed = train_lib.train(config)
    assert resumed.resumed_from == preempted.step
    assert resumed.steps == 12
    assert not (tmp_path / "run" / ".lock").exists()
