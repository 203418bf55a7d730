"""Counting a step's floating-point operations from its TensorFlow graph.

The count is TensorFlow's own: the `"flops"` statistics that TensorFlow
registers per op type (`tf.compat.v1.profiler` sums the same ones),
evaluated on the static shapes of a traced `tf.function`'s graph. A matrix
product `[m, k] x [k, n]` counts `2 m k n`; a convolution `2 * outputs *
kernel_height * kernel_width * input_channels`; elementwise ops count one
per element. One exception: the two convolution gradients
(`Conv2DBackpropInput`, `Conv2DBackpropFilter`) count exactly what their
forward convolution counts, computed from the `out_backprop` shape;
TensorFlow's registered formula takes the image size over the stride
squared as the output size, which is right for 'same' padding only.

Ops without a registered statistic (activations such as `Relu`, `Tanh`,
`Softplus`; data movement) count zero: they are a small,
memory-bound share of a convolutional GAN's step and are not what the
matmul peak measures.

Only live ops count: those the function's outputs or its stateful
effects (variable updates) depend on, as TensorFlow prunes the rest before
running it. Gradient functions build ops nobody uses, such as
`Conv2DBackpropInput` for a first layer whose input needs no gradient,
or the discriminator's weight gradients during the generator update;
counting them would overstate the work.

Ops whose FLOPs cannot be counted (unknown shapes, nested function calls,
loops) are listed in `FlopCount.uncounted`, so an undercount shows.
"""

import collections
import dataclasses

import tensorflow as tf
from tensorflow.python.framework import ops as tf_ops

__all__ = [
    "CALL_OP_TYPES",
    "MATMUL_OP_TYPES",
    "FlopCount",
    "TrainStepRecorder",
    "count_function_flops",
    "count_graph_flops",
    "live_ops",
]

# The dense linear algebra: what the matmul peak is the ceiling for.
MATMUL_OP_TYPES = frozenset(
    {
        "MatMul",
        "BatchMatMul",
        "BatchMatMulV2",
        "BatchMatMulV3",
        "Conv2D",
        "Conv2DBackpropInput",
        "Conv2DBackpropFilter",
        "Conv3D",
        "DepthwiseConv2dNative",
    }
)

# Function calls and control flow: their work is in the ops they run.
CALL_OP_TYPES = frozenset(
    {
        "PartitionedCall",
        "StatefulPartitionedCall",
        "While",
        "StatelessWhile",
        "If",
        "StatelessIf",
        "Case",
        "StatelessCase",
    }
)
# Ops that hide work from a per-op count.
_OPAQUE_OP_TYPES = CALL_OP_TYPES | {"Einsum"}


# Their out_backprop input: the forward convolution's output gradient.
_CONV_GRADIENT_OP_TYPES = {"Conv2DBackpropInput": 2, "Conv2DBackpropFilter": 2}


def _conv_gradient_flops(op):
    out_backprop = op.inputs[_CONV_GRADIENT_OP_TYPES[op.type]].shape
    if op.type == "Conv2DBackpropInput":
        kernel = op.inputs[1].shape
    else:
        kernel = op.outputs[0].shape
    for shape in (out_backprop, kernel):
        if not shape.is_fully_defined():
            raise ValueError(f"Shape {shape} of {op.name} is not defined.")
    # kernel: [height, width, input channels, output channels]
    return 2 * out_backprop.num_elements() * kernel[:3].num_elements()


@dataclasses.dataclass
class FlopCount:
    """FLOPs of one graph, by op type.

    Attributes:
        by_op_type: `{op type: FLOPs}` for every op type that counted any.
        uncounted: `(op type, op name, reason)` for ops that may do work
            but could not be counted.
    """

    by_op_type: dict
    uncounted: list

    @property
    def total(self):
        """All counted FLOPs."""
        return int(sum(self.by_op_type.values()))

    @property
    def matmul(self):
        """FLOPs of matrix products and convolutions (and their
        gradients)."""
        return int(
            sum(v for k, v in self.by_op_type.items() if k in MATMUL_OP_TYPES)
        )

    def as_dict(self):
        """A JSON-friendly summary."""
        return {
            "total": self.total,
            "matmul": self.matmul,
            "by_op_type": {k: int(v) for k, v in self.by_op_type.items()},
            "uncounted": [list(u) for u in self.uncounted],
        }


def live_ops(graph):
    """The ops of a function graph that its outputs or effects need.

    Args:
        graph: A `FuncGraph` (a concrete function's `graph`). For any other
            `tf.Graph`, every op.

    Returns:
        The live ops, in the graph's order.
    """
    roots = [t.op for t in getattr(graph, "outputs", ())]
    roots += list(getattr(graph, "control_outputs", ()))
    if not roots:
        return graph.get_operations()
    live, stack = set(), list(roots)
    while stack:
        op = stack.pop()
        if op in live:
            continue
        live.add(op)
        stack.extend(t.op for t in op.inputs)
        stack.extend(op.control_inputs)
    return [op for op in graph.get_operations() if op in live]


def count_graph_flops(graph):
    """Counts the FLOPs of the live ops of a graph, once each.

    Args:
        graph: A `tf.Graph` with static shapes, usually a concrete
            function's `FuncGraph` (then only `live_ops` count).

    Returns:
        A `FlopCount`.
    """
    by_op_type = collections.Counter()
    uncounted = []
    for op in live_ops(graph):
        if op.type in _OPAQUE_OP_TYPES:
            uncounted.append((op.type, op.name, "call or control flow"))
            continue
        try:
            if op.type in _CONV_GRADIENT_OP_TYPES:
                value = _conv_gradient_flops(op)
            else:
                value = tf_ops.get_stats_for_node_def(
                    graph, op.node_def, "flops"
                ).value
        except ValueError as error:  # a shape is not fully defined
            uncounted.append((op.type, op.name, str(error).split("\n")[0]))
            continue
        if value:
            by_op_type[op.type] += int(value)
    return FlopCount(dict(by_op_type), uncounted)


def count_function_flops(function, *input_signature):
    """Traces `function` for static input specs and counts its FLOPs.

    Tracing runs no op: no variable changes.

    Args:
        function: A Python callable or `tf.function`.
        *input_signature: One `tf.TensorSpec` (or nest of them) per
            positional argument, with fully defined shapes.

    Returns:
        A `FlopCount`.
    """
    if not isinstance(function, tf.types.experimental.PolymorphicFunction):
        function = tf.function(function, autograph=False)
    concrete = function.get_concrete_function(*input_signature)
    return count_graph_flops(concrete.graph)


class TrainStepRecorder:
    """Records the input specs `fit` calls a model's `train_step` with.

    Install before `fit`; afterwards `count()` traces the original
    `train_step` for the recorded specs and counts one step's FLOPs, so
    the count is of the step `fit` ran, on the data layout `fit` made,
    whatever the model does to its dataset first.

    Args:
        model: A `keras.Model`, before its first `fit`.
    """

    def __init__(self, model):
        self.model = model
        self.specs = []
        self._train_step = model.train_step

        def recording_train_step(data):
            self.specs.append(
                tf.nest.map_structure(
                    lambda t: tf.TensorSpec(t.shape, t.dtype), data
                )
            )
            return self._train_step(data)

        model.train_step = recording_train_step

    def count(self):
        """Counts one `train_step`'s FLOPs for the last recorded specs.

        Returns:
            A `FlopCount`.

        Raises:
            RuntimeError: when `fit` has not traced `train_step` yet.
        """
        if not self.specs:
            raise RuntimeError(
                "`train_step` was not traced: call `fit` before `count()`."
            )
        return count_function_flops(self._train_step, self.specs[-1])
