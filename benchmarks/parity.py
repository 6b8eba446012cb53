"""Parity with scikit-learn's MLP: same data, same hyperparameters, side by side.

    python benchmarks/parity.py [--splits 5]

Table 1: for each of scikit-learn's bundled digits, breast cancer, wine and
iris, and each solver, both libraries fit on the same random 75/25 splits
(features standardized on the training part) with scikit-learn's defaults
and the same random_state.

Table 2: settings beyond the defaults: an L2 penalty with small batches,
several regression outputs, multiclass early stopping, and the 15 L-BFGS fits
of scikit-learn's gallery example plot_mlp_alpha.

For every fit the two models are compared: "identical" means the same
n_iter_ and bit-for-bit equal weights and test predictions. Also printed: the
median test score of each (accuracy %, or R^2 for regression) and the median
ratio of fit times (scikit-learn / lucidnet, so above 1 means lucidnet is
faster). Exits with status 1 unless every model is identical.
"""

import argparse
import time
import warnings

from _common import unset_openblas_overrides

unset_openblas_overrides()

import numpy as np  # noqa: E402
import sklearn.neural_network as sk  # noqa: E402
from _common import describe_machine, markdown_table  # noqa: E402
from sklearn.datasets import (  # noqa: E402
    load_breast_cancer,
    load_digits,
    load_iris,
    load_wine,
    make_circles,
    make_classification,
    make_moons,
    make_regression,
)
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

import lucidnet  # noqa: E402

DATASETS = {
    "digits": load_digits,
    "breast_cancer": load_breast_cancer,
    "wine": load_wine,
    "iris": load_iris,
}
SOLVERS = ("lbfgs", "sgd", "adam")


def fit_pair(kind, params, X_train, y_train, X_test, y_test):
    """Fit lucidnet's and scikit-learn's ``kind`` alike; returns whether the
    models are identical, both test scores and scikit-learn's time / lucidnet's."""
    models, seconds = [], []
    for module in (lucidnet, sk):
        model = getattr(module, kind)(**params)
        start = time.perf_counter()
        model.fit(X_train, y_train)
        seconds.append(time.perf_counter() - start)
        models.append(model)
    ours, theirs = models
    predict = "predict_proba" if kind == "MLPClassifier" else "predict"
    identical = (
        ours.n_iter_ == theirs.n_iter_
        and all(
            np.array_equal(a, b)
            for a, b in zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_)
        )
        and np.array_equal(getattr(ours, predict)(X_test), getattr(theirs, predict)(X_test))
    )
    scale = 100 if kind == "MLPClassifier" else 1
    scores = [scale * m.score(X_test, y_test) for m in models]
    return identical, scores[0], scores[1], seconds[1] / seconds[0]


def standardized_split(X, y, seed, stratify=True):
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=seed, stratify=y if stratify else None
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), y_train, scaler.transform(X_test), y_test


def row(name, setting, results):
    identical = sum(r[0] for r in results)
    ours, theirs, ratios = (np.median([r[i] for r in results]) for i in (1, 2, 3))
    return [name, setting, f"{identical} of {len(results)}", f"{ours:.2f}", f"{theirs:.2f}",
            f"{ratios:.2f}x"]  # fmt: skip


def default_rows(splits):
    for name, load in DATASETS.items():
        X, y = load(return_X_y=True)
        for solver in SOLVERS:
            results = []
            for seed in range(splits):
                X_train, y_train, X_test, y_test = standardized_split(X, y, seed)
                params = dict(solver=solver, random_state=seed)
                results.append(fit_pair("MLPClassifier", params, X_train, y_train, X_test, y_test))
            print(f"  {name:14s} {solver:6s} done", flush=True)
            yield row(name, solver, results)


def plot_mlp_alpha():
    """The 15 fits of scikit-learn's gallery example plot_mlp_alpha.py (1.9)."""
    X_linear, y_linear = make_classification(
        n_features=2, n_redundant=0, n_informative=2, random_state=0, n_clusters_per_class=1
    )
    X_linear += 2 * np.random.RandomState(2).uniform(size=X_linear.shape)
    results = []
    for X, y in [
        make_moons(noise=0.3, random_state=0),
        make_circles(noise=0.2, factor=0.5, random_state=1),
        (X_linear, y_linear),
    ]:
        X = StandardScaler().fit_transform(X)
        X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.4, random_state=42)
        for alpha in np.logspace(-1, 1, 5):
            params = dict(
                solver="lbfgs", alpha=alpha, random_state=1, max_iter=2000,
                early_stopping=True, hidden_layer_sizes=[10, 10],
            )  # fmt: skip
            results.append(fit_pair("MLPClassifier", params, X_train, y_train, X_test, y_test))
    return results


def setting_rows(splits):
    cases = [
        ("wine", "alpha=0.1, batch_size=5, adam", dict(alpha=0.1, batch_size=5, max_iter=500)),
        ("wine", "alpha=1, batch_size=16, sgd", dict(alpha=1, batch_size=16, solver="sgd")),
        ("digits", "alpha=0.1, batch_size=32, adam", dict(alpha=0.1, batch_size=32)),
        ("digits", "early_stopping, adam", dict(early_stopping=True)),
        ("iris", "early_stopping, sgd", dict(early_stopping=True, solver="sgd")),
        ("wine", "early_stopping, alpha=1, adam", dict(early_stopping=True, alpha=1)),
    ]
    for name, setting, params in cases:
        X, y = DATASETS[name](return_X_y=True)
        results = []
        for seed in range(splits):
            X_train, y_train, X_test, y_test = standardized_split(X, y, seed)
            results.append(
                fit_pair("MLPClassifier", params | dict(random_state=seed), X_train, y_train,
                         X_test, y_test)
            )  # fmt: skip
        yield row(name, setting, results)
    X, y = make_regression(200, 5, n_targets=3, random_state=0)
    for solver in SOLVERS:
        results = []
        for seed in range(splits):
            X_train, y_train, X_test, y_test = standardized_split(X, y / 100, seed, False)
            params = dict(solver=solver, max_iter=300, random_state=seed)
            results.append(fit_pair("MLPRegressor", params, X_train, y_train, X_test, y_test))
        yield row("make_regression, 3 outputs (R^2)", solver, results)
    yield row("plot_mlp_alpha (gallery)", "lbfgs, 5 alphas x 3 datasets", plot_mlp_alpha())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--splits", type=int, default=5)
    args = parser.parse_args()
    print(describe_machine())
    warnings.simplefilter("ignore", ConvergenceWarning)
    header = [
        "data",
        "setting",
        "identical models",
        "lucidnet score",
        "sklearn score",
        "fit speed (sklearn time / lucidnet time)",
    ]
    tables = [
        (f"Scikit-learn's defaults, median over {args.splits} splits:", default_rows),
        (f"Beyond the defaults, median over {args.splits} splits:", setting_rows),
    ]
    all_identical = True
    for title, rows in tables:
        rows = list(rows(args.splits))
        print(f"\n{title}")
        print(markdown_table(header, rows))
        all_identical &= all(r[2].split()[0] == r[2].split()[-1] for r in rows)
    if not all_identical:
        print("\nSome models differ from scikit-learn's.")
        raise SystemExit(1)


if __name__ == "__main__":
    main()
