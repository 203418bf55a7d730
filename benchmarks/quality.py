"""Measured sample quality: the published benchmarks of
docs/contracts.md, "Evaluation protocols".

Three studies, each a run rather than a test:

- `fashion`: the default preset, `bin/train
  --flagfile=configs/fashion_mnist_dcgan.flags` with a time budget, against
  the plain keras.io-style DCGAN (`benchmarks.baseline.PlainGAN`,
  the preset's architecture and initial weights, DCGAN's Adam(2e-4,
  beta_1=0.5)), trained for the same wall time side by side (two
  processes started together, one CPU thread each, so both see the same
  machine load). Both generators are exported as SavedModels and scored by
  `keras_gan.metrics.scoring` with the Fashion-MNIST classifier's features
  against the 10,000 test images, beside the real floor (as many training
  images). The preset exports its averaged generator; its raw generator
  (from the last checkpoint) is scored too.
- `mixtures`: the 2D ring and grid protocol (2,500 samples, modes
  captured and % high quality, mean over seeds) on the presets
  `configs/ring_mlp.flags` and `configs/grid_mlp.flags`, one `bin/train`
  run per seed, their exports scored.
- `conditional`: the class-conditional preset, the keras.io
  `conditional_gan.py` baseline and the unconditional preset side by side
  (`benchmarks.conditional_quality`).

    python -m benchmarks.quality --study=fashion --minutes=30 \\
        --output=runs/quality/fashion
    python -m benchmarks.quality --study=mixtures \\
        --output=runs/quality/mixtures
    python -m benchmarks.quality --study=conditional --minutes=30 \\
        --output=runs/quality/conditional

The output folder gets `results.json`, `results.md` (tables) and sample
pictures. Library functions here print nothing; the command prints the
tables.
"""

import dataclasses
import json
import os

import keras
import numpy as np
from absl import app, flags

from benchmarks import (
    baseline,
    conditional_baseline,
    conditional_quality,
    harness,
)
from keras_gan import checkpoints, data, export, files, models, plots
from keras_gan.callbacks.metrics_log import read_log
from keras_gan.metrics import scoring
from keras_gan.training.workdir import WorkdirLayout

__all__ = [
    "FASHION_PRESET",
    "MIXTURE_PRESETS",
    "NUM_MIXTURE_SAMPLES",
    "FashionSetup",
    "build_plain_trainer",
    "compare_fashion",
    "format_fashion",
    "format_mixtures",
    "main",
    "mixture_study",
    "train_plain_for",
]

# -- Fashion-MNIST: the preset against the plain DCGAN for the same time --

FASHION_PRESET = harness.preset_path("fashion_mnist_dcgan")


@dataclasses.dataclass(frozen=True)
class FashionSetup:
    """The plain keras.io-style DCGAN the Fashion-MNIST preset is compared
    with: the preset's architecture, batch 64, DCGAN's Adam(2e-4,
    beta_1=0.5) for both players, float32, the non-saturating loss, k = 1.

    Attributes:
        latent_dim: Noise size (the preset's).
        base_filters: DCGAN width (the preset's).
        batch_size: Real images per step.
        learning_rate: Adam learning rate of both players.
        beta_1: Adam beta_1.
        steps_per_epoch: Steps between progress records.
        max_steps: Stop after this many steps even if time is left.
            `None`: time alone.
    """

    latent_dim: int = 64
    base_filters: int = 32
    batch_size: int = 64
    learning_rate: float = 2e-4
    beta_1: float = 0.5
    steps_per_epoch: int = 200
    max_steps: int | None = None


def build_plain_trainer(setup=FashionSetup(), seed=0):
    """Builds and compiles the plain keras.io-style DCGAN.

    Its players are built as `bin/train` builds the preset's (the same
    seed gives the same initial weights).

    Args:
        setup: A `FashionSetup`. Defaults to `FashionSetup()`.
        seed: Seed of the initial weights and of the noise. Defaults to
            `0`.

    Returns:
        A compiled `benchmarks.baseline.PlainGAN`.
    """
    keras.utils.set_random_seed(seed)
    generator, discriminator = models.build_pair(
        "dcgan",
        (28, 28, 1),
        setup.latent_dim,
        base_filters=setup.base_filters,
    )
    model = baseline.PlainGAN(
        generator, discriminator, setup.latent_dim, seed=seed
    )
    model.compile(
        d_optimizer=keras.optimizers.Adam(
            setup.learning_rate, beta_1=setup.beta_1
        ),
        g_optimizer=keras.optimizers.Adam(
            setup.learning_rate, beta_1=setup.beta_1
        ),
    )
    return model


def train_plain_for(seconds, output_dir, setup=FashionSetup(), seed=0):
    """Trains the plain DCGAN for a wall-time budget and exports it.

    Writes `output_dir/export` (the generator's SavedModel),
    `progress.jsonl` (one record per epoch) and `train.json` (steps,
    seconds, images).

    Args:
        seconds: Wall-time budget of `fit`.
        output_dir: Where to write.
        setup: A `FashionSetup`. Defaults to `FashionSetup()`.
        seed: Seed of weights, noise and data order. Defaults to `0`.

    Returns:
        The dict written to `train.json`.
    """
    model = build_plain_trainer(setup, seed)
    dataset = data.load(
        "fashion_mnist", batch_size=setup.batch_size, seed=seed, repeat=True
    )
    deadline = harness.fit_for(model, dataset, seconds, output_dir, setup)
    export.export_generator(
        model.generator,
        WorkdirLayout(output_dir).export_dir,
        overwrite=True,
        metadata={"dataset": "fashion_mnist", "step": deadline.steps},
    )
    return harness.write_training_summary(output_dir, "plain", deadline, setup)


def _export_raw_generator(workdir):
    """Exports the raw generator of the run's newest checkpoint (the
    preset exports the average) and returns its training summary."""
    gan, summary = harness.preset_training(workdir, FASHION_PRESET)
    export.export_generator(
        gan.generator,
        os.path.join(workdir, "export_raw"),
        overwrite=True,
        metadata={"dataset": "fashion_mnist", "step": gan.generator_steps},
    )
    return summary


def compare_fashion(
    minutes,
    output_dir,
    num_samples=10000,
    seed=0,
    threads=1,
    train=True,
    setup=FashionSetup(),
    extra_flags=(),
):
    """Trains the preset and the plain DCGAN side by side, scores both.

    The preset runs as `bin/train --flagfile=configs/fashion_mnist_dcgan.
    flags` with `--max_train_minutes=minutes`; the plain DCGAN in a
    worker process for the same wall time. Both start together with
    `threads` TensorFlow threads each.

    Args:
        minutes: Training minutes of each.
        output_dir: Where everything goes: `ours/` (the preset's
            workdir), `plain/`, `results.json`, `results.md`,
            `samples_*.png`.
        num_samples: Generated (and real floor) images scored. Defaults to
            `10000`.
        seed: Seed of the runs and of the scored noise. Defaults to `0`.
        threads: Threads of each trainer. Defaults to `1`.
        train: Whether to train; `False` scores existing exports.
            Defaults to `True`.
        setup: The plain DCGAN's `FashionSetup`. Defaults to
            `FashionSetup()`.
        extra_flags: More `bin/train` flags for the preset (tests use
            tiny settings). Defaults to `()`.

    Returns:
        The results dict (also in `results.json`).
    """
    output_dir = os.path.abspath(output_dir)
    os.makedirs(output_dir, exist_ok=True)
    ours_dir = os.path.join(output_dir, "ours")
    plain_dir = os.path.join(output_dir, "plain")
    started = harness.timestamp()
    if train:
        harness.run_all(
            [
                harness.preset_command(
                    FASHION_PRESET, minutes, ours_dir, seed, extra_flags
                ),
                harness.worker_command(
                    "benchmarks.quality",
                    "plain",
                    minutes,
                    plain_dir,
                    seed,
                    setup,
                ),
            ],
            [ours_dir + ".log", plain_dir + ".log"],
            parallel=2,
            threads=threads,
        )
        _export_raw_generator(ours_dir)
    models = {
        "ours": WorkdirLayout(ours_dir).export_dir,
        "ours (raw generator)": os.path.join(ours_dir, "export_raw"),
        "plain keras.io": WorkdirLayout(plain_dir).export_dir,
    }
    scorer = scoring.make_scorer("fashion_mnist")
    results = harness.study_header(
        started,
        minutes,
        threads,
        extra_flags,
        preset=FASHION_PRESET,
        plain_setup=dataclasses.asdict(setup),
    )
    floor = None
    for name, export_dir in models.items():
        sampler = scoring.ExportSampler(export_dir)
        report = scoring.score(
            sampler, scorer, num_samples, seed=seed, floor=floor is None
        )
        floor = floor or report["floor"]
        folder = plain_dir if name.startswith("plain") else ours_dir
        results["models"][name] = {
            "export_dir": export_dir,
            "figures": report["model"],
            "training": harness.read_training(folder),
        }
        picture = os.path.join(
            output_dir, f"samples_{name.split()[0]}{_suffix(name)}.png"
        )
        grid = plots.tile_images(sampler.sample(64, seed=seed))
        plots.save_png(grid, picture, scale=2)
        results["models"][name]["samples_png"] = picture
    results["floor"] = floor
    results["figures"] = report["figures"]
    results["scorer"] = report["scorer"]
    results["num_samples"] = num_samples
    results["finished"] = harness.timestamp()
    harness.write_results(output_dir, results, format_fashion(results))
    return results


def _suffix(name):
    return "_raw" if "raw" in name else ""


def format_fashion(results):
    """Markdown tables of `compare_fashion` results."""
    return harness.format_comparison(results)


# -- The 2D ring and grid presets: mode metrics over seeds --

MIXTURE_PRESETS = {
    "ring": harness.preset_path("ring_mlp"),
    "grid": harness.preset_path("grid_mlp"),
}
NUM_MIXTURE_SAMPLES = 2500


def mixture_study(
    names=("ring", "grid"),
    seeds=range(5),
    output_dir="runs/quality/mixtures",
    extra_flags=(),
    parallel=2,
    threads=1,
    num_samples=NUM_MIXTURE_SAMPLES,
):
    """The ring and grid protocol on the presets: mean over seeds.

    Trains `configs/<name>_mlp.flags` once per seed with `bin/train`
    (`parallel` processes at a time, `threads` TensorFlow threads each),
    scores `num_samples` points of each export (the averaged generator the
    preset exports), and collects the evaluations the preset logged during
    training (`metrics.csv`).

    Args:
        names: Mixtures to run. Defaults to `("ring", "grid")`.
        seeds: Seeds, one run each. Defaults to `range(5)`.
        output_dir: Where the runs (`<name>_<seed>/`), `results.json`,
            `results.md` and a scatter plot of the first seed per mixture
            (`samples_<name>.png`) go.
        extra_flags: More `bin/train` flags for every run, after the
            preset (tests use tiny settings). Defaults to `()`.
        parallel: Runs at a time. Defaults to `2`.
        threads: TensorFlow threads of each run. Defaults to `1`.
        num_samples: Points scored per run. Defaults to `2500`.

    Returns:
        The results dict: per mixture, the runs (final figures, the logged
        evaluations, seconds) and the `mean` of the final figures.
    """
    output_dir = os.path.abspath(output_dir)
    os.makedirs(output_dir, exist_ok=True)
    results = {
        "presets": {name: MIXTURE_PRESETS[name] for name in names},
        "extra_flags": list(extra_flags),
        "started": harness.timestamp(),
        "mixtures": {},
    }
    jobs = [(name, seed) for name in names for seed in seeds]
    workdirs = {
        (name, seed): os.path.join(output_dir, f"{name}_{seed}")
        for name, seed in jobs
    }
    harness.run_all(
        [
            harness.train_command(
                MIXTURE_PRESETS[name], workdirs[name, seed], seed, extra_flags
            )
            for name, seed in jobs
        ],
        [workdirs[job] + ".log" for job in jobs],
        parallel,
        threads,
    )
    for name in names:
        scorer = scoring.make_scorer(name)
        runs = []
        for seed in seeds:
            workdir = workdirs[name, seed]
            layout = WorkdirLayout(workdir)
            sampler = scoring.ExportSampler(layout.export_dir)
            figures = scoring.score(
                sampler,
                scorer,
                num_samples,
                seed=seed,
                floor=False,
            )["model"]
            log = read_log(layout.metrics)
            evaluations = [
                {
                    "step": int(step),
                    "modes_captured": modes,
                    "high_quality_percent": percent,
                }
                for step, modes, percent in zip(
                    log.get("step", []),
                    log.get("modes_captured", []),
                    log.get("high_quality_percent", []),
                )
                if not np.isnan(modes)
            ]
            steps = files.read_json(layout.config)["steps"]
            runs.append(
                {
                    "seed": seed,
                    "workdir": workdir,
                    "steps": steps,
                    "final": figures,
                    "evaluations": evaluations,
                    "seconds": _train_seconds(layout),
                }
            )
            if len(runs) == 1:
                plots.save_scatter_png(
                    sampler.sample(num_samples, seed=seed),
                    os.path.join(output_dir, f"samples_{name}.png"),
                    reference=scorer.means,
                    reference_label="mode centres",
                    title=f"{name}: exported generator, seed {seed}",
                )
        keys = ("modes_captured", "high_quality_percent", "mode_kl_divergence")
        results["mixtures"][name] = {
            "runs": runs,
            "num_modes": runs[0]["final"]["num_modes"],
            "mean": {
                key: float(np.mean([run["final"][key] for run in runs]))
                for key in keys
            },
            "min": {
                key: float(np.min([run["final"][key] for run in runs]))
                for key in keys
            },
        }
    results["finished"] = harness.timestamp()
    harness.write_results(output_dir, results, format_mixtures(results))
    return results


def _train_seconds(layout):
    latest = checkpoints.CheckpointManager(layout.checkpoints).latest()
    if latest is None:
        return None
    return checkpoints.read_state(latest).get("train_seconds")


def format_mixtures(results):
    """Markdown table of `mixture_study` results."""
    lines = [
        "| mixture | modes captured (min) | % high quality (min) | mode KL "
        "| seeds | training seconds per run |",
        "|---|---|---|---|---|---|",
    ]
    for name, study in results["mixtures"].items():
        mean, low = study["mean"], study["min"]
        seconds = [r["seconds"] for r in study["runs"] if r["seconds"]]
        lines.append(
            f"| {name} | {mean['modes_captured']:.1f} / "
            f"{study['num_modes']} ({low['modes_captured']:.0f}) | "
            f"{mean['high_quality_percent']:.1f} "
            f"({low['high_quality_percent']:.1f}) | "
            f"{mean['mode_kl_divergence']:.3f} | {len(study['runs'])} | "
            f"{np.mean(seconds) if seconds else float('nan'):.0f} |"
        )
    return "\n".join(lines)


# -- Command line --


def _define_flags():
    flags.DEFINE_enum(
        "study",
        "fashion",
        ["fashion", "mixtures", "conditional"],
        "Which study to run.",
    )
    flags.DEFINE_float(
        "minutes", 30.0, "fashion, conditional: training minutes each."
    )
    flags.DEFINE_string("output", "runs/quality", "Output folder.")
    flags.DEFINE_integer("seed", 0, "fashion: seed of the runs and noise.")
    flags.DEFINE_integer("num_samples", 10000, "fashion: images scored.")
    flags.DEFINE_integer(
        "samples_per_class",
        1000,
        "conditional: images scored per class (the unconditional preset: "
        "as many in all).",
    )
    flags.DEFINE_integer("threads", 1, "TensorFlow threads per run.")
    flags.DEFINE_integer("parallel", 2, "mixtures: runs at a time.")
    flags.DEFINE_bool("train", True, "fashion: train (else score only).")
    flags.DEFINE_list("mixtures", ["ring", "grid"], "mixtures: which.")
    flags.DEFINE_integer("seeds", 5, "mixtures: seeds 0..N-1, a run each.")
    flags.DEFINE_list(
        "train_flags", [], "More bin/train flags for the presets' runs."
    )
    flags.DEFINE_string(
        "setup",
        "{}",
        "fashion: JSON of FashionSetup fields of the plain DCGAN to "
        "override, e.g. '{\"learning_rate\": 1e-4}'; conditional: of "
        "KerasIoConditionalSetup fields of the keras.io baseline.",
    )
    flags.DEFINE_enum(
        "worker",
        None,
        ["plain", "keras_io_conditional"],
        "Internal: train the plain DCGAN or the keras.io conditional GAN.",
    )
    return flags.FLAGS


def main(argv):
    """The command line: a study's run, or a worker's (`--worker`)."""
    if len(argv) > 1:
        raise app.UsageError(f"Unexpected arguments: {argv[1:]}")
    flags = _FLAGS
    if (flags.worker or flags.study) in (
        conditional_quality.WORKER,
        "conditional",
    ):
        setup = conditional_baseline.KerasIoConditionalSetup(
            **json.loads(flags.setup)
        )
        train_for = conditional_quality.train_keras_io_for
    else:
        setup = FashionSetup(**json.loads(flags.setup))
        train_for = train_plain_for
    if flags.worker:
        harness.limit_threads(flags.threads)
        summary = train_for(
            flags.minutes * 60, flags.output, setup=setup, seed=flags.seed
        )
        print(json.dumps(summary))
        return
    side_by_side = dict(
        seed=flags.seed,
        threads=flags.threads,
        train=flags.train,
        setup=setup,
        extra_flags=flags.train_flags,
    )
    if flags.study == "conditional":
        results = conditional_quality.compare_conditional(
            flags.minutes,
            flags.output,
            per_class=flags.samples_per_class,
            **side_by_side,
        )
        table = conditional_quality.format_conditional(results)
    elif flags.study == "fashion":
        results = compare_fashion(
            flags.minutes,
            flags.output,
            num_samples=flags.num_samples,
            **side_by_side,
        )
        table = format_fashion(results)
    else:
        results = mixture_study(
            flags.mixtures,
            range(flags.seeds),
            output_dir=flags.output,
            extra_flags=flags.train_flags,
            parallel=flags.parallel,
            threads=flags.threads,
        )
        table = format_mixtures(results)
    harness.print_results(table, flags.output)


if __name__ == "__main__":
    _FLAGS = _define_flags()
    app.run(main)
