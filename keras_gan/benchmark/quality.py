"""Measured sample quality: the published benchmarks of DESIGN.md.

Two studies, each a run rather than a test:

- `fashion`: our Fashion-MNIST preset against the plain keras.io-style
  DCGAN (`keras_gan.benchmark.baseline.PlainGAN`), same architecture, same
  data, same optimizers, trained for the same wall time side by side (two
  processes started together, one CPU thread each, so both see the same
  machine load). Both generators are exported as SavedModels and scored by
  `keras_gan.scoring` with the Fashion-MNIST classifier's features against
  the 10,000 test images, beside the real floor (as many training images).
  Ours is `keras_gan.GAN` with the preset's architecture, batch and
  loss, a learning rate of 5e-4 for both players instead of 2e-4, and a
  generator weight average (`GeneratorEMA`, decay 0.999) that is scored;
  its raw generator is scored too. (A 2,000-step pilot at one thread:
  5e-4 reached FD 18.2 / recall 0.44 against 26.6 / 0.33 at 2e-4; R1 0.1
  and a 2x discriminator learning rate did not help.)
- `mixtures`: the 2D ring and grid protocol (2,500 samples, modes
  captured and % high quality, mean over seeds): MLP 3x128 players,
  non-saturating loss with R1 0.1, k = 1, Adam(1e-3, beta_1=0.5) held
  constant for half the run and then decayed linearly to 1e-5; both the
  raw generator and its weight average (`GeneratorEMA`) are scored.

    python -m keras_gan.benchmark.quality --study=fashion --minutes=30 \\
        --output=runs/quality/fashion
    python -m keras_gan.benchmark.quality --study=mixtures \\
        --output=runs/quality/mixtures

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
from keras.optimizers.schedules import LearningRateSchedule

# -- Fashion-MNIST: ours against the plain DCGAN for the same time --


@dataclasses.dataclass(frozen=True)
class FashionSetup:
    """The settings both Fashion-MNIST trainers share, and ours adds.

    The shared part is `configs/fashion_mnist_dcgan.flags`: DCGAN with
    `base_filters` 32 and `latent_dim` 64, batches of 64, Adam(2e-4,
    beta_1=0.5) for both players, the non-saturating loss, k = 1. Ours
    trains both players at 5e-4 and scores a weight average of its
    generator.

    Attributes:
        latent_dim: Noise size.
        base_filters: DCGAN width.
        batch_size: Real images per step.
        learning_rate: Adam learning rate of both players.
        beta_1: Adam beta_1.
        ema_decay: Decay of our generator average (`GeneratorEMA`).
        ours_g_learning_rate: Our generator's learning rate; `None` for
            `learning_rate`.
        ours_d_learning_rate: Our discriminator's learning rate; `None`
            for `learning_rate`.
        ours_r1_weight: Weight of an R1 penalty on our discriminator; 0
            for none.
        steps_per_epoch: Steps between progress records.
        max_steps: Stop after this many steps even if time is left.
            `None`: time alone.
    """

    latent_dim: int = 64
    base_filters: int = 32
    batch_size: int = 64
    learning_rate: float = 2e-4
    beta_1: float = 0.5
    ema_decay: float = 0.999
    ours_g_learning_rate: float | None = 5e-4
    ours_d_learning_rate: float | None = 5e-4
    ours_r1_weight: float = 0.0
    steps_per_epoch: int = 200
    max_steps: int | None = None


TRAINERS = ("ours", "plain")


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


def build_fashion_trainer(trainer, setup=FashionSetup(), seed=0):
    """Builds and compiles one Fashion-MNIST trainer.

    Args:
        trainer: `"ours"` (`keras_gan.GAN`, non-saturating loss, k = 1)
            or `"plain"` (`PlainGAN`).
        setup: A `FashionSetup`. Defaults to `FashionSetup()`.
        seed: Seed of the initial weights (the same for both trainers)
            and of the noise. Defaults to `0`.

    Returns:
        A compiled model with a `generator` attribute.
    """
    import keras

    from keras_gan import losses
    from keras_gan.benchmark import baseline, workloads
    from keras_gan.models import gan as gan_module

    if trainer not in TRAINERS:
        raise ValueError(
            f"Invalid value for argument `trainer`. Expected one of "
            f"{TRAINERS}. Received: trainer={trainer!r}"
        )
    workload = workloads.Workload(
        "fashion_quality",
        "fashion_mnist",
        (28, 28, 1),
        setup.batch_size,
        latent_dim=setup.latent_dim,
        width=setup.base_filters,
    )
    generator, discriminator = workloads.build_players(workload, seed)

    def adam(rate=None):
        rate = setup.learning_rate if rate is None else rate
        return keras.optimizers.Adam(rate, beta_1=setup.beta_1)

    if trainer == "plain":
        model = baseline.PlainGAN(
            generator, discriminator, setup.latent_dim, seed=seed
        )
        model.compile(d_optimizer=adam(), g_optimizer=adam())
        return model
    model = gan_module.GAN(
        generator, discriminator, discriminator_steps=1, seed=seed
    )
    model.compile(
        g_optimizer=adam(setup.ours_g_learning_rate),
        d_optimizer=adam(setup.ours_d_learning_rate),
        loss="non_saturating",
        penalties=(
            [losses.R1Penalty(setup.ours_r1_weight)]
            if setup.ours_r1_weight
            else []
        ),
    )
    return model


def train_fashion_for(
    trainer, seconds, output_dir, setup=FashionSetup(), seed=0, threads=1
):
    """Trains one trainer for a wall-time budget and exports it.

    Writes `output_dir/export` (the generator's SavedModel), for ours also
    `output_dir/export_ema` (the averaged generator), `progress.jsonl`
    (one record per epoch) and `train.json` (steps, seconds, images).

    Args:
        trainer: `"ours"` or `"plain"`.
        seconds: Wall-time budget of `fit`.
        output_dir: Where to write.
        setup: A `FashionSetup`. Defaults to `FashionSetup()`.
        seed: Seed of weights, noise and data order. Defaults to `0`.
        threads: TensorFlow intra- and inter-op threads; set before
            anything runs. Defaults to `1`.

    Returns:
        The dict written to `train.json`.
    """
    _limit_threads(threads)
    import tensorflow as tf

    from keras_gan import data, export
    from keras_gan.callbacks.generator_ema import GeneratorEMA

    os.makedirs(output_dir, exist_ok=True)
    model = build_fashion_trainer(trainer, setup, seed)
    dataset = data.load(
        "fashion_mnist", batch_size=setup.batch_size, seed=seed, repeat=True
    )
    options = tf.data.Options()
    options.threading.private_threadpool_size = threads
    dataset = dataset.with_options(options)
    deadline = _Deadline(
        seconds,
        os.path.join(output_dir, "progress.jsonl"),
        max_steps=setup.max_steps,
    )
    callbacks = [deadline]
    ema = None
    if trainer == "ours":
        ema = GeneratorEMA(decay=setup.ema_decay)
        callbacks.insert(0, ema)
    model.fit(
        dataset,
        epochs=10**6,
        steps_per_epoch=setup.steps_per_epoch,
        callbacks=callbacks,
        verbose=0,
    )
    metadata = {"dataset": "fashion_mnist", "trainer": trainer}
    export.export_generator(
        model.generator,
        os.path.join(output_dir, "export"),
        overwrite=True,
        metadata={**metadata, "step": deadline.steps},
    )
    if ema is not None:
        export.export_generator(
            ema.generator,
            os.path.join(output_dir, "export_ema"),
            overwrite=True,
            metadata={
                **metadata,
                "step": deadline.steps,
                "ema_decay": setup.ema_decay,
            },
        )
    summary = {
        "trainer": trainer,
        "steps": deadline.steps,
        "seconds": round(deadline.elapsed, 1),
        "images_seen": deadline.steps * setup.batch_size,
        "threads": threads,
        "setup": dataclasses.asdict(setup),
    }
    with open(os.path.join(output_dir, "train.json"), "w") as file:
        json.dump(summary, file, indent=2)
    return summary


def _worker_command(trainer, minutes, output_dir, seed, threads, setup):
    return [
        sys.executable,
        "-m",
        "keras_gan.benchmark.quality",
        f"--worker={trainer}",
        f"--minutes={minutes}",
        f"--output={output_dir}",
        f"--seed={seed}",
        f"--threads={threads}",
        f"--setup={json.dumps(dataclasses.asdict(setup))}",
    ]


def _worker_env(threads):
    env = dict(os.environ)
    env["TF_NUM_INTRAOP_THREADS"] = str(threads)
    env["TF_NUM_INTEROP_THREADS"] = str(threads)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    root = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (root, env.get("PYTHONPATH")) if p
    )
    return env


def compare_fashion(
    minutes,
    output_dir,
    num_samples=10000,
    seed=0,
    threads=1,
    train=True,
    setup=FashionSetup(),
):
    """Trains ours and the plain DCGAN side by side, then scores both.

    Args:
        minutes: Wall-time budget of each trainer's `fit`.
        output_dir: Where everything goes: `ours/`, `plain/` (the workers'
            folders), `results.json`, `results.md`, `samples_*.png`.
        num_samples: Generated (and real floor) images scored. Defaults to
            `10000`.
        seed: Seed of the runs and of the scored noise. Defaults to `0`.
        threads: Threads of each worker. Defaults to `1`.
        train: Whether to train; `False` scores existing exports.
            Defaults to `True`.
        setup: A `FashionSetup`. Defaults to `FashionSetup()`.

    Returns:
        The results dict (also in `results.json`).
    """
    from keras_gan import images, scoring

    output_dir = os.path.abspath(output_dir)
    os.makedirs(output_dir, exist_ok=True)
    started = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    if train:
        workers = []
        for trainer in TRAINERS:
            folder = os.path.join(output_dir, trainer)
            log = open(  # noqa: SIM115 (closed when the worker ends)
                os.path.join(output_dir, f"{trainer}.log"), "w"
            )
            workers.append(
                (
                    trainer,
                    subprocess.Popen(
                        _worker_command(
                            trainer, minutes, folder, seed, threads, setup
                        ),
                        env=_worker_env(threads),
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    ),
                    log,
                )
            )
        for trainer, process, log in workers:
            if process.wait() != 0:
                raise RuntimeError(
                    f"The {trainer} worker failed; see "
                    f"{os.path.join(output_dir, trainer + '.log')}"
                )
            log.close()
    models = {
        "ours": os.path.join(output_dir, "ours", "export_ema"),
        "ours (raw generator)": os.path.join(output_dir, "ours", "export"),
        "plain keras.io": os.path.join(output_dir, "plain", "export"),
    }
    scorer = scoring.make_scorer("fashion_mnist")
    results = {
        "started": started,
        "minutes": minutes,
        "setup": dataclasses.asdict(setup),
        "models": {},
    }
    floor = None
    for name, export_dir in models.items():
        sampler = scoring.ExportSampler(export_dir)
        report = scoring.score(
            sampler, scorer, num_samples, seed=seed, floor=floor is None
        )
        floor = floor or report["floor"]
        trainer = "plain" if name.startswith("plain") else "ours"
        with open(os.path.join(output_dir, trainer, "train.json")) as file:
            training = json.load(file)
        results["models"][name] = {
            "export_dir": export_dir,
            "figures": report["model"],
            "training": training,
        }
        picture = os.path.join(
            output_dir, f"samples_{name.split()[0]}{_suffix(name)}.png"
        )
        grid = images.tile_images(sampler.sample(64, seed=seed))
        images.save_png(grid, picture, scale=2)
        results["models"][name]["samples_png"] = picture
    results["floor"] = floor
    results["figures"] = report["figures"]
    results["scorer"] = report["scorer"]
    results["num_samples"] = num_samples
    results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    _write_results(output_dir, results, format_fashion(results))
    return results


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


# -- The 2D ring and grid: mode metrics over seeds --


@dataclasses.dataclass(frozen=True)
class MixtureSetup:
    """How the ring and grid GANs are trained.

    Attributes:
        hidden_units: Hidden layer widths of both MLPs.
        latent_dim: Noise size.
        batch_size: Real points per discriminator update.
        learning_rate: Adam learning rate of both players (the start
            value when `decay_learning_rate`).
        beta_1: Adam beta_1.
        loss: The adversarial loss.
        r1_weight: Weight (gamma) of the R1 penalty; 0 for none.
        discriminator_steps: k.
        steps: Generator updates.
        decay_fraction: Both learning rates stay constant, then decay
            linearly to 1% of `learning_rate` over this last fraction of
            `steps`; 0 keeps them constant.
        ema_decay: Decay of the generator average (`GeneratorEMA`).
        eval_every: Steps between evaluations (one epoch).
        num_samples: Points scored, the protocol's 2,500.
    """

    hidden_units: tuple = (128, 128, 128)
    latent_dim: int = 32
    batch_size: int = 256
    learning_rate: float = 1e-3
    beta_1: float = 0.5
    loss: str = "non_saturating"
    r1_weight: float = 0.1
    discriminator_steps: int = 1
    steps: int = 12000
    decay_fraction: float = 0.5
    ema_decay: float = 0.999
    eval_every: int = 1000
    num_samples: int = 2500


class ConstantThenLinearDecay(LearningRateSchedule):
    """`learning_rate` until `(1 - decay_fraction) * total_steps`, then a
    linear decay to `learning_rate * end_factor` at `total_steps`.

    The constant phase lets the generator move its mass onto the modes;
    the decay then shrinks the optimizer noise that spreads samples off
    them.

    Args:
        learning_rate: The constant rate.
        total_steps: Steps of the whole run (of this optimizer).
        decay_fraction: Final fraction of the steps spent decaying.
        end_factor: Final rate over `learning_rate`. Defaults to `0.01`.
    """

    def __init__(
        self, learning_rate, total_steps, decay_fraction, end_factor=0.01
    ):
        self.learning_rate = float(learning_rate)
        self.total_steps = int(total_steps)
        self.decay_fraction = float(decay_fraction)
        self.end_factor = float(end_factor)

    def __call__(self, step):
        from keras import ops

        decay_steps = max(1.0, self.total_steps * self.decay_fraction)
        start = self.total_steps - decay_steps
        progress = ops.clip(
            (ops.cast(step, "float32") - start) / decay_steps, 0.0, 1.0
        )
        return self.learning_rate * (1.0 - (1.0 - self.end_factor) * progress)

    def get_config(self):
        return {
            "learning_rate": self.learning_rate,
            "total_steps": self.total_steps,
            "decay_fraction": self.decay_fraction,
            "end_factor": self.end_factor,
        }


def train_mixture(name, seed, setup=MixtureSetup()):
    """Trains one GAN on a mixture and scores it along the way.

    Every `setup.eval_every` steps, `Evaluation` callbacks score 2,500
    points from the raw generator and from its average (`GeneratorEMA`).

    Args:
        name: `"ring"` or `"grid"`.
        seed: Seed of the weights, the noise, the data and the scored
            noise.
        setup: A `MixtureSetup`. Defaults to `MixtureSetup()`.

    Returns:
        A dict: `name`, `seed`, `seconds`, `raw` and `ema` (lists of
        figures per evaluation, with `step`), and `generator` (the
        averaged `keras.Model`).
    """
    import keras

    from keras_gan import data, losses
    from keras_gan.callbacks.evaluation import Evaluation
    from keras_gan.callbacks.generator_ema import GeneratorEMA
    from keras_gan.models import gan as gan_module
    from keras_gan.models import mlp

    keras.utils.set_random_seed(seed)
    units = tuple(setup.hidden_units)
    gan = gan_module.GAN(
        mlp.mlp_generator(setup.latent_dim, 2, units),
        mlp.mlp_discriminator(2, units),
        discriminator_steps=setup.discriminator_steps,
        seed=seed,
    )

    def adam(updates):
        rate = setup.learning_rate
        if setup.decay_fraction:
            rate = ConstantThenLinearDecay(rate, updates, setup.decay_fraction)
        return keras.optimizers.Adam(rate, beta_1=setup.beta_1)

    gan.compile(
        g_optimizer=adam(setup.steps),
        d_optimizer=adam(setup.steps * setup.discriminator_steps),
        loss=setup.loss,
        penalties=(
            [losses.R1Penalty(setup.r1_weight)] if setup.r1_weight else []
        ),
    )
    ema = GeneratorEMA(decay=setup.ema_decay)
    raw_eval = Evaluation(name, num_samples=setup.num_samples, seed=seed)
    ema_eval = Evaluation(
        name,
        num_samples=setup.num_samples,
        seed=seed,
        generator=ema,
        prefix="ema_",
    )
    start = time.monotonic()
    gan.fit(
        data.load(name, batch_size=setup.batch_size, seed=seed),
        epochs=max(1, setup.steps // setup.eval_every),
        steps_per_epoch=setup.eval_every,
        callbacks=[ema, raw_eval, ema_eval],
        verbose=0,
    )
    return {
        "name": name,
        "seed": seed,
        "seconds": round(time.monotonic() - start, 1),
        "raw": raw_eval.history,
        "ema": ema_eval.history,
        "generator": ema.generator,
    }


def mixture_study(
    names=("ring", "grid"),
    seeds=range(5),
    setup=MixtureSetup(),
    output_dir=None,
):
    """The ring and grid protocol: mean over seeds of the final figures.

    Args:
        names: Mixtures to run. Defaults to `("ring", "grid")`.
        seeds: Seeds, one run each. Defaults to `range(5)`.
        setup: A `MixtureSetup`. Defaults to `MixtureSetup()`.
        output_dir: If set, writes `results.json`, `results.md` and a
            scatter plot of the first seed's averaged generator per
            mixture (`samples_<name>.png`). Defaults to `None`.

    Returns:
        The results dict: per mixture, the runs (figures per evaluation)
        and `mean` of the final figures of the raw and the averaged
        generator.
    """
    from keras_gan import images, scoring

    results = {
        "setup": dataclasses.asdict(setup),
        "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "mixtures": {},
    }
    for name in names:
        runs = []
        for seed in seeds:
            run = train_mixture(name, seed, setup)
            generator = run.pop("generator")
            runs.append(run)
            if output_dir is not None and len(runs) == 1:
                points = scoring.ModelSampler(generator).sample(
                    setup.num_samples, seed=seed
                )
                images.save_scatter_png(
                    points,
                    os.path.join(output_dir, f"samples_{name}.png"),
                    title=f"{name}: averaged generator, seed {seed}",
                )
        results["mixtures"][name] = {
            "runs": runs,
            "mean": {
                which: _mean_final(runs, which) for which in ("raw", "ema")
            },
        }
    results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    if output_dir is not None:
        os.makedirs(output_dir, exist_ok=True)
        _write_results(output_dir, results, format_mixtures(results))
    return results


def _mean_final(runs, which):
    finals = [run[which][-1] for run in runs]
    keys = ("modes_captured", "high_quality_percent", "mode_kl_divergence")
    return {key: float(np.mean([f[key] for f in finals])) for key in keys}


def format_mixtures(results):
    """Markdown table of `mixture_study` results."""
    lines = [
        "| mixture | generator | modes captured | % high quality | "
        "mode KL | seeds | seconds per run |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, study in results["mixtures"].items():
        num_modes = study["runs"][0]["raw"][-1]["num_modes"]
        seconds = np.mean([run["seconds"] for run in study["runs"]])
        for which, title in (("ema", "averaged (EMA)"), ("raw", "raw")):
            mean = study["mean"][which]
            lines.append(
                f"| {name} | {title} | {mean['modes_captured']:.1f} / "
                f"{num_modes} | {mean['high_quality_percent']:.1f} | "
                f"{mean['mode_kl_divergence']:.3f} | {len(study['runs'])} | "
                f"{seconds:.0f} |"
            )
    return "\n".join(lines)


# -- Command line --


def _define_flags():
    from absl import flags

    flags.DEFINE_enum(
        "study", "fashion", ["fashion", "mixtures"], "Which study to run."
    )
    flags.DEFINE_float("minutes", 30.0, "fashion: training minutes each.")
    flags.DEFINE_string("output", "runs/quality", "Output folder.")
    flags.DEFINE_integer("seed", 0, "fashion: seed of the runs and noise.")
    flags.DEFINE_integer("num_samples", 10000, "fashion: images scored.")
    flags.DEFINE_integer("threads", 1, "fashion: threads per trainer.")
    flags.DEFINE_bool("train", True, "fashion: train (else score only).")
    flags.DEFINE_list("mixtures", ["ring", "grid"], "mixtures: which.")
    flags.DEFINE_integer("seeds", 5, "mixtures: seeds 0..N-1, a run each.")
    flags.DEFINE_string(
        "setup",
        "{}",
        "JSON of FashionSetup or MixtureSetup fields to override, e.g. "
        "'{\"steps\": 8000}'.",
    )
    flags.DEFINE_enum(
        "worker", None, list(TRAINERS), "Internal: train one trainer."
    )
    return flags.FLAGS


def main(argv):
    from absl import app

    if len(argv) > 1:
        raise app.UsageError(f"Unexpected arguments: {argv[1:]}")
    flags = _FLAGS
    overrides = json.loads(flags.setup)
    if flags.worker or flags.study == "fashion":
        setup = FashionSetup(**overrides)
    else:
        if "hidden_units" in overrides:
            overrides["hidden_units"] = tuple(overrides["hidden_units"])
        setup = MixtureSetup(**overrides)
    if flags.worker:
        summary = train_fashion_for(
            flags.worker,
            flags.minutes * 60,
            flags.output,
            setup=setup,
            seed=flags.seed,
            threads=flags.threads,
        )
        print(json.dumps(summary))
        return
    if flags.study == "fashion":
        results = compare_fashion(
            flags.minutes,
            flags.output,
            num_samples=flags.num_samples,
            seed=flags.seed,
            threads=flags.threads,
            train=flags.train,
            setup=setup,
        )
        print(format_fashion(results))
    else:
        results = mixture_study(
            flags.mixtures,
            range(flags.seeds),
            setup=setup,
            output_dir=flags.output,
        )
        print(format_mixtures(results))
    path = os.path.join(os.path.abspath(flags.output), "results.json")
    print(f"Wrote {path}")


if __name__ == "__main__":
    from absl import app

    _FLAGS = _define_flags()
    app.run(main)
