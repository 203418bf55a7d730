"""Write a picture of generated samples every epoch."""

import os

import numpy as np
import tensorflow as tf
from keras import callbacks, ops

from keras_gan import plots
from keras_gan.models.gan import sample_generator_of

__all__ = [
    "SampleGrid",
]


class SampleGrid(callbacks.Callback):
    """Writes samples from one fixed noise batch as a PNG every epoch.

    Samples come from the model's `sample_generator` (a `keras_gan.GAN`'s
    averaged generator when it keeps one), else its `generator`.

    The same noise every time, so successive pictures show how the
    generator changes. Images become a grid, enlarged without smoothing
    to at least `keras_gan.plots.MIN_WIDTH` (448) pixels across; 2D
    points a 500 x 500 scatter plot. Each picture says its epoch and
    generator step. With `log_dir`, the same pictures go to TensorBoard
    (tag `samples`, at the generator step).
    A class-conditional GAN's grid has one row per class, in class order
    (row `c` is class `c`), with `num_samples // num_classes` samples in
    each row, and the class's name written at the row's left (in the PNG
    and in TensorBoard); unconditional grids have no labels.

    Args:
        directory: Where the PNG files go, named
            `samples_epoch_0001.png`, ... (epochs counted from 1).
        num_samples: Samples per picture. Defaults to `64` (2,500 would
            suit 2D points).
        seed: Seed of the fixed noise. Defaults to `0`.
        every_n_epochs: Write every this many epochs. Defaults to `1`.
        value_range: Range of image samples. Defaults to `(-1.0, 1.0)`.
        log_dir: TensorBoard log directory for image summaries. Defaults to
            `None`.
        class_names: A conditional GAN's class names, one per class, written
            at the left of their rows (e.g. `keras_gan.data.class_names(
            "fashion_mnist")`). Defaults to `None`: the class numbers,
            `"0"`, `"1"`, ...
    """

    def __init__(
        self,
        directory,
        num_samples=64,
        seed=0,
        every_n_epochs=1,
        value_range=(-1.0, 1.0),
        log_dir=None,
        class_names=None,
    ):
        super().__init__()
        if num_samples < 1 or every_n_epochs < 1:
            raise ValueError(
                "Expected positive `num_samples` and `every_n_epochs`. "
                f"Received: num_samples={num_samples}, every_n_epochs="
                f"{every_n_epochs}"
            )
        self.directory = directory
        self.num_samples = num_samples
        self.seed = seed
        self.every_n_epochs = every_n_epochs
        self.value_range = value_range
        self.log_dir = log_dir
        self.class_names = None if class_names is None else list(class_names)
        self._writer = None
        self.paths = []

    def on_train_begin(self, logs=None):
        rng = np.random.default_rng(self.seed)
        num_classes = getattr(self.model, "num_classes", None)
        self.columns, self.labels, count = None, None, self.num_samples
        self.row_labels = None
        if num_classes is not None:
            self.columns = max(1, self.num_samples // num_classes)
            self.labels = np.repeat(
                np.arange(num_classes, dtype=np.int32), self.columns
            )
            count = len(self.labels)
            self.row_labels = self._row_labels(num_classes)
        self.noise = rng.standard_normal((count, self.model.latent_dim)).astype(
            np.float32
        )
        if self.log_dir is not None and self._writer is None:
            self._writer = tf.summary.create_file_writer(
                os.path.join(self.log_dir, "samples")
            )

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every_n_epochs:
            return
        if self.labels is None:
            generator = sample_generator_of(self.model)
            samples = generator(self.noise, training=False)
        else:
            samples = self.model([self.noise, self.labels])
        # A PyTorch tensor that requires grad has no `__array__`.
        samples = ops.convert_to_numpy(samples)
        step = _generator_steps(self.model)
        caption = f"epoch {epoch + 1}"
        if step is not None:
            caption += f", step {step}"
        picture = plots.samples_picture(
            samples,
            self.value_range,
            caption,
            columns=self.columns,
            row_labels=self.row_labels,
        )
        path = os.path.join(
            self.directory, f"samples_epoch_{epoch + 1:04d}.png"
        )
        plots.save_png(picture, path)
        self.paths.append(path)
        if self._writer is not None:
            with self._writer.as_default():
                tf.summary.image(
                    "samples",
                    picture[np.newaxis],
                    step=epoch + 1 if step is None else step,
                )
            self._writer.flush()

    def _row_labels(self, num_classes):
        if self.class_names is None:
            return [str(label) for label in range(num_classes)]
        if len(self.class_names) != num_classes:
            raise ValueError(
                f"Expected one class name per class ({num_classes}). "
                f"Received {len(self.class_names)} class names: "
                f"{self.class_names}"
            )
        return self.class_names

    def on_train_end(self, logs=None):
        if self._writer is not None:
            self._writer.close()
            self._writer = None


def _generator_steps(model):
    steps = getattr(model, "generator_steps", None)
    return None if steps is None else int(np.asarray(steps))
