"""The ``lucidnet`` commands on data files: train, predict, evaluate, info.

Each takes the parsed arguments and returns the exit status. Problems the
user can fix raise ``DataError`` or ``ModelFileError`` (status 2, one line).
"""

from __future__ import annotations

import numpy as np

from ..classic import NeuralNetwork
from ..estimators import Autoencoder
from . import autoencoding, reports
from .cells import (
    labels_like,
    require_some_class,
    target_values,
)
from .data_files import (
    DataError,
    npz_target_hint,
    plural,
    read_csv_chunks,
    read_table,
    require_columns,
)
from .model_inputs import (
    TRAIN_READ_COST,
    InputNotes,
    chunk_rows_for,
    model_inputs,
    named_like_training,
    open_model,
    steps_for,
    table_writer,
)
from .output_paths import check_outputs
from .selection import no_target_note, select_training_data
from .stopping import early_stopping
from .streamed_training import train_streamed
from .tabular import transform
from .training import (
    check_convolutional,
    learn_steps,
    plot_results,
    print_read,
    refuse_dropout_without_epochs,
    split_rows,
    target_and_split,
    train_and_save,
    write_model,
)


# ------------------------------------------------------------------- train
def train(args) -> int:
    check_outputs({"--out": args.out, "--plot": args.plot}, {"data file": args.data})
    refuse_dropout_without_epochs(args)
    if args.target is None and not args.autoencoder:
        raise DataError(
            "--target COLUMN is needed (only --autoencoder learns without one)"
            + npz_target_hint(args.data)
        )
    if args.autoencoder and args.plot:
        raise DataError(autoencoding.NO_PLOT)  # before the work, not after it
    chunk_rows = chunk_rows_for(args, TRAIN_READ_COST)
    if chunk_rows:
        return train_streamed(args, chunk_rows)
    frame = read_table(args.data)
    chosen = select_training_data(frame, args)
    check_convolutional(args, frame, chosen)
    if args.autoencoder:
        return _train_autoencoder(args, frame, chosen)
    task, reason, y, train_rows, test_rows = target_and_split(args, chosen)
    steps, X = learn_steps(args, chosen, train_rows, target=args.target, task=task)
    print_read(args, frame, chosen, steps, X)
    print(f"Task: {task} ({reason})")
    return train_and_save(args, task, X, y, train_rows, test_rows, steps)


def _train_autoencoder(args, frame, chosen) -> int:
    train_rows, test_rows = split_rows(None, None, args, n_rows=len(chosen.frame))
    steps, X = learn_steps(args, chosen, train_rows, target=None, task=None)
    print_read(args, frame, chosen, steps, X)
    X_test = X[test_rows] if len(test_rows) else None
    stop_early = early_stopping(args, len(train_rows))
    model = autoencoding.train_autoencoder(args, X[train_rows], X_test, stop_early)
    write_model(model, args.out, steps)
    # After saving: a comparison that cannot be made never costs the model.
    autoencoding.compare_with_pca(args, model, X[train_rows], X_test, steps)
    return 0


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
    left_out = n_left_out and no_target_note(n_left_out, target)
    for line in (left_out, *notes.lines(), _unseen_classes(model, y_true)):
        if line:
            print(line)
    rows = plural(len(y_true), "row")
    print(f"Evaluation of {args.model} on {args.data} ({rows}, target {target!r}):")
    print(reports.evaluation_report(task, y_true, y_pred))
    plot_results(args.plot, model, task, y_true, y_pred, f"{args.data}")
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
    if str(args.model).lower().endswith(".onnx"):
        from .onnx_info import describe_onnx

        print(describe_onnx(args.model))
        return 0
    loaded, _, _ = open_model(args.model, args.max_row_memory)
    print(reports.describe_model(loaded))
    return 0
