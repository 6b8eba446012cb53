"""dask-ml's ``ParallelPostFit`` predicts dask arrays and dataframes block by
block on the workers, as the estimator predicts in memory.

A matrix product's last bits depend on how many rows it multiplies at once
(BLAS blocks its work by size), in memory too: so the outputs are compared
exactly with the estimator run in memory on the same blocks, and to rounding
with it run on all rows at once. Labels are compared exactly with both.
"""

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from dask_ml.wrappers import ParallelPostFit
from sklearn.base import clone

from lucidnet import Autoencoder

from .cases import CASES

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

METHODS = ("predict", "predict_proba", "predict_log_proba", "transform")


def block_bounds(sizes):
    bounds = np.cumsum((0, *sizes))
    return list(zip(bounds[:-1], bounds[1:]))


@pytest.mark.parametrize("kind", ["array", "dataframe"])
@pytest.mark.parametrize("name", CASES)
def test_parallel_post_fit_predicts_dask_data_as_in_memory(client, name, kind):
    template, make_data, _ = CASES[name]
    X, y = make_data()
    target = None if isinstance(template, Autoencoder) else y
    if kind == "dataframe":
        # Fitted on a frame with column names, as a dask dataframe's partitions are:
        # the estimator checks the names it is given against those it learned.
        X = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
        X_dask = dd.from_pandas(X, npartitions=4)
        sizes = X_dask.map_partitions(len).compute()
    else:
        X_dask = da.from_array(X, chunks=(len(X) // 4 + 1, -1))
        sizes = X_dask.chunks[0]
    wrapper = ParallelPostFit(clone(template).set_params(max_iter=3)).fit(X, target)
    fitted = wrapper.estimator
    rows = X.iloc if kind == "dataframe" else X

    methods = [method for method in METHODS if hasattr(fitted, method)]
    assert methods  # each estimator has at least one of them
    for method in methods:
        lazy = getattr(wrapper, method)(X_dask)
        assert isinstance(lazy, (da.Array, dd.DataFrame, dd.Series))
        on_cluster = np.asarray(lazy.compute())
        by_blocks = np.concatenate(
            [getattr(fitted, method)(rows[a:b]) for a, b in block_bounds(sizes)]
        )
        np.testing.assert_array_equal(on_cluster, by_blocks, err_msg=method)
        in_memory = getattr(fitted, method)(X)
        if method == "predict" and hasattr(fitted, "classes_"):  # labels
            np.testing.assert_array_equal(on_cluster, in_memory)
        else:
            np.testing.assert_allclose(on_cluster, in_memory, rtol=1e-6, atol=1e-6)
