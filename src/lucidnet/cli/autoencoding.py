"""The command's autoencoder: ``train --autoencoder K``, ``transform``,
``predict``'s reconstructions and ``evaluate``'s reconstruction error.

An autoencoder needs no target: it learns the feature columns (numbers
standardized, text one-hot encoded, as for the other models) and is judged by
how well it gives them back, beside PCA with as many components on the same
rows. ``transform`` writes each row's code; ``predict`` writes each row's
reconstruction, numbers back in the data's units, and its error; ``evaluate``
the mean error on a file's rows, the figure ``train`` prints.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from ..estimators import Autoencoder
from ..estimators.autoencoder import CODE_TOO_WIDE
from .data_files import DataError, plural
from .model_inputs import model_inputs, open_model, table_writer
from .reports import with_article
from .stopping import (
    VALIDATION_FRACTION,
    fit_caught,
    require_finite_training,
    training_notes,
)
from .tabular import input_names

NO_PLOT = (
    "--plot draws classifiers and regressors; an autoencoder has no plot here (see "
    "lucidnet demo autoencoder --plot)"
)


def train_autoencoder(args, X_train, X_test, stop_early) -> Autoencoder:
    """Fit an Autoencoder of ``args.autoencoder`` components on ``X_train``
    (``X_test``: the held-out rows, or None); returns it (fitted)."""
    model = make_autoencoder(args, X_train.shape[1], stop_early)
    held = f", holding out {len(X_test)}" if X_test is not None else ""
    print(f"Training Autoencoder(n_components={args.autoencoder}, hidden_layer_sizes="
          f"{model.hidden_layer_sizes}) on {plural(len(X_train), 'row')}{held}")  # fmt: skip
    # With early stopping the estimator validates on a validation_fraction
    # split of the training rows: the held-out rows never steer training, so
    # the error reported on them stays fair (as for the other models).
    fit_autoencoder(args, model, lambda: model.fit(X_train))
    return model


def make_autoencoder(args, n_inputs, stop_early) -> Autoencoder:
    """The Autoencoder ``train --autoencoder K`` fits on ``n_inputs`` network inputs."""
    k = args.autoencoder
    if k >= n_inputs:  # before any work, in the command's words
        raise DataError(
            f"{args.data}: --autoencoder {k} must be less than the {n_inputs} network "
            f"inputs: {CODE_TOO_WIDE}"
        )
    return Autoencoder(
        n_components=k,
        hidden_layer_sizes=(128,) if args.hidden is None else tuple(args.hidden),
        activation=args.activation,
        solver=args.solver,
        max_iter=500 if args.max_iter is None else args.max_iter,
        dropout=args.dropout,
        early_stopping=stop_early,
        validation_fraction=VALIDATION_FRACTION,
        conv_layers=tuple(args.conv or ()),
        input_shape=args.input_shape,
        random_state=args.random_state,
        progress_bar=not args.quiet and sys.stderr.isatty(),
    )


def fit_autoencoder(args, model, fit) -> None:
    """Run ``fit()`` as train runs it: errors in the command's words, the
    training time and notes printed."""
    start = time.perf_counter()
    caught = fit_caught(args, fit)
    model.progress_bar = False
    notes = training_notes(model, caught)  # raises KeyboardInterrupt on Ctrl-C
    require_finite_training(model, args.data)
    print(f"Training time: {time.perf_counter() - start:.2f} s ({model.n_iter_} epochs)")
    for line in notes:
        print(line)


def compare_with_pca(args, model, X_train, X_test, steps) -> None:
    """Print the reconstruction error on the held-out rows (else the training
    ones), beside PCA's with as many components fitted on the training rows;
    PCA is left out, saying why, when it cannot be fitted."""
    from sklearn.decomposition import PCA

    rows = X_test if X_test is not None else X_train
    where = "held-out" if X_test is not None else "training"
    pca = None
    if args.autoencoder <= min(X_train.shape):
        pca = PCA(n_components=args.autoencoder, random_state=args.random_state).fit(X_train)
    error, pca_error = -model.score(rows), pca and pca_reconstruction_error(pca, rows)
    print_comparison(args, steps, f"the {plural(len(rows), f'{where} row')}", error, pca_error,
                     len(X_train))  # fmt: skip


def pca_reconstruction_error(pca, rows) -> float:
    return float(np.mean((pca.inverse_transform(pca.transform(rows)) - rows) ** 2))


def print_comparison(args, steps, which_rows, error, pca_error, n_train, pca_name="PCA") -> None:
    """The autoencoder's reconstruction error on ``which_rows``, beside PCA's
    (None when there were fewer training rows than components)."""
    print()
    print_error(which_rows, steps, error)
    k = args.autoencoder
    if pca_error is None:
        print(
            f"  PCA with {plural(k, 'component')}: not compared (PCA needs at least {k} "
            f"training rows; there are {n_train})"
        )
        return
    compared = _compared(error, pca_error)
    print(f"  {pca_name} with {plural(k, 'component')}: {pca_error:.5f} ({compared})")


def _compared(error, pca_error) -> str:
    """Which error is lower: 'the autoencoder's error is 19% below PCA's'."""
    if pca_error == 0:
        return "PCA reconstructs these rows exactly" if error else "both reconstruct them exactly"
    change = error / pca_error - 1
    if abs(change) < 0.005:
        return "the autoencoder's error is within 0.5% of PCA's"
    side = "below" if change < 0 else "above"
    return f"the autoencoder's error is {abs(change):.0%} {side} PCA's"


def print_error(which_rows, steps, error) -> None:
    """The reconstruction error as train and evaluate print it."""
    print(f"Reconstruction error on {which_rows} ({error_units(steps)}):")
    print(f"  Autoencoder: {error + 0.0:.5f}")  # + 0.0: never '-0.00000'


def error_units(steps) -> str:
    """What the reconstruction error measures: the squared difference in each
    network input, as the column steps make the inputs (None: a model saved
    from Python, whose inputs are the data's columns as they are)."""
    if steps is None:
        return "mean squared per input, in the data's units"
    kinds = []
    if steps["numeric"]["columns"]:
        kinds.append("numbers standardized")
    if steps["categorical"]["columns"]:
        kinds.append("text one-hot as 0/1")
    return "mean squared per network input: " + ", ".join(kinds)


def reconstruction_table(model, X, steps):
    """Each row's reconstruction (one column per network input, numbers in the
    data's units) and its mean squared error in the network's units."""
    import pandas

    back = model.inverse_transform(model.transform(X))
    errors = np.mean((back - X) ** 2, axis=1)
    names = input_names(steps)
    numeric = steps["numeric"]
    n = len(numeric["columns"])
    if n:  # standardized numbers back to the data's units
        back = back.copy()
        back[:, :n] = back[:, :n] * np.asarray(numeric["scale"]) + np.asarray(numeric["mean"])
    table = pandas.DataFrame(back, columns=names)
    table["reconstruction_error"] = errors
    return table


def evaluate(args, loaded, steps, n_inputs) -> int:
    """``lucidnet evaluate AE DATA``: the mean reconstruction error on the file's
    rows, measured as ``train --autoencoder`` measures it on its held-out rows."""

    if args.target is not None:
        raise DataError(
            f"--target is not for an autoencoder: {args.model} is scored by how it gives back "
            "its feature columns, with no target"
        )
    n_rows, total = 0, 0.0  # score is a mean over rows of equal length: chunks weigh by rows
    for _, X, _ in model_inputs(args, loaded, steps, n_inputs):
        n_rows, total = n_rows + len(X), total - loaded.model.score(X) * len(X)
    error = total / n_rows
    print_error(f"the {plural(n_rows, 'row')} of {args.data}", steps, error)
    if args.plot:
        print(f"Note: {NO_PLOT}")
    return 0


def transform(args) -> int:
    """``lucidnet transform MODEL DATA``: each row's code, as CSV."""
    import pandas

    from .output_paths import check_outputs

    check_outputs({"--out": args.out}, {"model file": args.model, "data file": args.data})
    loaded, steps, n_inputs = open_model(args.model, args.max_row_memory)
    model = loaded.model
    if not isinstance(model, Autoencoder):
        raise DataError(
            f"{args.model}: transform takes an autoencoder (lucidnet train --autoencoder K); "
            f"this file holds {with_article(model)}"
        )
    names = model.get_feature_names_out()
    with table_writer(args.out, "codes") as write:
        for _, X, _ in model_inputs(args, loaded, steps, n_inputs):
            write(pandas.DataFrame(model.transform(X), columns=names))
    return 0
