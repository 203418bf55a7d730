"""Training one GAN on one device, many GPUs, many hosts or a TPU.

Two kinds of helpers live here:

- For the program that sets up training (`train_lib`): `get_strategy`
  builds a `tf.distribute.Strategy` by name, `is_chief` and `write_dir` say
  where a worker may write, `per_replica_batch_size` checks the global
  batch size.
- For code running inside a replica (`GAN.train_step`, penalties):
  `scale_loss_for_replicas`, `mean_over_replicas`, `replica_random` and
  `step_logs`.
  Outside a strategy they are the identity, so single-device training is
  unchanged.

How training with a strategy works:

```python
strategy = keras_gan.distribute.get_strategy("mirrored")
with strategy.scope():  # variables must be created under the scope
    gan = keras_gan.GAN(generator_fn(), discriminator_fn(), seed=0)
    gan.compile(...)  # optimizers too
gan.fit(dataset.batch(global_batch_size, drop_remainder=True))
```

The dataset is batched with the GLOBAL batch size; Keras splits every batch
into `num_replicas_in_sync` equal shards. Each replica computes its losses
as means over its shard; the optimizers sum gradients over replicas, so
`GAN.train_step` divides each loss by the number of replicas, which makes
the update that of the mean over the global batch. Noise is drawn for the
global batch from the model's one seed generator and each replica takes its
own rows: the replicas get distinct noise, and a run on N replicas draws
the same noise as a run on one device. Training is therefore the same
computation on any number of replicas (up to float summation order), and a
checkpoint resumes on a different replica count.
"""

import contextlib
import json
import os
import shutil
import tempfile

import keras
import tensorflow as tf

__all__ = [
    "STRATEGY_NAMES",
    "get_strategy",
    "is_chief",
    "mean_over_replicas",
    "per_replica_batch_size",
    "replica_random",
    "scale_loss_for_replicas",
    "step_logs",
    "write_dir",
]

STRATEGY_NAMES = ("default", "mirrored", "multi_worker", "tpu")


def get_strategy(name="default", tpu_address=None):
    """Returns the `tf.distribute.Strategy` called `name`.

    Create the strategy first thing in the program, before any other
    TensorFlow op runs: `MultiWorkerMirroredStrategy` configures collective
    ops at start-up and the TPU system must be initialised before use.

    - `"default"`: the default strategy (one device, no distribution).
    - `"mirrored"`: `MirroredStrategy`, one replica per local GPU (the CPU
      when there is none).
    - `"multi_worker"`: `MultiWorkerMirroredStrategy` over the hosts listed
      in the `TF_CONFIG` environment variable (one replica per GPU of each
      host). Without `TF_CONFIG`, a single local worker.
    - `"tpu"`: `TPUStrategy` on the TPU found by `TPUClusterResolver`.

    Args:
        name: One of `STRATEGY_NAMES`. Defaults to `"default"`.
        tpu_address: For `"tpu"` only: the TPU's name or `grpc://` address,
            `"local"` on a TPU VM. Defaults to `None`: read from the
            `TPU_NAME` environment variable.

    Returns:
        A `tf.distribute.Strategy`.

    Raises:
        ValueError: For an unknown `name`, a `tpu_address` given with
            another strategy, or a malformed `TF_CONFIG`.
        RuntimeError: When no TPU can be reached.
    """
    if name not in STRATEGY_NAMES:
        raise ValueError(
            "Invalid value for argument `name`. Expected one of "
            f"{STRATEGY_NAMES}. Received: name={name!r}"
        )
    if tpu_address is not None and name != "tpu":
        raise ValueError(
            "Argument `tpu_address` is only used with name='tpu'. Received: "
            f"name={name!r}, tpu_address={tpu_address!r}"
        )
    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        return tf.distribute.MirroredStrategy()
    if name == "multi_worker":
        _check_tf_config()
        return tf.distribute.MultiWorkerMirroredStrategy()
    return _tpu_strategy(tpu_address)


def _check_tf_config():
    raw = os.environ.get("TF_CONFIG")
    if not raw:
        return
    try:
        config = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ValueError(
            f"The TF_CONFIG environment variable is not valid JSON: {error}. "
            f"Received: TF_CONFIG={raw!r}"
        ) from None
    if not isinstance(config, dict) or not {"cluster", "task"} <= set(config):
        raise ValueError(
            "Expected TF_CONFIG to be a JSON object with keys 'cluster' and "
            '\'task\', e.g. {"cluster": {"worker": ["host1:port", '
            '"host2:port"]}, "task": {"type": "worker", "index": 0}}. '
            f"Received: TF_CONFIG={raw!r}"
        )


def _tpu_strategy(tpu_address):
    try:
        resolver = tf.distribute.cluster_resolver.TPUClusterResolver(
            tpu=tpu_address
        )
        # A TPU VM's chips are local; a TPU node is reached over gRPC.
        if tpu_address != "local":
            tf.config.experimental_connect_to_cluster(resolver)
        tf.tpu.experimental.initialize_tpu_system(resolver)
    except (ValueError, RuntimeError, tf.errors.OpError) as error:
        raise RuntimeError(
            f"Could not use a TPU (tpu_address={tpu_address!r}): {error} "
            "On a TPU VM pass tpu_address='local'; for a TPU node pass its "
            "name or grpc:// address, or set TPU_NAME. Use name='mirrored' "
            "or 'default' to train without a TPU."
        ) from error
    return tf.distribute.TPUStrategy(resolver)


def _task(strategy):
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or isinstance(strategy, tf.distribute.TPUStrategy):
        # One program drives all the TPU's cores: it is the chief.
        return None, None, {}
    return resolver.task_type, resolver.task_id, resolver.cluster_spec()


def is_chief(strategy=None):
    """Whether this process is the one that writes checkpoints and exports.

    With several workers (`MultiWorkerMirroredStrategy`) the chief is the
    `"chief"` task, or worker 0 when the cluster has no chief. Every other
    strategy runs in one process, which is the chief.

    Args:
        strategy: A `tf.distribute.Strategy`. Defaults to `None`: the
            current one.

    Returns:
        A bool.
    """
    strategy = strategy or tf.distribute.get_strategy()
    task_type, task_id, cluster_spec = _task(strategy)
    if task_type is None or task_type == "chief":
        return True
    has_chief = "chief" in (cluster_spec.as_dict() if cluster_spec else {})
    return task_type == "worker" and task_id == 0 and not has_chief


@contextlib.contextmanager
def write_dir(directory, strategy=None):
    """Yields the directory this worker writes `directory`'s files to.

    Under `MultiWorkerMirroredStrategy` every worker must take part in
    saving (reading synchronised variables can run collective ops), but
    only the chief's files are kept. As TensorFlow recommends, the chief
    writes to `directory` and the other workers to a temporary directory
    that is deleted on exit.

    ```python
    with keras_gan.distribute.write_dir(workdir) as directory:
        gan.save(os.path.join(directory, "gan.keras"))
    ```

    Args:
        directory: Where the chief writes.
        strategy: A `tf.distribute.Strategy`. Defaults to `None`: the
            current one.

    Yields:
        `directory` on the chief, a fresh temporary directory elsewhere.
    """
    if is_chief(strategy):
        tf.io.gfile.makedirs(directory)
        yield directory
        return
    temporary = tempfile.mkdtemp(prefix="keras_gan_worker_")
    try:
        yield temporary
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def per_replica_batch_size(global_batch_size, strategy=None):
    """Returns the batch size each replica sees for a global batch size.

    Batch the dataset with the global batch size: Keras splits each batch
    into `num_replicas_in_sync` shards. The shards must be equal for the
    losses (means over each shard) to average to the mean over the global
    batch, so the global batch size must be divisible by the replica count.

    Args:
        global_batch_size: Samples per step over all replicas.
        strategy: A `tf.distribute.Strategy`. Defaults to `None`: the
            current one.

    Returns:
        An int, `global_batch_size // num_replicas_in_sync`.
    """
    strategy = strategy or tf.distribute.get_strategy()
    replicas = strategy.num_replicas_in_sync
    if (
        isinstance(global_batch_size, bool)
        or not isinstance(global_batch_size, int)
        or global_batch_size < 1
        or global_batch_size % replicas
    ):
        raise ValueError(
            "Invalid value for argument `global_batch_size`. Expected a "
            "positive integer divisible by the number of replicas "
            f"({replicas}). Received: global_batch_size={global_batch_size!r}"
        )
    return global_batch_size // replicas


# -- Inside a replica --


class _SingleDevice:
    """The `distribute_strategy` of a GAN off TensorFlow: one device, whose
    scope changes nothing (`tf.distribute` is TensorFlow's)."""

    num_replicas_in_sync = 1

    def scope(self):
        return contextlib.nullcontext()


SINGLE_DEVICE = _SingleDevice()


def _replica_context():
    """The replica context when running inside a multi-replica step."""
    if keras.backend.backend() != "tensorflow":
        return None  # the helpers below are then the identity
    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return None
    return context


def scale_loss_for_replicas(loss):
    """Divides a per-replica loss by the number of replicas in sync.

    Optimizers SUM the replicas' gradients (`apply_gradients` all-reduces
    them). A loss that is a mean over the replica's shard, divided by the
    replica count, thus gives the gradient of the mean over the global
    batch. Outside a multi-replica step, returns `loss` unchanged.
    """
    context = _replica_context()
    if context is None:
        return loss
    return loss / tf.cast(context.num_replicas_in_sync, loss.dtype)


def mean_over_replicas(values):
    """Averages a list of scalars over all replicas (all-reduce).

    Used for logged values, so each replica's metric trackers hold the value
    for the global batch, whatever reduction the trainer applies to the
    replicas' results (Keras takes the first replica's on TPU). Outside a
    multi-replica step, returns `values` unchanged.
    """
    context = _replica_context()
    if context is None or not values:
        return values
    return context.all_reduce(tf.distribute.ReduceOp.MEAN, list(values))


def replica_random(sampler, shape, seed):
    """Draws random values for this replica's shard of the global batch.

    `sampler` (e.g. `keras.random.normal`) draws the values for the whole
    global batch, `[shape[0] * num_replicas, *shape[1:]]`, and this replica
    takes its rows (replica `i` gets rows `i * shape[0]` onwards, as it gets
    the data). A `SeedGenerator` advances identically on every replica, so
    drawing `shape` directly would give every replica the same values.
    This way the replicas' values are distinct, and together they are what
    a single device draws for the global batch.

    Args:
        sampler: A function `sampler(shape, seed=seed)`, such as
            `keras.random.normal` or `keras.random.uniform`.
        shape: The shape for this replica, batch dimension first.
        seed: A `keras.random.SeedGenerator` (or int seed).

    Returns:
        A tensor of shape `shape`.
    """
    context = _replica_context()
    if context is None:
        return sampler(shape, seed=seed)
    rows, rest = shape[0], list(shape[1:])
    values = sampler([rows * context.num_replicas_in_sync, *rest], seed=seed)
    start = tf.cast(rows, tf.int32) * context.replica_id_in_sync_group
    # tf.slice keeps the static shape, which XLA (TPU) needs.
    return tf.slice(values, [start] + [0] * len(rest), [rows, *rest])


def step_logs(metrics, strategy):
    """Returns a train or test step's logs: `{name: result}` of `metrics`.

    Under `MultiWorkerMirroredStrategy` with several workers, Keras 3's
    `fit` reduces each logged value with `strategy.reduce("MEAN", value,
    axis=0)`, which fails on scalars ("Invalid reduction dimension 0 for
    input with 0 dimensions", tensorflow/tensorflow#72388). There the
    results get a leading axis of size 1, which that reduction removes.

    Args:
        metrics: The model's metrics.
        strategy: The model's `distribute_strategy`.

    Returns:
        A dict of tensors.
    """
    logs = {metric.name: metric.result() for metric in metrics}
    # The condition under which Keras's trainer takes that path
    # (keras/src/backend/tensorflow/trainer.py, reduce_per_replica).
    if (
        isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy)
        and strategy.extended._in_multi_worker_mode()
    ):
        logs = {name: value[tf.newaxis] for name, value in logs.items()}
    return logs
