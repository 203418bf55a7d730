"""Class-conditional quality on Fashion-MNIST: the conditional study.

Three trainers side by side for the same wall time, each a process of its
own with one TensorFlow thread, started together so all see the same
machine load:

- the conditional preset, `bin/train
  --flagfile=configs/fashion_mnist_conditional.flags` with its step budget
  lifted and `--max_train_minutes=minutes`;
- the keras.io `conditional_gan.py` baseline
  (`benchmarks.conditional_baseline`), for `minutes` of `fit`;
- the unconditional preset, `configs/fashion_mnist_dcgan.flags`, likewise.

Then every export is scored by `keras_gan.metrics.scoring` on the
Fashion-MNIST classifier: the conditional ones by the protocol of
docs/contracts.md, "Evaluation protocols" (`per_class` samples of each
class, 1,000 by default: the label accuracy, the intra-class FD, the
overall FD and the usual figures), the unconditional one on as many
samples (the FD and the usual figures), beside the real floor.
`results.json`, `results.md` (markdown tables: figures, steps made,
per-class figures) and a per-class sample grid of each conditional model
(`samples_<model>.png`, one labelled row per class) go into the output
folder.

    python -m benchmarks.quality --study=conditional --minutes=30 \\
        --output=runs/quality/conditional
"""

import dataclasses
import os

import numpy as np

from benchmarks import harness
from benchmarks.conditional_baseline import (
    KerasIoConditionalSetup,
    build_keras_io_trainer,
    to_keras_io_range,
)
from keras_gan import data, export, plots
from keras_gan.metrics import scoring
from keras_gan.training.workdir import WorkdirLayout

__all__ = [
    "CONDITIONAL_PRESET",
    "TRAINERS",
    "UNCONDITIONAL_PRESET",
    "WORKER",
    "WORKER_MODULE",
    "compare_conditional",
    "format_conditional",
    "train_keras_io_for",
]

CONDITIONAL_PRESET = harness.preset_path("fashion_mnist_conditional")
# The Fashion-MNIST preset (`benchmarks.quality.FASHION_PRESET`).
UNCONDITIONAL_PRESET = harness.preset_path("fashion_mnist_dcgan")
# The baseline trains in a worker of the quality study's command line
# (`python -m benchmarks.quality --worker=keras_io_conditional`).
WORKER = "keras_io_conditional"
WORKER_MODULE = "benchmarks.quality"
# Output folder of each trainer, by the name its results go under.
TRAINERS = {
    "conditional preset": "conditional",
    "keras.io conditional": "keras_io",
    "unconditional preset": "unconditional",
}


def train_keras_io_for(seconds, output_dir, setup=None, seed=0):
    """Trains the keras.io conditional GAN for a wall-time budget and
    exports it (its generator of `z` and `labels`, images in [0, 1]).

    Writes `output_dir/export`, `progress.jsonl` and `train.json`.

    Args:
        seconds: Wall-time budget of `fit`.
        output_dir: Where to write.
        setup: A `KerasIoConditionalSetup`. Defaults to `None`:
            `KerasIoConditionalSetup()`, keras.io's.
        seed: Seed of weights, noise and data order. Defaults to `0`.

    Returns:
        The dict written to `train.json`.
    """
    setup = setup or KerasIoConditionalSetup()
    model = build_keras_io_trainer(setup, seed)
    dataset = data.load(
        "fashion_mnist",
        batch_size=setup.batch_size,
        seed=seed,
        repeat=True,
        with_labels=True,
    ).map(to_keras_io_range)
    deadline = harness.fit_for(model, dataset, seconds, output_dir, setup)
    export.export_generator(
        model,
        WorkdirLayout(output_dir).export_dir,
        value_range=(0.0, 1.0),  # its sigmoid's range: nothing is mapped
        overwrite=True,
        metadata={"dataset": "fashion_mnist", "step": deadline.steps},
        class_names=data.class_names("fashion_mnist"),
    )
    return harness.write_training_summary(
        output_dir, "keras.io conditional", deadline, setup
    )


def compare_conditional(
    minutes,
    output_dir,
    per_class=1000,
    seed=0,
    threads=1,
    train=True,
    setup=None,
    extra_flags=(),
    grid_per_class=10,
):
    """Trains the three side by side and scores them (module docstring).

    Args:
        minutes: Training minutes of each.
        output_dir: Where everything goes: `conditional/`,
            `unconditional/` (the presets' workdirs), `keras_io/`,
            their logs, `results.json`, `results.md`, `samples_*.png`.
        per_class: Samples scored per class (the unconditional model:
            as many in all). Defaults to `1000`.
        seed: Seed of the runs and of the scored noise. Defaults to `0`.
        threads: TensorFlow threads of each trainer. Defaults to `1`.
        train: Whether to train; `False` scores existing exports.
            Defaults to `True`.
        setup: The baseline's `KerasIoConditionalSetup`. Defaults to
            `None`: `KerasIoConditionalSetup()`, keras.io's.
        extra_flags: More `bin/train` flags for both presets (tests use
            tiny settings). Defaults to `()`.
        grid_per_class: Samples per row of the pictures. Defaults to
            `10`.

    Returns:
        The results dict (also in `results.json`).
    """
    setup = setup or KerasIoConditionalSetup()
    output_dir = os.path.abspath(output_dir)
    os.makedirs(output_dir, exist_ok=True)
    folders = {
        name: os.path.join(output_dir, folder)
        for name, folder in TRAINERS.items()
    }
    presets = {
        "conditional preset": CONDITIONAL_PRESET,
        "unconditional preset": UNCONDITIONAL_PRESET,
    }
    started = harness.timestamp()
    if train:
        commands = [
            harness.preset_command(
                CONDITIONAL_PRESET,
                minutes,
                folders["conditional preset"],
                seed,
                extra_flags,
            ),
            harness.worker_command(
                WORKER_MODULE,
                WORKER,
                minutes,
                folders["keras.io conditional"],
                seed,
                setup,
            ),
            harness.preset_command(
                UNCONDITIONAL_PRESET,
                minutes,
                folders["unconditional preset"],
                seed,
                extra_flags,
            ),
        ]
        harness.run_all(
            commands,
            [folder + ".log" for folder in folders.values()],
            parallel=len(commands),
            threads=threads,
        )
        for name, preset in presets.items():
            harness.preset_training(folders[name], preset)
    scorer = scoring.make_scorer("fashion_mnist")
    results = harness.study_header(
        started,
        minutes,
        threads,
        extra_flags,
        presets=presets,
        baseline_setup=dataclasses.asdict(setup),
        samples_per_class=per_class,
    )
    report = floor = None
    for name, folder in folders.items():
        export_dir = WorkdirLayout(folder).export_dir
        sampler = scoring.ExportSampler(export_dir)
        scored = scoring.score(
            sampler,
            scorer,
            num_samples=per_class * scorer.num_classes,
            per_class=per_class,
            seed=seed,
            floor=floor is None,
        )
        if floor is None:
            report, floor = scored, scored
        entry = {
            "export_dir": export_dir,
            "figures": scored["model"],
            "num_samples": scored["num_samples"],
            "training": harness.read_training(folder),
        }
        if sampler.conditional:
            entry["per_class"] = scored["per_class"]["model"]
            entry["samples_png"] = _save_class_grid(
                sampler,
                os.path.join(output_dir, f"samples_{TRAINERS[name]}.png"),
                f"{name}, step {entry['training']['steps']}",
                grid_per_class,
                seed,
            )
        results["models"][name] = entry
    results["figures"] = report["figures"]
    results["floor"] = floor["floor"]
    results["floor_per_class"] = floor["per_class"]["floor"]
    results["classes"] = floor["per_class"]["classes"]
    results["scorer"] = report["scorer"]
    results["finished"] = harness.timestamp()
    harness.write_results(output_dir, results, format_conditional(results))
    return results


def _save_class_grid(sampler, path, caption, per_row, seed):
    labels = np.repeat(np.arange(sampler.num_classes), per_row)
    samples = sampler.sample(len(labels), seed=seed, labels=labels)
    picture = plots.samples_picture(
        samples,
        value_range=(0.0, 1.0),  # an export's images are in [0, 1]
        caption=caption,
        columns=per_row,
        row_labels=sampler.class_names,
    )
    plots.save_png(picture, path)
    return path


def format_conditional(results):
    """Markdown tables of `compare_conditional` results: the figures
    beside the floor, the steps made, then the label accuracy and the
    intra-class FD of each class."""
    lines = [harness.format_comparison(results)]
    models = results["models"]
    conditional = [name for name in models if "per_class" in models[name]]
    for figure, title in (
        ("label_accuracy", "label accuracy"),
        ("intra_class_fd", "intra-class FD"),
    ):
        lines += [
            "",
            f"| class ({title}) | "
            + " | ".join(conditional)
            + " | real floor |",
            "|" + "---|" * (len(conditional) + 2),
        ]
        for label, class_name in enumerate(results["classes"]):
            cells = [
                models[name]["per_class"][figure][label] for name in conditional
            ]
            cells.append(results["floor_per_class"][figure][label])
            lines.append(
                f"| {class_name} | "
                + " | ".join(harness.format_value(value) for value in cells)
                + " |"
            )
    return "\n".join(lines)
