"""Measured sample quality: the published benchmarks of DESIGN.md.

Two studies, each a run rather than a test:

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
import subprocess
import sys
import time

import numpy as np
from keras import callbacks

# -- Fashion-MNIST: the preset against the plain DCGAN for the same time --

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FASHION_PRESET = os.path.join(ROOT, "configs", "fashion_mnist_dcgan.flags")


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


class _Deadline(callbacks.Callback):
    """Stops `fit` once `seconds` of wall time have passed since it began,
    and appends a progress record to `log_path` at every epoch end."""

    def __init__(self, seconds, log_path, max_steps=None):
        super().__init__()
        self.seconds = seconds
        self.max_steps = max_steps
        self.log_path = log_path
        self.steps = 0
        self.start = None

    def on_train_begin(self, logs=None):
        self.start = time.monotonic()

    @property
    def elapsed(self):
        return time.monotonic() - self.start

    def on_train_batch_end(self, batch, logs=None):
        self.steps += 1
        if self.elapsed >= self.seconds or self.steps == self.max_steps:
            self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        record = {"steps": self.steps, "seconds": round(self.elapsed, 1)}
        record.update({k: float(v) for k, v in (logs or {}).items()})
        with open(self.log_path, "a") as file:
            file.write(json.dumps(record) + "\n")


def _limit_threads(threads):
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(threads)


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
    import keras

    from benchmarks import baseline
    from keras_gan import models

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
    from keras_gan import data, export

    model = build_plain_trainer(setup, seed)
    dataset = data.load(
        "fashion_mnist", batch_size=setup.batch_size, seed=seed, repeat=True
    )
    deadline = _fit_for(model, dataset, seconds, output_dir, setup)
    export.export_generator(
        model.generator,
        os.path.join(output_dir, "export"),
        overwrite=True,
        metadata={"dataset": "fashion_mnist", "step": deadline.steps},
    )
    return _write_training_summary(output_dir, "plain", deadline, setup)


def _fit_for(model, dataset, seconds, output_dir, setup, deadline=None):
    """Fits `model` on the endless `dataset` for `seconds` of wall time
    (or `setup.max_steps`), recording progress in
    `output_dir/progress.jsonl` every `setup.steps_per_epoch` steps.

    Args:
        deadline: The `_Deadline` (or subclass) that does so. Defaults to
            `None`: a plain one.

    Returns:
        The `_Deadline` callback: its `steps` and `elapsed` seconds.
    """
    os.makedirs(output_dir, exist_ok=True)
    deadline = deadline or _Deadline(
        seconds,
        os.path.join(output_dir, "progress.jsonl"),
        max_steps=setup.max_steps,
    )
    model.fit(
        dataset,
        epochs=10**6,
        steps_per_epoch=setup.steps_per_epoch,
        callbacks=[deadline],
        verbose=0,
    )
    return deadline


def _write_training_summary(output_dir, trainer, deadline, setup):
    """Writes and returns `output_dir/train.json`: the trainer, its steps,
    seconds, images seen and setup."""
    summary = {
        "trainer": trainer,
        "steps": deadline.steps,
        "seconds": round(deadline.elapsed, 1),
        "images_seen": deadline.steps * setup.batch_size,
        "setup": dataclasses.asdict(setup),
    }
    with open(os.path.join(output_dir, "train.json"), "w") as file:
        json.dump(summary, file, indent=2)
    return summary


def _worker_command(worker, minutes, output_dir, seed, setup):
    """The command that trains a baseline (`--worker=...`) in a process of
    its own."""
    return [
        sys.executable,
        "-m",
        "benchmarks.quality",
        f"--worker={worker}",
        f"--minutes={minutes}",
        f"--output={output_dir}",
        f"--seed={seed}",
        f"--setup={json.dumps(dataclasses.asdict(setup))}",
    ]


def _preset_command(minutes, workdir, seed, extra_flags, preset=FASHION_PRESET):
    """`bin/train` of a preset as a user runs it, with its step budget
    lifted so that the time budget (`minutes`) alone stops it."""
    return _train_command(
        preset,
        workdir,
        seed,
        [f"--max_train_minutes={minutes}", "--steps=100000000", *extra_flags],
    )


def _worker_env(threads):
    env = dict(os.environ)
    env["TF_NUM_INTRAOP_THREADS"] = str(threads)
    env["TF_NUM_INTEROP_THREADS"] = str(threads)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (ROOT, env.get("PYTHONPATH")) if p
    )
    return env


def _export_raw_generator(workdir):
    """Exports the raw generator of the run's newest checkpoint (the
    preset exports the average) and returns its training summary."""
    from keras_gan import export

    gan, summary = _preset_training(workdir, FASHION_PRESET)
    export.export_generator(
        gan.generator,
        os.path.join(workdir, "export_raw"),
        overwrite=True,
        metadata={"dataset": "fashion_mnist", "step": gan.generator_steps},
    )
    return summary


def _preset_training(workdir, preset, trainer="ours"):
    """The GAN of a preset run's newest checkpoint, and the run's training
    summary (steps, training seconds, images seen), also written to
    `workdir/train.json`."""
    from keras_gan import checkpoints

    manager = checkpoints.CheckpointManager(
        os.path.join(workdir, "checkpoints")
    )
    gan, state, _ = manager.restore()
    with open(os.path.join(workdir, "config.json")) as file:
        batch_size = json.load(file)["batch_size"]
    summary = {
        "trainer": trainer,
        "steps": gan.generator_steps,
        "seconds": round(state.get("train_seconds", 0.0), 1),
        "images_seen": gan.generator_steps * batch_size,
        "preset": preset,
    }
    with open(os.path.join(workdir, "train.json"), "w") as file:
        json.dump(summary, file, indent=2)
    return gan, summary


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
    from keras_gan import plots
    from keras_gan.metrics import scoring

    output_dir = os.path.abspath(output_dir)
    os.makedirs(output_dir, exist_ok=True)
    ours_dir = os.path.join(output_dir, "ours")
    plain_dir = os.path.join(output_dir, "plain")
    started = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    if train:
        _run_all(
            [
                _preset_command(minutes, ours_dir, seed, extra_flags),
                _worker_command("plain", minutes, plain_dir, seed, setup),
            ],
            [ours_dir + ".log", plain_dir + ".log"],
            parallel=2,
            threads=threads,
        )
        _export_raw_generator(ours_dir)
    models = {
        "ours": os.path.join(ours_dir, "export"),
        "ours (raw generator)": os.path.join(ours_dir, "export_raw"),
        "plain keras.io": os.path.join(plain_dir, "export"),
    }
    scorer = scoring.make_scorer("fashion_mnist")
    results = _study_header(
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
            "training": _read_training(folder),
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
    results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    _write_results(output_dir, results, format_fashion(results))
    return results


def _study_header(started, minutes, threads, extra_flags, **settings):
    """The start of a side-by-side study's results: when, how long, how
    many threads, what flags and `settings`, and an empty `models`."""
    return {
        "started": started,
        "minutes": minutes,
        "threads": threads,
        **settings,
        "extra_flags": list(extra_flags),
        "models": {},
    }


def _read_training(folder):
    """A trainer's `train.json` (steps, seconds, images seen)."""
    with open(os.path.join(folder, "train.json")) as file:
        return json.load(file)


def _suffix(name):
    return "_raw" if "raw" in name else ""


def format_fashion(results):
    """Markdown tables of `compare_fashion` results."""
    names = list(results["models"])
    header = "| figure | " + " | ".join(names) + " | real floor | better |"
    lines = [header, "|" + "---|" * (len(names) + 3)]
    for figure, higher in results["figures"]:
        cells = [
            _format(results["models"][n]["figures"].get(figure)) for n in names
        ]
        lines.append(
            f"| {figure} | "
            + " | ".join(cells)
            + f" | {_format(results['floor'].get(figure))} | "
            + ("higher" if higher else "lower")
            + " |"
        )
    lines += [
        "",
        "| trainer | steps | seconds | images seen |",
        "|---|---|---|---|",
    ]
    for name in names:
        t = results["models"][name]["training"]
        lines.append(
            f"| {name} | {t['steps']} | {t['seconds']} | {t['images_seen']} |"
        )
    return "\n".join(lines)


def _format(value):
    if value is None:
        return "-"
    if isinstance(value, int):
        return str(value)
    if value != 0 and abs(value) < 1e-2:
        return f"{value:.2e}"
    return f"{value:.4f}"


def _write_results(output_dir, results, table):
    with open(os.path.join(output_dir, "results.json"), "w") as file:
        json.dump(results, file, indent=2)
    with open(os.path.join(output_dir, "results.md"), "w") as file:
        file.write(table + "\n")


# -- The 2D ring and grid presets: mode metrics over seeds --

MIXTURE_PRESETS = {
    "ring": os.path.join(ROOT, "configs", "ring_mlp.flags"),
    "grid": os.path.join(ROOT, "configs", "grid_mlp.flags"),
}
NUM_MIXTURE_SAMPLES = 2500


def _train_command(flagfile, workdir, seed, extra_flags):
    return [
        sys.executable,
        os.path.join(ROOT, "bin", "train"),
        f"--flagfile={flagfile}",
        f"--workdir={workdir}",
        f"--seed={seed}",
        "--verbose=0",
        *extra_flags,
    ]


def _run_all(commands, logs, parallel, threads):
    """Runs the commands, `parallel` at a time; raises if one fails."""
    pending = list(zip(commands, logs))
    running = []
    while pending or running:
        while pending and len(running) < parallel:
            command, log_path = pending.pop(0)
            log = open(log_path, "w")  # noqa: SIM115 (closed below)
            process = subprocess.Popen(
                command,
                env=_worker_env(threads),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            running.append((process, log, log_path))
        time.sleep(1)
        for entry in list(running):
            process, log, log_path = entry
            if process.poll() is None:
                continue
            log.close()
            running.remove(entry)
            if process.returncode != 0:
                for other, other_log, _ in running:
                    other.kill()
                    other_log.close()
                raise RuntimeError(
                    f"A training run failed (exit {process.returncode}); "
                    f"see {log_path}"
                )


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
    from keras_gan import plots
    from keras_gan.callbacks.metrics_log import read_log
    from keras_gan.metrics import scoring

    output_dir = os.path.abspath(output_dir)
    os.makedirs(output_dir, exist_ok=True)
    results = {
        "presets": {name: MIXTURE_PRESETS[name] for name in names},
        "extra_flags": list(extra_flags),
        "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "mixtures": {},
    }
    jobs = [(name, seed) for name in names for seed in seeds]
    workdirs = {
        (name, seed): os.path.join(output_dir, f"{name}_{seed}")
        for name, seed in jobs
    }
    _run_all(
        [
            _train_command(
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
            sampler = scoring.ExportSampler(os.path.join(workdir, "export"))
            figures = scoring.score(
                sampler,
                scorer,
                num_samples,
                seed=seed,
                floor=False,
            )["model"]
            log = read_log(os.path.join(workdir, "metrics.csv"))
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
            with open(os.path.join(workdir, "config.json")) as file:
                steps = json.load(file)["steps"]
            runs.append(
                {
                    "seed": seed,
                    "workdir": workdir,
                    "steps": steps,
                    "final": figures,
                    "evaluations": evaluations,
                    "seconds": _train_seconds(workdir),
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
    results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    _write_results(output_dir, results, format_mixtures(results))
    return results


def _train_seconds(workdir):
    from keras_gan import checkpoints

    manager = checkpoints.CheckpointManager(
        os.path.join(workdir, "checkpoints")
    )
    latest = manager.latest()
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
    from absl import flags

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
    from absl import app

    if len(argv) > 1:
        raise app.UsageError(f"Unexpected arguments: {argv[1:]}")
    flags = _FLAGS
    if (flags.worker or flags.study) in ("keras_io_conditional", "conditional"):
        from benchmarks import conditional_quality

        setup = conditional_quality.KerasIoConditionalSetup(
            **json.loads(flags.setup)
        )
        train_for = conditional_quality.train_keras_io_for
    else:
        setup = FashionSetup(**json.loads(flags.setup))
        train_for = train_plain_for
    if flags.worker:
        _limit_threads(flags.threads)
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
    print_results(table, flags.output)


def print_results(table, output_dir):
    """Prints a study's table and where its results went (commands
    only)."""
    print(table)
    path = os.path.join(os.path.abspath(output_dir), "results.json")
    print(f"Wrote {path}")


if __name__ == "__main__":
    from absl import app

    _FLAGS = _define_flags()
    app.run(main)
