"""JAX gradient plumbing: `jax.value_and_grad` inside a `StatelessScope`.

Keras's JAX trainer compiles `train_step(state, data)`, a pure function of
the model's state (the values of its variables) returning `(logs,
new_state)`. Rather than writing the GAN's step a second time as a pure
function, `GANTrainer.train_step` runs the one stateful step inside a
`keras.StatelessScope` mapping every variable of the state to its value:
reads of a variable see the scope's value, and assignments (optimizer
updates, BatchNorm statistics, spectral norm's `u`, ADA's `p`, LeCam's
averages, the seed generator's state, the metrics) are recorded in the
scope, which becomes the new state. Only the gradient differs from the
other backends: `value_and_grad` differentiates a function of the player's
variables' values, substituted in the scope while it runs, and hands the
other values its loss assigned back to the scope as outputs, so that no
value traced for the gradient leaks out of `jax.value_and_grad`.

Under a `keras.distribution` (`DataParallel`), Keras's trainer splits each
batch over the devices along its first axis and compiles the step for the
global batch (the players' means, the noise drawn from the one seed
generator, the logged values are the global batch's); the compiled step's
output state keeps each variable's sharding (`_get_state_sharding_spec`,
covering the whole state below), so every variable stays replicated.

The state carries the GAN's trainable and non-trainable variables, both
players' optimizers' variables and, with the metrics' variables, the state
of the penalties (`GAN._penalty_state`). A step that assigns a variable
outside it would lose the assignment without a word; it is an error
instead.
"""

import jax
import keras

from keras_gan import distribute

__all__ = [
    "GANTrainer",
    "apply",
    "input_gradient",
    "is_traced",
    "value_and_grad",
]

_STATE_GROUPS = (
    "trainable_variables",
    "non_trainable_variables",
    "optimizer_variables",
    "metrics_variables",
)

# The scopes of the steps being run, innermost last.
_scopes = []


class GANTrainer:
    """Runs the GAN's stateful step under Keras's JAX trainer.

    Keras's JAX trainer keeps one optimizer's variables in its state; a GAN
    has two. The state's optimizer part holds both players' optimizers'
    variables, and its metrics part the penalties' state as well.
    """

    @property
    def distribute_strategy(self):
        # `tf.distribute` is TensorFlow's; JAX distributes through
        # `keras.distribution` instead.
        return distribute.SINGLE_DEVICE

    def fit(self, x=None, *args, **kwargs):
        _check_batch_divides(x)
        return super().fit(x, *args, **kwargs)

    def train_step(self, state, data):
        return _stateless_step(self, self._train_step, state, data)

    def test_step(self, state, data):
        return _stateless_step(self, self._test_step, state, data)

    def _state_variables(
        self,
        trainable_variables=False,
        non_trainable_variables=False,
        optimizer_variables=False,
        metrics_variables=False,
    ):
        groups = []
        if trainable_variables:
            groups.append(list(self.trainable_variables))
        if non_trainable_variables:
            groups.append(list(self.non_trainable_variables))
        if optimizer_variables:
            groups.append(
                list(self.g_optimizer.variables)
                + list(self.d_optimizer.variables)
            )
        if metrics_variables:
            groups.append(
                list(self.metrics_variables)
                + [variable for _, variable in self._penalty_state()]
            )
        return groups

    def _get_jax_state(
        self,
        trainable_variables=False,
        non_trainable_variables=False,
        optimizer_variables=False,
        metrics_variables=False,
        purge_model_variables=False,
    ):
        # The variables keep their values during the epoch (no purge): the
        # callbacks that read them between steps get the last synced ones.
        groups = self._state_variables(
            trainable_variables,
            non_trainable_variables,
            optimizer_variables,
            metrics_variables,
        )
        return tuple([variable.value for variable in g] for g in groups)

    def _get_state_sharding_spec(self):
        # Under a `keras.distribution`, the compiled step's output state
        # keeps each variable's own sharding (replicated under
        # `DataParallel`), for the four groups of `_get_jax_state`.
        groups = self._state_variables(True, True, True, True)
        _check_on_mesh(groups)
        return tuple(
            [variable.value.sharding for variable in variables]
            for variables in groups
        )

    def jax_state_sync(self):
        state = getattr(self, "_jax_state", None)
        if not state or self._jax_state_synced:
            return
        present = {name: bool(state.get(name)) for name in _STATE_GROUPS}
        groups = self._state_variables(**present)
        values = [state[name] for name in _STATE_GROUPS if present[name]]
        for variables, group_values in zip(groups, values):
            for variable, value in zip(variables, group_values):
                variable.assign(value)
        self._jax_state_synced = True


def _check_batch_divides(dataset):
    """Raises if a distribution splits the batch axis into more parts than
    `dataset`'s (static) batch size divides into."""
    distribution = keras.distribution.distribution()
    spec = getattr(dataset, "element_spec", None)
    if distribution is None or spec is None:
        return
    mesh = distribution.device_mesh
    name = getattr(distribution, "batch_dim_name", None)
    if name not in mesh.axis_names:
        return
    parts = mesh.shape[list(mesh.axis_names).index(name)]
    sizes = {s.shape[0] for s in keras.tree.flatten(spec) if s.shape.rank}
    for size in sizes - {None}:
        if size % parts:
            raise ValueError(
                f"`{distribution.__class__.__name__}` splits each batch over "
                f"{parts} devices. Expected a global batch size divisible "
                f"by {parts}. Received: batch_size={size}"
            )


def _check_on_mesh(groups):
    """Raises if a variable of the state lies outside the distribution's
    devices (it was created before the distribution was set)."""
    distribution = keras.distribution.distribution()
    if distribution is None:
        return
    expected = set(distribution.device_mesh.backend_mesh.devices.flat)
    outside = [
        variable.path
        for variables in groups
        for variable in variables
        if set(variable.value.sharding.device_set) != expected
    ]
    if outside:
        raise ValueError(
            "Under a `keras.distribution`, every variable of the GAN, its "
            "optimizers, metrics and penalties must lie on the "
            "distribution's devices. Expected the GAN created, built and "
            "compiled after `keras.distribution.set_distribution(...)` (or "
            "inside `distribution.scope()`). Received variables on other "
            f"devices: {outside[:5]}"
        )


def _stateless_step(model, step, state, data):
    """Runs the stateful `step(data)` on `state`; returns `(logs,
    new_state)`, the trainer's contract."""
    groups = _group_layout(model, state)
    mapping = [
        (variable, value)
        for variables, values in zip(groups, state)
        for variable, value in zip(variables, values)
    ]
    carried = {id(variable) for variable, _ in mapping}
    # Run eagerly, Keras passes NumPy batches; the players' calls take
    # tensors (under `jit` they are tracers already).
    data = keras.tree.map_structure(keras.ops.convert_to_tensor, data)
    with keras.StatelessScope(state_mapping=mapping) as scope:
        _scopes.append(scope)
        try:
            logs = step(data)
        finally:
            _scopes.pop()
    uncarried = set(scope.state_mapping) - carried
    if uncarried:
        names = [
            variable.path
            for variable in _all_variables(model)
            if id(variable) in uncarried
        ]
        raise RuntimeError(
            "The training step assigned variables that the JAX state does "
            "not carry, whose updates would be lost. Expected every "
            "variable a step changes to belong to the GAN, its optimizers, "
            f"metrics or penalties. Received assignments to: {names}"
        )
    new_state = tuple(
        [scope.get_current_value(variable) for variable in variables]
        for variables in groups
    )
    return logs, new_state


def _group_layout(model, state):
    # `fit` passes all four groups; `evaluate` all but the optimizers'.
    if len(state) == 4:
        return model._state_variables(True, True, True, True)
    if len(state) == 3:
        return model._state_variables(True, True, False, True)
    raise ValueError(
        "Expected a JAX training state of 3 (evaluation) or 4 (training) "
        f"groups of variables. Received: {len(state)} groups"
    )


def _all_variables(model):
    variables = list(model.variables) + list(model.metrics_variables)
    for optimizer in (model.g_optimizer, model.d_optimizer):
        variables += list(optimizer.variables)
    return variables + [variable for _, variable in model._penalty_state()]


def _current_scope():
    if not _scopes:
        raise RuntimeError(
            "keras_gan's JAX gradients are taken inside the GAN's training "
            "step. Expected a call from `GAN.train_step`. Received a call "
            "outside it."
        )
    return _scopes[-1]


def _run_substituted(fn, substitutions):
    """Runs `fn()` with the scope's values of some variables replaced.

    Args:
        fn: A function of no arguments.
        substitutions: `{id(variable): value}`.

    Returns:
        `(fn's result, updates)`: `updates` maps `id(variable)` to each
        other value `fn` assigned. The scope is left as it was, so that
        values traced inside a JAX transformation stay inside it.
    """
    mapping = _current_scope().state_mapping
    before = dict(mapping)
    mapping.update(substitutions)
    try:
        result = fn()
        updates = {
            key: value
            for key, value in mapping.items()
            if key not in substitutions and before.get(key) is not value
        }
    finally:
        mapping.clear()
        mapping.update(before)
    return result, updates


def value_and_grad(fn, variables):
    """Returns a function running `fn` under `jax.value_and_grad`.

    Args:
        fn: A function returning `(loss, aux)`, `loss` a scalar. It may
            assign variables of the step's state (BatchNorm statistics, the
            seed generator's state): those assignments reach the state.
        variables: The variables to differentiate `loss` with respect to.

    Returns:
        A function of `fn`'s arguments returning `((loss, aux),
        gradients)`, one gradient per variable.
    """

    def wrapped(*args, **kwargs):
        def pure(values):
            substitutions = {
                id(variable): value
                for variable, value in zip(variables, values)
            }
            (loss, aux), updates = _run_substituted(
                lambda: fn(*args, **kwargs), substitutions
            )
            return loss, (aux, updates)

        values = [variable.value for variable in variables]
        (loss, (aux, updates)), gradients = jax.value_and_grad(
            pure, has_aux=True
        )(values)
        _current_scope().state_mapping.update(updates)
        return (loss, aux), gradients

    return wrapped


def apply(optimizer, gradients, variables):
    """Updates `variables` with `optimizer` from their `gradients`.

    Inside the step's scope, the optimizer's assignments (the variables,
    its moments, its iteration count) are recorded in the new state.

    Args:
        optimizer: A `keras.optimizers.Optimizer`.
        gradients: One gradient per variable.
        variables: The variables to update.
    """
    optimizer.apply(gradients, variables)


def input_gradient(fn, inputs):
    """The gradient of `fn(inputs)` with respect to `inputs`.

    `jax.grad` inside the update's `jax.value_and_grad`: the update
    differentiates the gradient itself (a double backward pass).

    Args:
        fn: A function of `inputs` returning a scalar.
        inputs: A tensor.

    Returns:
        The gradient, shaped like `inputs`.
    """

    def pure(x):
        return _run_substituted(lambda: fn(x), {})

    gradient, updates = jax.grad(pure, has_aux=True)(inputs)
    _current_scope().state_mapping.update(updates)
    return gradient


def is_traced(x):
    """Whether `x` is a JAX tracer (inside `jit` or a transformation),
    whose values cannot be read."""
    return isinstance(x, jax.core.Tracer)
