"""scikit-learn's searches spread their fits over a dask cluster through
joblib's "dask" backend, and find what they find with ``n_jobs=1``.

lucidnet being deterministic with ``random_state``, every fit gives the same
model wherever it runs: the cross-validated scores are equal to the last bit,
so the ranks, the best settings and the refitted best model are the same.
"""

import joblib
import numpy as np
import pytest
from distributed import get_task_stream
from scipy.stats import loguniform
from sklearn.datasets import load_digits
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.model_selection import GridSearchCV, HalvingRandomSearchCV, RandomizedSearchCV

from lucidnet import MLPClassifier

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

ESTIMATOR = MLPClassifier(max_iter=10, learning_rate_init=0.01, random_state=0)
SEARCHES = {
    "grid": lambda n_jobs: GridSearchCV(
        ESTIMATOR,
        {"hidden_layer_sizes": [(8,), (32,)], "alpha": [1e-4, 1.0]},
        cv=3,
        n_jobs=n_jobs,
    ),
    "random": lambda n_jobs: RandomizedSearchCV(
        ESTIMATOR,
        {"hidden_layer_sizes": [(8,), (16,), (32,)], "alpha": loguniform(1e-5, 1.0)},
        n_iter=4,
        cv=3,
        random_state=0,
        n_jobs=n_jobs,
    ),
    "halving": lambda n_jobs: HalvingRandomSearchCV(
        ESTIMATOR,
        {"hidden_layer_sizes": [(8,), (16,), (32,)], "alpha": loguniform(1e-5, 1.0)},
        n_candidates=6,
        factor=2,
        min_resources=200,  # three rounds on 900 rows: 6, 3, then 2 candidates
        cv=3,
        random_state=0,
        n_jobs=n_jobs,
    ),
}


@pytest.mark.parametrize("kind", SEARCHES)
def test_search_on_cluster_finds_what_it_finds_in_one_process(client, kind):
    X, y = load_digits(return_X_y=True)
    X, y = X[:900] / 16, y[:900]

    alone = SEARCHES[kind](n_jobs=1).fit(X, y)
    with get_task_stream(client) as tasks, joblib.parallel_config(backend="dask"):
        spread = SEARCHES[kind](n_jobs=-1).fit(X, y)

    # The fits ran on the cluster's two workers, not in this process.
    assert len({task["worker"] for task in tasks.data}) == 2
    # Halving's rounds too: which candidates went on, with how many samples.
    columns = ("params", "mean_test_score", "rank_test_score", "iter", "n_resources")
    for column in [c for c in columns if c in alone.cv_results_]:
        np.testing.assert_array_equal(
            spread.cv_results_[column], alone.cv_results_[column], err_msg=column
        )
    assert spread.best_params_ == alone.best_params_
    np.testing.assert_array_equal(
        spread.best_estimator_.predict_proba(X), alone.best_estimator_.predict_proba(X)
    )
    assert alone.best_score_ > 0.5  # the search compared models that learned
