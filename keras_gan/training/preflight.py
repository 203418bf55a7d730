"""Checks before a training run writes anything: can its files be written?

`check_storage` runs in `keras_gan.training.train_lib.train` before the
model is built and before any file is written. It raises
`keras_gan.files.WriteError` when

- a directory the run writes into is on a file system mounted read-only
  (`os.statvfs`'s `ST_RDONLY`: root, whom permission bits do not stop,
  cannot write there either), or its nearest existing parent is;
- a directory the run writes into (the workdir and the directories in it,
  such as `checkpoints/`; the export directory's parent and the
  directories of an export there) exists but is not a directory this
  process may create files in, or, for one still to be created, its
  nearest existing parent is not;
- a file system has less free space than the run is estimated to need
  (`estimate_sizes`): `keep_checkpoints + 1` checkpoints (the kept ones
  and the one being written) less those already there, the export
  (written beside the previous one before replacing it), and an
  allowance for the pictures and logs.

A write that fails later all the same (the disk filled up meanwhile)
raises `WriteError` too, and leaves nothing partial.

Under `"multi_worker"` every worker checks the workdir, though only the
chief writes into it.
"""

import dataclasses
import os
import shutil

from keras_gan import checkpoints, files

__all__ = [
    "LOG_ALLOWANCE",
    "SizeEstimate",
    "check_storage",
    "estimate_sizes",
    "parameter_counts",
]

# Bytes of a float32 weight; mixed precision keeps float32 variables.
_WEIGHT_BYTES = 4
# A checkpoint's archive beyond its weights: the model's config, the
# HDF5 layout, the training state. About 80 KiB for a small DCGAN.
_CHECKPOINT_OVERHEAD = 256 * 1024
# An export's graph (`saved_model.pb`): about 85 KiB for a small DCGAN.
_EXPORT_OVERHEAD = 1024 * 1024
# Sample pictures, curves, metrics and TensorBoard logs, which grow by
# tens of kilobytes per epoch.
LOG_ALLOWANCE = 16 * 1024 * 1024


@dataclasses.dataclass(frozen=True)
class SizeEstimate:
    """What one run writes, in bytes: estimates on the generous side.

    Attributes:
        checkpoint: One checkpoint: every weight, the two Adam moments of
            each trainable one, and the archive's own overhead.
        export: The SavedModel: the generator's weights, twice
            (`keras.export.ExportArchive` saves each variable under
            `variables` and `_all_variables`), and its graph.
    """

    checkpoint: int
    export: int


def estimate_sizes(config, spec, architecture):
    """Estimates the sizes of a run's checkpoint and export.

    Args:
        config: A `TrainConfig`.
        spec: The `keras_gan.data.DatasetSpec` of its data.
        architecture: The architecture name (`"auto"` resolved).

    Returns:
        A `SizeEstimate`.
    """
    (g_all, g_trainable), (d_all, d_trainable) = parameter_counts(
        architecture, spec.element_shape, config
    )
    weights = g_all + d_all + 2 * (g_trainable + d_trainable)
    if config.ema_decay is not None:
        weights += g_all  # the generator's moving average
    return SizeEstimate(
        checkpoint=_WEIGHT_BYTES * weights + _CHECKPOINT_OVERHEAD,
        export=2 * _WEIGHT_BYTES * g_all + _EXPORT_OVERHEAD,
    )


def check_storage(config, layout, spec, architecture):
    """Raises `WriteError` when the run's files cannot be written.

    Writes nothing. See the module docstring for what is checked.

    Args:
        config: A `TrainConfig`.
        layout: Its `WorkdirLayout`.
        spec: The `keras_gan.data.DatasetSpec` of its data.
        architecture: The architecture name (`"auto"` resolved).

    Raises:
        keras_gan.files.WriteError: naming the directory and
            what was expected of it, or the file system and the space it
            lacks.
    """
    _check_writable(layout)
    _check_free_space(
        config, layout, estimate_sizes(config, spec, architecture)
    )


# -- Writable directories --


def _check_writable(layout):
    # Existing subdirectories too: a resumed run writes into them, and
    # replacing an export removes the old one's.
    for argument, root, first in [
        ("workdir", layout.workdir, layout.workdir),
        ("export_dir", layout.export_dir, os.path.dirname(layout.export_dir)),
    ]:
        for path in [first, *_directories_under(root)]:
            _check_directory(argument, path, root)


def _directories_under(root):
    if not os.path.isdir(root):
        return []
    return [
        os.path.join(parent, name)
        for parent, names, _ in os.walk(root)
        for name in names
    ]


def _check_directory(argument, path, value):
    existing = _nearest_existing(path)
    if not os.path.isdir(existing):
        raise files.WriteError(
            f"Invalid value for `{argument}`. Expected a directory, or a "
            f"path where one can be created. Received: {argument}={value}, "
            f"but {existing} is not a directory.",
            existing,
        )
    if _read_only(existing):
        raise files.WriteError(
            f"Cannot write the run's files: {existing} is on a read-only "
            f"file system. Expected a directory that can be written, for "
            f"{argument}={value}: remount it read-write or choose another "
            f"`{argument}`.",
            existing,
        )
    # The parent of a directory still to be made needs no reading.
    mode = os.W_OK | os.X_OK | (os.R_OK if existing == path else 0)
    if not os.access(existing, mode):
        which = (
            ""
            if existing == path
            else f", the nearest existing parent of {path},"
        )
        raise files.WriteError(
            f"Cannot write the run's files: {existing}{which} is not "
            "writable by this process. Expected a directory it may create "
            f"files in, for {argument}={value}: check its permissions and "
            "whether its file system is read-only, or choose another "
            f"`{argument}`.",
            existing,
        )


def _read_only(path):
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # no statvfs: access() decides
        return False


def _nearest_existing(path):
    path = os.path.abspath(path)
    while not os.path.lexists(path):
        parent = os.path.dirname(path)
        if parent == path:
            break
        path = parent
    return path


# -- Free space --


def _check_free_space(config, layout, sizes):
    manager = checkpoints.CheckpointManager(layout.checkpoints)
    existing = [os.path.getsize(path) for _, path in manager.checkpoints()]
    # A resumed run knows the size of its checkpoints.
    checkpoint = existing[-1] if existing else sizes.checkpoint
    # Old checkpoints are removed after a new one is written; those there
    # already count as used space.
    planned = (config.keep_checkpoints + 1) * checkpoint - sum(existing)
    needs = [
        (
            layout.workdir,
            max(planned, checkpoint) + LOG_ALLOWANCE,
            f"{config.keep_checkpoints} + 1 checkpoints of about "
            f"{_size(checkpoint)}, pictures and logs",
        ),
        (
            layout.export_dir,
            max(sizes.export, _tree_size(layout.export_dir)),
            "the export",
        ),
    ]
    # The export may be on another file system than the workdir.
    by_device = {}
    for path, need, what in needs:
        path = _nearest_existing(path)
        _, total, whats = by_device.setdefault(
            os.stat(path).st_dev, (path, [], [])
        )
        total.append(need)
        whats.append(what)
    for path, total, whats in by_device.values():
        need, free = sum(total), shutil.disk_usage(path).free
        if free < need:
            raise files.WriteError(
                "Not enough free space for the run. Expected about "
                f"{_size(need)} free ({', '.join(whats)}) on the file "
                f"system of {path}. Received: {_size(free)} free. Free "
                "some space, lower `keep_checkpoints`, or choose a "
                "`workdir` (or `export_dir`) elsewhere.",
                path,
            )


def _tree_size(root):
    if not os.path.isdir(root):
        return 0
    return sum(
        os.path.getsize(os.path.join(parent, name))
        for parent, _, names in os.walk(root)
        for name in names
    )


def _size(num_bytes):
    size, unit = float(num_bytes), "bytes"
    for larger in ("KiB", "MiB", "GiB", "TiB"):
        if size < 1024:
            break
        size, unit = size / 1024, larger
    return f"{num_bytes} bytes" if unit == "bytes" else f"{size:.1f} {unit}"


# -- Parameter counts, without building the models --


def parameter_counts(architecture, sample_shape, config):
    """`((all, trainable) of the generator, (all, trainable) of the
    discriminator)`, counted from the layer sizes: the models are built
    later, under the strategy, and building one here would change the
    names Keras gives the real one's layers. For an architecture not
    known here, only the overheads are estimated (a test keeps every
    architecture known)."""
    if architecture == "dcgan":
        return _dcgan_counts(
            tuple(sample_shape), config.latent_dim, config.base_filters
        )
    if architecture == "mlp":
        return _mlp_counts(
            sample_shape[0], config.latent_dim, config.hidden_units
        )
    if architecture == "resnet":
        return _resnet_counts(
            tuple(sample_shape), config.latent_dim, config.base_filters
        )
    return (0, 0), (0, 0)


def _dcgan_counts(image_shape, latent_dim, base_filters):
    # Mirrors keras_gan.models.dcgan; tests compare it with built models.
    size, channels = image_shape[0], image_shape[-1]
    doublings = 0
    while size % 2 == 0 and size // 2 >= 4:
        size //= 2
        doublings += 1
    start = size
    filters = base_filters * 2 ** (doublings - 1)
    units = start * start * filters * 2
    dense = latent_dim * units  # no bias
    g_trainable, g_moving = dense + 2 * units, 2 * units  # + batch norm
    inputs = filters * 2
    for _ in range(doublings - 1):
        g_trainable += 16 * inputs * filters + 2 * filters
        g_moving += 2 * filters
        inputs, filters = filters, filters // 2
    g_trainable += 16 * inputs * channels + channels
    d_trainable, inputs, filters = 0, channels, base_filters
    for _ in range(doublings):
        d_trainable += 16 * inputs * filters + filters
        inputs, filters = filters, filters * 2
    d_trainable += start * start * inputs + 1
    return (g_trainable + g_moving, g_trainable), (d_trainable, d_trainable)


def _resnet_counts(image_shape, latent_dim, base_filters):
    # Mirrors keras_gan.models.resnet (no attention block, as bin/train
    # builds it); tests compare it with built models. Batch norm keeps two
    # moving statistics per channel, spectral norm one vector `u` per
    # normalised layer (its output size): both non-trainable.
    size, channels = image_shape[0], image_shape[-1]
    doublings = 0
    while size % 2 == 0 and size // 2 >= 4:
        size //= 2
        doublings += 1
    start = size

    def conv(inputs, filters, kernel):
        return kernel * kernel * inputs * filters + filters

    filters = base_filters * 2 ** (doublings - 1)
    units = start * start * filters * 2
    g_trainable, g_fixed = (latent_dim + 1) * units, 0
    inputs = filters * 2
    for index in range(doublings):
        filters = base_filters * 2 ** (doublings - 1 - index)
        g_trainable += conv(inputs, filters, 1)  # the shortcut
        g_trainable += 2 * inputs + conv(inputs, filters, 3)
        g_trainable += 2 * filters + conv(filters, filters, 3)
        g_fixed += 2 * inputs + 2 * filters
        inputs = filters
    g_trainable += 2 * inputs + conv(inputs, channels, 3)
    g_fixed += 2 * inputs

    d_trainable, d_fixed, inputs = 0, 0, channels
    for index in range(doublings):
        filters = base_filters * 2**index
        # Two 3x3 convolutions and a 1x1 shortcut, each normalised.
        d_trainable += conv(inputs, filters, 3) + conv(filters, filters, 3)
        d_trainable += conv(inputs, filters, 1)
        d_fixed += 3 * filters
        inputs = filters
    d_trainable += 2 * conv(inputs, inputs, 3)  # the last block
    d_fixed += 2 * inputs
    d_trainable += inputs + 1  # the output layer
    d_fixed += 1
    return (
        (g_trainable + g_fixed, g_trainable),
        (d_trainable + d_fixed, d_trainable),
    )


def _mlp_counts(features, latent_dim, hidden_units):
    def dense_stack(sizes):
        return sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))

    hidden = list(hidden_units)
    generator = dense_stack([latent_dim, *hidden, features])
    discriminator = dense_stack([features, *hidden, 1])
    return (generator, generator), (discriminator, discriminator)
