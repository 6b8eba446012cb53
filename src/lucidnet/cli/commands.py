"""The ``lucidnet`` commands on data files: train, predict, evaluate, info.

Each takes the parsed arguments and returns the exit status. Problems the
user can fix raise ``DataError`` or ``ModelFileError`` (status 2, one line).
"""

from __future__ import annotations

import math
import os
import sys
import time
import warnings

import numpy as np

from ..classic import NeuralNetwork
from ..estimators import (
    Autoencoder,
    ConvNetClassifier,
    ConvNetRegressor,
    MLPClassifier,
    MLPRegressor,
)
from ..exceptions import NetworkTooLargeError, TrainingDivergedError
from ..io.model_file import save
from . import autoencoding, plotting, reports
from .data_files import (
    DataError,
    few,
    ignore_option,
    infer_task,
    labels_like,
    npz_target_hint,
    plural,
    read_csv_chunks,
    read_table,
    require_columns,
    require_some_class,
    target_values,
)
from .model_inputs import (
    InputNotes,
    chunk_rows_for,
    model_inputs,
    named_like_training,
    open_model,
    steps_for,
    table_writer,
)
from .output_paths import check_outputs
from .search_space import set_parameters
from .selection import select_training_data
from .stopping import (
    VALIDATION_FRACTION,
    diverged,
    early_stopping,
    require_finite_training,
    training_notes,
)
from .tabular import (
    filled_cells,
    fit_preprocessing,
    require_scalable,
    transform,
)


# ------------------------------------------------------------------- train
def train(args) -> int:
    check_outputs({"--out": args.out, "--plot": args.plot}, {"data file": args.data})
    _refuse_dropout_without_epochs(args)
    if args.target is None and not args.autoencoder:
        raise DataError(
            "--target COLUMN is needed (only --autoencoder learns without one)"
            + npz_target_hint(args.data)
        )
    if args.autoencoder and args.plot:
        raise DataError(autoencoding.NO_PLOT)  # before the work, not after it
    frame = read_table(args.data)
    chosen = select_training_data(frame, args)
    _check_convolutional(args, frame, chosen)
    if args.autoencoder:
        return _train_autoencoder(args, frame, chosen)
    task, reason, y, train_rows, test_rows = _target_and_split(args, chosen)
    steps, X = _learn_steps(args, chosen, train_rows, target=args.target, task=task)
    _print_read(args, frame, chosen, steps, X)
    print(f"Task: {task} ({reason})")
    return _train_and_save(args, task, X, y, train_rows, test_rows, steps)


def _refuse_dropout_without_epochs(args) -> None:
    if args.dropout and args.solver == "lbfgs":
        raise DataError("--dropout needs --solver adam or sgd (L-BFGS assumes a fixed loss)")


def _target_and_split(args, chosen):
    """The task (and why), the target's values, and the positions of the
    training and held-out rows."""
    target = chosen.frame[args.target]
    if args.task:
        task, reason = args.task, "given with --task"
    else:
        task, reason = infer_task(target, args.data, args.target)
        reason += "; --task to choose"
    y = target_values(target, task, args.data, args.target)
    train_rows, test_rows = _split(y, task, args)
    if task == "regression":  # its mean and scale are learned (see _fit), as a column's
        require_scalable(y[train_rows, None], [args.target], args.data, what="target")
    return task, reason, y, train_rows, test_rows


def _train_and_save(args, task, X, y, train_rows, test_rows, steps) -> int:
    """Train's estimator fitted on the training rows, scored on the held-out
    ones and saved (``tune`` refits its best settings through here too)."""
    X_train, y_train = X[train_rows], y[train_rows]
    X_test, y_test = (X[test_rows], y[test_rows]) if len(test_rows) else (None, None)
    stop_early = early_stopping(args, len(train_rows))
    model = _estimator(args, task, stop_early, progress=not args.quiet and sys.stderr.isatty())
    print(
        f"Training {_describe(model)} on {plural(len(X_train), 'row')}"
        + (f", holding out {len(X_test):,}" if X_test is not None else "")
    )
    seconds = _fit(model, X_train, y_train, task, args)
    model.progress_bar = False  # the bar was for this run, not for the saved model
    unit = "L-BFGS iterations" if args.solver == "lbfgs" else "epochs"
    print(f"Training time: {seconds:.2f} s ({model.n_iter_} {unit})")
    if X_test is not None:
        y_true, y_pred, where = y_test, model.predict(X_test), "held-out"
    else:
        y_true, y_pred, where = y_train, model.predict(X_train), "training"
    if task == "regression":
        _require_finite_predictions(args.data, y_pred, where)
    if X_test is not None:
        rows = plural(len(y_test), "row")
        print(f"\nHeld-out evaluation ({rows}, --test-size {args.test_size:g}):")
        print(reports.evaluation_report(task, y_true, y_pred))
    else:
        print("\nNo held-out rows (--test-size 0): no evaluation.")
    _write_model(model, args.out, steps)
    _plot(args.plot, model, task, y_true, y_pred, f"{args.data}: {where} rows")
    return 0


def _learn_steps(args, chosen, train_rows, **target):
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


def _print_read(args, frame, chosen, steps, X) -> None:
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


def _train_autoencoder(args, frame, chosen) -> int:
    train_rows, test_rows = _split(None, None, args, n_rows=len(chosen.frame))
    steps, X = _learn_steps(args, chosen, train_rows, target=None, task=None)
    _print_read(args, frame, chosen, steps, X)
    X_test = X[test_rows] if len(test_rows) else None
    stop_early = early_stopping(args, len(train_rows))
    model = autoencoding.train_autoencoder(args, X[train_rows], X_test, stop_early)
    _write_model(model, args.out, steps)
    # After saving: a comparison that cannot be made never costs the model.
    autoencoding.compare_with_pca(args, model, X[train_rows], X_test, steps)
    return 0


def _how_read(frame) -> str:
    """' (separated by semicolons)' for a CSV file not separated by commas."""
    delimiter = frame.attrs.get("delimiter", ",")
    if delimiter == ",":
        return ""
    names = {";": "semicolons", "\t": "tabs", "|": "'|'"}
    commas = frame.attrs.get("decimal_commas", 0)
    decimals = f", {commas:,} decimal commas read as points" if commas else ""
    return f" (separated by {names[delimiter]}{decimals})"


def _split(y, task, args, n_rows=None):
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


def _estimator(args, task, stop_early, progress):
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


def _describe(model) -> str:
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


def _check_convolutional(args, frame, chosen) -> None:
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


def _fit(model, X_train, y_train, task, args) -> float:
    """Fit on the training rows alone (the held-out rows never reach ``fit``, so
    neither training nor the advice printed about it is steered by them);
    returns seconds."""
    # Regression learns a standardized target (a network starting near 0 outputs
    # reaches values in the hundreds only slowly); the scaling is then folded
    # into the output layer, so the saved model predicts in the data's units.
    center, scale = 0.0, 1.0
    if task == "regression":
        center, scale = float(np.mean(y_train)), float(np.std(y_train)) or 1.0
        y_train = (y_train - center) / scale
    # A classifier stops by the validation log-loss, not accuracy: on a few dozen
    # rows accuracy stays level for many epochs, and the first best is kept, far
    # too early (iris: held-out accuracy 0.87 against 0.97).
    by_loss = model.early_stopping and task == "classification"
    if by_loss:
        model._validation_metric = "loss"
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model.fit(X_train, y_train)
        except NetworkTooLargeError as exc:
            raise DataError(f"{args.data}: {exc.describe(reports.OPTION_NAMES)}") from None
        except TrainingDivergedError as exc:
            raise diverged(args.data, exc) from None
        except ValueError as exc:
            raise DataError(f"{args.data}: training failed: {exc}") from None
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


def _require_finite_predictions(path, y_pred, where) -> None:
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


def _write_model(model, path, steps) -> None:
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            save(model, path, preprocessing=steps)
    except OSError as exc:
        raise DataError(f"{path}: cannot write the model ({exc.strerror or exc})") from None
    for warning in caught:  # a model larger per row than load accepts by default
        print(f"warning: {warning.message}", file=sys.stderr)
    print(f"\nSaved the model to {path} ({os.path.getsize(path):,} bytes)")


def _plot(path, model, task, y_true, y_pred, title) -> None:
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


# ---------------------------------------------------------- using a model
def predict(args) -> int:
    check_outputs({"--out": args.out}, {"model file": args.model, "data file": args.data})
    loaded, steps, n_inputs = open_model(args.model, args.max_row_memory)
    model = loaded.model
    if args.proba and not hasattr(model, "predict_proba"):
        raise DataError(
            f"--proba needs a classification model; {args.model} holds "
            f"{reports.with_article(model)}"
        )
    what = "rows" if isinstance(model, Autoencoder) else "predictions"
    with table_writer(args.out, what) as write:
        for _, X, used in model_inputs(args, loaded, steps, n_inputs):
            write(_prediction_rows(model, X, used, args.proba))
    return 0


def _prediction_rows(model, X, steps, proba):
    """predict's table for the rows of ``X``: an autoencoder's reconstructions,
    else the predictions (and probabilities)."""
    if isinstance(model, Autoencoder):
        return autoencoding.reconstruction_table(model, np.asarray(X), steps)
    return _predictions_table(model, X, proba)


def _predictions_table(model, X, proba):
    import pandas

    predictions = np.asarray(model.predict(X))
    if predictions.ndim == 1:
        table = pandas.DataFrame({"prediction": predictions})
    else:
        labels = getattr(model, "classes_", range(predictions.shape[1]))
        columns = {f"prediction_{c}": predictions[:, i] for i, c in enumerate(labels)}
        table = pandas.DataFrame(columns)
    if proba:
        probabilities = model.predict_proba(X)
        for i, label in enumerate(model.classes_):
            table[f"probability_{label}"] = probabilities[:, i]
    return table


def evaluate(args) -> int:
    check_outputs({"--plot": args.plot}, {"model file": args.model, "data file": args.data})
    loaded, steps, n_inputs = open_model(args.model, args.max_row_memory)
    model = loaded.model
    if isinstance(model, Autoencoder):
        return autoencoding.evaluate(args, loaded, steps, n_inputs)
    if not _single_target_estimator(model):
        raise DataError(
            f"{args.model}: evaluate takes estimators of one target column; this one is "
            f"{reports.with_article(model)} with {_n_outputs(model)} outputs"
        )
    # The column steps of a model trained by the command name its target.
    target = args.target or (steps or {}).get("target")
    if target is None:
        raise DataError(
            f"--target COLUMN is needed: the column {args.model} predicts, to score it against "
            "(only an autoencoder is evaluated without one; a model saved from Python does not "
            "name its target)" + npz_target_hint(args.data)
        )
    why = "" if args.target else f" (the column {args.model} predicts; --target names another)"
    task = "classification" if hasattr(model, "classes_") else "regression"
    chunk_rows = chunk_rows_for(args)
    frames = (
        [read_table(args.data)] if chunk_rows is None else read_csv_chunks(args.data, chunk_rows)
    )
    y_true, y_pred, n_left_out, notes = [], [], 0, InputNotes()
    first = None  # the first target cell, for an error
    for frame in frames:  # the whole file, or chunk by chunk: the same report
        require_columns(frame, [target], args.data, what="target column", why=why)
        has_target = frame[target].notna()
        n_left_out += int((~has_target).sum())
        frame = frame[has_target]
        if frame.empty:
            continue
        used = steps_for(frame, steps, model, n_inputs, args.data, target=target)
        X = named_like_training(model, transform(used, frame, args.data, strict=args.strict))
        if task == "classification":
            y_true.append(labels_like(frame[target], model.classes_, args.data, target,
                                      part=chunk_rows is not None))  # fmt: skip
            first = first if first is not None else frame[target].iloc[0]
        else:
            y_true.append(target_values(frame[target], task, args.data, target))
        y_pred.append(model.predict(X))
        notes.add(used, frame)
    if not y_true:
        raise DataError(f"{args.data}: target {target!r} has no values (every cell is missing)")
    y_true, y_pred = np.concatenate(y_true), np.concatenate(y_pred)
    if task == "classification":
        require_some_class(y_true, first, model.classes_, args.data, target)
    left_out = n_left_out and (
        f"Left out {plural(n_left_out, 'row')} with no value for the target {target!r}"
    )
    for line in (left_out, *notes.lines(), _unseen_classes(model, y_true)):
        if line:
            print(line)
    rows = plural(len(y_true), "row")
    print(f"Evaluation of {args.model} on {args.data} ({rows}, target {target!r}):")
    print(reports.evaluation_report(task, y_true, y_pred))
    _plot(args.plot, model, task, y_true, y_pred, f"{args.data}")
    return 0


def _unseen_classes(model, y_true) -> str | None:
    """A line on the target values that are none of the model's classes: the
    report lists them, and their rows can only count as errors."""
    classes = getattr(model, "classes_", None)
    if classes is None:
        return None
    unseen = ~np.isin(y_true, classes)
    if not unseen.any():
        return None
    new = np.unique(y_true[unseen])
    shown = ", ".join(repr(str(c)) if isinstance(c, str) else str(c) for c in new[:10].tolist())
    return (
        f"Note: {plural(len(new), 'class', 'classes')} the model was never trained on: {shown}"
        f"{', ...' if len(new) > 10 else ''} ({plural(int(unseen.sum()), 'row')}; the model "
        "cannot predict them, so these rows count as errors)"
    )


def _single_target_estimator(model) -> bool:
    if isinstance(model, NeuralNetwork):
        return False
    if hasattr(model, "classes_"):
        return not model._label_binarizer.y_type_.startswith("multilabel")
    return model.n_outputs_ == 1


def _n_outputs(model) -> int:
    return model.layers[-1] if isinstance(model, NeuralNetwork) else model.n_outputs_


def info(args) -> int:
    loaded, _, _ = open_model(args.model, args.max_row_memory)
    print(reports.describe_model(loaded))
    return 0
