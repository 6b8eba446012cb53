"""The first pass over a data file too large to read whole: what training must
know before it starts, gathered a chunk at a time in bounded memory.

Which columns are numbers (counted over every row, as a whole read decides),
the target's task and classes, and, over the training rows only, what the
column steps learn: each numeric column's mean and variance (merged chunk by
chunk with Chan's formulas, exact), its median (from a seeded sample of at
most ``MEDIAN_SAMPLE`` values: exact below that, approximate above, and said
so), and each text column's categories and their counts.

Which rows are held out is decided per row, by a seeded hash of its row
number (:func:`row_uniforms`): the same rows in every pass, whatever the
chunk size, without keeping a list of them.
"""

from __future__ import annotations

import collections
import math

import numpy as np

from .cells import (
    CellCounts,
    numbers_or_nan,
)
from .data_files import (
    DataError,
    ignore_option,
    missing_cells_error,
    plural,
    require_columns,
)
from .selection import ignored_columns
from .tabular import MISSING_CATEGORY, require_scalable

MEDIAN_SAMPLE = 100_000  # values kept per numeric column for its median
MAX_CATEGORIES = 100_000  # distinct values of a text column (or classes) counted at most
HELD_OUT, VALIDATION, BLOCK, MEDIAN, FOLD = 1, 2, 3, 4, 5  # salts: a hash per use
_MASK = (1 << 64) - 1


def row_uniforms(rows, seed, salt) -> np.ndarray:
    """A number in [0, 1) per row number, the same for the same ``(seed,
    salt)``: splitmix64 (Steele, Lea and Flood 2014) of the row number offset
    by a key of the seed and salt, its top 53 bits as a fraction."""
    key = _splitmix(np.array([(seed * 0x9E3779B97F4A7C15 + salt) & _MASK], dtype=np.uint64))
    z = _splitmix(np.asarray(rows, dtype=np.uint64) + key[0])
    return (z >> np.uint64(11)).astype(np.float64) * 2.0**-53


def _splitmix(x) -> np.ndarray:
    with np.errstate(over="ignore"):
        z = x + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def usable_rows(frame, args, features):
    """``frame``'s rows that train and evaluate (as a whole read selects them):
    rows without a target are left out, and with ``--missing drop`` rows
    missing a feature (with ``--missing error``, none: the first pass has
    refused missing cells, counted over the whole file). Returns the rows and
    how many of each were left out."""
    target = args.target  # None for an autoencoder
    if args.missing == "error":
        return frame, 0, 0
    no_target = frame[target].isna() if target is not None else np.zeros(len(frame), bool)
    frame = frame[~no_target]
    incomplete = 0
    if args.missing == "drop":
        missing = frame[features].isna().any(axis=1)
        frame, incomplete = frame[~missing], int(missing.sum())
    return frame, int(no_target.sum()), incomplete


def held_out(frame, args) -> np.ndarray:
    """Which of ``frame``'s rows are held out: ``--test-size`` of them, by row number."""
    return held_out_rows(frame.index.to_numpy(), args)


def held_out_rows(numbers, args) -> np.ndarray:
    """Which of the rows numbered ``numbers`` (0-based, in the file) are held out."""
    return row_uniforms(numbers, args.random_state, HELD_OUT) < args.test_size


class Moments:
    """Count, mean and sum of squared deviations of a stream of numbers per
    column, merged chunk by chunk (Chan, Golub and LeVeque 1979): as exact as
    one pass over all the numbers, without holding them."""

    def __init__(self, n_columns):
        self.n = np.zeros(n_columns)
        self.mean = np.zeros(n_columns)
        self.m2 = np.zeros(n_columns)

    def add(self, values) -> None:
        """``values`` (rows, columns), NaN where a cell is missing."""
        present = ~np.isnan(values)
        n_b = present.sum(axis=0).astype(float)
        if not n_b.any():
            return
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            mean_b = np.where(n_b > 0, np.nansum(values, axis=0) / np.maximum(n_b, 1), 0.0)
            m2_b = np.nansum((values - mean_b) ** 2, axis=0)
            n = self.n + n_b
            delta = mean_b - self.mean
            share = np.where(n > 0, n_b / np.maximum(n, 1), 0.0)
            self.m2 = self.m2 + m2_b + delta**2 * self.n * share
            self.mean = self.mean + delta * share
        self.n = n

    def with_fill(self, fill, n_missing) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(n, mean, m2) once the ``n_missing`` cells of each column hold ``fill``."""
        n = self.n + n_missing
        mean = (self.n * self.mean + n_missing * fill) / np.maximum(n, 1)
        m2 = self.m2 + self.n * (self.mean - mean) ** 2 + n_missing * (fill - mean) ** 2
        return n, mean, m2


def scale_of(n, mean, m2) -> np.ndarray:
    """StandardScaler's scale: the standard deviation, or 1 for a column its
    rule finds constant (a variance within rounding of zero)."""
    var = m2 / np.maximum(n, 1)
    eps = np.finfo(np.float64).eps
    constant = var <= n * eps * var + (n * mean * eps) ** 2
    return np.where(constant, 1.0, np.sqrt(var))


class MedianSample:
    """A uniform sample of at most ``MEDIAN_SAMPLE`` values of a column: those
    of the rows whose seeded hash is smallest (bottom-k sampling), so that the
    same file gives the same sample whatever its chunks. Once full, a chunk's
    rows are compared with the largest hash kept first, which few pass."""

    def __init__(self):
        self.keys, self.values, self.seen = np.empty(0), np.empty(0), 0
        self.threshold = np.inf

    def add(self, keys, values) -> None:
        present = ~np.isnan(values)
        self.seen += int(present.sum())
        candidates = present & (keys < self.threshold)
        keys = np.concatenate([self.keys, keys[candidates]])
        values = np.concatenate([self.values, values[candidates]])
        if len(keys) > MEDIAN_SAMPLE:
            kept = np.argpartition(keys, MEDIAN_SAMPLE - 1)[:MEDIAN_SAMPLE]
            keys, values = keys[kept], values[kept]
            self.threshold = keys.max()
        self.keys, self.values = keys, values

    @property
    def exact(self) -> bool:
        return self.seen <= MEDIAN_SAMPLE

    def median(self) -> float:
        return float(np.median(self.values))


class Survey:
    """Pass one: ``add`` each chunk of the file, then ``steps(task)``."""

    def __init__(self, first_chunk, args):
        self.args, path = args, args.data
        if args.target is not None:  # an autoencoder's is None: every column is a feature
            require_columns(first_chunk, [args.target], path, what="target column")
        ignored = ignored_columns(args.ignore, first_chunk, path, args.target)
        self.features = [c for c in first_chunk.columns if c != args.target and c not in ignored]
        if not self.features:
            left = "; --ignore left out all the others" if ignored else ""
            raise DataError(
                f"{path}: has only the target column {args.target!r}; no features{left}"
            )
        self.ignored = ignored
        self.n_rows = self.n_no_target = self.n_incomplete = 0
        self.raw = None  # a file to write each row's numbers to, when given
        self.missing_rows = {}  # with --missing error: column -> [count, first data rows]
        self.n_fit = self.n_held_out = 0
        self.cells = {c: CellCounts() for c in self.features}
        self.target_cells = CellCounts(distinct=set())
        self.labels = collections.Counter()  # the target's values (held-out rows too)
        self.target_moments = Moments(1)
        self.moments = Moments(len(self.features))
        self.missing = np.zeros(len(self.features))  # cells, in the training rows
        self.missing_everywhere = collections.Counter()  # cells, in every usable row
        self.medians = [MedianSample() for _ in self.features]
        self.too_many_labels = False
        self.counted_from = {}  # text columns: the row their categories are counted from
        self.categories = {c: collections.Counter() for c in self.features}
        self.held_out_values = {c: collections.Counter() for c in self.features}

    def add(self, chunk) -> None:
        args, features = self.args, self.features
        rows_before = self.n_rows
        self.n_rows += len(chunk)
        target = None if args.target is None else chunk[args.target]
        target_numbers = np.zeros(len(chunk)) if target is None else numbers_or_nan(target)
        numbers = np.column_stack([*(numbers_or_nan(chunk[c]) for c in features), target_numbers])
        if self.raw is not None:  # every row, in the file's order (see streamed_training)
            self.raw.write(numbers.tobytes())
        for j, column in enumerate(features):  # kinds over every row, as a whole read decides
            self.cells[column].add(chunk[column], numbers[:, j])
        if target is not None:
            self.target_cells.add(target, numbers[:, -1])
        numbers[~np.isfinite(numbers)] = np.nan
        if args.missing == "error":
            self._count_missing(chunk)
        rows, no_target, incomplete = usable_rows(chunk, args, features)
        self.n_no_target += no_target
        self.n_incomplete += incomplete
        self.missing_everywhere.update(rows[features].isna().sum().to_dict())
        out = held_out(rows, args)
        fit = rows[~out]
        self.n_fit += len(fit)
        self.n_held_out += int(out.sum())
        if args.target is not None and not self.too_many_labels:  # not a regression's values
            self.labels.update(rows[args.target].astype(str).value_counts().to_dict())
            self.too_many_labels = len(self.labels) > MAX_CATEGORIES
        numbers = numbers[chunk.index.get_indexer(fit.index)]
        self.target_moments.add(numbers[:, -1:])
        values = numbers[:, :-1]
        seen = ~np.isnan(values).all(axis=0)
        if seen.any():
            columns = [c for c, s in zip(features, seen) if s]
            require_scalable(values[:, seen], columns, args.data)
        self.moments.add(values)
        self.missing += fit[features].isna().to_numpy().sum(axis=0)
        if args.missing == "impute":
            keys = row_uniforms(fit.index.to_numpy(), args.random_state, MEDIAN)
            for j, sample in enumerate(self.medians):
                sample.add(keys, values[:, j])
        for column in features:
            if self.cells[column].stray:  # text so far: its categories count
                self.counted_from.setdefault(column, rows_before)
                self.count_categories(chunk, column)

    def _count_missing(self, chunk) -> None:
        for column in [c for c in (self.args.target, *self.features) if c is not None]:
            missing = chunk[column].isna().to_numpy()
            if missing.any():
                count = self.missing_rows.setdefault(column, [0, []])
                count[0] += int(missing.sum())
                count[1] += (chunk.index[missing][:5] + 1).tolist()[: 5 - len(count[1])]

    def require_no_missing(self) -> None:
        """With ``--missing error``: the error a whole read gives, counted over
        every chunk (the first column in the file's order with a missing cell)."""
        for column in [c for c in (self.args.target, *self.features) if c is not None]:
            if column in self.missing_rows:
                count, rows = self.missing_rows[column]
                raise missing_cells_error(self.args.data, column, count, rows)

    def count_categories(self, chunk, column) -> None:
        """Count ``column``'s text values in ``chunk``'s training and held-out rows."""
        rows = usable_rows(chunk, self.args, self.features)[0]
        out = held_out(rows, self.args)
        self._count(self.categories[column], rows[~out][column], column)
        self._count(self.held_out_values[column], rows[out][column], column)

    def _count(self, counter, cells, column) -> None:
        counter.update(cells.dropna().astype(str).value_counts().to_dict())
        if len(counter) > MAX_CATEGORIES:
            raise DataError(
                f"{self.args.data}: column {column!r} has more than {MAX_CATEGORIES:,} distinct "
                "text values, each of which would be a network input of its own; if it is an "
                f"ID or a date, leave it out with {ignore_option([column])}"
            )

    def kinds(self) -> dict:
        path = self.args.data
        for column in self.features:
            if not self.cells[column].present:
                raise DataError(
                    f"{path}: column {column!r} has no values (every cell is missing); leave it "
                    f"out with {ignore_option([column])}"
                )
        return {c: self.cells[c].kind(path, c) for c in self.features}

    def late_text(self, kinds) -> list:
        """Text columns whose first chunks were all numbers: their categories were
        counted only from a later chunk, and need a pass of their own (their
        counts are reset here; :meth:`count_categories` counts them again)."""
        late = [c for c in self.features if kinds[c] == "text" and self.counted_from[c] > 0]
        for column in late:
            self.categories[column].clear()
            self.held_out_values[column].clear()
        return late

    def task(self) -> tuple[str, str]:
        args = self.args
        if self.n_fit == 0:
            raise DataError(f"{args.data}: no rows are left to train on")
        if args.target is None:
            return None, None
        if not self.target_cells.present:
            raise DataError(f"{args.data}: target {args.target!r} has no values")
        if args.task:
            task, reason = args.task, "given with --task"
        else:
            task, reason = self.target_cells.task(args.data, args.target, len(self.labels))
            reason += "; --task to choose"
        if task == "classification" and self.too_many_labels:
            raise DataError(
                f"{args.data}: target {args.target!r} has more than {MAX_CATEGORIES:,} distinct "
                "values: too many classes (for numbers to predict, give --task regression)"
            )
        return task, reason

    def classes(self, task):
        """The labels of the rows (held-out too), as a whole read types them."""
        if task != "classification":
            return None
        labels = np.array(sorted(self.labels))
        if self.target_cells.kind(self.args.data, self.args.target) == "numeric":
            values = np.unique(labels.astype(float))
            if np.all(values == np.round(values)):
                labels = values.astype(np.int64)
        if len(labels) < 2:
            raise DataError(
                f"{self.args.data}: target {self.args.target!r} has a single class "
                f"{labels[0]!r}; classification needs at least two"
            )
        return labels

    def target_scaling(self) -> tuple[float, float]:
        """The training rows' target mean and standard deviation (regression)."""
        m = self.target_moments
        n = float(m.n[0])
        std = math.sqrt(m.m2[0] / n) if n else 0.0
        if not (math.isfinite(m.mean[0]) and math.isfinite(std)):
            raise DataError(f"{self.args.data}: target {self.args.target!r} is too large to scale")
        return float(m.mean[0]), std or 1.0

    def steps(self, task, kinds, scale_together) -> tuple[dict, list]:
        """The column steps, as ``fit_preprocessing`` learns them from the
        training rows of a whole read, and notes on what is approximate."""
        args, features, notes = self.args, self.features, []
        numeric = [c for c in features if kinds[c] == "numeric"]
        text = [c for c in features if kinds[c] == "text"]
        index = [features.index(c) for c in numeric]
        steps = {
            "target": args.target,
            "task": task,
            "columns": list(features),
            "numeric": {"columns": numeric, "mean": [], "scale": []},
            "categorical": {"columns": text, "categories": []},
            "missing": {"strategy": args.missing, "numeric": [], "categorical": []},
        }
        if numeric:
            empty = [c for c, j in zip(numeric, index) if self.moments.n[j] == 0]
            if empty:
                raise DataError(
                    f"{args.data}: {', '.join(map(repr, empty))} {plural(len(empty), 'column')} "
                    "without a value in any training row: no median or scale to learn; leave "
                    f"{'it' if len(empty) == 1 else 'them'} out with {ignore_option(empty)}"
                )
            fill = np.zeros(len(numeric))
            missing = self.missing[index] if args.missing == "impute" else np.zeros(len(numeric))
            if args.missing == "impute":
                fill = np.array([self.medians[j].median() for j in index])
                steps["missing"]["numeric"] = fill.tolist()
                rough = [c for c, j in zip(numeric, index) if not self.medians[j].exact]
                if rough and missing.any():
                    notes.append(
                        f"Note: the medians that fill missing cells are those of a sample of "
                        f"{MEDIAN_SAMPLE:,} values per column (approximate: the file is "
                        "read in chunks)"
                    )
            n, mean, m2 = self._moments(index).with_fill(fill, missing)
            if scale_together:
                total = n.sum()
                pooled = (n * mean).sum() / total
                m2 = m2.sum() + (n * (mean - pooled) ** 2).sum()
                n, mean, m2 = np.full(len(n), total), np.full(len(n), pooled), np.full(len(n), m2)
            scale = scale_of(n, mean, m2)
            if not (np.isfinite(mean).all() and np.isfinite(scale).all()):
                raise DataError(f"{args.data}: the numeric columns' values are too large to scale")
            steps["numeric"]["mean"], steps["numeric"]["scale"] = mean.tolist(), scale.tolist()
        for column in text:
            counts = self.categories[column]
            has_missing = self.missing[features.index(column)] > 0
            if args.missing == "impute":
                fill = _text_fill(counts, has_missing)
                steps["missing"]["categorical"].append(fill)
                if has_missing:
                    counts = counts + collections.Counter({fill: 1})
            steps["categorical"]["categories"].append(sorted(counts))
        return steps, notes

    def _moments(self, index) -> Moments:
        part = Moments(len(index))
        part.n, part.mean = self.moments.n[index], self.moments.mean[index]
        part.m2 = self.moments.m2[index]
        return part


def _text_fill(counts, has_missing) -> str:
    """As a whole read fills a text column (``tabular._text_fill``): a category of
    its own when training rows miss a value, else the most frequent one (the
    first in sorted order among ties, as pandas' ``mode``)."""
    if not has_missing:
        top = max(counts.values())
        return min(value for value, count in counts.items() if count == top)
    name = MISSING_CATEGORY
    while name in counts:
        name = f"({name})"
    return name
