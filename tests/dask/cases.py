"""The estimators the dask tests run, each with small data it learns in a few epochs."""

import numpy as np
from sklearn.datasets import load_digits

from lucidnet import (
    Autoencoder,
    ConvNetClassifier,
    ConvNetRegressor,
    MLPClassifier,
    MLPRegressor,
)

# The image defaults spelled out, small (tests/estimators/test_convnet.py).
POOLED = dict(
    kernel_size=3, pool_size=2, batch_norm=False, head="flatten", learning_rate="constant"
)


def digits():
    X, y = load_digits(return_X_y=True)
    return X / 16, y


def curve():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(800, 8))
    return X, X[:, 0] ** 2 + X[:, 1]


def signals():
    """Signals of 40 steps; the target is the sum of steps 10 to 19."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((800, 40))
    return X, X[:, 10:20].sum(axis=1)


# name: (the estimator, its data, the score of one that learned nothing: a perfect one scores
# 1 for accuracy and R^2, 0 for the autoencoder's minus mean squared error)
CASES = {
    "MLPClassifier": (
        MLPClassifier(hidden_layer_sizes=(32,), learning_rate_init=0.01, random_state=0),
        digits,
        0.1,  # accuracy of a guess among ten balanced classes
    ),
    "ConvNetClassifier": (
        ConvNetClassifier(
            conv_layers=(8,),
            hidden_layer_sizes=(16,),
            input_shape=(8, 8),
            **POOLED,
            learning_rate_init=0.01,
            random_state=0,
        ),
        digits,
        0.1,
    ),
    "MLPRegressor": (
        MLPRegressor(hidden_layer_sizes=(32,), learning_rate_init=0.01, random_state=0),
        curve,
        0.0,  # R^2 of predicting the mean
    ),
    "ConvNetRegressor": (
        ConvNetRegressor(
            conv_layers=(8,),
            hidden_layer_sizes=(16,),
            input_shape=(40,),
            **POOLED,
            learning_rate_init=0.01,
            random_state=0,
        ),
        signals,
        0.0,
    ),
    "Autoencoder": (
        Autoencoder(
            n_components=8, hidden_layer_sizes=(32,), learning_rate_init=0.01, random_state=0
        ),
        digits,
        None,  # reconstructing every sample as the mean sample: computed from the data
    ),
}


def fit_kwargs(estimator, y):
    # A classifier's first partial_fit must be told every class: one block may lack some.
    return {"classes": np.unique(y)} if hasattr(estimator, "predict_proba") else {}


def blocks(dask_array):
    """The rows of each block of ``dask_array``, as slices, in order."""
    bounds = np.cumsum((0, *dask_array.chunks[0]))
    return [slice(a, b) for a, b in zip(bounds[:-1], bounds[1:])]
