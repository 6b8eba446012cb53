"""Prediction checks X for NaN and infinity on the first layer's output, chunk
by chunk (Sequential.forward(check_finite=True)), not by a pass over X first:
bad input must still get scikit-learn's error, in any chunk, and finite input
whose products overflow must still be predicted as scikit-learn predicts it."""

import contextlib
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.neural_network as sk
from sklearn.exceptions import ConvergenceWarning

import lucidnet.engine.kernels as kernels
from lucidnet import Autoencoder, MLPClassifier, MLPRegressor
from lucidnet.engine.network import PREDICT_CHUNK
from lucidnet.engine.testing import kernels_forced


def kernels_or_skip(on: bool):
    """``kernels_forced(on)``; a test of the kernels skips where they cannot load."""
    if on and not kernels.load():
        pytest.skip("numba's kernels are not available (numba missing or LUCIDNET_NO_NUMBA set)")
    return kernels_forced(on)


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


@contextlib.contextmanager
def strict():
    """Warnings as errors and NumPy's floating-point errors raised: bad input
    must still get scikit-learn's ValueError first, not a stray warning."""
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        yield


def scikit_learns_error(model, X):
    with pytest.raises(ValueError) as error, strict():
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
    with kernels_or_skip(fused):
        for method in ("predict", "predict_proba") if cls_name == "classifier" else ("predict",):
            with pytest.raises(ValueError) as error, strict():
                getattr(ours, method)(bad)
            assert str(error.value) == expected


@pytest.mark.parametrize("fused", [False, True])
def test_an_infinity_meeting_zero_weights_gets_scikit_learns_error(data, fused):
    # inf * 0 is NaN: NumPy's product warns, before the check can raise
    X, y = data
    ours, theirs = fitted_pair("classifier", X, y)
    for model in (ours, theirs):
        model.coefs_[0][2] = 0.0
    bad = X.copy()
    bad[PREDICT_CHUNK + 3, 2] = np.inf
    expected = scikit_learns_error(theirs, bad)
    with kernels_or_skip(fused), pytest.raises(ValueError) as error, strict():
        ours.predict_proba(bad)
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
    with kernels_or_skip(fused), np.errstate(all="ignore"):
        assert not np.isfinite(huge @ ours.coefs_[0]).all()
        ours_p = ours.predict_proba(huge)
    with np.errstate(all="ignore"):
        theirs_p = theirs.predict_proba(huge)
    np.testing.assert_array_equal(ours_p, theirs_p)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_fused_bias_and_relu_predict_as_scikit_learn(data, dtype, monkeypatch):
    X, y = data
    X = X.astype(dtype)
    ours, theirs = fitted_pair("classifier", X, y)
    calls = []
    compiled = kernels.bias_relu
    monkeypatch.setattr(kernels, "bias_relu", lambda Z, b: calls.append(Z.shape) or compiled(Z, b))
    with kernels_or_skip(True):
        fused = ours.predict_proba(X)
    assert calls  # the fused pass ran, on both hidden layers of every chunk
    assert len(calls) == 2 * -(-len(X) // PREDICT_CHUNK)
    with kernels_or_skip(False):
        numpy_form = ours.predict_proba(X)
    np.testing.assert_array_equal(fused, numpy_form)
    small = X[:PREDICT_CHUNK]  # one chunk, as scikit-learn multiplies (see the README)
    with kernels_or_skip(True):
        np.testing.assert_array_equal(ours.predict_proba(small), theirs.predict_proba(small))


def test_an_autoencoders_score_samples_refuses_nan(data):
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
