"""Parity with scikit-learn's MLP: same data, same hyperparameters, side by side.

    python benchmarks/parity.py [--splits 5]

For each of scikit-learn's bundled digits, breast cancer, wine and iris, and
each solver, both libraries fit on the same random 75/25 splits (features
standardized on the training part) with scikit-learn's defaults and the same
random_state. Prints the median test accuracy of each, the difference in
points, and the median ratio of fit times (scikit-learn / lucidnet, so above 1
means lucidnet is faster).
"""

import argparse
import time
import warnings

from _common import unset_openblas_overrides

unset_openblas_overrides()

import numpy as np  # noqa: E402
import sklearn.neural_network as sk  # noqa: E402
from _common import describe_machine, markdown_table  # noqa: E402
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine  # noqa: E402
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
MARGIN = 0.5  # points of accuracy lucidnet's median may trail scikit-learn's by


def timed_score(estimator, X_train, y_train, X_test, y_test):
    start = time.perf_counter()
    estimator.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    return 100 * estimator.score(X_test, y_test), seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--splits", type=int, default=5)
    args = parser.parse_args()
    print(describe_machine())
    warnings.simplefilter("ignore", ConvergenceWarning)
    rows, failures = [], []
    for name, load in DATASETS.items():
        X, y = load(return_X_y=True)
        for solver in SOLVERS:
            ours, theirs, ratios = [], [], []
            for split in range(args.splits):
                X_train, X_test, y_train, y_test = train_test_split(
                    X, y, test_size=0.25, random_state=split, stratify=y
                )
                scaler = StandardScaler().fit(X_train)
                X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
                params = dict(solver=solver, random_state=split)
                score_ln, t_ln = timed_score(
                    lucidnet.MLPClassifier(**params), X_train, y_train, X_test, y_test
                )
                score_sk, t_sk = timed_score(
                    sk.MLPClassifier(**params), X_train, y_train, X_test, y_test
                )
                ours.append(score_ln)
                theirs.append(score_sk)
                ratios.append(t_sk / t_ln)
            gap = np.median(ours) - np.median(theirs)
            ok = gap >= -MARGIN
            if not ok:
                failures.append(f"{name}/{solver}")
            rows.append(
                [
                    name,
                    solver,
                    f"{np.median(ours):.2f}",
                    f"{np.median(theirs):.2f}",
                    f"{gap:+.2f}",
                    f"{np.median(ratios):.2f}x",
                    "yes" if ok else "NO",
                ]
            )
            print(f"  {name:14s} {solver:6s} done", flush=True)
    header = [
        "dataset",
        "solver",
        "lucidnet acc %",
        "sklearn acc %",
        "difference",
        "fit speed (sklearn time / lucidnet time)",
        f"within {MARGIN} pt",
    ]
    print()
    print(f"Median over {args.splits} splits; scikit-learn's default hyperparameters for both.")
    print(markdown_table(header, rows))
    if failures:
        print("\nlucidnet trails by more than the margin on:", ", ".join(failures))
        raise SystemExit(1)


if __name__ == "__main__":
    main()
