"""Save atomic, rotating checkpoints during training."""

from keras import callbacks

from keras_gan import checkpoints
from keras_gan.arguments import check_positive_int

__all__ = [
    "PeriodicCheckpoint",
]


class PeriodicCheckpoint(callbacks.Callback):
    """Saves the whole model (optimizers and noise state included) every
    few epochs or steps, atomically, keeping the newest few.

    Unlike `keras.callbacks.ModelCheckpoint`, a checkpoint is written to a
    temporary file and renamed into place, so a process killed mid-write
    never leaves a damaged file under a checkpoint name, and files are
    named by the generator step count (`ckpt-00001000.keras`), which
    survives resuming. `keras_gan.checkpoints.CheckpointManager`
    lists and restores them.

    Args:
        directory: Where checkpoints go, or a `CheckpointManager`.
        every_n_epochs: Save at the end of every this many epochs.
            Defaults to `1`; `None` saves at no epoch end.
        every_n_steps: Also save every this many generator steps. Defaults
            to `None`.
        keep: Checkpoints kept when `directory` is a path. Defaults to `3`.
        state_fn: A function returning a JSON-ready dict stored with each
            checkpoint. Defaults to `None`.
    """

    def __init__(
        self,
        directory,
        every_n_epochs=1,
        every_n_steps=None,
        keep=3,
        state_fn=None,
    ):
        super().__init__()
        check_positive_int("every_n_epochs", every_n_epochs, allow_none=True)
        check_positive_int("every_n_steps", every_n_steps, allow_none=True)
        if isinstance(directory, checkpoints.CheckpointManager):
            self.manager = directory
        else:
            self.manager = checkpoints.CheckpointManager(directory, keep=keep)
        self.every_n_epochs = every_n_epochs
        self.every_n_steps = every_n_steps
        self.state_fn = state_fn
        self.last_saved_step = None

    def on_train_begin(self, logs=None):
        self.last_saved_step = self.model.generator_steps

    def on_train_batch_end(self, batch, logs=None):
        if self.every_n_steps is None:
            return
        # With steps_per_execution > 1 the count can jump past a multiple.
        step = self.model.generator_steps
        if step // self.every_n_steps > self.last_saved_step // (
            self.every_n_steps
        ):
            self.save()

    def on_epoch_end(self, epoch, logs=None):
        if self.every_n_epochs and (epoch + 1) % self.every_n_epochs == 0:
            self.save()

    def save(self):
        """Saves a checkpoint now, unless one of this step exists.

        Returns:
            The checkpoint's path, or `None` when nothing was written.
        """
        step = self.model.generator_steps
        if step == self.last_saved_step:
            return None
        state = self.state_fn() if self.state_fn else {}
        path = self.manager.save(self.model, state)
        self.last_saved_step = step
        return path
