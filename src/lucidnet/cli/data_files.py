"""Reading the ``lucidnet`` command's data files, and saying clearly what is wrong.

A data file is a CSV file with a header row, or an ``.npz`` with a 2-D array
``X`` (its columns are named ``x0, x1, ...``) and optionally a 1-D array ``y``
(the column ``y``). Either way it becomes a pandas DataFrame. A CSV file may
be separated by commas, semicolons, tabs or ``|`` (found from its first
lines); its cells are read as text, with the usual ways of writing "no value"
(empty, ``NA``, ``?``, ``-``...) read as missing, and each command decides
which columns are numbers (:func:`lucidnet.cli.cells.column_kind`).
"""

from __future__ import annotations

import collections
import csv
import os
import shlex
import zipfile

from ..exceptions import ModelFileError
from ..io.archive import ARCHIVE_ERRORS, Archive

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
