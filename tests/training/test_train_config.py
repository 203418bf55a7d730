"""TrainConfig: validated in one place, JSON round trip, resume rules."""

import dataclasses
import json

import pytest

from keras_gan.training.config import (
    RESUMABLE_FIELDS,
    ConfigError,
    IncompatibleConfigError,
    TrainConfig,
    check_resumable,
    option_of,
)


def _config(**overrides):
    return TrainConfig(**{"workdir": "/tmp/run", "steps": 10, **overrides})


def test_defaults_are_valid_and_round_trip_through_json():
    config = _config(
        penalties=["r1"], penalty_weights=[0.1], hidden_units=[8, 8]
    )
    assert config.penalties == ("r1",) and config.hidden_units == (8, 8)
    data = json.loads(json.dumps(config.to_dict()))
    assert TrainConfig.from_dict(data) == config
    assert config.resolved_export_dir == "/tmp/run/export"
    assert _config(export_dir="/x").resolved_export_dir == "/x"


@pytest.mark.parametrize(
    "field, value, expected",
    [
        ("batch_size", 0, "a positive integer"),
        ("batch_size", 2.5, "a positive integer"),
        ("latent_dim", -1, "a positive integer"),
        ("g_learning_rate", 0.0, "a positive number"),
        ("d_learning_rate", float("nan"), "a positive number"),
        ("beta_1", 1.0, "a number in [0, 1)"),
        ("loss", "nonsaturating", "one of ['hinge', 'least_squares'"),
        ("architecture", "biggan", "one of ['auto', 'dcgan', 'mlp', 'resnet']"),
        ("penalties", ("r2",), "distinct names among ['gradient_penalty'"),
        ("discriminator_steps", 0, "a positive integer"),
        ("steps", -5, "a positive integer or None"),
        ("max_train_minutes", 0, "a positive number or None"),
        ("channels", 2, "1, 3 or None"),
        ("jit_compile", "yes", "one of ('auto', True, False)"),
        ("loss_threshold_mode", "under", "one of ('below', 'above')"),
        ("workdir", "", "a directory path"),
        ("strategy", "horovod", "one of ('default', 'mirrored'"),
        ("tpu_address", "local", "an address with strategy='tpu'"),
    ],
)
def test_invalid_values_name_the_field_expected_and_received(
    field, value, expected
):
    with pytest.raises(ConfigError) as info:
        _config(**{field: value})
    message = str(info.value)
    assert f"Invalid value for `{field}`" in message
    assert expected in message
    assert f"Received: {field}={value!r}" in message


def test_all_invalid_fields_are_reported_together():
    with pytest.raises(ConfigError) as info:
        _config(batch_size=0, latent_dim=0, loss="bogus")
    message = str(info.value)
    for field in ("batch_size", "latent_dim", "loss"):
        assert f"`{field}`" in message


def test_cross_field_rules():
    with pytest.raises(ConfigError, match="No training budget"):
        TrainConfig(workdir="/tmp/run")
    with pytest.raises(ConfigError, match="one per penalty"):
        _config(penalties=("r1",), penalty_weights=(0.1, 0.2))
    with pytest.raises(ConfigError, match="equilibrium output"):
        _config(loss="wasserstein", equilibrium_tolerance=0.05)
    with pytest.raises(ConfigError, match="one of \\['d_loss'"):
        _config(loss_threshold=0.5, loss_threshold_monitor="r1_penalty")
    # A penalty's key is logged, so it can be monitored.
    _config(
        penalties=("r1",),
        loss_threshold=0.5,
        loss_threshold_monitor="r1_penalty",
    )
    _config(epochs=None, steps=None, max_train_minutes=1.0)
    with pytest.raises(ConfigError, match="workers must stop at the same"):
        _config(strategy="multi_worker", max_train_minutes=1.0)
    _config(strategy="tpu", tpu_address="local")


def test_from_dict_rejects_unknown_fields():
    with pytest.raises(ConfigError, match="Unknown TrainConfig fields"):
        TrainConfig.from_dict({**_config().to_dict(), "learning_rate": 1.0})


def test_resume_accepts_budget_and_output_changes():
    saved = _config()
    check_resumable(
        saved,
        dataclasses.replace(
            saved,
            steps=100,
            max_train_minutes=5.0,
            equilibrium_tolerance=0.05,
            sample_every_n_epochs=2,
            workdir="/elsewhere",
            jit_compile=False,
            strategy="mirrored",
            # Lowered to go on after a divergence.
            g_learning_rate=1e-5,
            d_learning_rate=1e-5,
        ),
    )


@pytest.mark.parametrize(
    "field, value",
    [
        ("latent_dim", 3),
        ("loss", "hinge"),
        ("batch_size", 8),
        ("dataset", "grid"),
        ("beta_1", 0.0),
        ("mixed_precision", "bfloat16"),
        ("seed", 1),
    ],
)
def test_resume_rejects_changes_to_the_model_optimizers_or_data(field, value):
    assert field not in RESUMABLE_FIELDS
    saved = _config()
    with pytest.raises(IncompatibleConfigError) as info:
        check_resumable(saved, dataclasses.replace(saved, **{field: value}))
    assert f"`{field}`" in str(info.value)
    assert repr(value) in str(info.value)


def test_every_field_has_an_option():
    for field in dataclasses.fields(TrainConfig):
        option = option_of(field)
        assert option.help, field.name
        # A field checked with others has its check in the cross-field
        # rules; every other field has a check or choices, not both.
        checked_with_others = {
            "penalty_weights",
            "loss_threshold_monitor",
            "tpu_address",
        }
        assert (option.check is None) != (option.choices is None) or (
            field.name in checked_with_others
        ), field.name
    assert {
        f.name
        for f in dataclasses.fields(TrainConfig)
        if option_of(f).resumable
    } == RESUMABLE_FIELDS


def test_backend_defaults_to_the_one_keras_runs_and_may_change_on_resume():
    import keras

    config = _config()
    assert config.backend == keras.backend.backend()
    assert "backend" in RESUMABLE_FIELDS
    for backend in ("tensorflow", "jax", "torch"):
        moved = dataclasses.replace(config, backend=backend)
        check_resumable(config, moved)
        data = json.loads(json.dumps(moved.to_dict()))
        assert data["backend"] == backend
        assert TrainConfig.from_dict(data) == moved
    with pytest.raises(ConfigError) as info:
        _config(backend="numpy")
    assert str(info.value) == (
        "Invalid value for `backend`. Expected one of ('tensorflow', "
        "'jax', 'torch'). Received: backend='numpy'"
    )


def test_torch_refuses_steps_per_execution_above_one():
    with pytest.raises(ConfigError) as info:
        _config(backend="torch", steps_per_execution=2, steps=10)
    assert "PyTorch trainer" in str(info.value)
    assert "Received: steps_per_execution=2, backend='torch'" in str(info.value)
    _config(backend="torch", steps_per_execution=1)
    _config(backend="jax", steps_per_execution=2, steps=10)
    _config(backend="tensorflow", steps_per_execution=2, steps=10)
