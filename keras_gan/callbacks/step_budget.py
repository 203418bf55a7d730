"""Stop training after a total number of generator updates."""

from keras import callbacks

from keras_gan.arguments import check_positive_int

__all__ = [
    "StepBudget",
]


class StepBudget(callbacks.Callback):
    """Stops training once the model has made `max_steps` generator updates
    in total.

    The count is the generator optimizer's step counter, which is saved
    with the model: a resumed run stops at the same total step as an
    uninterrupted one. (Keras's `epochs` and `steps_per_epoch` count only
    within one `fit` call.) With `steps_per_execution > 1` the check runs
    once per execution, so training can pass the budget by less than one
    execution. Keras runs at least one step per `fit` call, so a run whose
    budget is already spent should not call `fit`
    (`keras_gan.training.train_lib` checks `model.generator_steps` first).

    Args:
        max_steps: Total generator updates allowed.
    """

    def __init__(self, max_steps):
        super().__init__()
        self.max_steps = check_positive_int("max_steps", max_steps)

    def on_train_begin(self, logs=None):
        self.stopped_step = None

    def on_train_batch_end(self, batch, logs=None):
        if self.model.generator_steps >= self.max_steps:
            self.model.stop_training = True
            self.stopped_step = self.model.generator_steps
