"""A progress bar that ends a cut epoch at the steps that ran."""

import keras

__all__ = ["ProgbarLogger"]


class ProgbarLogger(keras.callbacks.ProgbarLogger):
    """Keras's progress bar, ending an epoch cut short at its last step.

    When a callback sets `model.stop_training` in the middle of an epoch
    (a time budget, a stopping rule), Keras's `ProgbarLogger` still
    finishes the epoch's line at the epoch's target, as if every step had
    run: `100/100` after 12 steps. This one finishes it at the steps that
    ran (`12/100`), with the time per step of those steps. Passed in
    `fit`'s `callbacks`, it takes the place of Keras's own bar.

    Example:

    ```python
    gan.fit(data, epochs=10, verbose=2, callbacks=[ProgbarLogger(), budget])
    ```
    """

    def on_epoch_end(self, epoch, logs=None):
        if self.target is not None and 0 < self.seen < self.target:
            self._maybe_init_progbar()
            self.progbar.update(self.seen, list((logs or {}).items()), True)
            return
        super().on_epoch_end(epoch, logs)
