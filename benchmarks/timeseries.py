"""Time-series classification on the UCR/UEA archive: lucidnet beside 1-NN and the literature.

    python benchmarks/timeseries.py [--datasets GunPoint,ItalyPowerDemand,BasicMotions]
        [--seeds 3] [--quick] [--conv-params "head='global_avg', batch_size=16"] ...

Datasets come from ``aeon.datasets.load_classification``, which ships these
with the package (no download): the archive's official train/test splits, the
univariate series z-normalized as the archive gives them, BasicMotions (6
channels of accelerometer and gyroscope) raw. For each dataset, side by side:

- ``ConvNetClassifier(input_shape=(length,))``, the defaults (for signals,
  the fully convolutional network of Wang et al. 2017, trained for 200
  epochs at most), ``X`` of shape ``(n_samples, length, channels)``;
- ``ConvNetClassifier`` with each ``--conv-params`` setting (repeatable), to
  compare configurations: Python keyword arguments, e.g.
  ``--conv-params "conv_layers=(128, 256, 128), kernel_size=[8, 5, 3]"``;
- ``MLPClassifier()`` on the flattened series;
- 1-nearest-neighbour, scikit-learn's ``KNeighborsClassifier(n_neighbors=1)``
  (Euclidean) on the flattened series.

The networks run once per seed (``random_state``), interleaved, after a
warm-up fit; the table gives the median test accuracy over seeds (min and
max beside it), the median fit time and epochs. The published figures are
the FCN and ResNet of Ismail Fawaz et al. (2019), "Deep learning for time
series classification: a review", mean test accuracy over 10 runs, from
their repository hfawaz/dl-4-tsc, file results/results-uea-avg-std.csv
(columns FCN and ResNet; despite its name it holds the 85 univariate UCR
datasets, GunPoint as ``Gun_Point``). BasicMotions is not in their tables
(their multivariate file, results-mts-avg-std.csv, has Baydogan's 12 sets);
issue 18's target for it is 97.5%.

``--quick`` is the test's short version: ItalyPowerDemand, one seed, 3 epochs.
"""

import argparse
import ast
import time
import warnings

from _common import unset_openblas_overrides

unset_openblas_overrides()

import numpy as np  # noqa: E402
from _common import describe_machine, markdown_table  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.neighbors import KNeighborsClassifier  # noqa: E402

import lucidnet  # noqa: E402

DEFAULT_DATASETS = "GunPoint,ItalyPowerDemand,BasicMotions"

# hfawaz/dl-4-tsc, results/results-uea-avg-std.csv: (FCN, ResNet) mean test
# accuracy % over 10 runs (the file gives the std in brackets).
PUBLISHED = {
    "GunPoint": (100.0, 99.1),  # row Gun_Point: 100.0(0.0), 99.1(0.7)
    "ItalyPowerDemand": (96.1, 96.3),  # 96.1(0.3), 96.3(0.4)
    "ArrowHead": (84.3, 84.5),  # 84.3(1.5), 84.5(1.2)
    "OSULeaf": (97.7, 97.9),  # 97.7(0.9), 97.9(0.8)
}
SOURCE = "Ismail Fawaz et al. 2019, hfawaz/dl-4-tsc results/results-uea-avg-std.csv"


def load(name):
    """The official split; X channels last, (n_samples, length, channels)."""
    from aeon.datasets import load_classification

    X_train, y_train = load_classification(name, split="train")
    X_test, y_test = load_classification(name, split="test")
    if not isinstance(X_train, np.ndarray):
        raise ValueError(f"{name} has series of unequal length; this benchmark takes equal ones")
    return X_train.transpose(0, 2, 1), y_train, X_test.transpose(0, 2, 1), y_test


def parse_params(text):
    """``"a=1, b=(2, 3)"`` -> ``{'a': 1, 'b': (2, 3)}``: keyword arguments, literal values."""
    call = ast.parse(f"f({text})", mode="eval").body
    if call.args:
        raise ValueError(f"--conv-params takes name=value pairs, got {text!r}")
    return {k.arg: ast.literal_eval(k.value) for k in call.keywords}


def models(length, seed, conv_settings, quick):
    """name -> (estimator, flatten X?) for one seed."""
    budget = {"max_iter": 3} if quick else {}
    found = {
        "ConvNet (defaults)": (
            lucidnet.ConvNetClassifier(input_shape=(length,), random_state=seed, **budget),
            False,
        )
    }
    for text, settings in conv_settings:
        found[f"ConvNet ({text})"] = (
            lucidnet.ConvNetClassifier(
                **{"input_shape": (length,), "random_state": seed, **budget, **settings}
            ),
            False,
        )
    found["MLP (defaults)"] = (lucidnet.MLPClassifier(random_state=seed, **budget), True)
    return found


def fit_and_score(model, flatten, data):
    X_train, y_train, X_test, y_test = data
    if flatten:
        X_train, X_test = X_train.reshape(len(X_train), -1), X_test.reshape(len(X_test), -1)
    start = time.perf_counter()
    model.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    return 100 * model.score(X_test, y_test), seconds, getattr(model, "n_iter_", "-")


def dataset_rows(name, seeds, conv_settings, quick):
    data = load(name)
    X_train, _, X_test, _ = data
    print(f"{name}: train {X_train.shape[0]}, test {X_test.shape[0]}, length "
          f"{X_train.shape[1]}, channels {X_train.shape[2]}", flush=True)  # fmt: skip
    results = {}
    for seed in range(seeds):
        for label, (model, flatten) in models(X_train.shape[1], seed, conv_settings, quick).items():
            results.setdefault(label, []).append(fit_and_score(model, flatten, data))
            accuracy, seconds, _ = results[label][-1]
            print(f"  seed {seed} {label}: {accuracy:.1f}% in {seconds:.1f} s", flush=True)
    results["1-NN (Euclidean)"] = [
        fit_and_score(KNeighborsClassifier(n_neighbors=1), True, data)
    ]  # deterministic: one run
    fcn, resnet = PUBLISHED.get(name, ("-", "-"))
    rows = []
    for label, values in results.items():
        accuracy = np.array([v[0] for v in values])
        seconds = np.median([v[1] for v in values])
        epochs = [v[2] for v in values]
        epochs = f"{np.median(epochs):.0f}" if epochs[0] != "-" else "-"
        rows.append([name, label, f"{np.median(accuracy):.1f}", f"{accuracy.min():.1f}",
                     f"{accuracy.max():.1f}", epochs, f"{seconds:.2f}", fcn, resnet])  # fmt: skip
    return rows


def warm_up():
    """The first fit pays for imports and numba's compilation; not any dataset's."""
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((20, 16, 1)), np.arange(20) % 2
    lucidnet.ConvNetClassifier(input_shape=(16,), max_iter=1).fit(X, y)
    lucidnet.MLPClassifier(max_iter=1).fit(X.reshape(20, -1), y)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default=None, help=f"default {DEFAULT_DATASETS}")
    parser.add_argument("--seeds", type=int, default=3, help="seeds of the networks")
    parser.add_argument("--quick", action="store_true", help="ItalyPowerDemand, 1 seed, 3 epochs")
    parser.add_argument(
        "--conv-params", action="append", default=[], metavar="SETTINGS",
        help="a further ConvNetClassifier, e.g. \"head='global_avg'\"; repeatable",
    )  # fmt: skip
    args = parser.parse_args()
    datasets = args.datasets or ("ItalyPowerDemand" if args.quick else DEFAULT_DATASETS)
    seeds = 1 if args.quick else args.seeds
    conv_settings = [(text, parse_params(text)) for text in args.conv_params]
    print(describe_machine(), flush=True)
    warnings.simplefilter("ignore", ConvergenceWarning)
    warm_up()
    rows = []
    for name in datasets.split(","):
        rows += dataset_rows(name, seeds, conv_settings, args.quick)
    print(f"\nTest accuracy %, official splits, networks: median of {seeds} seed(s); "
          f"published: {SOURCE}, columns FCN and ResNet")  # fmt: skip
    header = ["dataset", "model", "accuracy", "min", "max", "epochs", "fit s",
              "published FCN", "published ResNet"]  # fmt: skip
    print(markdown_table(header, rows))


if __name__ == "__main__":
    main()
