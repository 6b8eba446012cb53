"""How ``lucidnet train`` turns a table into a saved model, piece by piece:
the target and the hold-out, the column steps, the estimator, the fit and
what it tells the user, the held-out report, the model file.

Shared by ``train`` (commands.py), its streamed form for files larger than
memory (streamed_training.py) and ``tune`` (tune.py), which refits its best
settings through :func:`train_and_save`: the three never import each other.
"""

from __future__ import annotations

import math
import os
import sys
import time
import warnings

import numpy as np

from ..estimators import (
    ConvNetClassifier,
    ConvNetRegressor,
    MLPClassifier,
    MLPRegressor,
)
from ..io.model_file import save
from . import plotting, reports
from .cells import (
    infer_task,
    target_values,
)
from .data_files import (
    DataError,
    few,
    ignore_option,
    plural,
)
from .search_space import set_parameters
from .stopping import (
    VALIDATION_FRACTION,
    early_stopping,
    fit_caught,
    require_finite_training,
    training_notes,
)
from .tabular import (
    filled_cells,
    fit_preprocessing,
    require_scalable,
    transform,
)


def refuse_dropout_without_epochs(args) -> None:
    if args.dropout and args.solver == "lbfgs":
        raise DataError("--dropout needs --solver adam or sgd (L-BFGS assumes a fixed loss)")


def target_and_split(args, chosen):
    """The task (and why), the target's values, and the positions of the
    training and held-out rows."""
    target = chosen.frame[args.target]
    if args.task:
        task, reason = args.task, "given with --task"
    else:
        task, reason = infer_task(target, args.data, args.target)
        reason += "; --task to choose"
    y = target_values(target, task, args.data, args.target)
    train_rows, test_rows = split_rows(y, task, args)
    if task == "regression":  # its mean and scale are learned (see _fit), as a column's
        require_scalable(y[train_rows, None], [args.target], args.data, what="target")
    return task, reason, y, train_rows, test_rows


def train_and_save(args, task, X, y, train_rows, test_rows, steps) -> int:
    """Train's estimator fitted on the training rows, scored on the held-out
    ones and saved (``tune`` refits its best settings through here too)."""
    X_train, y_train = X[train_rows], y[train_rows]
    X_test, y_test = (X[test_rows], y[test_rows]) if len(test_rows) else (None, None)
    stop_early = early_stopping(args, len(train_rows))
    model = make_estimator(args, task, stop_early, progress=not args.quiet and sys.stderr.isatty())
    print(
        f"Training {describe_model(model)} on {plural(len(X_train), 'row')}"
        + (f", holding out {len(X_test):,}" if X_test is not None else "")
    )
    seconds = fit_model(model, X_train, y_train, task, args)
    if X_test is not None:
        y_true, y_pred, where = y_test, model.predict(X_test), "held-out"
    else:
        y_true, y_pred, where = y_train, model.predict(X_train), "training"
    return report_and_save(args, task, model, seconds, (y_true, y_pred, where), steps)


def report_and_save(args, task, model, seconds, scored, steps) -> int:
    """The end of ``train``: the training time, the report on the ``scored``
    rows (``(y_true, y_pred, where)``: the held-out rows, or the training
    rows with ``--test-size 0``), the model file and the figure."""
    y_true, y_pred, where = scored
    model.progress_bar = False  # the bar was for this run, not for the saved model
    unit = "L-BFGS iterations" if args.solver == "lbfgs" else "epochs"
    print(f"Training time: {seconds:.2f} s ({model.n_iter_} {unit})")
    if task == "regression":
        require_finite_predictions(args.data, y_pred, where)
    if where == "held-out":
        rows = plural(len(y_true), "row")
        print(f"\nHeld-out evaluation ({rows}, --test-size {args.test_size:g}):")
        print(reports.evaluation_report(task, y_true, y_pred))
    elif args.test_size == 0:
        print("\nNo held-out rows (--test-size 0): no evaluation.")
    else:  # a streamed train's hash may choose none of a few rows
        print(f"\nNo held-out rows (--test-size {args.test_size:g} chose none of these rows): "
              "no evaluation.")  # fmt: skip
    write_model(model, args.out, steps)
    plot_results(args.plot, model, task, y_true, y_pred, f"{args.data}: {where} rows")
    return 0


def learn_steps(args, chosen, train_rows, **target):
    """The column steps learned from the training rows only (medians, scaling,
    categories: what the held-out rows hold must not shape them, or their score
    flatters the model), and every row's network inputs by those steps; a
    category found only in held-out rows encodes as none of the known ones."""
    steps = fit_preprocessing(
        chosen.frame.iloc[train_rows], chosen.features, args.data, **target,
        kinds=chosen.kinds, missing=args.missing, scale_together=bool(args.conv),
    )  # fmt: skip
    X = transform(steps, chosen.frame, args.data, strict=False)
    categorical = steps["categorical"]
    for column, known in zip(categorical["columns"], categorical["categories"]):
        cells = chosen.frame[column].dropna().astype(str)
        new = cells[~cells.isin(known)]
        if len(new):
            one = len(new) == 1
            chosen.notes.append(
                f"Note: {plural(len(new), 'held-out row')} {'has' if one else 'have'} a value of "
                f"{column!r} that no training row has ({few(sorted(set(new)))}): "
                f"{'it encodes' if one else 'they encode'} as none of the known ones"
            )
    return steps, X


def print_read(args, frame, chosen, steps, X) -> None:
    filled = filled_cells(steps, chosen.frame)
    n_text = len(steps["categorical"]["columns"])
    n_features = len(chosen.features)
    print(
        f"Read {args.data}{_how_read(frame)}: {plural(len(frame), 'row')}, "
        f"{plural(n_features, 'feature column')} "
        f"({n_features - n_text} numeric, {n_text} text) -> {plural(X.shape[1], 'network input')}"
    )
    for note in chosen.notes:
        print(note)
    if filled:
        print(f"Missing values (--missing impute): {filled}")


def _how_read(frame) -> str:
    """' (separated by semicolons)' for a CSV file not separated by commas."""
    delimiter = frame.attrs.get("delimiter", ",")
    if delimiter == ",":
        return ""
    names = {";": "semicolons", "\t": "tabs", "|": "'|'"}
    commas = frame.attrs.get("decimal_commas", 0)
    decimals = f", {commas:,} decimal commas read as points" if commas else ""
    return f" (separated by {names[delimiter]}{decimals})"


def split_rows(y, task, args, n_rows=None):
    """The positions of the training rows and of the held-out ones (stratified
    by class when every class can be on both sides); ``y`` is None for an
    autoencoder, whose rows are ``n_rows``."""
    n = len(y) if y is not None else n_rows
    if args.test_size == 0:
        return np.arange(n), np.arange(0)
    from sklearn.model_selection import train_test_split

    n_test = math.ceil(args.test_size * n)
    stratify = None
    if task == "classification":
        _, counts = np.unique(y, return_counts=True)
        if counts.min() >= 2 and len(counts) <= min(n_test, n - n_test):
            stratify = y
    try:
        return train_test_split(
            np.arange(n), test_size=args.test_size, random_state=args.random_state,
            stratify=stratify,
        )  # fmt: skip
    except ValueError as exc:
        raise DataError(
            f"{args.data}: cannot hold out --test-size {args.test_size:g} of {n} rows ({exc})"
        ) from None


def make_estimator(args, task, stop_early, progress):
    common = dict(
        activation=args.activation,
        solver=args.solver,
        max_iter=200 if args.max_iter is None else args.max_iter,
        dropout=args.dropout,
        early_stopping=stop_early,
        validation_fraction=VALIDATION_FRACTION,
        random_state=args.random_state,
        progress_bar=progress,
    )
    if args.conv:
        cls = ConvNetClassifier if task == "classification" else ConvNetRegressor
        hidden = "auto" if args.hidden is None else tuple(args.hidden)
        conv_layers = args.conv if args.conv == "auto" else tuple(args.conv)
        model = cls(conv_layers=conv_layers, hidden_layer_sizes=hidden,
                    input_shape=args.input_shape, **common)  # fmt: skip
    else:
        cls = MLPClassifier if task == "classification" else MLPRegressor
        hidden = (100,) if args.hidden is None else tuple(args.hidden)
        model = cls(hidden_layer_sizes=hidden, **common)
    set_parameters(model, getattr(args, "param", None))
    return model


def describe_model(model) -> str:
    if hasattr(model, "conv_layers"):
        return (
            f"{type(model).__name__}(conv_layers={model.conv_layers!r}, hidden_layer_sizes="
            f"{model.hidden_layer_sizes!r}, input_shape={model.input_shape}, "
            f"solver={model.solver!r})"
        )
    return (
        f"{type(model).__name__}(hidden_layer_sizes={model.hidden_layer_sizes}, "
        f"activation={model.activation!r}, solver={model.solver!r})"
    )


def check_convolutional(args, frame, chosen) -> None:
    """--conv takes numeric columns only, read as images or signals, and needs
    a stochastic solver; the input shape comes from --input-shape or an
    .npz file's X."""
    if not args.conv:
        if args.input_shape:
            raise DataError("--input-shape goes with --conv (a convolutional network)")
        return
    if args.solver == "lbfgs":
        raise DataError("--conv needs --solver adam or sgd")
    text = [c for c in chosen.features if chosen.kinds[c] != "numeric"]
    if text:
        raise DataError(
            f"{args.data}: --conv reads the feature columns as images or signals, but "
            f"{few(list(map(repr, text)))} {'holds' if len(text) == 1 else 'hold'} text: leave "
            f"{'it' if len(text) == 1 else 'them'} out with {ignore_option(text)}"
        )
    if args.input_shape is None and "sample_shape" in frame.attrs:
        args.input_shape = tuple(frame.attrs["sample_shape"])
    shape, n = args.input_shape, len(chosen.features)
    if shape and (n % math.prod(shape) or (len(shape) == 3 and n != math.prod(shape))):
        raise DataError(
            f"{args.data}: --input-shape {','.join(map(str, shape))} needs "
            f"{'exactly' if len(shape) == 3 else 'a multiple of'} {math.prod(shape)} feature "
            f"columns, and there are {n}"
        )


def fit_model(model, X_train, y_train, task, args) -> float:
    """Fit on the training rows alone (the held-out rows never reach ``fit``, so
    neither training nor the advice printed about it is steered by them);
    returns seconds."""
    # Regression learns a standardized target (a network starting near 0 outputs
    # reaches values in the hundreds only slowly); the scaling is then folded
    # into the output layer, so the saved model predicts in the data's units.
    center, scale = 0.0, 1.0
    if task == "regression":
        center, scale = float(np.mean(y_train)), float(np.std(y_train)) or 1.0

    def fit():
        model.fit(X_train, (y_train - center) / scale if task == "regression" else y_train)

    return run_fit(model, fit, task, args, center, scale)


def run_fit(model, fit, task, args, center=0.0, scale=1.0) -> float:
    """Run ``fit()`` as train runs it, returning seconds: errors in the
    command's words, the training notes printed, a regression model's
    standardized target (``center``, ``scale``) folded back into its output."""
    # A classifier stops by the validation log-loss, not accuracy: on a few dozen
    # rows accuracy stays level for many epochs, and the first best is kept, far
    # too early (iris: held-out accuracy 0.87 against 0.97).
    by_loss = model.early_stopping and task == "classification"
    if by_loss:
        model._validation_metric = "loss"
    start = time.perf_counter()
    caught = fit_caught(args, fit)
    seconds = time.perf_counter() - start
    if by_loss:
        del model._validation_metric  # the saved model is a plain one
    if task == "regression":
        model._fold_output_scaling(scale, center)
    notes = training_notes(model, caught, by_loss)  # raises KeyboardInterrupt on Ctrl-C
    require_finite_training(model, args.data)
    for line in notes:
        print(line)
    return seconds


def require_finite_predictions(path, y_pred, where) -> None:
    """Predictions that overflowed (a row's values far outside the training
    rows' range) have no score to report, and mean a model not to save."""
    bad = ~np.isfinite(np.asarray(y_pred, dtype=float))
    if bad.any():
        raise DataError(
            f"{path}: the model's predictions for {plural(int(bad.sum()), f'{where} row')} "
            "are not finite (NaN or infinite), so no model was written; such rows hold values "
            "far outside the range of the training rows: rescale those columns, or leave them "
            "out with --ignore"
        )


def write_model(model, path, steps) -> None:
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            save(model, path, preprocessing=steps)
    except OSError as exc:
        raise DataError(f"{path}: cannot write the model ({exc.strerror or exc})") from None
    for warning in caught:  # a model larger per row than load accepts by default
        print(f"warning: {warning.message}", file=sys.stderr)
    print(f"\nSaved the model to {path} ({os.path.getsize(path):,} bytes)")


def plot_results(path, model, task, y_true, y_pred, title) -> None:
    if not path:
        return
    if not plotting.matplotlib_available():
        print(f"Note: {plotting.INSTALL_HINT}", file=sys.stderr)
        return
    try:
        plotting.save_results_figure(path, model, task, y_true, y_pred, title)
    except OSError as exc:
        raise DataError(f"{path}: cannot write the plot ({exc.strerror or exc})") from None
    print(f"Saved the plot to {path}")
