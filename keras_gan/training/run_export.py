"""The run's export: the generator's SavedModel in `export_dir`, checked
before training and written at its end (docs/contracts.md, "SavedModel
signature").

A SavedModel is TensorFlow's: on the JAX and PyTorch backends the run's
GAN is saved to a temporary `.keras` file, which a TensorFlow subprocess
(`KERAS_BACKEND=tensorflow`, the same Python and the same `keras_gan`)
loads and exports, as `bin/export` would. The samples it serves are the
trained generator's: a `.keras` file loads on every backend with the
same weights.
"""

import json
import os
import subprocess
import sys
import tempfile

import keras

import keras_gan
from keras_gan import export, files
from keras_gan.training import plan
from keras_gan.training.config import ConfigError

__all__ = ["check_export_destination", "export_run", "is_own_export"]


def check_export_destination(config, layout):
    """Raises `ConfigError` when `export_dir` holds another run's export
    (or anything else) and `overwrite_export` is not set.

    Args:
        config: A `TrainConfig`.
        layout: Its `keras_gan.training.workdir.WorkdirLayout`.
    """
    if not os.path.lexists(layout.export_dir) or config.overwrite_export:
        return
    if is_own_export(layout):
        return
    raise ConfigError(
        f"Export directory {layout.export_dir} exists and is not this "
        "run's export. Set `overwrite_export` to replace it, or choose "
        "another `export_dir`."
    )


def is_own_export(layout):
    """Whether `layout.export_dir` holds an export of this workdir's run."""
    metadata = export.read_metadata(layout.export_dir)
    return metadata.get("workdir") == layout.workdir


def export_run(gan, config, spec, layout):
    """Exports the generator of `gan` to `layout.export_dir`, unless the
    run's export of this step is there already.

    Args:
        gan: The trained GAN (its weight average, when it has one, is
            what is exported).
        config: The run's `TrainConfig`.
        spec: The data's `keras_gan.data.info`.
        layout: The `WorkdirLayout` to write to.

    Returns:
        The export's directory.
    """
    metadata = export.read_metadata(layout.export_dir)
    if (
        is_own_export(layout)
        and metadata.get("step") == gan.generator_steps
        and os.path.isdir(layout.export_dir)
    ):
        return layout.export_dir
    options = dict(
        value_range=spec.value_range,
        overwrite=True,
        metadata={
            "workdir": layout.workdir,
            "step": gan.generator_steps,
            "dataset": config.dataset,
            "split": config.split,
            # The export is the weight average when there is one.
            "ema_decay": config.ema_decay,
            "conditioning": config.conditioning,
        },
        class_names=plan.class_names(config, spec),
    )
    if keras.backend.backend() == "tensorflow":
        return export.export_generator(gan, layout.export_dir, **options)
    return _export_with_tensorflow(gan, layout.export_dir, options)


# What the TensorFlow subprocess runs: argv[1] is the request's JSON file;
# on failure it writes the error's type and message beside it.
_EXPORT_PROGRAM = """
import json, sys
request_path = sys.argv[1]
with open(request_path) as f:
    request = json.load(f)
try:
    import keras
    from keras_gan import export
    gan = keras.models.load_model(request.pop("checkpoint"))
    if request["value_range"] is not None:
        request["value_range"] = tuple(request["value_range"])
    export.export_generator(gan, request.pop("export_dir"), **request)
except Exception as error:
    with open(request_path + ".error", "w") as f:
        json.dump({"type": type(error).__name__, "message": str(error)}, f)
    raise
"""


def _export_with_tensorflow(gan, export_dir, options):
    """`export.export_generator(gan, export_dir, **options)`, done by a
    TensorFlow subprocess on a `.keras` copy of `gan` (module
    docstring)."""
    with tempfile.TemporaryDirectory(prefix="keras_gan_export_") as tmp:
        checkpoint = os.path.join(tmp, "gan.keras")
        gan.save(checkpoint)
        request_path = os.path.join(tmp, "request.json")
        value_range = options["value_range"]
        request = {
            **options,
            "value_range": None if value_range is None else list(value_range),
            "checkpoint": checkpoint,
            "export_dir": export_dir,
        }
        with open(request_path, "w") as f:
            json.dump(request, f)
        package_root = os.path.dirname(
            os.path.dirname(os.path.abspath(keras_gan.__file__))
        )
        env = dict(os.environ, KERAS_BACKEND="tensorflow")
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (package_root, env.get("PYTHONPATH")) if p
        )
        completed = subprocess.run(
            [sys.executable, "-c", _EXPORT_PROGRAM, request_path],
            env=env,
            capture_output=True,
            text=True,
        )
        if completed.returncode == 0:
            return export_dir
        error_path = request_path + ".error"
        if os.path.exists(error_path):
            with open(error_path) as f:
                error = json.load(f)
        else:
            lines = completed.stderr.strip().splitlines() or ["no output"]
            error = {"type": "", "message": lines[-1]}
    if error["type"] == "WriteError":
        raise files.WriteError(error["message"], export_dir)
    raise RuntimeError(
        f"Expected the TensorFlow subprocess to export the generator "
        f"trained on {keras.backend.backend()} to {export_dir}. Received: "
        f"{error['type'] or 'exit status ' + str(completed.returncode)}: "
        f"{error['message']}"
    )
