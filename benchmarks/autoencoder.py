"""The Autoencoder where PCA stands: reconstruction, features, outlier scores.

    python benchmarks/autoencoder.py [--seeds 5]

reconstruction: scikit-learn's 8x8 digits (X / 16), a 75/25 split per seed;
the test images' mean squared reconstruction error per pixel of
``Autoencoder(n_components=k)`` (its defaults) beside ``PCA(k)``'s, k = 2, 8,
16, medians over seeds.

features: ``make_pipeline(Autoencoder(n_components=16), LogisticRegression())``
beside the same pipeline with ``PCA(16)``, on the 5 stratified 75/25 splits of
parity.py (X / 16): median test accuracy.

outliers: an Autoencoder (8 components) and PCA (8) fitted on the training
images of digits 0-8; ``score_samples`` (minus the reconstruction error)
should rank the test images of 0-8 above the images of digit 9 and above
uniform noise: ROC AUC of each (normal images as positives), medians over seeds.
"""

import argparse
import time
import warnings

from _common import unset_openblas_overrides

unset_openblas_overrides()

import numpy as np  # noqa: E402
from _common import describe_machine, markdown_table  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402

import lucidnet  # noqa: E402

SIZES = (2, 8, 16)


def pca_errors(pca, X):
    return np.mean((pca.inverse_transform(pca.transform(X)) - X) ** 2, axis=1)


def reconstruction_rows(X, seeds):
    results = {k: [] for k in SIZES}
    for seed in range(seeds):
        X_train, X_test = train_test_split(X, test_size=0.25, random_state=seed)
        for k in SIZES:
            pca = PCA(n_components=k, random_state=seed).fit(X_train)
            start = time.perf_counter()
            ae = lucidnet.Autoencoder(n_components=k, random_state=seed).fit(X_train)
            seconds = time.perf_counter() - start
            results[k].append((pca_errors(pca, X_test).mean(), -ae.score(X_test), seconds))
        print(f"  reconstruction, seed {seed} done", flush=True)
    rows = []
    for k, values in results.items():
        pca, ae, seconds = (np.median([v[i] for v in values]) for i in range(3))
        lower = [1 - v[1] / v[0] for v in values]
        rows.append([k, f"{pca:.4f}", f"{ae:.4f}", f"{np.median(lower):.0%}",
                     f"{min(lower):.0%} to {max(lower):.0%}", f"{seconds:.1f}"])  # fmt: skip
    return rows


def feature_rows(X, y, seeds):
    scores = {"Autoencoder(16)": [], "PCA(16)": []}
    for seed in range(seeds):
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=0.25, random_state=seed, stratify=y
        )
        steps = {
            "Autoencoder(16)": lucidnet.Autoencoder(n_components=16, random_state=seed),
            "PCA(16)": PCA(n_components=16, random_state=seed),
        }
        for name, step in steps.items():
            model = make_pipeline(step, LogisticRegression(max_iter=2000))
            scores[name].append(100 * model.fit(X_train, y_train).score(X_test, y_test))
        print(f"  features, split {seed} done", flush=True)
    return [[f"{name} + LogisticRegression", f"{np.median(s):.2f}", f"{min(s):.2f}",
             f"{max(s):.2f}"] for name, s in scores.items()]  # fmt: skip


def outlier_rows(X, y, seeds):
    aucs = {name: {"digit 9": [], "uniform noise": []} for name in ("Autoencoder(8)", "PCA(8)")}
    for seed in range(seeds):
        normal, nines = X[y != 9], X[y == 9]
        X_train, X_test = train_test_split(normal, test_size=0.25, random_state=seed)
        noise = np.random.default_rng(seed).uniform(0, 1, size=(len(nines), 64))
        ae = lucidnet.Autoencoder(n_components=8, random_state=seed).fit(X_train)
        pca = PCA(n_components=8, random_state=seed).fit(X_train)
        scorers = {
            "Autoencoder(8)": ae.score_samples,
            "PCA(8)": lambda Z, pca=pca: -pca_errors(pca, Z),
        }
        for name, score in scorers.items():
            for what, odd in (("digit 9", nines), ("uniform noise", noise)):
                labels = np.r_[np.ones(len(X_test)), np.zeros(len(odd))]
                aucs[name][what].append(roc_auc_score(labels, np.r_[score(X_test), score(odd)]))
        print(f"  outliers, seed {seed} done", flush=True)
    return [[name, f"{np.median(v['digit 9']):.3f}", f"{np.median(v['uniform noise']):.3f}"]
            for name, v in aucs.items()]  # fmt: skip


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    print(describe_machine())
    warnings.simplefilter("ignore", ConvergenceWarning)
    X, y = load_digits(return_X_y=True)
    X = X / 16
    reconstruction = reconstruction_rows(X, args.seeds)
    features = feature_rows(X, y, args.seeds)
    outliers = outlier_rows(X, y, args.seeds)
    print(f"\nTest reconstruction error per pixel, medians over {args.seeds} seeds:")
    print(markdown_table(["k", "PCA", "Autoencoder", "lower by (median)", "lower by (range)",
                          "Autoencoder fit s"], reconstruction))  # fmt: skip
    print(f"\nAs features before LogisticRegression, {args.seeds} splits, test accuracy %:")
    print(markdown_table(["pipeline", "median", "min", "max"], features))
    print(f"\nOutlier scores (fitted on digits 0-8), ROC AUC, medians over {args.seeds} seeds:")
    print(markdown_table(["model", "test 0-8 vs digit 9", "test 0-8 vs uniform noise"], outliers))


if __name__ == "__main__":
    main()
