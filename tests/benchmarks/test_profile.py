"""The per-op profile: op names to parts, traces to times per step."""

import keras
import numpy as np
import pytest
from tensorflow.tsl.profiler.protobuf import xplane_pb2

import keras_gan
from benchmarks import profile
from keras_gan.data import mixture_dataset
from keras_gan.models import mlp_discriminator, mlp_generator
from tests.float32 import reordering_tolerance

_SPC = "StatefulPartitionedCall/"
_D = "kgprof_step/kgprof_d_update_1/"
_G = "kgprof_step/kgprof_g_update/"


@pytest.mark.parametrize(
    ("node", "part"),
    [
        (
            _SPC + _D + "generator_1/dense_1/MatMul",
            "D updates: generator forward (fakes)",
        ),
        (
            _SPC + _D + "discriminator_3/conv2d_1/BiasAdd",
            "D updates: discriminator forward",
        ),
        (
            _SPC + "gradient_tape/" + _D + "discriminator_3/conv2d_1/"
            "convolution/Conv2DBackpropFilter",
            "D updates: discriminator backward",
        ),
        (
            _SPC + _D + "kgprof_penalty/discriminator_5/conv2d_1/BiasAdd",
            "D updates: penalty forward",
        ),
        (
            _SPC + "gradient_tape/" + _D + "kgprof_penalty/discriminator_5/"
            "conv2d_1/convolution/Conv2DBackpropInput",
            "D updates: penalty first-order gradients",
        ),
        (
            _SPC + "gradient_tape/gradient_tape/" + _D + "kgprof_penalty/"
            "discriminator_5/dense_1_1/MatMul/MatMul",
            "D updates: penalty double backward",
        ),
        (_SPC + _D + "kgprof_optimizer/adam_1/Sub", "D updates: optimizer"),
        (_SPC + _D + "kgprof_metrics_2/Add", "D updates: metrics"),
        (_SPC + _D + "stateless_random_normal/Op", "D updates: other ops"),
        (
            _SPC + "gradient_tape/" + _G + "discriminator_7/leaky_re_lu_1/"
            "LeakyRelu/LeakyReluGrad",
            "G update: discriminator backward",
        ),
        (
            _SPC + "gradient_tape/" + _G + "generator_3/dense_1/MatMul/MatMul",
            "G update: generator backward",
        ),
        (
            _SPC + "kgprof_step/discriminator_1/conv2d/BiasAdd",
            "step: discriminator forward",
        ),  # fmt: skip
        (_SPC + "kgprof_step/div_no_nan", "step: other ops"),
        (
            _SPC + _D + "ArithmeticOptimizer/AddOpsRewrite_AddN_1",
            "renamed by grappler",
        ),
        ("IteratorGetNext", "outside the step"),
    ],
)
def test_op_names_are_attributed_to_their_part(node, part):
    assert profile.classify(node) == part
    assert part in profile.PART_ORDER


def _space(lines):
    """An XSpace with one host plane: `{line: [(name, start us, us)]}`."""
    space = xplane_pb2.XSpace()
    plane = space.planes.add(name="/host:CPU")
    ids = {}
    for line_name, events in lines.items():
        line = plane.lines.add(name=line_name, timestamp_ns=1000)
        for name, start, duration in events:
            if name not in ids:
                ids[name] = len(ids) + 1
                plane.event_metadata[ids[name]].name = name
            line.events.add(
                metadata_id=ids[name],
                offset_ps=int(start * 1e6),
                duration_ps=int(duration * 1e6),
            )
    return space


def test_a_trace_is_summed_by_part_within_the_steps():
    space = _space(
        {
            "python": [(profile.WINDOW, 0, 100), (profile.WINDOW, 200, 100)],
            "tf_Compute/1": [
                ("ExecutorState::Process", 0, 300),  # not an op
                (_D + "discriminator/c/Conv2D:_MklNativeFusedConv2D", 10, 20),
                ("gradient_tape/" + _D + "discriminator/c/F:Conv2D", 40, 30),
                (_G + "kgprof_optimizer/adam/Sub:Sub", 90, 20),  # half in
                ("StatefulPartitionedCall:StatefulPartitionedCall", 0, 300),
                (
                    "gradient_tape/gradient_tape/" + _D + "kgprof_penalty/"
                    "discriminator/x/MatMul:MatMul",
                    210,
                    40,
                ),
                (_G + "generator/d/MatMul:MatMul", 150, 20),  # between steps
            ],
            "tf_Compute/2": [(_D + "generator_1/d/MatMul:_MklMatMul", 220, 40)],
            "tf_data_iterator_get_next/3": [("transpose:Transpose", 20, 10)],
        }
    )
    summary = profile.summarize(space, discriminator_steps=2)
    assert summary["steps"] == 2
    # 200 us in the two steps; ops busy 20 + 30 + 10 in the first and
    # [210, 260) in the second, where two ops overlap.
    assert summary["ms_per_step"] == pytest.approx(0.100)
    assert summary["busy_ms_per_step"] == pytest.approx(0.055)
    assert summary["idle_ms_per_step"] == pytest.approx(0.045)
    assert summary["op_ms_per_step"] == pytest.approx(0.070)
    assert summary["input_pipeline_ms_per_step"] == pytest.approx(0.005)
    parts = {p["part"]: p for p in summary["parts"]}
    expected = {
        "D updates: generator forward (fakes)": 0.020,
        "D updates: discriminator forward": 0.010,
        "D updates: discriminator backward": 0.015,
        "D updates: penalty double backward": 0.020,
        "G update: optimizer": 0.005,
    }
    assert {p: parts[p]["ms_per_step"] for p in parts} == pytest.approx(
        expected
    )
    assert list(parts) == [p for p in profile.PART_ORDER if p in expected]
    assert parts["D updates: discriminator backward"][
        "ms_per_update"
    ] == pytest.approx(0.0075)
    assert parts["G update: optimizer"]["ms_per_update"] == pytest.approx(0.005)
    assert sum(p["share"] for p in parts.values()) == pytest.approx(1.0)


def _gan():
    keras.utils.set_random_seed(0)
    gan = keras_gan.GAN(
        mlp_generator(4, 2, (8,)),
        mlp_discriminator(2, (8,)),
        discriminator_steps=2,
        seed=0,
    )
    # SGD: Adam's first steps would turn float noise into steps of lr.
    gan.compile(
        g_optimizer=keras.optimizers.SGD(0.01),
        d_optimizer=keras.optimizers.SGD(0.01),
        penalties=["gradient_penalty"],
    )
    return gan


def test_a_gan_step_is_profiled_by_part_and_marking_changes_no_math():
    data = mixture_dataset("ring", 16, seed=0)
    marked, unmarked = _gan(), _gan()
    summary = profile.profile_trainer(marked, data, 2, discriminator_steps=2)
    for _ in range(2):  # as trace_fit: 2 untraced steps, then 2
        unmarked.fit(data, epochs=1, steps_per_epoch=2, verbose=0)
    # oneDNN may reorder float sums between graphs. Longest sum: the batch
    # of 16. Chain: 2 dense layers in each player, back through all 4, the
    # penalty's input gradient through the discriminator twice more (12).
    # Updates: 4 generator steps of k = 2 and one generator update.
    tol = reordering_tolerance(terms=16, reductions=12, updates=12)
    for a, b in zip(marked.get_weights(), unmarked.get_weights()):
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)

    parts = {p["part"]: p["ms_per_step"] for p in summary["parts"]}
    for update, players in (
        ("D updates", ("generator forward (fakes)", "discriminator forward")),
        ("G update", ("generator forward", "generator backward")),
    ):
        for part in (*players, "discriminator backward", "optimizer"):
            assert parts[f"{update}: {part}"] > 0, part
    for order in ("forward", "first-order gradients", "double backward"):
        assert parts[f"D updates: penalty {order}"] > 0
    assert summary["steps"] == 2
    assert summary["busy_ms_per_step"] <= summary["ms_per_step"]
    assert summary["busy_ms_per_step"] + summary[
        "idle_ms_per_step"
    ] == pytest.approx(summary["ms_per_step"])
