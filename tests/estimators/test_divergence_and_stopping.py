"""Huge targets or inputs end in a clear error, never in a NaN model; and the
private switch by which the command's classifiers stop on the validation
loss (issue 16, final review)."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from lucidnet import Autoencoder, MLPClassifier, MLPRegressor, TrainingDivergedError


def regression_data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 2))
    return X, 2 * X[:, 0] + X[:, 1]


@pytest.mark.parametrize("early_stopping", [False, True])
@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
@pytest.mark.parametrize("huge", ["target", "inputs"])
def test_huge_values_raise_a_clear_error(early_stopping, solver, huge):
    """With early stopping every validation score was NaN and the untrained
    network came back silently, with a loss_ of inf (scikit-learn's too)."""
    X, y = regression_data()
    X, y = (X, y * 1e300) if huge == "target" else (X * 1e200, y)
    model = MLPRegressor(
        hidden_layer_sizes=(8,), solver=solver, early_stopping=early_stopping, max_iter=20,
        random_state=0,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(TrainingDivergedError, match="Training diverged"):
            model.fit(X, y)
    assert all(np.isfinite(c).all() for c in model.coefs_ + model.intercepts_)


def test_an_autoencoder_with_early_stopping_on_huge_inputs_raises():
    X, _ = regression_data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(TrainingDivergedError, match="no validation score was finite"):
            Autoencoder(n_components=1, hidden_layer_sizes=(4,), early_stopping=True,
                        max_iter=20, random_state=0).fit(X * 1e200)  # fmt: skip


def test_the_loss_switch_keeps_the_epoch_of_the_lowest_validation_loss():
    """``_validation_metric = "loss"``: early stopping follows the validation
    loss; ``validation_scores_`` stay accuracies and ``best_validation_score_``
    is the kept epoch's."""
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    X, X_val, y, y_val = train_test_split(X, y, test_size=0.2, random_state=0, stratify=y)
    params = dict(hidden_layer_sizes=(16,), learning_rate_init=0.1, max_iter=500, random_state=0)
    model = MLPClassifier(early_stopping=True, **params)
    model._validation_metric = "loss"
    model.fit(X, y, X_val=X_val, y_val=y_val)
    kept = int(np.argmin(model.validation_loss_curve_)) + 1  # the first lowest
    assert kept < model.n_iter_ < model.max_iter  # stopped, after the kept epoch
    counts = np.asarray(model.validation_scores_) * len(y_val)
    assert np.allclose(counts, np.round(counts)) and max(model.validation_scores_) <= 1
    assert model.best_validation_score_ == model.validation_scores_[kept - 1]
    # the weights kept are those of that epoch: the same fit, stopped there
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        there = MLPClassifier(**{**params, "max_iter": kept}).fit(X, y)
    np.testing.assert_allclose(model.predict_proba(X_val), there.predict_proba(X_val))
    # scikit-learn's rule, by accuracy, keeps another epoch on these rows
    by_accuracy = MLPClassifier(early_stopping=True, **params).fit(X, y, X_val=X_val, y_val=y_val)
    assert by_accuracy.n_iter_ != model.n_iter_
