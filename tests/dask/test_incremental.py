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
from distributed import get_task_stream
from sklearn.base import clone

from lucidnet import Autoencoder

from .cases import CASES, blocks, fit_kwargs

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

N_BLOCKS = 8
EPOCHS = 4


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
    with get_task_stream(client) as tasks:
        for _ in range(EPOCHS):
            incremental.partial_fit(X_dask, None if target is None else y_dask, **kwargs)
    on_cluster = incremental.estimator_
    # Each block's partial_fit was a task on a worker, not a call in this process
    # (dask-ml names them ("fit-<token>", block), the model going in being block -1).
    fits = [t["key"] for t in tasks.data if t["key"][0].startswith("fit-") and t["key"][1] >= 0]
    assert len(fits) == EPOCHS * N_BLOCKS

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
