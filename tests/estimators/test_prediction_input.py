"""Prediction checks X for NaN and infinity on the first layer's output, chunk
by chunk (Sequential.forward(check_finite=True)), not by a pass over X first:
bad input must still get scikit-learn's error, in any chunk, and finite input
whose products overflow must still be predicted as scikit-learn predicts it."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.neural_network as sk
from sklearn.exceptions import ConvergenceWarning

from lucidnet import Autoencoder, MLPClassifier, MLPRegressor
from lucidnet.engine.network import PREDICT_CHUNK
from lucidnet.engine.testing import kernels_forced


def fitted_pair(cls_name, X, y):
    """lucidnet's and scikit-learn's model, the same by construction (same random_state)."""
    params = dict(hidden_layer_sizes=(16, 8), max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = {"classifier": MLPClassifier, "regressor": MLPRegressor}[cls_name](**params)
        theirs = {"classifier": sk.MLPClassifier, "regressor": sk.MLPRegressor}[cls_name](**params)
        return ours.fit(X, y), theirs.fit(X, y)


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((PREDICT_CHUNK + 900, 6)).astype(np.float32)
    return X, (X[:, 0] > 0).astype(int)


def scikit_learns_error(model, X):
    with pytest.raises(ValueError) as error:
        model.predict(X)
    return str(error.value)


@pytest.mark.parametrize("fused", [False, True])
@pytest.mark.parametrize("cls_name", ["classifier", "regressor"])
@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("row", [3, PREDICT_CHUNK + 17])  # the first chunk, a later one
def test_a_nan_or_infinity_gets_scikit_learns_error(data, cls_name, value, row, fused):
    X, y = data
    ours, theirs = fitted_pair(cls_name, X, y)
    bad = X.copy()
    bad[row, 2] = value
    expected = scikit_learns_error(theirs, bad)
    with kernels_forced(fused):
        for method in ("predict", "predict_proba") if cls_name == "classifier" else ("predict",):
            with pytest.raises(ValueError) as error:
                getattr(ours, method)(bad)
            assert str(error.value) == expected


def test_sparse_input_is_still_checked(data):
    X, y = data
    ours, theirs = fitted_pair("classifier", X, y)
    bad = sp.csr_matrix(X[:50])
    bad.data[7] = np.nan
    with pytest.raises(ValueError) as error:
        ours.predict(bad)
    assert str(error.value) == scikit_learns_error(theirs, bad)


@pytest.mark.parametrize("fused", [False, True])
def test_finite_input_whose_products_overflow_predicts_as_scikit_learn(data, fused):
    X, y = data
    ours, theirs = fitted_pair("classifier", X, y)
    # finite, but X @ W overflows to infinity in float32
    huge = np.where(X > 0, np.float32(3e38), np.float32(-3e38))
    with kernels_forced(fused), np.errstate(all="ignore"):
        assert not np.isfinite(huge @ ours.coefs_[0]).all()
        ours_p = ours.predict_proba(huge)
    with np.errstate(all="ignore"):
        theirs_p = theirs.predict_proba(huge)
    np.testing.assert_array_equal(ours_p, theirs_p)


@pytest.mark.parametrize("activation", ["relu", "tanh", "identity"])
def test_the_fused_bias_and_relu_predict_as_the_numpy_form(data, activation):
    X, y = data
    model = MLPClassifier((16, 8), activation=activation, max_iter=3, random_state=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    for dtype in (np.float32, np.float64):
        with kernels_forced(False):
            numpy_form = model.predict_proba(X.astype(dtype))
        with kernels_forced(True):
            fused = model.predict_proba(X.astype(dtype))
        np.testing.assert_array_equal(numpy_form, fused)


def test_an_autoencoders_score_samples_checks_its_input(data):
    X, _ = data
    ae = Autoencoder(n_components=2, hidden_layer_sizes=(8,), max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ae.fit(X[:200])
    bad = X[:300].copy()
    bad[250, 1] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        ae.score_samples(bad)
    assert np.isfinite(ae.score_samples(X[:300])).all()
