"""
A grid search on a dask cluster
===============================

scikit-learn's ``GridSearchCV`` runs its fits wherever joblib sends them.
Inside ``joblib.parallel_config(backend="dask")`` that is the workers of a
dask cluster: here a ``LocalCluster`` of two workers on this machine;
``Client("tcp://scheduler:8786")`` would connect to a cluster of machines
instead, with no other change. lucidnet's estimators go to the
workers (pickled, between machines) and, given a ``random_state``, train
there exactly as here, so the search's scores are the same as without the cluster, which
this example checks before drawing them.
"""

import time
import warnings

import joblib
import matplotlib.pyplot as plt
import numpy as np
from distributed import Client, LocalCluster
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV

from lucidnet import MLPClassifier

warnings.simplefilter("ignore", ConvergenceWarning)  # 40 epochs each, on purpose

X, y = load_digits(return_X_y=True)
X = X / 16
widths = [16, 32, 64, 128]
alphas = [1e-4, 1e-3, 1e-2, 1e-1]
grid = {"hidden_layer_sizes": [(w,) for w in widths], "alpha": alphas}


def search():
    """16 settings x 3 folds: 48 fits, and the refit of the best."""
    return GridSearchCV(MLPClassifier(max_iter=40, random_state=0), grid, cv=3)


# %%
# The same search twice: in this process, then on the cluster.
start = time.perf_counter()
here = search().fit(X, y)
print(f"in this process: {time.perf_counter() - start:.1f} s")

# Worker threads, not processes, so that this script runs as it is: worker
# processes (``processes=True``, the default, as on a real cluster) start by
# importing the script that made them, which must then keep its work under
# ``if __name__ == "__main__":``. ``benchmarks/search_cluster.py`` times 1
# against 2 worker processes.
with LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                  dashboard_address=None) as cluster, Client(cluster) as client:  # fmt: skip
    start = time.perf_counter()
    with joblib.parallel_config(backend="dask"):
        there = search().fit(X, y)
    print(f"on 2 dask workers: {time.perf_counter() - start:.1f} s")

same = np.array_equal(here.cv_results_["mean_test_score"], there.cv_results_["mean_test_score"])
print("the same scores:", same, "| best:", there.best_params_)

# %%
# The cross-validated accuracy of each setting (the cluster's run), placed
# by its parameters (``cv_results_`` lists the settings in ParameterGrid's
# order, not this table's). In 40 epochs the width decides; the penalty
# hardly matters in this range.
scores = np.empty((len(widths), len(alphas)))
for params, score in zip(there.cv_results_["params"], there.cv_results_["mean_test_score"]):
    i, j = widths.index(params["hidden_layer_sizes"][0]), alphas.index(params["alpha"])
    scores[i, j] = score
fig, ax = plt.subplots(figsize=(5.5, 4), layout="constrained")
image = ax.imshow(scores, cmap="viridis")
ax.set_xticks(range(len(alphas)), [f"{a:g}" for a in alphas])
ax.set_yticks(range(len(widths)), widths)
ax.set_xlabel("alpha")
ax.set_ylabel("hidden units")
for (i, j), value in np.ndenumerate(scores):
    ax.text(j, i, f"{value:.3f}", ha="center", va="center",
            color="white" if value < scores.mean() else "black")  # fmt: skip
fig.colorbar(image, label="mean accuracy, 3-fold")
ax.set_title("GridSearchCV on a dask cluster: 48 fits")
plt.show()
