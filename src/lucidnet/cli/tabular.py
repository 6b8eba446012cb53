"""Columns to network inputs: numbers standardized, text one-hot encoded.

scikit-learn's ``StandardScaler`` and ``OneHotEncoder`` learn the steps from
the training data; what they learned (means, scales, the categories of each
column) is kept as plain data, which goes into the model file as JSON and is
applied from there, at training and at prediction time alike, so the two
can never differ.
"""

from __future__ import annotations

import math

import numpy as np

from ..exceptions import ModelFileError
from .data_files import DataError, as_numbers, is_numeric, require_columns, require_no_missing

__all__ = ["fit_preprocessing", "transform", "check_preprocessing", "identity_preprocessing"]


def fit_preprocessing(frame, columns, path, *, target, task) -> dict:
    """Learn the steps for ``columns`` of ``frame``; returns plain data."""
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numeric = [c for c in columns if is_numeric(frame[c])]
    text = [c for c in columns if c not in numeric]
    steps = {
        "target": target,
        "task": task,
        "columns": list(columns),
        "numeric": {"columns": numeric, "mean": [], "scale": []},
        "categorical": {"columns": text, "categories": []},
    }
    if numeric:
        values = np.column_stack([as_numbers(frame[c], path, c) for c in numeric])
        scaler = StandardScaler().fit(values)
        steps["numeric"]["mean"] = scaler.mean_.tolist()
        steps["numeric"]["scale"] = scaler.scale_.tolist()
    if text:
        encoder = OneHotEncoder().fit(frame[text].astype(str).to_numpy())
        steps["categorical"]["categories"] = [c.tolist() for c in encoder.categories_]
    return steps


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


def transform(steps, frame, path) -> np.ndarray:
    """The network's input matrix (n_rows, n_inputs) for the raw columns of ``frame``."""
    columns = steps["columns"]
    require_columns(frame, columns, path, what="model input column")
    require_no_missing(frame, columns, path)
    blocks = []
    numeric = steps["numeric"]
    if numeric["columns"]:
        values = np.column_stack([as_numbers(frame[c], path, c) for c in numeric["columns"]])
        blocks.append((values - np.asarray(numeric["mean"])) / np.asarray(numeric["scale"]))
    categorical = steps["categorical"]
    for column, categories in zip(categorical["columns"], categorical["categories"]):
        blocks.append(_one_hot(frame[column].astype(str).to_numpy(), categories, path, column))
    if not blocks:
        return np.empty((len(frame), 0))
    return np.hstack(blocks)


def _one_hot(values, categories, path, column) -> np.ndarray:
    index = {category: i for i, category in enumerate(categories)}
    positions = np.array([index.get(v, -1) for v in values])
    unseen = positions < 0
    if unseen.any():
        first = int(np.flatnonzero(unseen)[0])
        raise DataError(
            f"{path}: column {column!r} has the category {values[first]!r} (data row "
            f"{first + 1}, {int(unseen.sum())} row(s) in all) that the model was not trained "
            f"on; known categories: {', '.join(categories)}"
        )
    encoded = np.zeros((len(values), len(categories)))
    encoded[np.arange(len(values)), positions] = 1.0
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
