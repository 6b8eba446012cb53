"""dask-ml's ``Incremental`` trains every estimator with ``partial_fit`` over
the blocks of a dask array, on a real cluster.

Each block's ``partial_fit`` runs as a task on a worker process: the estimator
is pickled there and back between blocks. lucidnet being deterministic with
``random_state``, the result must be exactly what calling ``partial_fit`` block
by block by hand gives, and it must have learned something.
"""

import dask.array as da
import numpy as np
import pytest
from dask_ml.wrappers import Incremental
from sklearn.base import clone
from sklearn.datasets import load_digits

from lucidnet import (
    Autoencoder,
    ConvNetClassifier,
    ConvNetRegressor,
    MLPClassifier,
    MLPRegressor,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

N_BLOCKS = 8
EPOCHS = 4
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


@pytest.mark.parametrize("name", CASES)
def test_incremental_trains_on_every_block_as_partial_fit_by_hand(client, name):
    template, make_data, chance = CASES[name]
    X, y = make_data()
    block_rows = -(-len(X) // N_BLOCKS)
    X_dask = da.from_array(X, chunks=(block_rows, -1))
    y_dask = da.from_array(y, chunks=block_rows)
    assert X_dask.numblocks[0] == N_BLOCKS
    target = None if isinstance(template, Autoencoder) else y
    kwargs = fit_kwargs(template, y)

    # Blocks in their order, so that the hand-made loop can follow it.
    incremental = Incremental(clone(template), shuffle_blocks=False)
    for _ in range(EPOCHS):
        incremental.partial_fit(X_dask, None if target is None else y_dask, **kwargs)
    on_cluster = incremental.estimator_

    by_hand = clone(template)
    for _ in range(EPOCHS):
        for rows in blocks(X_dask):
            by_hand.partial_fit(X[rows], None if target is None else y[rows], **kwargs)

    assert on_cluster.t_ == EPOCHS * len(X)  # every row of every block, each epoch
    assert on_cluster.t_ == by_hand.t_
    np.testing.assert_array_equal(on_cluster.loss_curve_, by_hand.loss_curve_)
    method = "transform" if target is None else "predict"
    np.testing.assert_array_equal(getattr(on_cluster, method)(X), getattr(by_hand, method)(X))

    # Learned: at least half way from knowing nothing to perfect, in a few epochs.
    if chance is None:
        chance = -np.mean((X - X.mean(axis=0)) ** 2)
    perfect = 0.0 if target is None else 1.0
    assert on_cluster.score(X, target) > (chance + perfect) / 2
