"""Which rows and columns of a data file the network sees, and the lines that
tell the user what was left out and why.

``train`` leaves out the columns given to ``--ignore``, decides which feature
columns are numbers and which text, and, by ``--missing``, stops at a missing
cell, leaves out the rows that have one, or keeps them to be filled in later
(see :mod:`lucidnet.cli.tabular`). Rows without a target value are left out
unless ``--missing error``: there is nothing to learn from them or score
them against.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .cells import (
    CellCounts,
    column_kind,
)
from .data_files import (
    DataError,
    ignore_option,
    plural,
    require_columns,
    require_no_missing,
)

ID_MIN_VALUES = 20  # a text column with more distinct values than this...
ID_SHARE = 0.5  # ...in more than this share of its rows is probably an ID or a date


@dataclass
class Selection:
    """The rows and columns to train on, and what to tell the user about them."""

    frame: object
    features: list
    kinds: dict
    notes: list = field(default_factory=list)


def select_training_data(frame, args) -> Selection:
    """The rows and feature columns of ``frame`` that ``train`` learns from
    (an autoencoder's ``args.target`` may be None: every column is a feature)."""
    path, target = args.data, args.target
    if target is not None:
        require_columns(frame, [target], path, what="target column")
    ignored = ignored_columns(args.ignore, frame, path, target)
    features = [c for c in frame.columns if c != target and c not in ignored]
    if not features:
        left = "; --ignore left out all the others" if ignored else ""
        raise DataError(f"{path}: has only the target column {target!r}; no features{left}")
    if target is not None:
        column_kind(frame[target], path, target)  # a stray text cell is reported, not a class
    _refuse_empty_columns(frame, features, path)
    kinds = {c: column_kind(frame[c], path, c) for c in features}
    notes = [ignored_note(ignored)] if ignored else []
    if args.missing == "error":
        require_no_missing(frame, [c for c in (target, *features) if c is not None], path)
    elif target is not None:
        frame, note = drop_rows_without_target(frame, target, path)
        notes += [note] if note else []
    if args.missing == "drop":
        incomplete = frame[features].isna().any(axis=1)
        frame = frame[~incomplete]
        if incomplete.any():
            notes.append(incomplete_note(int(incomplete.sum()), len(frame)))
        if frame.empty:
            raise DataError(f"{path}: every row has a missing value; try --missing impute")
    notes += id_like_notes(frame, [c for c in features if kinds[c] == "text"])
    notes += numbered_rows_notes(frame, [c for c in features if kinds[c] == "numeric"])
    return Selection(frame, features, kinds, notes)


def _refuse_empty_columns(frame, features, path) -> None:
    """Every feature column without any value, named at once with the option
    that leaves them out, ready to paste."""
    empty = [c for c in features if frame[c].isna().all()]
    if empty:
        one = len(empty) == 1
        raise DataError(
            f"{path}: column{'' if one else 's'} {', '.join(map(repr, empty))} "
            f"{'has' if one else 'have'} no values (every cell is missing); leave "
            f"{'it' if one else 'them'} out with {ignore_option(empty)}"
        )


def ignored_columns(given, frame, path, target) -> list:
    """The columns named by ``--ignore``, checked. The option may be repeated;
    each value is one column's name when it is exactly one (``--ignore 'a,b'``
    for a column named ``a,b``), else names separated by commas."""
    names = []
    for value in given or []:
        if value in frame.columns:
            names.append(value)
            continue
        parts = [part.strip() for part in value.split(",")]
        if not all(parts):
            raise DataError(
                f"{path}: --ignore {value!r} is no column's name, and not column names "
                "separated by commas (like id,date): it has an empty name"
            )
        names += parts
    names = list(dict.fromkeys(names))
    absent = [name for name in names if name not in frame.columns]
    if absent:
        raise DataError(
            f"{path}: has no column {', '.join(map(repr, absent))} (given to --ignore); its "
            f"columns are: {', '.join(map(str, frame.columns))}"
        )
    if target in names:
        raise DataError(f"--ignore names the target column {target!r}")
    return names


def drop_rows_without_target(frame, target, path):
    """``frame`` without the rows whose target is missing, and a line saying so
    (None when there were none)."""
    missing = frame[target].isna()
    if not missing.any():
        return frame, None
    if missing.all():
        raise DataError(f"{path}: target {target!r} has no values (every cell is missing)")
    return frame[~missing], no_target_note(int(missing.sum()), target)


def ignored_note(ignored) -> str:
    """The line on the columns ``--ignore`` left out (a name with a comma quoted)."""
    shown = (repr(name) if "," in name else name for name in ignored)
    return f"Left out with --ignore: {', '.join(shown)}"


def no_target_note(count, target) -> str:
    return f"Left out {plural(count, 'row')} with no value for the target {target!r}"


def incomplete_note(count, n_left=None) -> str:
    """The line on the rows --missing drop left out (and how many are left, when known)."""
    left = f"; {n_left:,} left" if n_left is not None else ""
    return f"Left out {plural(count, 'row')} with a missing value (--missing drop){left}"


def numbered_rows_notes(frame, numeric_columns) -> list:
    """A note for each column of whole numbers that differ in nearly every row and
    rise with it (1, 2, 3, ...): a row number or an ID, which teaches nothing."""
    notes = []
    for column in numeric_columns:
        values = frame[column].dropna().astype(float).to_numpy()
        if len(values) <= ID_MIN_VALUES or not np.all(values == np.round(values)):
            continue
        distinct = len(np.unique(values)) / len(values)
        with np.errstate(over="ignore", invalid="ignore"):  # values near 1e308: refused later
            rising = np.mean(np.diff(values) > 0)
        if distinct > 0.95 and rising > 0.95:
            notes.append(
                f"Note: column {column!r} counts up row by row (a distinct whole number in "
                f"{distinct:.0%} of rows); if it is a row number or an ID, leave it out with "
                f"{ignore_option([column])}"
            )
    return notes


def id_like_notes(frame, text_columns, counts=None) -> list:
    """A note for each text column with a distinct value in most rows: one-hot
    encoding an ID or a date learns nothing, and new rows bring new values.
    ``counts``: each column's :class:`CellCounts` over a whole file read in
    chunks, of which ``frame`` is a part."""
    notes = []
    for column in text_columns:
        cells = CellCounts.of(frame[column]) if counts is None else counts[column]
        if cells.share >= 0.5:  # numbers with typing slips, most likely
            cell, row = cells.first_stray
            notes.append(
                f"Note: column {column!r} is read as text (a category per value), but "
                f"{cells.share:.0%} of its cells are numbers; if it holds numbers, correct the "
                f"others (like {cell!r} in data row {row}) or leave them empty"
            )
            continue
        cells = frame[column].dropna()
        distinct = cells.nunique()
        if distinct > ID_MIN_VALUES and distinct > ID_SHARE * len(cells):
            notes.append(
                f"Note: column {column!r} has a distinct value in {distinct / len(cells):.0%} "
                f"of rows; if it is an ID or a date, leave it out with {ignore_option([column])}"
            )
    return notes
