"""Reading the ``lucidnet`` command's data files, and saying clearly what is wrong.

A data file is a CSV file with a header row, or an ``.npz`` with a 2-D array
``X`` (its columns are named ``x0, x1, ...``) and optionally a 1-D array ``y``
(the column ``y``). Either way it becomes a pandas DataFrame; CSV cells are
read as text, and each command decides which columns are numbers.
"""

from __future__ import annotations

import collections
import csv
import os
import zipfile

import numpy as np

MAX_CLASSES_INFERRED = 20  # integer targets with at most this many values are classes
ROWS_SHOWN = 5
DELIMITERS = ",;\t|"
SNIFF_CHARACTERS = 16 * 1024  # the first lines; the sniffer is slow on long text
# Written for "no value" in files people make (pandas adds NA, N/A, NULL, NaN...).
MISSING_MARKERS = ("", "?", "-", "n/a", "nan", "null", "none")
DECIMAL_COMMA = r"\s*[+-]?\d+,\d+(?:[eE][+-]?\d+)?\s*"


class DataError(ValueError):
    """Bad input a user can fix: the ``lucidnet`` command exits with status 2."""


def import_pandas():
    try:
        import pandas
    except ImportError:
        raise DataError("reading data files needs pandas: pip install 'lucidnet[cli]'") from None
    return pandas


def read_table(path):
    """The rows of a CSV or ``.npz`` data file as a DataFrame."""
    if not os.path.exists(path):
        raise DataError(f"{path}: no such file")
    if os.path.isdir(path):
        raise DataError(f"{path}: is a folder, not a data file")
    if os.path.getsize(path) == 0:
        raise DataError(f"{path}: the file is empty (expected a CSV header row, then data rows)")
    pandas = import_pandas()
    if zipfile.is_zipfile(path):
        frame = _read_npz(path, pandas)
    else:
        frame = _read_csv(path, pandas)
    if len(frame) == 0:
        raise DataError(f"{path}: has a header but no data rows")
    return frame


def _read_csv(path, pandas):
    delimiter = sniff_delimiter(path)
    options = {"sep": delimiter, "dtype": str, "skipinitialspace": True}
    try:
        # Text, not guessed types: each command decides which columns are numbers,
        # and at prediction time a column is read exactly as it was in training.
        frame = pandas.read_csv(path, na_values=missing_markers(), **options)
        header = pandas.read_csv(path, header=None, nrows=1, keep_default_na=False, **options)
    except pandas.errors.EmptyDataError:
        raise DataError(f"{path}: the file is empty (expected a CSV header row)") from None
    except (pandas.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"{path}: is not a readable CSV file ({first_line})") from None
    _check_header(path, header.iloc[0].tolist(), frame, delimiter)
    n_commas = 0
    if delimiter != ",":
        frame, n_commas = _read_decimal_commas(frame)
    frame.attrs.update(delimiter=delimiter, decimal_commas=n_commas)
    return frame


def sniff_delimiter(path) -> str:
    """The file's separator among ``, ; tab |``, from its first lines (``,``
    when they do not tell, as in a file of one column)."""
    try:
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as file:
            sample = file.read(SNIFF_CHARACTERS)
    except OSError as exc:
        raise DataError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    if len(sample) == SNIFF_CHARACTERS and "\n" in sample:
        sample = sample[: sample.rindex("\n")]  # whole lines only
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def missing_markers() -> list[str]:
    """Cells read as missing, besides pandas' own (``NA``, ``n/a``, empty...)."""
    return sorted(
        {change(m) for m in MISSING_MARKERS for change in (str.lower, str.upper, str.title)}
    )


def _check_header(path, names, frame, delimiter) -> None:
    """Every column has a name of its own, and no row has more cells than the header."""
    shown = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "'|'"}[delimiter]
    if not isinstance(frame.index, import_pandas().RangeIndex):
        # pandas takes the extra leading cells as row labels: say so, never guess.
        raise DataError(
            f"{path}: the data rows have more cells than the header row's {len(names)} "
            f"names (separated by {shown}); every column needs a name"
        )
    empty = [i + 1 for i, name in enumerate(names) if not name.strip()]
    if empty:
        raise DataError(
            f"{path}: the header row has {len(empty)} empty column name(s) (column(s) "
            f"{', '.join(map(str, empty[:ROWS_SHOWN]))}); every column needs a name"
        )
    counts = collections.Counter(names)
    repeated = [name for name in names if counts[name] > 1]
    if repeated:
        listed = ", ".join(repr(name) for name in dict.fromkeys(repeated))
        raise DataError(
            f"{path}: the header row names {listed} more than once; every column needs a "
            "name of its own"
        )


def _read_decimal_commas(frame):
    """``3,5`` means 3.5 in a file separated by ``;`` or tabs (as European
    spreadsheets write them); returns the frame and the number of cells read so."""
    n_cells = 0
    for column in frame.columns:
        cells = frame[column]
        if not hasattr(cells, "str"):
            continue
        decimal = cells.str.fullmatch(DECIMAL_COMMA).fillna(False).astype(bool)
        if decimal.any():
            frame[column] = cells.where(~decimal, cells.str.replace(",", ".", regex=False))
            n_cells += int(decimal.sum())
    return frame, n_cells


def _read_npz(path, pandas):
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files if name in ("X", "y")}
            names = list(npz.files)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise DataError(f"{path}: is not a readable .npz file ({exc})") from None
    if "metadata" in names and "coef_0" in names:
        raise DataError(f"{path}: is a lucidnet model file, not a data file")
    X = arrays.get("X")
    if X is None or X.ndim != 2 or X.dtype.kind not in "iuf":
        raise DataError(
            f"{path}: an .npz data file needs a 2-D numeric array 'X' (and a 1-D 'y'); "
            f"it has {', '.join(names) or 'no arrays'}"
        )
    frame = pandas.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
    if "y" in arrays:
        y = arrays["y"]
        if y.ndim != 1 or len(y) != len(X):
            raise DataError(
                f"{path}: 'y' must be 1-D with one value per row of X ({len(X)}); "
                f"it has shape {y.shape}"
            )
        frame["y"] = y
    return frame


def require_columns(frame, columns, path, what="column") -> None:
    """DataError naming the columns that are absent and listing those present."""
    absent = [c for c in columns if c not in frame.columns]
    if absent:
        quoted = ", ".join(repr(c) for c in absent)
        raise DataError(
            f"{path}: has no {what} {quoted}; its columns are: {', '.join(map(str, frame.columns))}"
        )


def require_no_missing(frame, columns, path) -> None:
    """DataError naming the first column with empty cells and counting its rows."""
    for column in columns:
        missing = frame[column].isna().to_numpy()
        if missing.any():
            raise DataError(
                f"{path}: column {column!r} has {int(missing.sum())} row(s) with a missing value "
                f"({_rows(missing)}); fill them in or drop those rows"
            )


def _rows(mask) -> str:
    """'data rows 2, 7' (1-based, the header not counted), the first few only."""
    rows = (np.flatnonzero(mask) + 1).tolist()
    shown = ", ".join(map(str, rows[:ROWS_SHOWN]))
    return f"data row(s) {shown}{', ...' if len(rows) > ROWS_SHOWN else ''}"


def as_numbers(series, path, column, expected="numbers"):
    """The column as float64; DataError naming the first cell that is not a number."""
    pandas = import_pandas()
    if series.dtype == bool:
        series = series.astype(str)
    numbers = pandas.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64)
    bad = ~np.isfinite(numbers)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"{path}: column {column!r} has {series.iloc[first]!r} in data row {first + 1}, "
            f"but {expected} were expected ({int(bad.sum())} such row(s))"
        )
    return numbers


def is_numeric(series) -> bool:
    """Every cell reads as a finite number (booleans count as text)."""
    if series.dtype == bool:
        return False
    pandas = import_pandas()
    numbers = pandas.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64)
    return bool(np.all(np.isfinite(numbers)))


def infer_task(series, column) -> tuple[str, str]:
    """``(task, reason)``: text or a few distinct integers mean classification."""
    if not is_numeric(series):
        return "classification", f"target {column!r} has text values"
    values = import_pandas().to_numeric(series).to_numpy(dtype=np.float64)
    distinct = len(np.unique(values))
    if np.all(values == np.round(values)) and distinct <= MAX_CLASSES_INFERRED:
        return "classification", f"target {column!r} has {distinct} distinct integer values"
    kind = "integer" if np.all(values == np.round(values)) else "non-integer"
    return "regression", f"target {column!r} has {distinct} distinct {kind} values"


def target_values(series, task, path, column):
    """Labels for classification (int64 when all integers, else text), or float64."""
    if task == "regression":
        return as_numbers(series, path, column, expected="numbers (the task is regression)")
    labels = series.astype(str).to_numpy()
    if is_numeric(series):
        values = import_pandas().to_numeric(series).to_numpy(dtype=np.float64)
        if np.all(values == np.round(values)):
            labels = values.astype(np.int64)
    if len(np.unique(labels)) < 2:
        raise DataError(
            f"{path}: target {column!r} has a single class {labels[0]!r}; classification "
            "needs at least two"
        )
    return labels


def labels_like(series, classes, path, column):
    """A target column read as labels of the same type as a model's ``classes_``."""
    kind = np.asarray(classes).dtype.kind
    if kind in "iuf":
        values = as_numbers(series, path, column, expected="class labels that are numbers")
        return values.astype(np.int64) if kind in "iu" else values
    return series.astype(str).to_numpy()
