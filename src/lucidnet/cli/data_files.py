"""Reading the ``lucidnet`` command's data files, and saying clearly what is wrong.

A data file is a CSV file with a header row, or an ``.npz`` with a 2-D array
``X`` (its columns are named ``x0, x1, ...``) and optionally a 1-D array ``y``
(the column ``y``). Either way it becomes a pandas DataFrame. A CSV file may
be separated by commas, semicolons, tabs or ``|`` (found from its first
lines); its cells are read as text, with the usual ways of writing "no value"
(empty, ``NA``, ``?``, ``-``...) read as missing, and each command decides
which columns are numbers (:func:`column_kind`).
"""

from __future__ import annotations

import collections
import csv
import os
import shlex
import zipfile
from dataclasses import dataclass

import numpy as np

from ..exceptions import ModelFileError
from ..io.archive import ARCHIVE_ERRORS, Archive

MAX_CLASSES_INFERRED = 20  # integer targets with at most this many values are classes
ROWS_SHOWN = 5
MOSTLY_NUMBERS = 0.9  # a column this much numbers is a numeric column with typing slips
KEPT_DISTINCT = 100_000  # distinct numbers counted per column, at most
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
    _check_readable(path)
    pandas = import_pandas()
    if zipfile.is_zipfile(path):
        frame = _read_npz(path, pandas)
    else:
        frame = next(_read_csv(path, pandas))
    if len(frame) == 0:
        raise DataError(f"{path}: has a header but no data rows")
    return frame


def read_csv_chunks(path, chunk_rows):
    """A CSV data file's rows, ``chunk_rows`` at a time: DataFrames read exactly
    as :func:`read_table` reads the whole file (text cells, the same missing
    markers and header checks, decimal commas), so that a file larger than
    memory goes through in pieces. Row labels keep counting across chunks."""
    _check_readable(path)
    chunks = _read_csv(path, import_pandas(), chunk_rows)
    first = next(chunks)
    if len(first) == 0:
        raise DataError(f"{path}: has a header but no data rows")
    yield first
    yield from chunks


def is_csv(path) -> bool:
    """A data file that is not an ``.npz`` (a zip archive) is read as CSV."""
    return not zipfile.is_zipfile(path)


def _check_readable(path) -> None:
    if not os.path.exists(path):
        raise DataError(f"{path}: no such file")
    if os.path.isdir(path):
        raise DataError(f"{path}: is a folder, not a data file")
    if os.path.getsize(path) == 0:
        raise DataError(f"{path}: the file is empty (expected a CSV header row, then data rows)")


def _read_csv(path, pandas, chunk_rows=None):
    """DataFrames of the file's rows: one of them all (``chunk_rows`` None), or
    one per ``chunk_rows`` rows; an empty file's header gives one empty frame."""
    delimiter = sniff_delimiter(path)
    options = {"sep": delimiter, "dtype": str, "skipinitialspace": True}
    errors = (pandas.errors.ParserError, UnicodeDecodeError, ValueError)
    try:
        header = pandas.read_csv(path, header=None, nrows=1, keep_default_na=False, **options)
        # Text, not guessed types: each command decides which columns are numbers,
        # and at prediction time a column is read exactly as it was in training.
        reader = pandas.read_csv(
            path, na_values=missing_markers(), chunksize=chunk_rows, **options
        )
        frames = iter([reader]) if chunk_rows is None else iter(reader)
        frame = next(frames, None)
        if frame is None:  # a header and no rows: no chunk at all
            frame = pandas.read_csv(path, na_values=missing_markers(), nrows=0, **options)
    except pandas.errors.EmptyDataError:
        raise DataError(f"{path}: the file is empty (expected a CSV header row)") from None
    except errors as exc:
        raise _unreadable(path, exc) from None
    names = header.iloc[0].tolist()
    while frame is not None:
        _check_header(path, names, frame, delimiter)
        n_commas = 0
        if delimiter != ",":
            frame, n_commas = _read_decimal_commas(frame)
        frame.attrs.update(delimiter=delimiter, decimal_commas=n_commas)
        yield frame
        try:  # a later chunk may be malformed too: the same error as reading it whole
            frame = next(frames, None)
        except errors as exc:
            raise _unreadable(path, exc) from None


def _unreadable(path, exc) -> DataError:
    first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return DataError(f"{path}: is not a readable CSV file ({first_line})")


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
        index = " (a nameless first column is often a saved row index)" if empty[0] == 1 else ""
        raise DataError(
            f"{path}: the header row has {plural(len(empty), 'empty column name')} (column"
            f"{'' if len(empty) == 1 else 's'} {', '.join(map(str, empty[:ROWS_SHOWN]))}); every "
            f"column needs a name{index}"
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
    """X (and y) from an .npz, read as model files are read (lucidnet.io.archive):
    no pickle, and no array allocated before its size is justified by the file."""
    problem = None
    try:
        with zipfile.ZipFile(path) as opened:
            archive = Archive(path, opened, os.path.getsize(path))
            names = list(archive.members)
            arrays = {} if "metadata" in names else {
                name: archive.read(name, _accept_data_array)
                for name in ("X", "y")
                if name in archive.members
            }  # fmt: skip
    except ModelFileError as exc:
        problem = exc.problem
    except ARCHIVE_ERRORS as exc:
        problem = f"{type(exc).__name__}: {str(exc)[:200]}"
    if problem is not None:
        raise DataError(f"{path}: is not a readable .npz file ({problem})")
    if "metadata" in names:
        raise DataError(f"{path}: is a lucidnet model file, not a data file")
    X = arrays.get("X")
    if X is None:
        raise DataError(
            f"{path}: an .npz data file needs a numeric array 'X' of shape (n, features), "
            f"(n, height, width) or (n, height, width, channels) (and a 1-D 'y'); "
            f"it has {', '.join(names) or 'no arrays'}"
        )
    sample_shape = X.shape[1:]
    X = X.reshape(len(X), -1)  # images and signals: one column per value, channels last
    frame = pandas.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
    frame.attrs["from_npz"] = True
    frame.attrs["arrays"] = names  # to name them when a column is not found
    if len(sample_shape) > 1:
        frame.attrs["sample_shape"] = sample_shape
    if "y" in arrays:
        y = arrays["y"]
        if y.ndim != 1 or len(y) != len(X):
            raise DataError(
                f"{path}: 'y' must be 1-D with one value per row of X ({len(X)}); "
                f"it has shape {y.shape}"
            )
        frame["y"] = y
    return frame


def _accept_data_array(name, dtype, shape) -> None:
    """X: 2-D to 4-D numbers; y: 1-D numbers, booleans or text; nothing else is read."""
    if name == "X":
        ok = dtype.kind in "iuf" and 2 <= len(shape) <= 4
        expected = "numbers of shape (n, features), (n, height, width) or (n, h, w, channels)"
    else:
        ok = dtype.kind in "iufbUS" and len(shape) == 1
        expected = "a 1-D array of numbers or text"
    if not ok:
        raise ModelFileError(
            "", f"its array {name!r} is {dtype.str} of shape {tuple(shape)}; expected {expected}"
        )


def require_columns(frame, columns, path, what="column", why="") -> None:
    """DataError naming the columns that are absent (and ``why`` they are
    wanted) and listing those present (the first few of each: a model of 192
    inputs must not print 192 names)."""
    absent = [c for c in columns if c not in frame.columns]
    if absent:
        quoted = _some([repr(c) for c in absent], 5) + why
        if "arrays" in frame.attrs:
            x_columns = [c for c in frame.columns if c != "y"]
            named = npz_columns(frame.attrs["arrays"], f"x0 to {x_columns[-1]}")
            raise DataError(f"{path}: has no {what} {quoted}{named}")
        present = _some([str(c) for c in frame.columns], 10)
        raise DataError(f"{path}: has no {what} {quoted}; its columns are: {present}")


def npz_columns(arrays, x_columns="x0, x1, ...") -> str:
    """How an .npz data file's arrays are its columns, naming those it holds."""
    return (
        f"; an .npz data file's columns are {x_columns} (its array X) and y (its array y, "
        f"the target: --target y); this file holds the arrays {', '.join(arrays) or 'none'}"
    )


def npz_target_hint(path) -> str:
    """For an .npz data file, where its target is (empty for any other file)."""
    try:
        with zipfile.ZipFile(path) as opened:
            names = [n[: -len(".npy")] for n in opened.namelist() if n.endswith(".npy")]
    except (OSError, zipfile.BadZipFile, ValueError):
        return ""
    return npz_columns(names)


def plural(count, word, words=None) -> str:
    """``'1 row'``, ``'3 rows'``, ``'2 categories'`` (given ``words``)."""
    return f"{count:,} {word if count == 1 else words or word + 's'}"


def _some(names, count) -> str:
    more = f", ... ({len(names)} in all)" if len(names) > count else ""
    return ", ".join(names[:count]) + more


def require_no_missing(frame, columns, path, advice="fill them in or drop those rows") -> None:
    """DataError naming the first column with empty cells and counting its rows."""
    for column in columns:
        missing = frame[column].isna()
        if missing.any():
            rows = (missing.index[missing.to_numpy()] + 1).tolist()
            raise missing_cells_error(path, column, len(rows), rows, advice)


def missing_cells_error(path, column, count, rows, advice="fill them in or drop those rows"):
    """The error on ``column``'s ``count`` missing cells, the first in data
    ``rows`` (1-based, as numbered in the file)."""
    shown = ", ".join(map(str, rows[:ROWS_SHOWN])) + (", ..." if count > ROWS_SHOWN else "")
    where = f"data row{'' if count == 1 else 's'} {shown}"
    return DataError(
        f"{path}: column {column!r} has {plural(count, 'row')} with a missing value "
        f"({where}); {advice}"
    )


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


def ignore_option(columns) -> str:
    """The ``--ignore`` option that leaves out ``columns``, ready to paste into a
    shell: ``--ignore 'Row ID',date``; a name with a comma gets an ``--ignore``
    of its own (a value that is exactly a column's name is taken whole)."""
    whole = [c for c in columns if "," in c]
    joined = ",".join(c for c in columns if "," not in c)
    values = ([joined] if joined else []) + whole
    return " ".join(f"--ignore {shlex.quote(value)}" for value in values)


def few(values, n=5) -> str:
    """The first ``n`` values, then how many there are in all."""
    shown = ", ".join(map(str, values[:n]))
    return shown if len(values) <= n else f"{shown}, ... ({len(values):,} in all)"
