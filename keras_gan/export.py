"""Export a trained generator as a TensorFlow SavedModel for serving.

The SavedModel follows docs/contracts.md, "SavedModel signature":

- signature `serving_default`, input `z`: float32 `[batch, latent_dim]`,
  drawn by the caller from the standard normal N(0, I);
- output dict key `samples`: float32 in data units. Images are NHWC in
  [0, 1] (the generator's tanh range `[-1, 1]` mapped there and clipped);
  2D points (any vectors) are the generator's output, in data
  coordinates;
- a class-conditional GAN (`GAN(..., num_classes=C)`) adds the input
  `labels`: int32 `[batch]` in `[0, C)`. A label outside that range is an
  error (`InvalidArgumentError`), not clipped: a caller asking for a class
  the model does not know gets no sample of another class. The metadata
  holds `num_classes` and the class names.

It is written with `keras.export.ExportArchive`, which saves a plain
`tf.Module`-like object holding the variables as `tf.Variable`s and the
traced serving function: loading it needs TensorFlow alone,
`tf.saved_model.load(export_dir).signatures["serving_default"](z=z)`,
with no Keras and no keras_gan, and `saved_model_cli show --all --dir
export_dir` describes it. Provenance (latent size, sample shape, value
range, and whatever `metadata` the caller adds) is also written to
`assets.extra/keras_gan.json`, a side file that loaders ignore.

Writing is atomic: the SavedModel is built in a hidden sibling temporary
directory and renamed to `export_dir` once complete, so `export_dir`
never holds a partial export. A write that fails (disk full) removes the
temporary directory and raises `keras_gan.files.WriteError`. A
process killed while exporting leaves at most a hidden sibling (the
temporary directory, or the previous export moved aside for the rename);
the next export to `export_dir` removes it, or, when the kill came
between the two renames, first puts the previous export back.

`export_onnx` writes the same generator as one ONNX file with the same
inputs, output and data units (docs/contracts.md, "ONNX export"),
converted by Keras on the current backend and checked with onnxruntime
before it is written; it needs the `onnx` extra (`pip install
'keras_gan[onnx]'`).

Example:

```python
keras_gan.export.export_generator(gan, "/tmp/fashion_gan")

# Anywhere with TensorFlow:
serve = tf.saved_model.load("/tmp/fashion_gan").signatures["serving_default"]
images = serve(z=tf.random.normal([16, 64]))["samples"]  # [16, 28, 28, 1]
```
"""

import contextlib
import importlib
import json
import os
import shutil
import tempfile
import warnings

import keras
import numpy as np
import tensorflow as tf

from keras_gan import checkpoints, files

__all__ = [
    "IMAGE_VALUE_RANGE",
    "INPUT_KEY",
    "LABELS_KEY",
    "METADATA_PATH",
    "ONNX_METADATA_KEY",
    "OUTPUT_KEY",
    "SIGNATURE_KEY",
    "export_generator",
    "export_onnx",
    "read_metadata",
    "read_onnx_metadata",
]

SIGNATURE_KEY = "serving_default"
INPUT_KEY = "z"
LABELS_KEY = "labels"
OUTPUT_KEY = "samples"
METADATA_PATH = os.path.join("assets.extra", "keras_gan.json")
IMAGE_VALUE_RANGE = (-1.0, 1.0)


def export_generator(
    gan_or_generator,
    export_dir,
    value_range=None,
    overwrite=False,
    metadata=None,
    class_names=None,
):
    """Writes a generator as a SavedModel that loads without Keras.

    Args:
        gan_or_generator: A `keras_gan.GAN` (its `sample_generator` is
            exported: the averaged generator when it keeps one), or a
            built generator model mapping `[batch, latent_dim]` noise to
            samples.
        export_dir: The SavedModel directory to create.
        value_range: For image generators (rank-4 output), the `(low,
            high)` range of the generator's output, mapped to [0, 1] and
            clipped. Defaults to `None`: `(-1.0, 1.0)`, the tanh range of
            keras_gan's image generators. Must be `None` for vector
            outputs, exported as they are (data coordinates).
        overwrite: Whether to replace an existing `export_dir`. Defaults
            to `False`.
        metadata: A JSON-ready dict added to `assets.extra/keras_gan.json`
            (training step, dataset...). Defaults to `None`.
        class_names: For a conditional GAN, the name of each class, kept
            in the metadata. Defaults to `None`: `["0", "1", ...]`.

    Returns:
        The export directory, as a string.

    Raises:
        FileExistsError: when `export_dir` exists and `overwrite` is
            `False`.
        ValueError: for a generator whose input is not `[batch,
            latent_dim]` or whose output is neither images nor vectors.
        keras_gan.checkpoints.NonFiniteWeightsError: (a
            `ValueError`) for a generator with NaN or infinite weights.
        keras_gan.files.WriteError: (an `OSError`) when writing
            fails (disk full...); `export_dir` is as it was.
    """
    generator, latent_dim = _generator_and_latent_dim(gan_or_generator)
    num_classes = getattr(gan_or_generator, "num_classes", None)
    class_names = _class_names(num_classes, class_names)
    # A diverged generator would serve NaN samples: never export one.
    checkpoints.check_finite(generator, "the export of a generator")
    export_dir = os.path.abspath(os.fspath(export_dir))
    _clean_up_after_killed_exports(export_dir)
    _check_destination(export_dir, overwrite)
    sample_shape, kind, value_range = _samples_of(
        generator, latent_dim, num_classes, value_range
    )
    if kind == "images":
        low, high = value_range

    def to_output(samples):
        samples = tf.cast(samples, tf.float32)
        if kind == "images":
            samples = tf.clip_by_value((samples - low) / (high - low), 0.0, 1.0)
        return {OUTPUT_KEY: samples}

    def serve(z):
        return to_output(generator(z, training=False))

    def serve_conditional(z, labels):
        checks = [
            tf.debugging.assert_non_negative(
                labels, message="Expected labels >= 0."
            ),
            tf.debugging.assert_less(
                labels,
                tf.constant(num_classes, tf.int32),
                message=f"Expected labels < num_classes={num_classes}.",
            ),
        ]
        with tf.control_dependencies(checks):
            labels = tf.identity(labels)
        return to_output(generator([z, labels], training=False))

    input_signature = [
        tf.TensorSpec([None, latent_dim], tf.float32, name=INPUT_KEY)
    ]
    if num_classes is not None:
        input_signature.append(tf.TensorSpec([None], tf.int32, name=LABELS_KEY))
    archive = keras.export.ExportArchive()
    archive.track(generator)
    archive.add_endpoint(
        SIGNATURE_KEY,
        serve if num_classes is None else serve_conditional,
        input_signature=input_signature,
    )
    info = {
        "signature": SIGNATURE_KEY,
        "input": INPUT_KEY,
        "output": OUTPUT_KEY,
        "latent_dim": latent_dim,
        "noise": "standard normal N(0, I)",
        "sample_shape": list(sample_shape),
        "kind": kind,
        "value_range": list(value_range) if kind == "images" else None,
        "output_range": [0.0, 1.0] if kind == "images" else None,
        "num_classes": num_classes,
        "labels_input": None if num_classes is None else LABELS_KEY,
        "class_names": class_names,
        **(metadata or {}),
    }
    tmp = None
    try:
        os.makedirs(os.path.dirname(export_dir), exist_ok=True)
        tmp = tempfile.mkdtemp(
            dir=os.path.dirname(export_dir),
            prefix=_sibling_prefix(export_dir, _TEMP_INFIX),
        )
        # mkdtemp's 0700 would leak through the rename: a serving process
        # of another user could not read the SavedModel.
        os.chmod(tmp, files.default_mode(directory=True))
        archive.write_out(tmp, verbose=False)
        files.pause_for_test("export", tmp)
        os.makedirs(os.path.join(tmp, "assets.extra"), exist_ok=True)
        with open(os.path.join(tmp, METADATA_PATH), "w") as file:
            json.dump(info, file, indent=2)
        _move_into_place(tmp, export_dir, overwrite)
    except BaseException as error:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(error, (OSError, tf.errors.OpError)) and not isinstance(
            error, FileExistsError
        ):
            raise files.WriteError(
                f"Could not write the export {export_dir}: {error}. Nothing "
                "partial was kept (its temporary directory was removed); "
                f"{export_dir} is as it was before.",
                export_dir,
            ) from error
        raise
    return export_dir


def read_metadata(export_dir):
    """Returns the `assets.extra/keras_gan.json` dict of an export, or an
    empty dict when it has none."""
    path = os.path.join(os.fspath(export_dir), METADATA_PATH)
    if not os.path.exists(path):
        return {}
    with open(path) as file:
        return json.load(file)


def _generator_and_latent_dim(gan_or_generator):
    generator = getattr(
        gan_or_generator,
        "sample_generator",
        getattr(gan_or_generator, "generator", gan_or_generator),
    )
    if not isinstance(generator, keras.layers.Layer):
        raise TypeError(
            "Expected `gan_or_generator` to be a keras_gan.GAN or a "
            "generator keras.Model. Received: gan_or_generator of type "
            f"{type(gan_or_generator).__name__}"
        )
    latent_dim = getattr(gan_or_generator, "latent_dim", None)
    if latent_dim is None:
        try:
            shape = tuple(generator.input_shape)
        except (AttributeError, ValueError):
            shape = None
        if shape is None or len(shape) != 2 or shape[1] is None:
            raise ValueError(
                "Expected a generator taking noise of shape [batch, "
                f"latent_dim]. Received a generator with input shape {shape}."
            )
        latent_dim = shape[1]
    if not generator.built:
        raise ValueError(
            "The generator is not built: build or train it before export."
        )
    return generator, int(latent_dim)


def _class_names(num_classes, class_names):
    if num_classes is None:
        if class_names is not None:
            raise ValueError(
                "Argument `class_names` applies to conditional GANs only "
                "(built with `num_classes`). Received: "
                f"class_names={class_names!r}"
            )
        return None
    if class_names is None:
        return [str(i) for i in range(num_classes)]
    class_names = [str(name) for name in class_names]
    if len(class_names) != num_classes:
        raise ValueError(
            f"Expected one class name per class ({num_classes}). Received "
            f"{len(class_names)} class names: {class_names}"
        )
    return class_names


def _samples_of(generator, latent_dim, num_classes, value_range):
    """`(sample_shape, kind, value_range)` of a generator's samples: the
    range checked and given its default for images, refused for points."""
    noise_spec = keras.KerasTensor((1, latent_dim))
    if num_classes is not None:
        noise_spec = [noise_spec, keras.KerasTensor((1,), dtype="int32")]
    sample_shape = tuple(generator.compute_output_spec(noise_spec).shape[1:])
    kind = _kind(sample_shape)
    if kind == "points":
        if value_range is not None:
            raise ValueError(
                "Argument `value_range` applies to image generators only: "
                "vector samples are exported in data units as they are. "
                f"Received: value_range={value_range!r} for samples of shape "
                f"{sample_shape}"
            )
        return sample_shape, kind, None
    value_range = tuple(float(v) for v in (value_range or IMAGE_VALUE_RANGE))
    if not value_range[1] > value_range[0]:
        raise ValueError(
            "Invalid value for argument `value_range`. Expected (low, "
            f"high) with high > low. Received: value_range={value_range}"
        )
    return sample_shape, kind, value_range


def _kind(sample_shape):
    if len(sample_shape) == 3:
        return "images"
    if len(sample_shape) == 1:
        return "points"
    raise ValueError(
        "Expected a generator of images [batch, height, width, channels] or "
        f"vectors [batch, features]. Received samples of shape "
        f"{sample_shape}."
    )


def _check_destination(export_dir, overwrite):
    if os.path.lexists(export_dir) and not overwrite:
        raise FileExistsError(
            f"Export directory {export_dir} exists already. Pass "
            "`overwrite=True` to replace it, or choose another `export_dir`."
        )


# Hidden siblings of an export directory: `.<name>.tmp-*` while it is
# written, `.<name>.old-*` (the previous export) while it is replaced.
_TEMP_INFIX = "tmp"
_OLD_INFIX = "old"


def _sibling_prefix(export_dir, infix):
    return f".{os.path.basename(export_dir)}.{infix}-"


def _move_into_place(tmp, export_dir, overwrite):
    _check_destination(export_dir, overwrite)
    old = None
    if os.path.lexists(export_dir):
        # Two renames: the old export moves aside, the new one takes its
        # place. Readers never see a partial export under export_dir.
        old = tempfile.mkdtemp(
            dir=os.path.dirname(export_dir),
            prefix=_sibling_prefix(export_dir, _OLD_INFIX),
        )
        os.rmdir(old)
        os.rename(export_dir, old)
        files.pause_for_test("export_rename", old)
    try:
        os.rename(tmp, export_dir)
    except BaseException:
        if old is not None:
            os.rename(old, export_dir)
        raise
    if old is not None:
        # The new export is in place: should this fail, the next export
        # removes the old one.
        with contextlib.suppress(OSError):
            _remove(old)


def _clean_up_after_killed_exports(export_dir):
    parent = os.path.dirname(export_dir)
    if not os.path.isdir(parent):
        return
    entries = sorted(os.listdir(parent))

    def siblings(infix):
        prefix = _sibling_prefix(export_dir, infix)
        return [
            os.path.join(parent, entry)
            for entry in entries
            if entry.startswith(prefix)
        ]

    temporaries, olds = siblings(_TEMP_INFIX), siblings(_OLD_INFIX)
    if olds and not os.path.lexists(export_dir):
        # Killed between the two renames: the previous export, complete,
        # is the one moved aside.
        os.rename(olds.pop(), export_dir)
    for path in temporaries + olds:
        _remove(path)


def _remove(path):
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    else:
        os.remove(path)


# ONNX: the same contract as the SavedModel, in one `.onnx` file.

ONNX_METADATA_KEY = "keras_gan"
# What each backend's ONNX export needs beyond `onnx` and `onnxruntime`:
# Keras's `Model.export(format="onnx")` converts with tf2onnx on
# TensorFlow, jax2onnx on JAX and `torch.onnx` (part of PyTorch) on
# PyTorch.
_ONNX_CONVERTERS = {
    "tensorflow": ["tf2onnx"],
    "jax": ["jax2onnx"],
    "torch": [],
}
# The exported model must give the Keras model's samples: checked on a
# few rows before anything is written.
_ONNX_CHECK_ROWS = 3
_ONNX_CHECK_TOLERANCE = 1e-4


def export_onnx(
    gan_or_generator,
    path,
    value_range=None,
    overwrite=False,
    metadata=None,
    class_names=None,
):
    """Writes a generator as an ONNX model meaning what the SavedModel
    means.

    The model has the SavedModel's inputs and output (docs/contracts.md,
    "SavedModel signature"): input `z`, float32 `[batch, latent_dim]`
    (and, for a conditional GAN, `labels`, int32 `[batch]`), output
    `samples`, float32 in data units (images NHWC in [0, 1], vectors as
    they are), with a dynamic batch size. ONNX has no assertion: the
    samples of a row whose label is outside `[0, num_classes)` are NaN,
    never a sample of another class. A mixed precision generator is
    exported as its float32 copy (ONNX runtimes lack bfloat16 kernels).
    The provenance the SavedModel keeps
    in `assets.extra/keras_gan.json` is the JSON string of the model's
    metadata property `keras_gan` (`read_onnx_metadata`, or
    `onnxruntime.InferenceSession(path).get_modelmeta()
    .custom_metadata_map`).

    It is converted by Keras's `Model.export(format="onnx")` on the
    current backend (tf2onnx on TensorFlow, jax2onnx on JAX, `torch.onnx`
    on PyTorch), then run by onnxruntime on a few rows of noise and
    compared with the Keras model before it is written: a conversion that
    changes the samples is an error, not a file.

    Args:
        gan_or_generator: A `keras_gan.GAN` (its `sample_generator` is
            exported: the averaged generator when it keeps one), or a
            built generator model mapping `[batch, latent_dim]` noise to
            samples.
        path: The `.onnx` file to create.
        value_range: For image generators (rank-4 output), the `(low,
            high)` range of the generator's output, mapped to [0, 1] and
            clipped. Defaults to `None`: `(-1.0, 1.0)`. Must be `None` for
            vector outputs.
        overwrite: Whether to replace an existing file at `path`.
            Defaults to `False`.
        metadata: A JSON-ready dict added to the `keras_gan` metadata
            (training step, dataset...). Defaults to `None`.
        class_names: For a conditional GAN, the name of each class, kept
            in the metadata. Defaults to `None`: `["0", "1", ...]`.

    Returns:
        The path of the ONNX file, as a string.

    Raises:
        ImportError: when a package the current backend's ONNX export
            needs is not installed (the message names it).
        FileExistsError: when `path` exists and `overwrite` is `False`.
        ValueError: when `path` is a directory, for a generator whose
            input is not `[batch, latent_dim]` or whose output is neither
            images nor vectors, and when the ONNX model's samples differ
            from the Keras model's.
        keras_gan.checkpoints.NonFiniteWeightsError: (a `ValueError`) for
            a generator with NaN or infinite weights.
        keras_gan.files.WriteError: (an `OSError`) when writing fails
            (disk full...); `path` is as it was.
    """
    onnx, onnxruntime = _import_onnx_packages()
    generator, latent_dim = _generator_and_latent_dim(gan_or_generator)
    num_classes = getattr(gan_or_generator, "num_classes", None)
    class_names = _class_names(num_classes, class_names)
    checkpoints.check_finite(generator, "the export of a generator")
    path = os.path.abspath(os.fspath(path))
    if os.path.isdir(path):
        raise ValueError(
            "Expected `path` to name an ONNX file. Received a directory: "
            f"{path}"
        )
    if os.path.lexists(path) and not overwrite:
        raise FileExistsError(
            f"ONNX file {path} exists already. Pass `overwrite=True` to "
            "replace it, or choose another `path`."
        )
    sample_shape, kind, value_range = _samples_of(
        generator, latent_dim, num_classes, value_range
    )
    model = _data_unit_model(
        generator, latent_dim, num_classes, kind, value_range
    )
    info = {
        "format": "onnx",
        "input": INPUT_KEY,
        "output": OUTPUT_KEY,
        "latent_dim": latent_dim,
        "noise": "standard normal N(0, I)",
        "sample_shape": list(sample_shape),
        "kind": kind,
        "value_range": list(value_range) if kind == "images" else None,
        "output_range": [0.0, 1.0] if kind == "images" else None,
        "num_classes": num_classes,
        "labels_input": None if num_classes is None else LABELS_KEY,
        "class_names": class_names,
        "backend": keras.backend.backend(),
        **(metadata or {}),
    }
    inputs = [
        keras.InputSpec(
            shape=(None, latent_dim), dtype="float32", name=INPUT_KEY
        )
    ]
    if num_classes is not None:
        inputs = [
            inputs
            + [keras.InputSpec(shape=(None,), dtype="int32", name=LABELS_KEY)]
        ]
    with tempfile.TemporaryDirectory(prefix="keras_gan_onnx-") as scratch:
        converted = os.path.join(scratch, "model.onnx")
        with warnings.catch_warnings():
            # Keras's tf2onnx patch for NumPy 2 probes `np.object`.
            warnings.filterwarnings(
                "ignore", message=".*np.object", category=FutureWarning
            )
            # torch.onnx's tracer on Keras's shape checks; what the trace
            # computes is checked below on another batch size.
            warnings.filterwarnings(
                "ignore",
                message=".*(might cause the trace to be incorrect|registered "
                "as constants in the trace)",
            )
            model.export(
                converted, format="onnx", input_signature=inputs, verbose=False
            )
        proto = onnx.load(converted)
    _name_onnx_interface(proto, num_classes, info)
    onnx.checker.check_model(proto)
    serialized = proto.SerializeToString()
    _check_onnx_samples(onnxruntime, serialized, model, latent_dim, num_classes)

    def write(tmp):
        with open(tmp, "wb") as file:
            file.write(serialized)
            file.flush()
            os.fsync(file.fileno())

    files.atomic_write(path, write, suffix=".onnx")
    return path


def read_onnx_metadata(path):
    """Returns the `keras_gan` metadata dict of an ONNX export, or an
    empty dict when it has none."""
    onnx, _ = _import_onnx_packages(converters=False)
    proto = onnx.load(os.fspath(path), load_external_data=False)
    for prop in proto.metadata_props:
        if prop.key == ONNX_METADATA_KEY:
            return json.loads(prop.value)
    return {}


def _import_onnx_packages(converters=True):
    backend = keras.backend.backend()
    names = ["onnx", "onnxruntime"]
    if converters:
        if backend not in _ONNX_CONVERTERS:
            raise ValueError(
                "ONNX export supports the TensorFlow, JAX and PyTorch "
                f"backends. Received: backend={backend!r}; export a "
                "SavedModel with `export_generator` instead."
            )
        names += _ONNX_CONVERTERS[backend]
    modules = {}
    for name in names:
        try:
            modules[name] = importlib.import_module(name)
        except ImportError as error:
            raise ImportError(
                f"ONNX export on the {backend} backend needs the package "
                f"{name}, which is not installed: pip install "
                f"'keras_gan[onnx]' (or pip install {name})."
            ) from error
    return modules["onnx"], modules["onnxruntime"]


class _KnownLabels(keras.layers.Layer):
    """Labels outside `[0, num_classes)` replaced by 0, for the generator
    (their samples are then made NaN by `_DataUnits`)."""

    def __init__(self, num_classes, **kwargs):
        super().__init__(**kwargs)
        self.num_classes = num_classes

    def call(self, labels):
        known = keras.ops.logical_and(labels >= 0, labels < self.num_classes)
        return keras.ops.where(known, labels, keras.ops.zeros_like(labels))


class _DataUnits(keras.layers.Layer):
    """The generator's output in data units: images mapped from
    `value_range` to [0, 1] and clipped, vectors as they are; with
    labels, NaN rows for labels outside `[0, num_classes)`."""

    def __init__(self, value_range, num_classes, **kwargs):
        super().__init__(**kwargs)
        self.value_range = value_range
        self.num_classes = num_classes

    def call(self, samples, labels=None):
        samples = keras.ops.cast(samples, "float32")
        if self.value_range is not None:
            low, high = self.value_range
            samples = keras.ops.clip((samples - low) / (high - low), 0.0, 1.0)
        if labels is not None:
            known = keras.ops.logical_and(
                labels >= 0, labels < self.num_classes
            )
            # 0 for a known label, NaN (the square root of -1) for another.
            # Not `where(known, samples, nan)`: tf2onnx converts a
            # broadcast `where` to arithmetic that turns every row NaN.
            nan_or_zero = keras.ops.sqrt(keras.ops.cast(known, "float32") - 1)
            for _ in range(len(samples.shape) - 1):
                nan_or_zero = keras.ops.expand_dims(nan_or_zero, -1)
            samples = samples + nan_or_zero
        return samples


def _layers(model):
    for layer in getattr(model, "layers", []):
        yield layer
        yield from _layers(layer)


def _float32_generator(generator):
    """The generator, or under a mixed precision policy a float32 copy
    with its weights (ONNX runtimes lack bfloat16 and mixed float16
    kernels; the variables are float32 either way)."""
    layers = [generator, *_layers(generator)]
    if all(layer.compute_dtype == "float32" for layer in layers):
        return generator

    def float32_layer(layer):
        return layer.__class__.from_config(
            {**layer.get_config(), "dtype": "float32"}
        )

    copy = keras.models.clone_model(generator, clone_function=float32_layer)
    copy.set_weights(generator.get_weights())
    return copy


def _data_unit_model(generator, latent_dim, num_classes, kind, value_range):
    generator = _float32_generator(generator)
    z = keras.Input((latent_dim,), name=INPUT_KEY)
    units = _DataUnits(value_range if kind == "images" else None, num_classes)
    if num_classes is None:
        return keras.Model(z, units(generator(z, training=False)))
    labels = keras.Input((), dtype="int32", name=LABELS_KEY)
    known = _KnownLabels(num_classes)(labels)
    samples = generator([z, known], training=False)
    return keras.Model([z, labels], units(samples, labels))


def _rename_onnx_value(graph, old, new):
    if old == new:
        return
    for node in graph.node:
        node.input[:] = [new if name == old else name for name in node.input]
        node.output[:] = [new if name == old else name for name in node.output]
    for value in [*graph.input, *graph.output, *graph.value_info]:
        if value.name == old:
            value.name = new


def _name_onnx_interface(proto, num_classes, info):
    """The SavedModel's names (`z`, `labels`, `samples`), a batch
    dimension named `batch`, and the metadata."""
    graph = proto.graph
    expected = [INPUT_KEY] + ([] if num_classes is None else [LABELS_KEY])
    if len(graph.input) != len(expected) or len(graph.output) != 1:
        raise ValueError(
            f"Expected the converted ONNX model to have the inputs "
            f"{expected} and one output. Received: inputs "
            f"{[value.name for value in graph.input]}, outputs "
            f"{[value.name for value in graph.output]}"
        )
    for value, name in zip(list(graph.input), expected):
        _rename_onnx_value(graph, value.name, name)
    _rename_onnx_value(graph, graph.output[0].name, OUTPUT_KEY)
    for value in [*graph.input, *graph.output]:
        dims = value.type.tensor_type.shape.dim
        if dims:
            dims[0].ClearField("dim_value")
            dims[0].dim_param = "batch"
    del proto.metadata_props[:]
    prop = proto.metadata_props.add()
    prop.key = ONNX_METADATA_KEY
    prop.value = json.dumps(info)
    proto.doc_string = (
        f"keras_gan generator: {INPUT_KEY} float32 [batch, "
        f"{info['latent_dim']}] ~ N(0, I)"
        + ("" if num_classes is None else f", {LABELS_KEY} int32 [batch]")
        + f" -> {OUTPUT_KEY} float32 in data units"
    )


def _check_onnx_samples(onnxruntime, serialized, model, latent_dim, classes):
    rng = np.random.default_rng(0)
    z = rng.standard_normal((_ONNX_CHECK_ROWS, latent_dim)).astype("float32")
    feed = {INPUT_KEY: z}
    if classes is not None:
        feed[LABELS_KEY] = (np.arange(_ONNX_CHECK_ROWS) % classes).astype(
            "int32"
        )
    session = onnxruntime.InferenceSession(
        serialized, providers=["CPUExecutionProvider"]
    )
    (samples,) = session.run([OUTPUT_KEY], feed)
    expected = keras.ops.convert_to_numpy(
        model(list(feed.values()) if classes is not None else z)
    )
    error = float(np.max(np.abs(samples - expected)))
    if samples.shape != expected.shape or not error <= _ONNX_CHECK_TOLERANCE:
        raise ValueError(
            "Expected the ONNX model to give the Keras model's samples "
            f"(within {_ONNX_CHECK_TOLERANCE}). Received samples of shape "
            f"{samples.shape} (expected {expected.shape}), largest "
            f"difference {error}. Nothing was written."
        )
