"""What a training run returns or raises: `TrainResult`, the stop reasons
and `TrainingDivergedError`."""

import dataclasses
import glob
import os

__all__ = [
    "STOP_DIVERGED",
    "STOP_EQUILIBRIUM",
    "STOP_FRESH_DISCRIMINATOR",
    "STOP_LOSS_THRESHOLD",
    "STOP_STEPS",
    "STOP_TIME",
    "TrainResult",
    "TrainingDivergedError",
    "diverged_error",
    "format_duration",
    "written_paths",
]

# Why training stopped.
STOP_STEPS = "steps"  # the step or epoch budget is spent
STOP_TIME = "time"  # max_train_minutes is spent
STOP_EQUILIBRIUM = "equilibrium"
STOP_LOSS_THRESHOLD = "loss_threshold"
STOP_FRESH_DISCRIMINATOR = "fresh_discriminator"
STOP_DIVERGED = "diverged"  # raised as TrainingDivergedError, not returned


class TrainingDivergedError(RuntimeError):
    """A loss or a weight became NaN or infinite; nothing was saved from
    the diverged model.

    Attributes:
        step: The generator step at which the divergence was seen.
        checkpoint: The newest (last good) checkpoint, or `None`.
        stop_reason: `STOP_DIVERGED`.
    """

    stop_reason = STOP_DIVERGED

    def __init__(self, message, step, checkpoint):
        super().__init__(message)
        self.step = step
        self.checkpoint = checkpoint


@dataclasses.dataclass(frozen=True)
class TrainResult:
    """What a call of `train` did.

    Attributes:
        steps: Generator steps of the run in total (earlier runs included).
        steps_this_run: Generator steps trained by this call.
        epochs: Complete epochs in total.
        resumed_from: The step of the checkpoint this call resumed, or
            `None` for a fresh run.
        stop_reason: One of `STOP_STEPS`, `STOP_TIME`, `STOP_EQUILIBRIUM`,
            `STOP_LOSS_THRESHOLD`, `STOP_FRESH_DISCRIMINATOR`.
        stop_message: Why training stopped, in words.
        wall_seconds: Wall time of this call.
        train_seconds: Time spent in `fit`, over all runs of the workdir.
        paths: Name to path of everything written: `workdir`, `config`,
            `checkpoint`, `samples` (directory), `last_samples`,
            `metrics`, `curves`, `tensorboard`, `export`.
    """

    steps: int
    steps_this_run: int
    epochs: int
    resumed_from: int | None
    stop_reason: str
    stop_message: str
    wall_seconds: float
    train_seconds: float
    paths: dict

    def summary(self):
        """A few lines for people: steps, time, why it stopped, where."""
        if self.resumed_from is None:
            start = "fresh run"
        elif self.steps_this_run == 0:
            start = f"already finished at step {self.resumed_from}"
        else:
            start = f"resumed from step {self.resumed_from}"
        lines = [
            f"Trained {self.steps_this_run} steps in "
            f"{format_duration(self.wall_seconds)} ({start}); {self.steps} "
            f"steps, {self.epochs} epochs, "
            f"{format_duration(self.train_seconds)} of training in total.",
            f"Stopped: {self.stop_message}.",
        ]
        width = max(len(name) for name in self.paths)
        for name, path in self.paths.items():
            if path is not None:
                lines.append(f"  {name:<{width}}  {path}")
        return "\n".join(lines)


def diverged_error(step, seen, manager):
    """The `TrainingDivergedError` of a run that diverged at `step`.

    Args:
        step: The generator step at which the divergence was seen.
        seen: What went non-finite, in words.
        manager: The run's `keras_gan.checkpoints.CheckpointManager`,
            whose newest checkpoint is the last good one.

    Returns:
        A `TrainingDivergedError` saying how to go on.
    """
    last = manager.checkpoints()
    if last:
        kept = (
            f"The newest checkpoint, {last[-1][1]} (step {last[-1][0]}), "
            "and the export are the last good ones; nothing was saved "
            "from the diverged model. To go on, rerun with lower "
            "`g_learning_rate` and `d_learning_rate` (--g_learning_rate, "
            "--d_learning_rate): it resumes from that checkpoint."
        )
    else:
        kept = (
            "No checkpoint had been written. Rerun with lower "
            "`g_learning_rate` and `d_learning_rate`."
        )
    return TrainingDivergedError(
        f"Training diverged: {seen}. {kept}",
        step=step,
        checkpoint=last[-1][1] if last else None,
    )


def written_paths(layout, manager):
    """`TrainResult.paths`: what the run in `layout` has written.

    Args:
        layout: The run's `keras_gan.training.workdir.WorkdirLayout`.
        manager: Its `keras_gan.checkpoints.CheckpointManager`.

    Returns:
        A dict of name to path (`None` for what is not there).
    """
    samples = (
        sorted(glob.glob(os.path.join(layout.samples, "*.png")))
        if os.path.isdir(layout.samples)
        else []
    )
    return {
        "workdir": layout.workdir,
        "config": layout.config,
        "checkpoint": manager.latest(),
        "samples": layout.samples,
        "last_samples": samples[-1] if samples else None,
        "metrics": layout.metrics,
        "curves": layout.curves,
        "tensorboard": layout.tensorboard,
        "export": layout.export_dir,
    }


def format_duration(seconds):
    """`seconds` for people: "42 s", "3 min 05 s", "2 h 07 min"."""
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
