"""What a column's cells hold: numbers (or NaN), a kind (numbers or text), a
target's task and its labels; each decision worded as a user can act on it.

Read from the DataFrames of :mod:`lucidnet.cli.data_files`, whole or a chunk
at a time (:class:`CellCounts` adds up over chunks).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .data_files import DataError, few, import_pandas, plural

MAX_CLASSES_INFERRED = 20  # integer targets with at most this many values are classes
MOSTLY_NUMBERS = 0.9  # a column this much numbers is a numeric column with typing slips
KEPT_DISTINCT = 100_000  # distinct numbers counted per column, at most


def data_row(series, position) -> int:
    """The 1-based data row of the cell at ``position`` in ``series``."""
    return int(series.index[position]) + 1


def numbers_or_nan(series) -> np.ndarray:
    """float64: the numbers, NaN where a cell is missing or not a number.

    Text held by pyarrow is cast by pyarrow first, 3.4x faster than pandas'
    ``to_numeric`` (the largest cost of reading a CSV file of numbers); a
    column with any cell it will not cast (spaces around a number, a word)
    takes ``to_numeric``, which decides what is a number."""
    if series.dtype == bool:
        return np.full(len(series), np.nan)
    cells = getattr(series.array, "_pa_array", None)
    if cells is not None:
        import pyarrow
        import pyarrow.compute

        try:
            numbers = pyarrow.compute.cast(cells, pyarrow.float64())
            return numbers.to_numpy(zero_copy_only=False).astype(np.float64, copy=False)
        except (pyarrow.ArrowInvalid, pyarrow.ArrowNotImplementedError):
            pass
    pandas = import_pandas()
    return pandas.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def as_numbers(series, path, column, expected="numbers"):
    """The column as float64, NaN where a cell is missing; DataError naming the
    first cell that is there but is not a finite number."""
    numbers = numbers_or_nan(series)
    bad = series.notna().to_numpy() & ~np.isfinite(numbers)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"{path}: column {column!r} has {series.iloc[first]!r} in data row "
            f"{data_row(series, first)}, but {expected} were expected "
            f"({plural(int(bad.sum()), 'such row')})"
        )
    return numbers


@dataclass
class CellCounts:
    """What decides a column's kind (and a target's task), in counts that add
    up over the chunks of a file read in pieces: cells present, those that
    are not numbers (the first of them, with its data row), and the distinct
    numbers, kept up to ``KEPT_DISTINCT``."""

    present: int = 0
    stray: int = 0
    first_stray: tuple | None = None  # (cell, data row)
    distinct: set | None = None  # a set to count them in (a target's), else not counted
    all_integers: bool = True
    boolean: bool = False

    @classmethod
    def of(cls, series, distinct=False) -> CellCounts:
        return cls(distinct=set() if distinct else None).add(series)

    def add(self, series, numbers=None) -> CellCounts:
        """Count ``series`` in (``numbers``: its :func:`numbers_or_nan`, when known)."""
        present = series.notna().to_numpy()
        self.present += int(present.sum())
        self.boolean |= series.dtype == bool
        numbers = numbers_or_nan(series) if numbers is None else numbers
        stray = present & ~np.isfinite(numbers)
        if stray.any() and self.first_stray is None:
            first = int(np.flatnonzero(stray)[0])
            self.first_stray = (series.iloc[first], data_row(series, first))
        self.stray += int(stray.sum())
        if self.distinct is not None:
            numbers = numbers[np.isfinite(numbers)]
            self.all_integers &= bool(np.all(numbers == np.round(numbers)))
            if len(self.distinct) <= KEPT_DISTINCT:
                self.distinct.update(np.unique(numbers).tolist())
        return self

    def kind(self, path, column) -> str:
        """``"numeric"`` when every value present is a number, ``"text"`` when
        fewer than 90% are (booleans are text).

        A column of numbers but for a few cells is neither: the cells are typing
        slips or unrecognised missing markers, and taking the column as text would
        make every number a category of its own. DataError names the first; the
        same for a column without any value.
        """
        if not self.present:
            raise DataError(f"{path}: column {column!r} has no values (every cell is missing)")
        if self.boolean:
            return "text"
        if self.stray == 0:
            return "numeric"
        if self.share < MOSTLY_NUMBERS:
            return "text"
        cell, row = self.first_stray
        others = f" and {plural(self.stray - 1, 'other cell')}" if self.stray > 1 else ""
        raise DataError(
            f"{path}: column {column!r} holds numbers ({self.present - self.stray} of "
            f"{self.present} values), but {cell!r} in data row {row}{others} is not a number: "
            "correct it, or leave the cell empty (or NA) if the value is missing"
        )

    @property
    def share(self) -> float:
        """The share of the present cells that are numbers."""
        return 1 - self.stray / max(self.present, 1)

    def task(self, path, column, n_labels) -> tuple[str, str]:
        """``(task, reason)`` for a target with these counts and ``n_labels``
        distinct values: text or a few distinct integers mean classification;
        a column of mostly numbers with some text is refused rather than guessed."""
        if self.kind(path, column) == "text":
            if self.share >= 0.5 and n_labels > MAX_CLASSES_INFERRED:
                cell, row = self.first_stray
                raise DataError(
                    f"{path}: target {column!r} is mostly numbers ({self.share:.0%} of its "
                    f"values), but {cell!r} in data row {row} and others are not: correct them "
                    "(or leave them empty, NA) for regression, or give --task classification if "
                    "its values are class labels"
                )
            return "classification", f"target {column!r} has text values"
        distinct = len(self.distinct)
        many = "more than " if distinct > KEPT_DISTINCT else ""
        if self.all_integers and distinct <= MAX_CLASSES_INFERRED:
            return "classification", f"target {column!r} has {distinct} distinct integer values"
        kind = "integer" if self.all_integers else "non-integer"
        return "regression", f"target {column!r} has {many}{distinct:,} distinct {kind} values"


def column_kind(series, path, column) -> str:
    """``"numeric"`` or ``"text"``: see :meth:`CellCounts.kind`."""
    return CellCounts.of(series).kind(path, column)


def infer_task(series, path, column) -> tuple[str, str]:
    """``(task, reason)``: see :meth:`CellCounts.task`."""
    return CellCounts.of(series, distinct=True).task(path, column, series.nunique())


def target_values(series, task, path, column):
    """Labels for classification (int64 when all integers, else text), or float64."""
    if task == "regression":
        return as_numbers(series, path, column, expected="numbers (the task is regression)")
    labels = series.astype(str).to_numpy()
    if column_kind(series, path, column) == "numeric":
        values = as_numbers(series, path, column)
        if np.all(values == np.round(values)):
            labels = values.astype(np.int64)
    if len(np.unique(labels)) < 2:
        raise DataError(
            f"{path}: target {column!r} has a single class {labels[0]!r}; classification "
            "needs at least two"
        )
    return labels


def labels_like(series, classes, path, column, part=False):
    """A target column read as labels of the same type as a model's ``classes_``;
    DataError when they cannot be (text against classes that are numbers, or
    the other way round), as when the column is not the one the model predicts.
    ``part``: the column of one chunk of the file, where no known class is no
    proof (the caller checks all the labels with :func:`require_some_class`)."""
    classes = np.asarray(classes)
    kind = column_kind(series, path, column)
    if classes.dtype.kind in "iuf":
        if kind == "text":
            _not_the_target(path, column, "text", series.iloc[0], "numbers", classes)
        labels = as_numbers(series, path, column)
        if classes.dtype.kind in "iu":
            fraction = labels != np.round(labels)
            if fraction.any():
                first = series.iloc[int(np.flatnonzero(fraction)[0])]
                _not_the_target(path, column, "numbers with decimals", first, "integers", classes)
            labels = labels.astype(np.int64)
    else:
        labels = series.astype(str).to_numpy()
        if kind == "numeric" and not part and not np.isin(labels, classes).any():
            _not_the_target(path, column, "numbers", series.iloc[0], "text", classes)
    if not part:
        require_some_class(labels, series.iloc[0], classes, path, column)
    return labels


def require_some_class(labels, example, classes, path, column) -> None:
    """DataError unless some of ``labels`` are among the model's classes."""
    if not np.isin(labels, classes).any():
        raise DataError(
            f"{path}: none of the values of target {column!r} (like {example!r}) is one "
            f"of the model's classes ({few(classes)}): is {column!r} the column the model "
            "predicts?"
        )


def _not_the_target(path, column, found, example, expected, classes):
    raise DataError(
        f"{path}: target {column!r} holds {found} (like {example!r}), but the model's classes "
        f"are {expected} ({few(classes)}): is {column!r} the column the model predicts?"
    )
