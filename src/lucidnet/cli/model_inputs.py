"""A saved model and a data file for it: opening the model with its column
steps, turning the file's rows into the model's inputs, and writing a table
out. Shared by ``predict``, ``evaluate`` and ``transform`` (commands.py and
autoencoding.py), so neither of those imports the other.
"""

from __future__ import annotations

import sys

from ..classic import NeuralNetwork
from ..io.atomic import atomic_write
from ..io.model_file import read_model_file
from .data_files import DataError, plural, read_table
from .tabular import (
    check_preprocessing,
    filled_cells,
    identity_preprocessing,
    transform,
    unseen_categories,
)


def open_model(path, max_row_bytes=None):
    """The model file and its column steps (checked), or None when saved from Python."""
    loaded = read_model_file(path, max_row_bytes=max_row_bytes)
    model = loaded.model
    n_inputs = model.layers[0] if isinstance(model, NeuralNetwork) else model.n_features_in_
    steps = loaded.preprocessing
    if steps is not None:
        steps = check_preprocessing(steps, path, n_inputs)
    return loaded, steps, n_inputs


def steps_for(frame, steps, model, n_inputs, data, target=None):
    """The stored steps, or (a model saved from Python) the data's columns as they are."""
    if steps is not None:
        return steps
    names = getattr(model, "feature_names_in_", None)
    if names is not None:
        return identity_preprocessing([str(n) for n in names])
    columns = [c for c in frame.columns if c != target]
    if frame.attrs.get("from_npz") and "y" in columns and len(columns) == n_inputs + 1:
        columns.remove("y")  # an .npz data file's labels, not one of X's columns
    if len(columns) != n_inputs:
        raise DataError(
            f"{data}: has {len(columns)} feature columns, but the model (saved without "
            f"column names) takes {n_inputs} inputs"
        )
    return identity_preprocessing(columns)


def named_like_training(model, X):
    """A model fitted on a DataFrame (from Python) is given its column names back."""
    names = getattr(model, "feature_names_in_", None)
    if names is None:
        return X
    import pandas

    return pandas.DataFrame(X, columns=names)


def model_inputs(args, loaded, steps, n_inputs):
    """The data file's rows as the model's inputs (``frame, X``), with notes on
    filled cells, categories the model was not trained on (refused with
    ``--strict``) and columns the model does not use."""
    model = loaded.model
    frame = read_table(args.data)
    target = steps.get("target") if steps else None
    steps = steps_for(frame, steps, model, n_inputs, args.data)
    X = named_like_training(model, transform(steps, frame, args.data, strict=args.strict))
    for line in input_notes(steps, frame):
        print(line, file=sys.stderr)
    unused = [c for c in frame.columns if c not in steps["columns"] and c != target]
    if unused:
        columns = "column" if len(unused) == 1 else "columns"
        names = ", ".join(unused)
        print(f"Note: ignoring {columns} the model does not use: {names}", file=sys.stderr)
    return frame, X


def input_notes(steps, frame) -> list[str]:
    """What the inputs of ``frame``'s rows had filled in or left out, in lines."""
    filled, unseen = filled_cells(steps, frame), unseen_categories(steps, frame)
    lines = [filled and f"Missing values, as in training: {filled}", unseen]
    return [line for line in lines if line]


def write_table(table, path, what) -> None:
    """The table as CSV to ``path`` (atomically), or to standard output;
    ``what`` its rows are, in the plural ("predictions")."""
    if not path:
        table.to_csv(sys.stdout, index=False)
        return
    try:
        with atomic_write(path, "w", newline="", encoding="utf-8") as file:
            table.to_csv(file, index=False)
    except OSError as exc:
        raise DataError(f"{path}: cannot write ({exc.strerror or exc})") from None
    print(f"Wrote {plural(len(table), what[:-1], what)} to {path}", file=sys.stderr)
