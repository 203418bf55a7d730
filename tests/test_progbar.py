"""The progress line of an epoch that a stopping rule cut short says how
many steps ran."""

import re

import keras
import numpy as np
import pytest

import keras_gan
from keras_gan.callbacks.step_budget import StepBudget
from keras_gan.models import mlp_discriminator, mlp_generator
from keras_gan.progbar import ProgbarLogger


def _fit(callbacks, verbose, epochs=1):
    gan = keras_gan.GAN(
        mlp_generator(2, 2, (4,)), mlp_discriminator(2, (4,)), seed=0
    )
    gan.compile()
    data = np.random.default_rng(0).normal(size=(800, 2)).astype(np.float32)
    gan.fit(
        data, batch_size=8, epochs=epochs, callbacks=callbacks, verbose=verbose
    )
    return gan


@pytest.mark.parametrize("verbose", [1, 2])
def test_a_cut_epoch_ends_at_the_steps_that_ran(capsys, verbose):
    gan = _fit([StepBudget(12), ProgbarLogger()], verbose)
    assert gan.generator_steps == 12
    # Without the bar's colours; its redrawn lines each end with "\r".
    out = re.sub(r"\x1b\[[0-9;]*m", "", capsys.readouterr().out)
    last = out.replace("\r", "\n").strip().splitlines()[-1]
    assert last.lstrip().startswith("12/100"), out
    assert "100/100" not in out


def test_whole_epochs_end_at_their_target(capsys):
    _fit([ProgbarLogger()], verbose=2, epochs=2)
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split()[0] for line in lines] == [
        "Epoch",
        "100/100",
        "Epoch",
        "100/100",
    ]


def test_gan_fit_uses_it_unless_given_a_bar(capsys):
    _fit([StepBudget(12)], verbose=2)
    assert capsys.readouterr().out.lstrip().startswith("12/100")
    # A bar of the caller's own is kept: Keras's claims every step ran,
    # which is what this class is for.
    _fit([StepBudget(12), keras.callbacks.ProgbarLogger()], verbose=2)
    assert capsys.readouterr().out.lstrip().startswith("100/100")
    # verbose=0: no bar at all.
    _fit([StepBudget(12)], verbose=0)
    assert capsys.readouterr().out == ""
