"""Parameter values to JSON and back, without losing what JSON cannot say.

JSON has no tuples and only string keys, so tuples become lists and a dict
(``class_weight={0: 1.0, 1: 3.0}``) becomes ``{"__items__": [[key, value], ...]}``
so that its integer keys stay integers. NumPy scalars become Python ones.
"""

from __future__ import annotations

import numbers

import numpy as np

DICT_TAG = "__items__"


def to_json(value, name: str):
    """A JSON-safe copy of ``value``; ``TypeError`` naming ``name`` otherwise."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, (list, tuple, np.ndarray)):
        return [to_json(item, name) for item in value]
    if isinstance(value, dict):
        return {DICT_TAG: [[to_json(k, name), to_json(v, name)] for k, v in value.items()]}
    raise TypeError(
        f"{name}={value!r} cannot be stored in a model file: expected numbers, strings, "
        "booleans, None, or lists and dicts of them"
    )


def from_json(value):
    """The inverse of :func:`to_json` (lists stay lists)."""
    if isinstance(value, list):
        return [from_json(item) for item in value]
    if isinstance(value, dict):
        items = value.get(DICT_TAG)
        if set(value) != {DICT_TAG} or not isinstance(items, list):
            raise ValueError(f"expected a {{{DICT_TAG!r}: [[key, value], ...]}} object")
        if not all(isinstance(pair, list) and len(pair) == 2 for pair in items):
            raise ValueError("expected [key, value] pairs")
        return {_hashable(from_json(k)): from_json(v) for k, v in items}
    return value


def _hashable(key):
    if isinstance(key, list):
        raise ValueError(f"a dict key cannot be a list ({key!r})")
    return key
