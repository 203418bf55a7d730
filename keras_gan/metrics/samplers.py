"""Samplers: where the samples to score come from.

`ExportSampler` (a SavedModel exported by `keras_gan.export`, loaded with
`tf.saved_model.load`), `ModelSampler` (a Keras generator) or
`workdir_sampler` (a `bin/train` workdir: its export, else its newest
checkpoint). Noise is drawn from N(0, I) with `np.random.default_rng(seed)`,
so a seed gives the same noise in every process. `keras_gan.metrics.scoring`
scores what they draw.

A class-conditional generator (a conditional export, a `GAN` with
`num_classes`, a conditional workdir) gives a conditional sampler: it knows
its `num_classes` and `class_names`, and draws each sample at the label
asked for (`sample(n, labels=...)`; by default the classes in turn, sample
`i` at `i % num_classes`).
"""

import os

import numpy as np
import tensorflow as tf

from keras_gan import checkpoints, data, export, files
from keras_gan.arguments import check_positive_int
from keras_gan.models import real_batches
from keras_gan.plots import to_unit_range

__all__ = [
    "CHECKPOINTS_DIR",
    "CONFIG_FILE",
    "EXPORT_DIR",
    "ExportSampler",
    "ModelSampler",
    "Sampler",
    "dataset_of",
    "read_run_config",
    "standard_normal_noise",
    "workdir_sampler",
]

# What this module reads of a `bin/train` workdir, by its documented
# layout (docs/contracts.md, "Workdir layout"), so that the library needs
# nothing of the training application to sample a run.
CONFIG_FILE = "config.json"
CHECKPOINTS_DIR = "checkpoints"
EXPORT_DIR = "export"


def standard_normal_noise(num_samples, latent_dim, seed=0):
    """The noise `z` of a seed: float32 `[num_samples, latent_dim]` from
    N(0, I), the same in every process (`np.random.default_rng(seed)`)."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((num_samples, latent_dim)).astype(np.float32)


class Sampler:
    """Draws samples in data units: images NHWC in [0, 1], points in data
    coordinates. Subclasses implement `generate(z, labels=None)`.

    Attributes:
        latent_dim: Size of the noise vector.
        num_classes: A class-conditional generator's number of classes;
            `None` for an unconditional one.
        class_names: The names of a conditional generator's classes.
        description: Where the samples come from, for reports.
        metadata: What is known about the generator (dataset, step...).
    """

    latent_dim = None
    num_classes = None
    class_names = None
    description = ""
    metadata = {}

    @property
    def conditional(self):
        """Whether the generator is class-conditional (draws at labels)."""
        return self.num_classes is not None

    def generate(self, z, labels=None):
        """Maps float32 noise `[n, latent_dim]` (and, for a conditional
        generator, int32 labels `[n]`) to samples (NumPy)."""
        raise NotImplementedError

    def sample(self, num_samples, seed=0, batch_size=500, labels=None):
        """Draws `num_samples` samples from seeded N(0, I) noise.

        Args:
            num_samples: How many samples.
            seed: Seed of the noise (see `standard_normal_noise`).
                Defaults to `0`.
            batch_size: Samples per call of the generator. Defaults to
                `500`.
            labels: Conditional samplers only: the class of each sample,
                integers `[num_samples]` in `[0, num_classes)` or one int.
                Defaults to `None`: the classes in turn, sample `i` at
                `i % num_classes`.

        Returns:
            A float32 NumPy array `[num_samples, ...]`.
        """
        num_samples = check_positive_int("num_samples", num_samples)
        batch_size = check_positive_int("batch_size", batch_size)
        labels = self.labels_to_sample(num_samples, labels)
        z = standard_normal_noise(num_samples, self.latent_dim, seed)
        return np.concatenate(
            [
                np.asarray(
                    self.generate(
                        z[i : i + batch_size],
                        None if labels is None else labels[i : i + batch_size],
                    ),
                    np.float32,
                )
                for i in range(0, num_samples, batch_size)
            ]
        )

    def labels_to_sample(self, num_samples, labels=None):
        """The int32 labels `sample` draws at (`None` for an
        unconditional sampler), checked."""
        if not self.conditional:
            if labels is not None:
                raise ValueError(
                    "An unconditional generator takes no `labels`. "
                    f"Received labels for {self.description or 'it'}."
                )
            return None
        if labels is None:
            return np.arange(num_samples, dtype=np.int32) % self.num_classes
        labels = np.asarray(labels)
        if labels.ndim == 0:
            labels = np.full((num_samples,), labels)
        if labels.shape != (num_samples,):
            raise ValueError(
                f"Expected `labels` of shape ({num_samples},). Received "
                f"labels of shape {labels.shape}."
            )
        real_batches.check_label_values(labels, self.num_classes)
        return labels.astype(np.int32)


class ExportSampler(Sampler):
    """Samples from a SavedModel written by `keras_gan.export`.

    Loads it with plain `tf.saved_model.load` and calls its
    `serving_default` signature with input `z`, reading output `samples`
    (docs/contracts.md, "SavedModel signature").

    Args:
        export_dir: The SavedModel directory.
    """

    def __init__(self, export_dir):
        export_dir = os.fspath(export_dir)
        if not os.path.exists(os.path.join(export_dir, "saved_model.pb")):
            raise FileNotFoundError(
                "Invalid value for argument `export_dir`. Expected a "
                "SavedModel directory (with saved_model.pb). Received: "
                f"export_dir={export_dir!r}"
            )
        self._loaded = tf.saved_model.load(export_dir)
        signatures = self._loaded.signatures
        if export.SIGNATURE_KEY not in signatures:
            raise ValueError(
                f"The SavedModel in {export_dir} has no "
                f"`{export.SIGNATURE_KEY}` signature. Its signatures: "
                f"{list(signatures)}"
            )
        self._serve = signatures[export.SIGNATURE_KEY]
        inputs = self._serve.structured_input_signature[1]
        if (
            export.INPUT_KEY not in inputs
            or inputs[export.INPUT_KEY].shape.rank != 2
        ):
            raise ValueError(
                f"Expected the signature to take `{export.INPUT_KEY}` of "
                f"shape [batch, latent_dim]. Received inputs {inputs}"
            )
        self.latent_dim = int(inputs[export.INPUT_KEY].shape[1])
        self.metadata = export.read_metadata(export_dir)
        self.description = f"SavedModel {os.path.abspath(export_dir)}"
        if "step" in self.metadata:
            self.description += f" (step {self.metadata['step']})"
        if export.LABELS_KEY in inputs:
            num_classes = self.metadata.get("num_classes")
            if not num_classes:
                raise ValueError(
                    f"The SavedModel in {export_dir} takes "
                    f"`{export.LABELS_KEY}`: expected its metadata "
                    f"({export.METADATA_PATH}) to hold `num_classes`. "
                    f"Received metadata keys {sorted(self.metadata)}"
                )
            self.num_classes = int(num_classes)
            self.class_names = _class_names_or_numbers(
                self.metadata.get("class_names"), self.num_classes
            )

    def generate(self, z, labels=None):
        feed = {export.INPUT_KEY: tf.constant(z)}
        if self.conditional:
            feed[export.LABELS_KEY] = tf.constant(
                self.labels_to_sample(len(z), labels)
            )
        return self._serve(**feed)[export.OUTPUT_KEY].numpy()


class ModelSampler(Sampler):
    """Samples from a Keras generator, converted to data units.

    Args:
        generator: A model mapping noise `[batch, latent_dim]` to samples,
            or, with `num_classes`, a conditional one mapping `[z,
            labels]` (int labels `[batch]`) to samples (e.g. a `GAN`'s
            `sample_generator`).
        value_range: The `(low, high)` range of image outputs, mapped to
            [0, 1] and clipped as the export does; ignored for vector
            outputs. Defaults to `(-1.0, 1.0)`.
        description: For reports. Defaults to the generator's name.
        metadata: For reports. Defaults to `None`.
        num_classes: A conditional generator's number of classes.
            Defaults to `None`: an unconditional generator.
        class_names: The names of its classes. Defaults to `None`: `"0"`,
            `"1"`, ...
    """

    def __init__(
        self,
        generator,
        value_range=(-1.0, 1.0),
        description=None,
        metadata=None,
        num_classes=None,
        class_names=None,
    ):
        shape = generator.input_shape
        if num_classes is not None:
            num_classes = check_positive_int("num_classes", num_classes)
            if not isinstance(shape, list) or len(shape) != 2:
                raise ValueError(
                    "Invalid value for argument `generator`. Expected a "
                    f"conditional model (num_classes={num_classes}) taking "
                    f"[z, labels]. Received input shape {shape}"
                )
            shape = shape[0]
        shape = tuple(shape)
        if len(shape) != 2 or not isinstance(shape[1], int):
            raise ValueError(
                "Invalid value for argument `generator`. Expected a model "
                "taking noise of shape [batch, latent_dim] (a conditional "
                "one, [z, labels], needs `num_classes`). Received input "
                f"shape {shape}"
            )
        self.generator = generator
        self.latent_dim = int(shape[1])
        self.value_range = tuple(value_range)
        self.description = description or f"Keras model {generator.name}"
        self.metadata = dict(metadata or {})
        self.num_classes = num_classes
        if num_classes is not None:
            self.class_names = _class_names_or_numbers(class_names, num_classes)

    def generate(self, z, labels=None):
        inputs = z
        if self.conditional:
            inputs = [z, self.labels_to_sample(len(z), labels)]
        samples = np.asarray(
            self.generator(inputs, training=False), dtype=np.float32
        )
        if samples.ndim == 4:
            samples = to_unit_range(samples, self.value_range)
        return samples


def _class_names_or_numbers(class_names, num_classes):
    if class_names is None or len(class_names) != num_classes:
        return [str(label) for label in range(num_classes)]
    return [str(name) for name in class_names]


def read_run_config(workdir):
    """The training config saved in a `bin/train` workdir, as a dict.

    Reads `config.json` (docs/contracts.md, "Workdir layout") as plain
    data: the library reads the fields it needs (`dataset`, `data_dir`,
    `export_dir`) without the training application's `TrainConfig`.

    Args:
        workdir: The run's directory.

    Returns:
        The config's fields, or `None` when the workdir has no config.

    Raises:
        ValueError: when the file is not a JSON object.
    """
    path = os.path.join(os.fspath(workdir), CONFIG_FILE)
    if not os.path.exists(path):
        return None
    config = files.read_json(path)
    if not isinstance(config, dict):
        raise ValueError(
            f"Expected the workdir's {path} to hold a JSON object (a "
            f"training config). Received: {type(config).__name__}"
        )
    return config


def workdir_sampler(workdir, prefer_export=True):
    """The sampler of a `bin/train` workdir.

    Its SavedModel (`export_dir` of the saved config, else
    `workdir/export`) when there is one, else its newest checkpoint that
    loads.

    Args:
        workdir: The run's directory.
        prefer_export: Use the export when present. Defaults to `True`;
            `False` always loads the newest checkpoint.

    Returns:
        A `Sampler` whose `metadata` includes the run's `dataset` when
        known.

    Raises:
        FileNotFoundError: when the workdir has neither.
    """
    workdir = os.fspath(workdir)
    config = read_run_config(workdir)
    run_dir = os.path.abspath(workdir)
    export_dir = os.path.join(run_dir, EXPORT_DIR)
    if config is not None and config.get("export_dir") is not None:
        export_dir = os.path.abspath(config["export_dir"])
    saved_model = os.path.join(export_dir, "saved_model.pb")
    if prefer_export and os.path.exists(saved_model):
        sampler = ExportSampler(export_dir)
    else:
        manager = checkpoints.CheckpointManager(
            os.path.join(run_dir, CHECKPOINTS_DIR)
        )
        restored = manager.restore()
        if restored is None:
            raise FileNotFoundError(
                "Invalid value for argument `workdir`. Expected a training "
                "workdir with an export (export/saved_model.pb) or a "
                f"checkpoint (checkpoints/ckpt-*.keras). Received: "
                f"workdir={workdir!r}"
            )
        gan, state, path = restored
        sampler = ModelSampler(
            gan.sample_generator,  # the average when the run keeps one
            description=f"checkpoint {path}",
            metadata={"step": state.get("step", gan.generator_steps)},
            num_classes=gan.num_classes,
            class_names=_dataset_class_names(config, gan.num_classes),
        )
    if config is not None:
        sampler.metadata = {
            "dataset": config.get("dataset"),
            **sampler.metadata,
        }
    return sampler


def _dataset_class_names(config, num_classes):
    if config is None or num_classes is None:
        return None
    try:
        return data.class_names(
            config.get("dataset"), data_dir=config.get("data_dir")
        )
    except (ValueError, OSError, data.DatasetUnavailableError):
        return None  # numbers, then: the names are for reports only


def dataset_of(workdir=None, export_dir=None):
    """The dataset a run trained on, from its workdir's config or its
    export's metadata; `None` when neither says."""
    if workdir is not None:
        config = read_run_config(workdir)
        if config is not None:
            return config.get("dataset")
    if export_dir is not None:
        return export.read_metadata(export_dir).get("dataset")
    return None
