"""keras_gan.distribute in one process (multi-replica runs: the other files).

MultiWorkerMirroredStrategy is never created here: it must be created before
any other TensorFlow op of its process (see test_multi_worker.py).
"""

import json

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gan import distribute
from keras_gan.models import real_batches


def test_default_and_mirrored_strategies():
    assert distribute.get_strategy() is tf.distribute.get_strategy()
    mirrored = distribute.get_strategy("mirrored")
    assert isinstance(mirrored, tf.distribute.MirroredStrategy)
    assert mirrored.num_replicas_in_sync >= 1


def test_unknown_strategy_names_the_valid_ones():
    with pytest.raises(ValueError, match="name='gpu'") as error:
        distribute.get_strategy("gpu")
    for name in distribute.STRATEGY_NAMES:
        assert repr(name) in str(error.value)
    with pytest.raises(ValueError, match="tpu_address"):
        distribute.get_strategy("mirrored", tpu_address="local")


@pytest.mark.parametrize(
    ("tf_config", "message"),
    [("{not json", "not valid JSON"), (json.dumps({"task": {}}), "'cluster'")],
)
def test_malformed_tf_config_is_rejected(monkeypatch, tf_config, message):
    monkeypatch.setenv("TF_CONFIG", tf_config)
    with pytest.raises(ValueError, match=message):
        distribute.get_strategy("multi_worker")


def test_missing_tpu_gives_a_clear_error():
    with pytest.raises(RuntimeError, match="Could not use a TPU"):
        distribute.get_strategy("tpu", tpu_address="local")


def test_a_single_process_is_the_chief_and_writes_in_place(tmp_path):
    assert distribute.is_chief()
    target = tmp_path / "workdir"
    with distribute.write_dir(str(target)) as directory:
        assert directory == str(target)
    assert target.is_dir()


@pytest.mark.parametrize("value", [0, 2.5, True, None])
def test_per_replica_batch_size_rejects_invalid_values(value):
    assert distribute.per_replica_batch_size(6) == 6
    with pytest.raises(ValueError, match=f"global_batch_size={value!r}"):
        distribute.per_replica_batch_size(value)


def test_in_step_helpers_are_the_identity_on_one_device():
    loss = tf.constant(3.0)
    assert distribute.scale_loss_for_replicas(loss) is loss
    values = [tf.constant(1.0), tf.constant(2.0)]
    assert distribute.mean_over_replicas(values) is values
    drawn = distribute.replica_random(
        keras.random.normal, (4, 3), seed=keras.random.SeedGenerator(2)
    )
    expected = keras.random.normal((4, 3), seed=keras.random.SeedGenerator(2))
    np.testing.assert_array_equal(drawn, expected)


@pytest.mark.parametrize("k", [1, 3])
def test_real_batches_are_batch_major_so_replicas_split_the_batch(k):
    # Batch i of 4 images holds the value i: element [4, k, 2, 2, 1].
    values = np.repeat(np.arange(2 * k, dtype=np.float32), 4)
    images = np.broadcast_to(values[:, None, None, None], (8 * k, 2, 2, 1))
    dataset = tf.data.Dataset.from_tensor_slices(images).batch(4)
    grouped = real_batches.group_real_batches(dataset, k)
    elements = list(grouped.as_numpy_iterator())
    assert len(elements) == 2
    for step, element in enumerate(elements):
        assert element.shape == (4, k, 2, 2, 1)
        for i in range(k):
            np.testing.assert_array_equal(element[:, i], step * k + i)


def test_short_last_batch_is_dropped_on_request():
    dataset = tf.data.Dataset.from_tensor_slices(np.zeros((10, 2))).batch(4)
    kept = real_batches.group_real_batches(dataset, 1)
    assert [e.shape[0] for e in kept.as_numpy_iterator()] == [4, 4, 2]
    dropped = real_batches.group_real_batches(dataset, 1, drop_remainder=True)
    assert dropped.element_spec.shape.as_list() == [4, 1, 2]
    assert len(list(dropped.as_numpy_iterator())) == 2
