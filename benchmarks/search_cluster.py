"""A cross-validated search on a dask cluster: 1 worker against 2, and no cluster.

    python benchmarks/search_cluster.py [--rounds 3]

scikit-learn's GridSearchCV of ``lucidnet.MLPClassifier`` on the 8x8 digits,
8 settings x 3 folds = 24 fits, run (a) with ``n_jobs=1`` in this process,
(b) through ``joblib.parallel_config(backend="dask")`` on a
``distributed.LocalCluster`` of 1 worker process and (c) of 2 (one thread
each, one BLAS thread each, so that 2 workers use the machine's 2 cores).
Rounds interleave the three after a warm-up; the table gives median wall
times and the speed-up over (a). Every run must give the same scores: the
search is deterministic (random_state), which is checked.
"""

import argparse
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one BLAS thread per process, here too
os.environ.setdefault("OMP_NUM_THREADS", "1")

import time  # noqa: E402
import warnings  # noqa: E402

import joblib  # noqa: E402
import numpy as np  # noqa: E402
from _common import describe_machine, markdown_table  # noqa: E402
from distributed import Client, LocalCluster  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402

import lucidnet  # noqa: E402

GRID = {"hidden_layer_sizes": [(64,), (128,)], "alpha": [1e-4, 1e-3],
        "learning_rate_init": [1e-3, 3e-3]}  # fmt: skip


def search():
    return GridSearchCV(lucidnet.MLPClassifier(max_iter=60, random_state=0), GRID, cv=3)


def timed(X, y, client=None):
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        if client is None:
            found = search().fit(X, y)
        else:
            with joblib.parallel_config(backend="dask", client=client):
                found = search().fit(X, y)
    return time.perf_counter() - start, found.cv_results_["mean_test_score"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(describe_machine(), flush=True)
    X, y = load_digits(return_X_y=True)
    X = X / 16
    clusters = {n: LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                dashboard_address=None) for n in (1, 2)}  # fmt: skip
    clients = {n: Client(cluster) for n, cluster in clusters.items()}
    times = {"n_jobs=1, no cluster": [], "LocalCluster, 1 worker": [],
             "LocalCluster, 2 workers": []}  # fmt: skip
    reference = None
    try:
        for round_ in range(args.rounds + 1):  # round 0 warms up
            for label, n in zip(times, (None, 1, 2)):
                seconds, scores = timed(X, y, clients.get(n))
                reference = scores if reference is None else reference
                assert np.array_equal(scores, reference), f"{label} gave other scores"
                if round_:
                    times[label].append(seconds)
            print(f"  round {round_} done", flush=True)
    finally:
        for client in clients.values():
            client.close()
        for cluster in clusters.values():
            cluster.close()
    base = np.median(times["n_jobs=1, no cluster"])
    rows = [[label, f"{np.median(t):.1f}", f"{base / np.median(t):.2f}x"]
            for label, t in times.items()]  # fmt: skip
    print(f"\nGridSearchCV, 24 fits (8 settings x 3 folds), median of {args.rounds} rounds; "
          "every run gave the same mean_test_score")  # fmt: skip
    print(markdown_table(["run", "wall s", "speed-up"], rows))


if __name__ == "__main__":
    main()
