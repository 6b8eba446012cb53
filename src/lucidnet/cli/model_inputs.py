"""A saved model and a data file for it: opening the model with its column
steps, turning the file's rows into the model's inputs, and writing a table
out. Shared by ``predict``, ``evaluate`` and ``transform`` (commands.py and
autoencoding.py), so neither of those imports the other.
"""

from __future__ import annotations

import contextlib
import os
import sys

from ..classic import NeuralNetwork
from ..engine.cost import available_memory
from ..io.atomic import atomic_write
from ..io.model_file import read_model_file
from .data_files import (
    DataError,
    is_csv,
    plural,
    read_csv_chunks,
    read_table,
    sniff_delimiter,
)
from .tabular import (
    check_preprocessing,
    filled_cells,
    identity_preprocessing,
    missing_counts,
    transform,
    unseen_categories,
    unseen_cells,
)

# Memory per byte of CSV when a command reads the file whole: its cells are
# Python strings first (3.9x for the read alone on 24 numeric columns; 5.9x
# to predict on a 1.5 GB file, issue 19).
READ_COST = 6
# Training reads the file, then holds its network inputs and their training
# copy: 1,620 MiB at peak for a 158 MB CSV of 24 numeric columns, of which
# about 190 MiB is the command itself (benchmarks/scale.py).
TRAIN_READ_COST = 9
STREAM_ABOVE = 2**30  # bytes of memory a whole read may take, or a quarter of what is free
CHUNK_BYTES = 8 * 2**20  # of CSV text per chunk when streaming by default (about 50 MB read)


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


def chunk_rows_for(args, read_cost=READ_COST) -> int | None:
    """Rows per chunk to stream ``args.data`` in, or None to read it whole:
    ``--chunk-rows``, or, for a CSV file whose whole read would take more than
    1 GB (or a quarter of the free memory), a chunk of about 8 MB of its text,
    saying so on stderr."""
    if not os.path.isfile(args.data):
        return None  # the reader says what is wrong
    if not is_csv(args.data):
        if getattr(args, "chunk_rows", None):
            print(f"Note: --chunk-rows reads CSV files in chunks; {args.data} is an .npz, read "
                  "whole", file=sys.stderr)  # fmt: skip
        return None
    if getattr(args, "chunk_rows", None):
        return args.chunk_rows
    size = os.path.getsize(args.data)
    free = available_memory()
    limit = STREAM_ABOVE if free is None else min(STREAM_ABOVE, free // 4)
    if size * read_cost <= limit:
        return None
    rows = max(1000, CHUNK_BYTES // _bytes_per_line(args.data))
    print(
        f"Note: reading {args.data} whole would take about {_gib(size * read_cost)} of memory "
        f"(more than {_gib(limit)}); streaming it in chunks of {rows:,} rows (--chunk-rows)",
        file=sys.stderr,
    )
    return rows


def _bytes_per_line(path) -> int:
    sniff_delimiter(path)  # refuses an unreadable file in the command's words
    with open(path, "rb") as file:
        sample = file.read(1 << 20)
    return max(1, len(sample) // max(1, sample.count(b"\n")))


def _gib(n_bytes) -> str:
    return f"{n_bytes / 2**30:.1f} GiB"


def model_inputs(args, loaded, steps, n_inputs):
    """The data file's rows as the model's inputs: yields ``(frame, X, steps)``,
    once for the whole file, or per chunk when it is read in chunks
    (:func:`chunk_rows_for`); ``steps`` are the file's column steps, or the
    data's columns as they are. Notes on filled cells, categories the model was
    not trained on (refused with ``--strict``) and columns the model does not
    use go to stderr: before the rows of a whole file, after the last chunk."""
    chunk_rows = chunk_rows_for(args)
    whole = chunk_rows is None
    frames = [read_table(args.data)] if whole else read_csv_chunks(args.data, chunk_rows)
    model, target, notes = loaded.model, (steps or {}).get("target"), InputNotes()
    for frame in frames:
        if notes.steps is None:  # the columns are every chunk's
            steps = steps_for(frame, steps, model, n_inputs, args.data)
            notes.unused = [c for c in frame.columns if c not in steps["columns"] and c != target]
        X = named_like_training(model, transform(steps, frame, args.data, strict=args.strict))
        notes.add(steps, frame)
        if whole:
            notes.show(sys.stderr)
        yield frame, X, steps
    if not whole:
        notes.show(sys.stderr)


class InputNotes:
    """What the rows given to a model had filled in or unknown, added up over
    the chunks of a file: cells filled in, categories the model was not trained
    on, and (``unused``) the file's columns it does not use."""

    def __init__(self):
        self.steps, self.missing, self.unseen, self.unused = None, {}, None, []

    def add(self, steps, frame) -> None:
        self.steps = steps
        for column, n in missing_counts(steps, frame).items():
            self.missing[column] = self.missing.get(column, 0) + n
        self.unseen = unseen_cells(steps, frame, self.unseen)

    def lines(self) -> list[str]:
        if self.steps is None:
            return []
        filled = filled_cells(self.steps, None, counts=self.missing)
        lines = [filled and f"Missing values, as in training: {filled}"]
        lines.append(unseen_categories(self.steps, None, found=self.unseen))
        if self.unused:
            columns = "column" if len(self.unused) == 1 else "columns"
            lines.append(f"Note: ignoring {columns} the model does not use: "
                         f"{', '.join(self.unused)}")  # fmt: skip
        return [line for line in lines if line]

    def show(self, file) -> None:
        for line in self.lines():
            print(line, file=file)


@contextlib.contextmanager
def table_writer(path, what):
    """``write(table)`` appends a table's rows to the CSV ``path`` (written
    atomically: the file appears whole when the block ends, never half-written,
    and an existing file is replaced only then) or to standard output; the
    header goes with the first. ``what`` its rows are, in the plural."""
    written = 0
    with contextlib.ExitStack() as stack:
        try:
            file = sys.stdout
            if path:
                file = stack.enter_context(atomic_write(path, "w", newline="", encoding="utf-8"))

            def write(table):
                nonlocal written
                table.to_csv(file, index=False, header=written == 0)
                written += len(table)

            yield write
        except OSError as exc:
            if not path:  # standard output closed (a pipe): main's BrokenPipeError path
                raise
            raise DataError(f"{path}: cannot write ({exc.strerror or exc})") from None
    if path:
        print(f"Wrote {plural(written, what[:-1], what)} to {path}", file=sys.stderr)
