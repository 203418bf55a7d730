"""The samplers read a workdir by its documented layout (docs/contracts.md,
"Workdir layout"), with nothing of the training application."""

import json
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import keras_gan
from keras_gan import checkpoints
from keras_gan.metrics import samplers
from keras_gan.models import mlp

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent


def _checkpointed_run(workdir, config=None):
    gan = keras_gan.GAN(
        mlp.mlp_generator(latent_dim=4, hidden_units=(8,)),
        mlp.mlp_discriminator(input_dim=2, hidden_units=(8,)),
        seed=0,
    )
    gan.compile()
    gan.build()
    manager = checkpoints.CheckpointManager(workdir / samplers.CHECKPOINTS_DIR)
    manager.save(gan)
    if config is not None:
        (workdir / samplers.CONFIG_FILE).write_text(json.dumps(config))
    return gan


def test_read_run_config(tmp_path):
    assert samplers.read_run_config(tmp_path) is None
    (tmp_path / "config.json").write_text('{"dataset": "ring"}')
    assert samplers.read_run_config(tmp_path) == {"dataset": "ring"}
    (tmp_path / "config.json").write_text("[1, 2]")
    with pytest.raises(ValueError, match="JSON object"):
        samplers.read_run_config(tmp_path)


def test_workdir_sampler_loads_the_newest_checkpoint(tmp_path):
    gan = _checkpointed_run(tmp_path, {"dataset": "ring", "export_dir": None})
    sampler = samplers.workdir_sampler(tmp_path)
    assert isinstance(sampler, samplers.ModelSampler)
    assert "checkpoint" in sampler.description
    assert sampler.metadata == {"dataset": "ring", "step": 0}
    z = samplers.standard_normal_noise(8, 4, seed=3)
    np.testing.assert_allclose(
        sampler.generate(z), np.asarray(gan.generator(z)), atol=1e-6
    )
    assert samplers.dataset_of(workdir=tmp_path) == "ring"


def test_a_run_without_config_has_no_dataset(tmp_path):
    _checkpointed_run(tmp_path)
    assert "dataset" not in samplers.workdir_sampler(tmp_path).metadata
    assert samplers.dataset_of(workdir=tmp_path) is None


def test_sampling_a_workdir_loads_no_training_module(tmp_path):
    _checkpointed_run(tmp_path, {"dataset": "ring"})
    code = (
        "import sys\n"
        "from keras_gan.metrics import samplers\n"
        f"samplers.workdir_sampler({str(tmp_path)!r}).sample(4)\n"
        "print(sorted(m for m in sys.modules\n"
        "             if m.startswith('keras_gan.training')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert out.stdout.strip().splitlines()[-1] == "[]"
