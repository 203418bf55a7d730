"""Where a training step's time goes: a per-op profile from a trace.

`profile_trainer(model, dataset, steps)` runs `steps` steps of `fit`
under TensorFlow's profiler (`tf.profiler.experimental.start/stop`, the
public tracing API), reads the trace it writes (the XSpace protocol
buffer, `*.xplane.pb`, with the `xplane_pb2` module TensorFlow ships) and
sums the time of every op that ran, by part of the step:

- in the discriminator updates: the generator's forward pass (the fakes),
  the discriminator's forward and backward passes, the penalty in three
  orders of differentiation (its forward pass on the interpolates; its
  first-order gradients: the input gradient it penalises and the backward
  pass through its forward pass; its second-order gradients, the double
  backward through that input gradient), the discriminator's optimizer;
- in the generator update: the generator's and the discriminator's
  forward and backward passes, the generator's optimizer;
- the metrics' updates, the step's other ops (noise, losses, casts, the
  logged results), ops outside the step (the data iterator, `fit`'s
  function plumbing), and ops grappler renamed out of their scope;
- idle/host: the steps' wall time in which no op ran: Python, `fit`'s
  loop and callbacks, launching the function, waiting for data.

An op's part is read from its node name. `mark_phases` puts name scopes
around the model's updates (`GAN._discriminator_update`,
`_generator_update`), its penalties, its optimizers' `apply_gradients`
and its metrics' `update_state` (scopes change names only, never the
computation); within them, the player is the Keras name scope of the
model called (`generator`, `discriminator`: the benchmark's players have
these names) and the order of differentiation is how many times
`tf.GradientTape` named it (`gradient_tape/` in its name: a gradient op
is named after the op it differentiates). A plain step has no update
methods: its ops are counted by player and direction only.

Limits: the profiler adds a cost to every op (in the op's time), so
steps of many tiny ops look slower than they are; with more than one
inter-op thread, ops overlap and the parts add up to more than the busy
time (`--inter_op_threads=1` gives a sequential account); only the
host's TensorFlow ops are read, so XLA-compiled steps (one cluster op)
and GPU kernels (a device plane) are not broken down; the input
pipeline's own threads are summed apart, since they overlap the step.
"""

import collections
import glob
import os
import re
import tempfile

import keras
import tensorflow as tf
from tensorflow.tsl.profiler.protobuf import xplane_pb2

from benchmarks import flops
from keras_gan import losses

__all__ = [
    "D_UPDATE",
    "G_UPDATE",
    "METRICS",
    "OPTIMIZER",
    "PART_ORDER",
    "PENALTY",
    "STEP",
    "WINDOW",
    "classify",
    "mark_phases",
    "profile_trainer",
    "summarize",
    "trace_fit",
]

D_UPDATE = "kgprof_d_update"
G_UPDATE = "kgprof_g_update"
STEP = "kgprof_step"
PENALTY = "kgprof_penalty"
OPTIMIZER = "kgprof_optimizer"
METRICS = "kgprof_metrics"
WINDOW = "kgprof_window"  # the trace event around each timed step

_OP_EVENT = re.compile(r"^(?P<node>[^:\s]+):(?P<type>[A-Za-z0-9_]+)$")
_GRAPPLER_PREFIXES = (
    "ArithmeticOptimizer",
    "ConstantFolding",
    "LayoutOptimizer",
    "DependencyOptimizer",
    "LoopOptimizer",
    "Remapper",
)
_UPDATES = {D_UPDATE: "D updates", G_UPDATE: "G update", STEP: "step"}

# The parts in the order a step runs them (the report lists others after).
PART_ORDER = (
    "D updates: generator forward (fakes)",
    "D updates: discriminator forward",
    "D updates: discriminator backward",
    "D updates: penalty forward",
    "D updates: penalty first-order gradients",
    "D updates: penalty double backward",
    "D updates: optimizer",
    "D updates: metrics",
    "D updates: other ops",
    "G update: generator forward",
    "G update: discriminator forward",
    "G update: discriminator backward",
    "G update: generator backward",
    "G update: optimizer",
    "G update: metrics",
    "G update: other ops",
    "step: generator forward",
    "step: discriminator forward",
    "step: discriminator backward",
    "step: generator backward",
    "step: penalty forward",
    "step: penalty first-order gradients",
    "step: penalty double backward",
    "step: optimizer",
    "step: metrics",
    "step: other ops",
    "outside the step",
    "renamed by grappler",
)


def _scope_index(tokens, scope):
    pattern = re.compile(rf"^{re.escape(scope)}(_\d+)?$")
    for index, token in enumerate(tokens):
        if pattern.match(token):
            return index
    return None


def _gradient_order(tokens):
    return sum(1 for t in tokens if re.match(r"^gradient_tape(_\d+)?$", t))


def _player(tokens):
    # The innermost player scope: a backward op's name ends with its
    # forward op's, so its last player token is the one it belongs to.
    for token in reversed(tokens):
        match = re.match(r"^(generator|discriminator)(_\d+)?$", token)
        if match:
            return match.group(1)
    return None


def classify(node_name):
    """The part of the step an op belongs to, from its node name.

    Args:
        node_name: The op's node name, e.g.
            `"StatefulPartitionedCall/gradient_tape/kgprof_step/"
            "kgprof_d_update/discriminator_1/conv2d/convolution/"
            "Conv2DBackpropFilter"`.

    Returns:
        One of `PART_ORDER`.
    """
    tokens = node_name.split("/")
    if any(t.startswith(_GRAPPLER_PREFIXES) for t in tokens):
        return "renamed by grappler"
    if _scope_index(tokens, STEP) is None:
        return "outside the step"
    update = "step"
    for scope in (D_UPDATE, G_UPDATE):
        if _scope_index(tokens, scope) is not None:
            update = _UPDATES[scope]
            break
    order = _gradient_order(tokens)
    if _scope_index(tokens, PENALTY) is not None:
        # First order: the input gradient and the outer tape's backward
        # pass through the penalty's forward ops are named alike.
        kind = ("forward", "first-order gradients", "double backward")
        return f"{update}: penalty {kind[min(order, 2)]}"
    if _scope_index(tokens, OPTIMIZER) is not None:
        return f"{update}: optimizer"
    if _scope_index(tokens, METRICS) is not None:
        return f"{update}: metrics"
    player = _player(tokens)
    if player is None:
        return f"{update}: other ops"
    direction = "backward" if order else "forward"
    if update == "D updates" and player == "generator":
        return f"{update}: generator forward (fakes)"
    return f"{update}: {player} {direction}"


def _scoped(scope, function):
    def scoped(*args, **kwargs):
        with tf.name_scope(scope):
            return function(*args, **kwargs)

    return scoped


class _ScopedPenalty:
    """A penalty that calls the wrapped one inside the penalty scope."""

    def __init__(self, penalty):
        self.penalty = penalty

    def __getattr__(self, name):
        return getattr(self.penalty, name)

    def __call__(self, *args, **kwargs):
        with tf.name_scope(PENALTY):
            return self.penalty(*args, **kwargs)


def mark_phases(model):
    """Puts the profile's name scopes around the parts of a model's step.

    Call it on a compiled model before its first `fit` (scopes are read
    when the step is traced). Names change, the computation does not.

    Args:
        model: A compiled `keras_gan.GAN` or `baseline` plain model.

    Returns:
        `model`.
    """
    model.train_step = _scoped(STEP, model.train_step)
    for method, scope in (
        ("_discriminator_update", D_UPDATE),
        ("_generator_update", G_UPDATE),
        ("gradient_penalty", PENALTY),  # the plain WGAN-GP step's
    ):
        if hasattr(model, method):
            setattr(model, method, _scoped(scope, getattr(model, method)))
    if getattr(model, "penalties", None):
        model.penalties = [
            p if isinstance(p, losses.OutputPenalty) else _ScopedPenalty(p)
            for p in model.penalties
        ]
    for optimizer in (model.d_optimizer, model.g_optimizer):
        optimizer.apply_gradients = _scoped(
            OPTIMIZER, optimizer.apply_gradients
        )
    for metric in model.metrics:
        metric.update_state = _scoped(METRICS, metric.update_state)
    return model


class _StepWindows(keras.callbacks.Callback):
    """Wraps every training batch in a named trace event."""

    def on_train_batch_begin(self, batch, logs=None):
        self._trace = tf.profiler.experimental.Trace(WINDOW, step_num=batch)
        self._trace.__enter__()

    def on_train_batch_end(self, batch, logs=None):
        self._trace.__exit__(None, None, None)


def trace_fit(model, dataset, steps, logdir, warmup_steps=2):
    """Traces `steps` steps of `model.fit` and returns the trace.

    Args:
        model: A compiled model, marked with `mark_phases`.
        dataset: An endless dataset `model.fit` takes.
        steps: Steps to trace (a multiple of `steps_per_execution`).
        logdir: Where the profiler writes.
        warmup_steps: Untraced steps first (tracing and first runs).
            Defaults to `2`.

    Returns:
        The `XSpace` of the trace.
    """
    spe = model.steps_per_execution or 1
    warmup = spe * max(1, -(-warmup_steps // spe))
    model.fit(dataset, epochs=1, steps_per_epoch=warmup, verbose=0)
    tf.profiler.experimental.start(logdir)
    try:
        model.fit(
            dataset,
            epochs=1,
            steps_per_epoch=steps,
            callbacks=[_StepWindows()],
            verbose=0,
        )
    finally:
        tf.profiler.experimental.stop()
    paths = glob.glob(os.path.join(logdir, "**", "*.xplane.pb"), recursive=True)
    if not paths:
        raise RuntimeError(f"The profiler wrote no trace under {logdir}.")
    space = xplane_pb2.XSpace()
    with open(max(paths, key=os.path.getmtime), "rb") as f:
        space.ParseFromString(f.read())
    return space


def _events(space):
    """Yields `(line name, event name, start ps, end ps)` of the host."""
    for plane in space.planes:
        if not plane.name.startswith("/host:"):
            continue
        names = plane.event_metadata
        for line in plane.lines:
            origin = line.timestamp_ns * 1000
            for event in line.events:
                start = origin + event.offset_ps
                yield (
                    line.name,
                    names[event.metadata_id].name,
                    start,
                    start + event.duration_ps,
                )


def _clip(start, end, windows):
    """The picoseconds of [start, end) inside the windows."""
    return sum(
        max(0, min(end, w_end) - max(start, w_start))
        for w_start, w_end in windows
    )


def _union_length(intervals):
    total, reach = 0, None
    for start, end in sorted(intervals):
        if reach is None or start > reach:
            total += end - start
            reach = end
        elif end > reach:
            total += end - reach
            reach = end
    return total


def summarize(space, discriminator_steps=1, steps_per_window=1, top=5):
    """Sums a trace's op time by part of the step.

    Args:
        space: An `XSpace` from `trace_fit`.
        discriminator_steps: k, to give the discriminator updates' parts
            per update too. Defaults to `1`.
        steps_per_window: Steps per traced window: the model's
            `steps_per_execution` (`fit` calls its batch callbacks once per
            execution). Defaults to `1`.
        top: Op types listed per part. Defaults to `5`.

    Returns:
        A dict: `steps`, `ms_per_step` (wall time of the traced steps),
        `busy_ms_per_step` (time in which at least one op ran),
        `idle_ms_per_step` (the rest: host and idle time),
        `parts` (`[{"part", "ms_per_step", "ms_per_update", "share",
        "top_op_types": [[type, ms per step]]}]`, `share` of the summed op
        time), `op_ms_per_step` (the parts' sum), `op_types` (the `top`
        * 2 costliest op types over all parts) and
        `input_pipeline_ms_per_step` (op time on the input pipeline's own
        threads, overlapping the step).
    """
    events = list(_events(space))
    windows = sorted(
        (start, end) for _, name, start, end in events if name == WINDOW
    )
    if not windows:
        raise ValueError(f"The trace holds no {WINDOW!r} events.")
    steps = len(windows) * steps_per_window
    by_part = collections.defaultdict(collections.Counter)
    by_type = collections.Counter()
    busy, pipeline = [], 0
    for line, name, start, end in events:
        match = _OP_EVENT.match(name)
        if match is None or match["type"] in flops.CALL_OP_TYPES:
            continue
        inside = _clip(start, end, windows)
        if not inside:
            continue
        if line.startswith("tf_data"):
            pipeline += inside
            continue
        by_part[classify(match["node"])][match["type"]] += inside
        by_type[match["type"]] += inside
        busy.append((start, end))
    busy_ps = sum(
        _union_length(
            [(max(s, ws), min(e, we)) for s, e in busy if s < we and e > ws]
        )
        for ws, we in windows
    )
    wall_ps = sum(end - start for start, end in windows)
    ms = 1e-9 / steps  # picoseconds over the steps -> ms per step
    op_ps = sum(sum(c.values()) for c in by_part.values())
    order = {part: index for index, part in enumerate(PART_ORDER)}
    parts = []
    for part in sorted(by_part, key=lambda p: order.get(p, len(order))):
        counter = by_part[part]
        total = sum(counter.values())
        per_update = total * ms
        if part.startswith("D updates"):
            per_update /= discriminator_steps
        parts.append(
            {
                "part": part,
                "ms_per_step": total * ms,
                "ms_per_update": per_update,
                "share": total / op_ps if op_ps else 0.0,
                "top_op_types": [
                    [t, v * ms] for t, v in counter.most_common(top)
                ],
            }
        )
    return {
        "steps": steps,
        "ms_per_step": wall_ps * ms,
        "busy_ms_per_step": busy_ps * ms,
        "idle_ms_per_step": (wall_ps - busy_ps) * ms,
        "op_ms_per_step": op_ps * ms,
        "parts": parts,
        "op_types": [[t, v * ms] for t, v in by_type.most_common(2 * top)],
        "input_pipeline_ms_per_step": pipeline * ms,
    }


def profile_trainer(model, dataset, steps, discriminator_steps=1):
    """Marks, traces and summarizes `steps` steps of a compiled model.

    Args:
        model: A compiled model that has not trained yet.
        dataset: An endless dataset its `fit` takes.
        steps: Steps to trace.
        discriminator_steps: k, for per-update times. Defaults to `1`.

    Returns:
        The dict of `summarize`, with `method` added.
    """
    mark_phases(model)
    with tempfile.TemporaryDirectory(prefix="kgprof-") as logdir:
        space = trace_fit(model, dataset, steps, logdir)
    summary = summarize(
        space, discriminator_steps, model.steps_per_execution or 1
    )
    summary["method"] = "tf.profiler.experimental trace, op time by scope"
    return summary
