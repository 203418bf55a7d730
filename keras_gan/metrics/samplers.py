"""Samplers: where the samples to score come from.

`ExportSampler` (a SavedModel exported by `keras_gan.export`, loaded with
`tf.saved_model.load`), `ModelSampler` (a Keras generator) or
`workdir_sampler` (a `bin/train` workdir: its export, else its newest
checkpoint). Noise is drawn from N(0, I) with `np.random.default_rng(seed)`,
so a seed gives the same noise in every process. `keras_gan.metrics.scoring`
scores what they draw.
"""

import os

import numpy as np

from keras_gan.arguments import check_positive_int


def standard_normal_noise(num_samples, latent_dim, seed=0):
    """The noise `z` of a seed: float32 `[num_samples, latent_dim]` from
    N(0, I), the same in every process (`np.random.default_rng(seed)`)."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((num_samples, latent_dim)).astype(np.float32)


class Sampler:
    """Draws samples in data units: images NHWC in [0, 1], points in data
    coordinates. Subclasses implement `generate(z)`.

    Attributes:
        latent_dim: Size of the noise vector.
        description: Where the samples come from, for reports.
        metadata: What is known about the generator (dataset, step...).
    """

    latent_dim = None
    description = ""
    metadata = {}

    def generate(self, z):
        """Maps float32 noise `[n, latent_dim]` to samples (NumPy)."""
        raise NotImplementedError

    def sample(self, num_samples, seed=0, batch_size=500):
        """Draws `num_samples` samples from seeded N(0, I) noise.

        Args:
            num_samples: How many samples.
            seed: Seed of the noise (see `standard_normal_noise`).
                Defaults to `0`.
            batch_size: Samples per call of the generator. Defaults to
                `500`.

        Returns:
            A float32 NumPy array `[num_samples, ...]`.
        """
        num_samples = check_positive_int("num_samples", num_samples)
        batch_size = check_positive_int("batch_size", batch_size)
        z = standard_normal_noise(num_samples, self.latent_dim, seed)
        return np.concatenate(
            [
                np.asarray(self.generate(z[i : i + batch_size]), np.float32)
                for i in range(0, num_samples, batch_size)
            ]
        )


class ExportSampler(Sampler):
    """Samples from a SavedModel written by `keras_gan.export`.

    Loads it with plain `tf.saved_model.load` and calls its
    `serving_default` signature with input `z`, reading output `samples`
    (the contract of DESIGN.md).

    Args:
        export_dir: The SavedModel directory.
    """

    def __init__(self, export_dir):
        import tensorflow as tf

        from keras_gan import export

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

    def generate(self, z):
        import tensorflow as tf

        from keras_gan import export

        outputs = self._serve(**{export.INPUT_KEY: tf.constant(z)})
        return outputs[export.OUTPUT_KEY].numpy()


class ModelSampler(Sampler):
    """Samples from a Keras generator, converted to data units.

    Args:
        generator: A model mapping noise `[batch, latent_dim]` to samples.
        value_range: The `(low, high)` range of image outputs, mapped to
            [0, 1] and clipped as the export does; ignored for vector
            outputs. Defaults to `(-1.0, 1.0)`.
        description: For reports. Defaults to the generator's name.
        metadata: For reports. Defaults to `None`.
    """

    def __init__(
        self,
        generator,
        value_range=(-1.0, 1.0),
        description=None,
        metadata=None,
    ):
        shape = tuple(generator.input_shape)
        if len(shape) != 2 or shape[1] is None:
            raise ValueError(
                "Invalid value for argument `generator`. Expected a model "
                "taking noise of shape [batch, latent_dim]. Received input "
                f"shape {shape}"
            )
        self.generator = generator
        self.latent_dim = int(shape[1])
        self.value_range = tuple(value_range)
        self.description = description or f"Keras model {generator.name}"
        self.metadata = dict(metadata or {})

    def generate(self, z):
        from keras_gan.plots import to_unit_range

        samples = np.asarray(
            self.generator(z, training=False), dtype=np.float32
        )
        if samples.ndim == 4:
            samples = to_unit_range(samples, self.value_range)
        return samples


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
    from keras_gan.training import checkpoints
    from keras_gan.training import workdir as workdir_lib

    workdir = os.fspath(workdir)
    config = _saved_config(workdir)
    export_dir = None
    if config is not None and config.export_dir is not None:
        export_dir = config.export_dir
    layout = workdir_lib.WorkdirLayout(workdir, export_dir)
    saved_model = os.path.join(layout.export_dir, "saved_model.pb")
    if prefer_export and os.path.exists(saved_model):
        sampler = ExportSampler(layout.export_dir)
    else:
        restored = checkpoints.CheckpointManager(layout.checkpoints).restore()
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
        )
    if config is not None:
        sampler.metadata = {"dataset": config.dataset, **sampler.metadata}
    return sampler


def _saved_config(workdir):
    from keras_gan.training import workdir as workdir_lib

    return workdir_lib.read_config(workdir_lib.WorkdirLayout(workdir))


def dataset_of(workdir=None, export_dir=None):
    """The dataset a run trained on, from its workdir's config or its
    export's metadata; `None` when neither says."""
    if workdir is not None:
        config = _saved_config(os.fspath(workdir))
        if config is not None:
            return config.dataset
    if export_dir is not None:
        from keras_gan import export

        return export.read_metadata(export_dir).get("dataset")
    return None
