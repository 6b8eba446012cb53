"""Columns to network inputs: missing cells filled in, numbers standardized,
text one-hot encoded.

scikit-learn's ``SimpleImputer``, ``StandardScaler`` and ``OneHotEncoder``
learn the steps from the training data; what they learned (medians, means,
scales, the categories of each column) is kept as plain data, which goes into
the model file as JSON and is applied from there, at training and at
prediction time alike, so the two can never differ.
"""

from __future__ import annotations

import math

import numpy as np

from ..exceptions import ModelFileError
from .cells import (
    as_numbers,
    data_row,
)
from .data_files import (
    DataError,
    few,
    ignore_option,
    plural,
    require_columns,
    require_no_missing,
)

__all__ = [
    "fit_preprocessing",
    "transform",
    "check_preprocessing",
    "identity_preprocessing",
    "filled_cells",
    "unseen_categories",
]

MISSING_STRATEGIES = ("impute", "drop", "error")
MISSING_CATEGORY = "missing"
MANY_CATEGORIES = 20  # beyond this, an unseen value hints at an ID or a date column
COLUMNS_SHOWN = 8
UNSEEN_SHOWN = 3  # values shown per column in the note on unseen categories
UNSEEN_KEPT = 10_000  # distinct unseen values counted per column, at most
# Magnitudes that always standardize: their squares, summed over fewer than 45
# million rows, stay within float64 (largest 1.8e308).
SCALABLE = 1e150


def fit_preprocessing(
    frame, columns, path, *, target, task, kinds, missing="error", scale_together=False
) -> dict:
    """Learn the steps for ``columns`` of ``frame``; returns plain data.

    ``kinds`` maps each column to ``"numeric"`` or ``"text"``; ``missing`` is
    the ``--missing`` strategy: with ``"impute"`` the fill values are learned
    (and the other strategies leave no missing cell to learn from).
    ``scale_together`` standardizes all numeric columns by one mean and one
    scale, those of all their values: the pixels of an image or the steps of
    a signal keep their relations, which a convolution looks at (scaling each
    column on its own would change every picture).
    """
    from sklearn.impute import SimpleImputer
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numeric = [c for c in columns if kinds[c] == "numeric"]
    text = [c for c in columns if kinds[c] == "text"]
    fills = {"strategy": missing, "numeric": [], "categorical": []}
    steps = {
        "target": target,
        "task": task,
        "columns": list(columns),
        "numeric": {"columns": numeric, "mean": [], "scale": []},
        "categorical": {"columns": text, "categories": []},
        "missing": fills,
    }
    if numeric:
        values = np.column_stack([as_numbers(frame[c], path, c) for c in numeric])
        _require_a_value_in_each(values, numeric, path)
        require_scalable(values, numeric, path)  # before the median, which would overflow too
        if missing == "impute":
            imputer = SimpleImputer(strategy="median").fit(values)
            fills["numeric"] = imputer.statistics_.tolist()
            values = imputer.transform(values)
        if scale_together:
            require_scalable(values.reshape(-1, 1), ["(all)"], path, together=True)
            values = values.reshape(-1, 1)
        scaler = StandardScaler().fit(values)
        repeat = len(numeric) if scale_together else 1
        steps["numeric"]["mean"] = scaler.mean_.tolist() * repeat
        steps["numeric"]["scale"] = scaler.scale_.tolist() * repeat
    if text:
        cells = frame[text]
        if missing == "impute":
            fills["categorical"] = [_text_fill(frame[c]) for c in text]
            cells = cells.fillna(dict(zip(text, fills["categorical"])))
        encoder = OneHotEncoder().fit(cells.astype(str).to_numpy())
        steps["categorical"]["categories"] = [c.tolist() for c in encoder.categories_]
    return steps


def _text_fill(cells) -> str:
    """A category of its own when training has missing cells (being missing
    may mean something); else, for a cell missing only at prediction time, the
    most frequent category, as the network has no input for any other."""
    if not cells.isna().any():
        return str(cells.mode().iloc[0])
    name, taken = MISSING_CATEGORY, set(cells.dropna())
    while name in taken:
        name = f"({name})"
    return name


def identity_preprocessing(columns) -> dict:
    """For a model saved from Python: its inputs are the data's columns as they are."""
    return {
        "target": None,
        "task": None,
        "columns": list(columns),
        "numeric": {
            "columns": list(columns),
            "mean": [0.0] * len(columns),
            "scale": [1.0] * len(columns),
        },
        "categorical": {"columns": [], "categories": []},
    }


def n_inputs(steps) -> int:
    return len(steps["numeric"]["columns"]) + sum(map(len, steps["categorical"]["categories"]))


def input_names(steps) -> list[str]:
    """One name per network input: the numeric columns, then ``column=category``."""
    names = list(steps["numeric"]["columns"])
    for column, categories in zip(
        steps["categorical"]["columns"], steps["categorical"]["categories"]
    ):
        names += [f"{column}={category}" for category in categories]
    return names


def _require_a_value_in_each(values, columns, path) -> None:
    """A numeric column with no value in the training rows has no median or
    scale to learn (its few values may all be among the held-out rows)."""
    empty = [c for c, seen in zip(columns, np.isfinite(values).any(axis=0)) if not seen]
    if empty:
        one = len(empty) == 1
        raise DataError(
            f"{path}: column{'' if one else 's'} {', '.join(map(repr, empty))} "
            f"{'has' if one else 'have'} no value in any of the {len(values):,} training rows "
            f"(what values {'it has are' if one else 'they have are'} all in held-out rows), so "
            f"there is no median or scale to learn: leave {'it' if one else 'them'} out with "
            f"{ignore_option(empty)}"
        )


def require_scalable(values, columns, path, together=False, what="column") -> None:
    """Standardizing a column takes its mean and standard deviation, which
    overflow float64 (largest 1.8e308) for values near 1e308 (the sum) or
    beyond about 1e154 (the squares): DataError naming every column of
    ``values`` (one per column) whose mean or standard deviation is not finite.
    ``together``: the one column is all numeric columns, scaled as one."""
    with np.errstate(over="ignore", invalid="ignore"):
        means = np.nanmean(values, axis=0)
        deviations = np.nanstd(values, axis=0)
    bad = ~(np.isfinite(means) & np.isfinite(deviations))
    if not bad.any():
        return
    names = [c for c, b in zip(columns, bad) if b]
    largest = np.nanmax(np.abs(values[:, bad]))
    mean_overflows = not np.isfinite(means[bad]).all()
    overflow = (
        "their sum, for the mean, overflows float64 (largest 1.8e+308)"
        if mean_overflows
        else "the squares in their standard deviation overflow float64 (largest 1.8e+308)"
    )
    one = len(names) == 1
    if what == "target":
        who, it, fix = f"target {names[0]!r}", "it", ""
    elif together:
        who, it = "the numeric columns (scaled together for --conv)", "them"
        fix = ""
    else:
        who = f"column{'' if one else 's'} {', '.join(map(repr, names))}"
        it = "it" if one else "them"
        fix = f", or leave {it} out with {ignore_option(names)}"
    raise DataError(
        f"{path}: {who} {'has' if one and not together else 'have'} values too large to "
        f"scale (up to {largest:.3g} in magnitude): {overflow}. Values up to "
        f"{SCALABLE:.0e} in magnitude scale; rescale {it} (to other units, or take a "
        f"logarithm){fix}"
    )


def require_finite_scaled(scaled, values, columns, frame, path) -> None:
    """DataError naming the numeric columns whose scaled values overflow
    float64: values far beyond the range of the rows the scaling was learned
    from (those rows' own values are checked by :func:`require_scalable`)."""
    bad = ~np.isfinite(scaled).all(axis=0)
    if not bad.any():
        return
    names = [c for c, b in zip(columns, bad) if b]
    column = int(np.flatnonzero(bad)[0])
    first = int(np.flatnonzero(~np.isfinite(scaled[:, column]))[0])
    one = len(names) == 1
    raise DataError(
        f"{path}: column{'' if one else 's'} {', '.join(map(repr, names))} "
        f"{'has' if one else 'have'} values too large for the scaling learned from the "
        f"training rows (like {values[first, column]:g} in data row "
        f"{data_row(frame[names[0]], first)}: subtracting the mean and dividing by the "
        "standard deviation overflows float64); rescale those values, or train without "
        f"{'the column' if one else 'those columns'} ({ignore_option(names)})"
    )


def transform(steps, frame, path, strict=True) -> np.ndarray:
    """The network's input matrix (n_rows, n_inputs) for the raw columns of ``frame``.

    A category a text column did not have in training stops with DataError
    when ``strict``; else it encodes as none of the known ones (all zeros, as
    scikit-learn's ``OneHotEncoder(handle_unknown='ignore')``), and
    :func:`unseen_categories` says where.
    """
    columns = steps["columns"]
    require_columns(frame, columns, path, what="model input column")
    fills = _fills(steps)
    if fills is None:
        require_no_missing(frame, columns, path, advice=_no_fill_advice(steps))
    blocks = []
    numeric = steps["numeric"]
    if numeric["columns"]:
        values = np.column_stack([as_numbers(frame[c], path, c) for c in numeric["columns"]])
        if fills is not None:
            values = np.where(np.isnan(values), np.asarray(fills["numeric"]), values)
        with np.errstate(over="ignore"):
            scaled = (values - np.asarray(numeric["mean"])) / np.asarray(numeric["scale"])
        require_finite_scaled(scaled, values, numeric["columns"], frame, path)
        blocks.append(scaled)
    categorical = steps["categorical"]
    for i, (column, categories) in enumerate(
        zip(categorical["columns"], categorical["categories"])
    ):
        blocks.append(_one_hot(_text_cells(steps, frame, i), categories, path, column, strict))
    if not blocks:
        return np.empty((len(frame), 0))
    return np.hstack(blocks)


def _text_cells(steps, frame, i):
    """The ``i``-th text column's cells, filled in as the model fills them."""
    fills = _fills(steps)
    cells = frame[steps["categorical"]["columns"][i]]
    return cells if fills is None else cells.fillna(fills["categorical"][i])


def _fills(steps):
    """The learned fill values, or None when the model does not fill in cells."""
    fills = steps.get("missing")
    return fills if fills and fills["strategy"] == "impute" else None


def _no_fill_advice(steps) -> str:
    strategy = (steps.get("missing") or {}).get("strategy")
    how = (
        f"the model was trained with --missing {strategy}, so it does not fill them in"
        if strategy
        else "the model file holds no values to fill them in with"
    )
    return f"{how}: fill them in or leave those rows out"


def filled_cells(steps, frame, counts=None) -> str | None:
    """What ``transform`` fills in, in a line: ``"filled 13 cells: a 2 (median
    4.5), b 11 (as 'missing')"``; None when no cell is missing or none is filled.
    ``counts``: the missing cells per column (:func:`missing_counts`) of a file
    read in chunks, instead of ``frame``'s."""
    fills = _fills(steps)
    if fills is None:
        return None
    numeric, text = steps["numeric"]["columns"], steps["categorical"]["columns"]
    values = dict(zip(numeric, (f"median {v:g}" for v in fills["numeric"])))
    values.update(zip(text, (f"as {v!r}" for v in fills["categorical"])))
    counts = missing_counts(steps, frame) if counts is None else counts
    parts = [f"{c} {n} ({values[c]})" for c, n in counts.items() if n]
    if not parts:
        return None
    shown = ", ".join(parts[:COLUMNS_SHOWN]) + (", ..." if len(parts) > COLUMNS_SHOWN else "")
    return f"filled {plural(sum(counts.values()), 'cell')}: {shown}"


def missing_counts(steps, frame) -> dict:
    """The missing cells of each of the model's columns in ``frame``."""
    return {c: int(frame[c].isna().sum()) for c in steps["columns"]}


def unseen_categories(steps, frame, found=None) -> str | None:
    """A line on the text cells whose category the model was not trained on
    (encoded as none of the known ones): per column, how many rows and a few
    of the values; None when there are none. ``found``: :func:`unseen_cells`
    added up over the chunks of a file, instead of ``frame``'s."""
    found = unseen_cells(steps, frame) if found is None else found
    parts = []
    for i, (n_rows, new) in found.items():
        if n_rows:
            new = list(new)
            shown = ", ".join(map(repr, new[:UNSEEN_SHOWN]))
            if len(new) > 1:
                more = ", ..." if len(new) > UNSEEN_SHOWN else ""
                at_least = "at least " if len(new) >= UNSEEN_KEPT else ""
                shown = f"{at_least}{plural(len(new), 'value')}: {shown}{more}"
            column = steps["categorical"]["columns"][i]
            parts.append(f"{column} {plural(n_rows, 'row')} ({shown})")
    if not parts:
        return None
    return (
        "Note: categories the model was not trained on, encoded as none of its known ones "
        f"(--strict refuses them): {', '.join(parts)}"
    )


def unseen_cells(steps, frame, found=None) -> dict:
    """For each text column ``i``: ``(rows, values)``, how many of ``frame``'s
    rows hold a category the model was not trained on, and which (in the order
    of the rows, the first UNSEEN_KEPT distinct ones), added to ``found``."""
    found = {} if found is None else found
    for i, categories in enumerate(steps["categorical"]["categories"]):
        values = _text_cells(steps, frame, i).astype(str).to_numpy()
        unseen = values[~np.isin(values, categories)]
        n_rows, new = found.get(i, (0, {}))
        for value in unseen:
            if len(new) >= UNSEEN_KEPT:
                break
            new.setdefault(value, None)
        found[i] = (n_rows + len(unseen), new)
    return found


def _one_hot(cells, categories, path, column, strict) -> np.ndarray:
    values = cells.astype(str).to_numpy()
    index = {category: i for i, category in enumerate(categories)}
    positions = np.array([index.get(v, -1) for v in values], dtype=np.int64)
    unseen = positions < 0
    if unseen.any() and strict:
        first = int(np.flatnonzero(unseen)[0])
        n_new = len(set(values[unseen]))
        hint = (
            f"; if it is an ID or a date, train again with {ignore_option([column])}"
            if len(categories) > MANY_CATEGORIES
            else ""
        )
        raise DataError(
            f"{path}: column {column!r} has the category {values[first]!r} (data row "
            f"{data_row(cells, first)}; {plural(n_new, 'new value')} in "
            f"{plural(int(unseen.sum()), 'row')}) that the model was not trained on; it knows "
            f"{few(categories)}{hint}"
        )
    encoded = np.zeros((len(values), len(categories)))
    rows = np.flatnonzero(~unseen)
    encoded[rows, positions[rows]] = 1.0
    return encoded


def check_preprocessing(steps, model_path, n_features) -> dict:
    """The stored steps, checked for shape and types; ModelFileError otherwise."""

    def require(condition, problem):
        if not condition:
            raise ModelFileError(model_path, f"its preprocessing {problem}")

    def text_list(value):
        return isinstance(value, list) and all(isinstance(v, str) for v in value)

    def number_list(value, length):
        return isinstance(value, list) and len(value) == length and all(map(_finite, value))

    require(isinstance(steps, dict), "is not a JSON object")
    require(steps.get("task") in ("classification", "regression", None), "has an unknown task")
    numeric, categorical = steps.get("numeric"), steps.get("categorical")
    require(isinstance(numeric, dict) and isinstance(categorical, dict), "lacks its steps")
    require(text_list(steps.get("columns")), "has no list of input columns")
    require(text_list(numeric.get("columns")), "has no list of numeric columns")
    n_numeric = len(numeric["columns"])
    require(number_list(numeric.get("mean"), n_numeric), "has invalid means")
    require(number_list(numeric.get("scale"), n_numeric), "has invalid scales")
    require(all(s > 0 for s in numeric["scale"]), "has a scale that is not positive")
    require(text_list(categorical.get("columns")), "has no list of text columns")
    categories = categorical.get("categories")
    require(
        isinstance(categories, list)
        and len(categories) == len(categorical["columns"])
        and all(text_list(c) and c for c in categories),
        "has invalid categories",
    )
    require(
        sorted(steps["columns"]) == sorted(numeric["columns"] + categorical["columns"]),
        "lists input columns that are neither numeric nor text",
    )
    missing = steps.get("missing")  # absent from files written before --missing
    if missing is not None:
        require(
            isinstance(missing, dict) and missing.get("strategy") in MISSING_STRATEGIES,
            "has an unknown way of filling in missing values",
        )
        imputes = missing["strategy"] == "impute"
        require(
            number_list(missing.get("numeric"), n_numeric if imputes else 0),
            "has invalid fill values for numbers",
        )
        fills = missing.get("categorical")
        require(
            text_list(fills)
            and len(fills) == (len(categories) if imputes else 0)
            and all(fill in known for fill, known in zip(fills, categories)),
            "has invalid fill values for text",
        )
    require(
        n_inputs(steps) == n_features,
        f"makes {n_inputs(steps)} inputs, but the network takes {n_features}",
    )
    return steps


def _finite(value) -> bool:
    """A JSON number that is a finite float: JSON has no limit on integers
    (``10**400`` is read as an int that no float can hold), and ``true`` is an
    int to Python."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False
