"""Ctrl-C in fit: scikit-learn's behaviour, documented and kept (issue 16)."""

import warnings

import numpy as np

import lucidnet
from lucidnet.estimators.base import INTERRUPTED


def test_ctrl_c_in_fit_ends_training_with_a_warning_as_in_scikit_learn(monkeypatch):
    """The estimators keep scikit-learn's documented behaviour: fit warns and
    returns the model trained so far."""
    X = np.random.default_rng(0).normal(size=(60, 3))
    y = (X[:, 0] > 0).astype(int)
    model = lucidnet.MLPClassifier(hidden_layer_sizes=(5,), max_iter=50, random_state=0)
    epochs = []

    def interrupt_at_epoch_3():
        epochs.append(1)
        if len(epochs) == 3:
            raise KeyboardInterrupt

    monkeypatch.setattr(model, "_check_divergence", interrupt_at_epoch_3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(X, y)
    assert [str(w.message) for w in caught] == [INTERRUPTED]
    assert INTERRUPTED == "Training interrupted by user."  # scikit-learn's words
    assert len(model.loss_curve_) == 2 and model.n_iter_ < 50  # ended in epoch 3
    assert model.predict(X).shape == (60,)
    assert "Ctrl-C" in lucidnet.MLPClassifier.__doc__ and INTERRUPTED in " ".join(
        lucidnet.Autoencoder.__doc__.split()
    )
