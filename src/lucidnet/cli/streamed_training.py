"""``lucidnet train`` on a CSV file read in chunks: memory bounded by a
chunk and a block, not by the file (beside the held-out report's one label
and one prediction per held-out row).

Two passes over the file, then training from a cache on disk:

1. :class:`~lucidnet.cli.file_survey.Survey` learns what the column steps
   need (kinds, task, classes, means and scales, medians, categories) from the
   training rows; the held-out rows are chosen per row by a seeded hash.
2. Each chunk's rows become network inputs by those steps (``tabular.transform``,
   the very code of a whole read) and go to a cache of float64 records in a
   temporary folder: the training rows scattered over blocks of about
   ``BLOCK_BYTES`` (larger for a copy over 8 GiB: at most ``MAX_BLOCKS``) by
   a second hash, so that every block is a random sample
   of the file (a file sorted by class or by date would otherwise give
   batches of one kind); the held-out rows to a file of their own; the rows
   that decide early stopping (10% of the training rows, at most
   ``VALIDATION_BYTES`` of them) kept in memory.
3. The estimator's own epoch loop trains on the blocks
   (``_fit_chunks``): every epoch reads them in a new seeded order and
   shuffles the rows of each, one block in memory at a time. Early stopping,
   schedules, the training record and the notes are those of ``fit``.

Parsing the CSV text is the slow part: a file of numbers only is parsed
once (pass one writes each row's numbers, which pass two reads,
:func:`_raw_parts`), one with text columns twice. Epochs read the binary
cache, which is why the cache exists: re-parsing the file
every epoch would cost more than training on it. The same command gives the
same model: every draw is seeded by ``--random-state``.
"""

from __future__ import annotations

import math
import os
import shutil
import sys
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass

import numpy as np

from .autoencoding import (
    fit_autoencoder,
    make_autoencoder,
    pca_reconstruction_error,
    print_comparison,
)
from .cells import (
    as_numbers,
)
from .data_files import (
    DataError,
    import_pandas,
    plural,
    read_csv_chunks,
)
from .file_survey import (
    BLOCK,
    FOLD,
    VALIDATION,
    Survey,
    held_out_rows,
    row_uniforms,
    usable_rows,
)
from .selection import (
    Selection,
    id_like_notes,
    ignored_note,
    incomplete_note,
    no_target_note,
    numbered_rows_notes,
)
from .stopping import VALIDATION_FRACTION, early_stopping
from .tabular import filled_cells, n_inputs, require_finite_scaled, transform
from .training import (
    check_convolutional,
    describe_model,
    make_estimator,
    report_and_save,
    run_fit,
    write_model,
)

BLOCK_BYTES = 16 * 2**20  # of float64 records per block of training rows
MAX_BLOCKS = 512  # open files while the cache is written
VALIDATION_BYTES = 64 * 2**20  # of early-stopping rows kept in memory
PREDICT_BYTES = 16 * 2**20  # of held-out records scored at a time
RAW_NUMBERS = True  # a file of numbers only: pass two reads pass one's numbers, not the text


def train_streamed(args, chunk_rows) -> int:
    """``train`` on ``args.data`` read ``chunk_rows`` rows at a time."""
    with tempfile.TemporaryDirectory(prefix="lucidnet-train-") as folder:
        data = read_streamed(args, chunk_rows, folder)
        return fit_and_save(args, data)


def fit_and_save(args, data) -> int:
    """``train``'s fit, held-out report and model file, from the cache of ``data``."""
    if getattr(args, "autoencoder", None):  # tune's arguments have none
        return _autoencoder_and_save(args, data)
    model, seconds = fit_streamed(args, data, data.blocks(), verbose=True)
    scored = _scored_rows(model, data)
    return report_and_save(args, data.task, model, seconds, scored, data.steps)


@dataclass
class Streamed:
    """What the two passes over a file learned and wrote."""

    task: str
    steps: dict
    classes: np.ndarray | None  # None for regression
    center: float  # the training rows' target mean and scale (regression)
    scale: float
    cache: Cache
    stop_early: bool
    n_fit: int
    n_held_out: int
    seed: int  # --random-state

    @property
    def width(self) -> int:
        return n_inputs(self.steps)

    def decoder(self, standardized=True):
        """Turns a records' target column back into labels, or values
        (standardized as the network learns them, or in the target's units)."""
        if self.task is None:  # an autoencoder learns its inputs
            return lambda codes: None
        if self.classes is not None:
            return lambda codes: self.classes[codes.astype(np.int64)]
        center, scale = (self.center, self.scale) if standardized else (0.0, 1.0)
        return lambda codes: (codes - center) / scale

    def blocks(self, fold=None) -> Blocks:
        """The training blocks; ``fold``: ``(k, n_folds, inside)`` (see :class:`Blocks`)."""
        fold = fold and (*fold, self.seed)
        return Blocks(self.cache.block_paths, self.width, self.decoder(), fold)


def read_streamed(args, chunk_rows, folder) -> Streamed:
    """The two passes over ``args.data``, the cache written to ``folder``;
    prints what ``train`` prints about the file."""
    path = args.data
    refuse_lbfgs(args)
    raw_path = os.path.join(folder, "numbers.f64")
    survey, first = _survey(args, chunk_rows, raw_path if _room_for_numbers(args) else None)
    survey.require_no_missing()
    kinds = survey.kinds()
    late = survey.late_text(kinds)
    if late:  # text columns whose first rows were numbers: count their categories anew
        for chunk in read_csv_chunks(path, chunk_rows):
            for column in late:
                survey.count_categories(chunk, column)
    task, reason = survey.task()
    chosen = Selection(first, survey.features, kinds, _notes(args, survey, first, kinds))
    check_convolutional(args, first, chosen)
    steps, notes = survey.steps(task, kinds, scale_together=bool(args.conv))
    classes = survey.classes(task)
    center, scale = survey.target_scaling() if task == "regression" else (0.0, 1.0)
    n_text = len(steps["categorical"]["columns"])
    width = n_inputs(steps)
    print(
        f"Read {path} in chunks of {chunk_rows:,} rows: {plural(survey.n_rows, 'row')}, "
        f"{plural(len(survey.features), 'feature column')} ({len(survey.features) - n_text} "
        f"numeric, {n_text} text) -> {plural(width, 'network input')}"
    )
    for note in chosen.notes + notes + _unseen_notes(survey, steps):
        print(note)
    counts = {c: int(survey.missing_everywhere[c]) for c in survey.features}
    filled = filled_cells(steps, None, counts=counts)
    if filled:
        print(f"Missing values (--missing impute): {filled}")
    if task is not None:  # an autoencoder has none
        print(f"Task: {task} ({reason})")
    stop_early = early_stopping(args, survey.n_fit)
    fraction = 0.0
    if stop_early:
        fraction = min(VALIDATION_FRACTION, VALIDATION_BYTES / (8 * (width + 1) * survey.n_fit))
    _require_room(folder, (survey.n_fit + survey.n_held_out) * (width + 1) * 8, path)
    numbers_only = not steps["categorical"]["columns"] and (
        classes is None or classes.dtype.kind == "i")  # fmt: skip
    if numbers_only and RAW_NUMBERS and os.path.exists(raw_path):
        parts = _raw_parts(args, raw_path, steps, classes)
    else:  # text to encode: the second pass reads the text again
        parts = _csv_parts(args, chunk_rows, survey, steps, classes)
    cache = _write_cache(args, parts, survey, steps, classes, fraction, folder)
    if os.path.exists(raw_path):
        os.remove(raw_path)
    if stop_early and len(cache.y_val) < 2:  # as fit refuses fewer
        print("Note: under 2 rows to stop early by: training without early stopping")
        stop_early = False
    return Streamed(task, steps, classes, center, scale, cache, stop_early, survey.n_fit,
                    survey.n_held_out, args.random_state)  # fmt: skip


def refuse_lbfgs(args) -> None:
    if args.solver == "lbfgs":
        raise DataError(
            f"{args.data}: --solver lbfgs needs every row in memory at once; a file read in "
            "chunks trains with adam or sgd"
        )


def fit_streamed(args, data, blocks, verbose=False):
    """``args``'s estimator trained on ``blocks``, as train trains it, stopped
    early by the rows the cache keeps for that; returns it and the seconds."""
    progress = verbose and not args.quiet and sys.stderr.isatty()
    model = make_estimator(args, data.task, data.stop_early, progress=progress)
    X_val, y_val = None, None
    if data.stop_early:
        X_val, y_val = data.cache.X_val, data.decoder()(data.cache.y_val)
        # What the rows given for stopping are of the training rows, for its note.
        model.set_params(validation_fraction=len(y_val) / data.n_fit)
    if verbose:
        print(
            f"Training {describe_model(model)} on {plural(data.n_fit, 'row')}, holding out "
            f"{data.n_held_out:,} (chosen by a seeded hash of each row's number)"
            + (f"; early stopping on {len(y_val):,} of them" if data.stop_early else "")
        )

    def fit():
        X_first, codes = data.cache.first_rows()
        model._fit_chunks(blocks, X_first, data.decoder()(codes), X_val, y_val)

    seconds = run_fit(model, fit, data.task, args, data.center, data.scale)
    return model, seconds


def _survey(args, chunk_rows, raw_path):
    """Pass one over the file: the :class:`Survey`, and the first chunk; each
    row's numbers written to ``raw_path`` on the way, when given."""
    survey = first = None
    with ExitStack() as files:
        raw = files.enter_context(open(raw_path, "wb")) if raw_path else None
        for chunk in read_csv_chunks(args.data, chunk_rows):
            if survey is None:
                survey, first = Survey(chunk, args), chunk
                survey.raw = raw
            survey.add(chunk)
    return survey, first


def _room_for_numbers(args) -> bool:
    """Whether the temporary folder has room for the first pass's numbers
    (8 bytes a cell, some 1x the CSV's size for short numbers) and the
    cache after them: else the second pass parses the text again."""
    folder = tempfile.gettempdir()
    return shutil.disk_usage(folder).free > 4 * os.path.getsize(args.data)


def _notes(args, survey, first, kinds) -> list:
    """The notes a whole read prints on what was left out, and its guesses on
    ID-like columns from the first chunk's rows."""
    notes = []
    if survey.ignored:
        notes.append(ignored_note(survey.ignored))
    if survey.n_no_target:
        notes.append(no_target_note(survey.n_no_target, args.target))
    if survey.n_incomplete:
        notes.append(incomplete_note(survey.n_incomplete))
    rows = usable_rows(first, args, survey.features)[0]
    notes += id_like_notes(rows, [c for c in survey.features if kinds[c] == "text"], survey.cells)
    notes += numbered_rows_notes(rows, [c for c in survey.features if kinds[c] == "numeric"])
    return notes


def _unseen_notes(survey, steps) -> list:
    notes = []
    categorical = steps["categorical"]
    for column, known in zip(categorical["columns"], categorical["categories"]):
        new = {v: n for v, n in survey.held_out_values[column].items() if v not in set(known)}
        if new:
            count = sum(new.values())
            one = count == 1
            shown = ", ".join(map(repr, sorted(new)[:5])) + (", ..." if len(new) > 5 else "")
            notes.append(
                f"Note: {plural(count, 'held-out row')} {'has' if one else 'have'} a value of "
                f"{column!r} that no training row has ({shown}): "
                f"{'it encodes' if one else 'they encode'} as none of the known ones"
            )
    return notes


def _require_room(folder, n_bytes, path) -> None:
    free = shutil.disk_usage(folder).free
    if n_bytes * 1.05 > free:
        raise DataError(
            f"{path}: training on it in chunks writes its rows as numbers to a temporary "
            f"folder, {n_bytes / 2**30:.1f} GiB, and {os.path.dirname(folder)} has "
            f"{free / 2**30:.1f} GiB free: set TMPDIR to a folder with more room"
        )


class Cache:
    """What pass two wrote: the training blocks' files, the held-out rows' file,
    the early-stopping rows, and a first row of each class (or the first rows)."""

    def __init__(self, folder, n_blocks):
        self.block_paths = [os.path.join(folder, f"block{i}.f64") for i in range(n_blocks)]
        self.held_out_path = os.path.join(folder, "held_out.f64")
        self.X_val = self.y_val = None
        self.first = {}

    def keep_first(self, records, classes) -> None:
        """Keep the first training record of each class not seen yet (of a
        regression, the first two records): they set up the network."""
        if classes is None:
            for record in records[: 2 - len(self.first)]:
                self.first[len(self.first)] = record
            return
        if len(self.first) < len(classes):
            codes, index = np.unique(records[:, -1], return_index=True)
            for code, i in zip(codes, index):
                self.first.setdefault(code, records[i])

    def first_rows(self):
        """Their network inputs and stored targets."""
        records = np.array(list(self.first.values()))
        return records[:, :-1], records[:, -1]


def _write_cache(args, parts, survey, steps, classes, fraction, folder) -> Cache:
    """Pass two: every usable row as a float64 record (network inputs, then the
    target: a class's index, or the value) in the file of its part; ``parts``
    yields ``(records, row numbers)`` (:func:`_csv_parts` or :func:`_raw_parts`)."""
    width = n_inputs(steps) + 1
    n_train = survey.n_fit * (1 - fraction)
    n_blocks = min(MAX_BLOCKS, max(1, math.ceil(n_train * width * 8 / BLOCK_BYTES)))
    cache, seed, val_parts = Cache(folder, n_blocks), args.random_state, []
    with ExitStack() as files:
        blocks = [files.enter_context(open(p, "wb")) for p in cache.block_paths]
        held = files.enter_context(open(cache.held_out_path, "wb"))
        for records, numbers in parts:
            out = held_out_rows(numbers, args)
            held.write(records[out].tobytes())
            numbers, records = numbers[~out], records[~out]
            cache.keep_first(records, classes)
            val = row_uniforms(numbers, seed, VALIDATION) < fraction
            val_parts.append(records[val])
            numbers, records = numbers[~val], records[~val]
            block = (row_uniforms(numbers, seed, BLOCK) * n_blocks).astype(np.int64)
            order = np.argsort(block, kind="stable")
            bounds = np.searchsorted(block[order], np.arange(n_blocks + 1))
            for i in np.flatnonzero(np.diff(bounds)):
                blocks[i].write(records[order[bounds[i] : bounds[i + 1]]].tobytes())
    val = np.concatenate(val_parts) if val_parts else np.empty((0, width))
    cache.X_val, cache.y_val = val[:, :-1], val[:, -1]
    cache.block_paths = [p for p in cache.block_paths if os.path.getsize(p)]
    return cache


def _csv_parts(args, chunk_rows, survey, steps, classes):
    """The usable rows of each chunk of the CSV file, by the whole read's
    ``transform``, as ``(records, row numbers)``."""
    for chunk in read_csv_chunks(args.data, chunk_rows):
        rows = usable_rows(chunk, args, survey.features)[0]
        if rows.empty:
            continue
        X = transform(steps, rows, args.data, strict=False)
        target = np.zeros(len(rows)) if args.target is None else (
            _target_codes(rows[args.target], classes, args))  # fmt: skip
        yield np.column_stack([X, target]), rows.index.to_numpy()


def _raw_parts(args, raw_path, steps, classes):
    """:func:`_csv_parts` for a file of numbers only, from the numbers the first
    pass wrote (each row's columns and target, NaN where missing) instead of
    parsing the text again: the same selection, fills and scaling, bit for
    bit, in a fraction of the time."""
    numeric = steps["numeric"]
    n = len(numeric["columns"]) + 1
    fills = steps["missing"]["numeric"] if steps["missing"]["strategy"] == "impute" else None
    mean, scale = np.asarray(numeric["mean"]), np.asarray(numeric["scale"])
    start, part = 0, max(1, PREDICT_BYTES // (8 * n))
    with open(raw_path, "rb") as file:
        while (values := np.fromfile(file, dtype=np.float64, count=part * n)).size:
            values = values.reshape(-1, n)
            numbers = np.arange(start, start + len(values))
            start += len(values)
            keep = np.ones(len(values), dtype=bool)
            if args.target is not None:  # --missing error refused any in the first pass
                keep &= ~np.isnan(values[:, -1])
            if args.missing == "drop":
                keep &= ~np.isnan(values[:, :-1]).any(axis=1)
            values, numbers = values[keep], numbers[keep]
            X, y = values[:, :-1], values[:, -1]
            if fills is not None:
                X = np.where(np.isnan(X), np.asarray(fills), X)
            with np.errstate(over="ignore"):
                scaled = (X - mean) / scale
            if not np.isfinite(scaled).all():  # the whole read's error, naming the row
                frame = import_pandas().DataFrame(X, columns=numeric["columns"], index=numbers)
                require_finite_scaled(scaled, X, numeric["columns"], frame, args.data)
            if classes is not None:
                y = np.searchsorted(classes, y.astype(np.int64)).astype(np.float64)
            elif args.target is None:
                y = np.zeros(len(y))
            yield np.column_stack([scaled, y]), numbers


def _target_codes(series, classes, args) -> np.ndarray:
    """A chunk's target as numbers: each label's index in ``classes``, or the value."""
    if classes is None:
        expected = "numbers (the task is regression)"
        return as_numbers(series, args.data, args.target, expected=expected)
    labels = series.astype(str).to_numpy()
    if classes.dtype.kind == "i":
        labels = as_numbers(series, args.data, args.target).astype(np.int64)
    return np.searchsorted(classes, labels).astype(np.float64)


class Blocks:
    """The training blocks as ``_fit_chunks`` reads them: ``read(i) -> (X, y)``.

    ``fold``: ``(k, n_folds, inside, seed)``: only the rows of the ``k``-th
    of ``n_folds`` folds (``inside``), or all but them; a row's fold is a hash
    of its place in the cache seeded by ``seed`` (``lucidnet tune``'s
    cross-validation, by its --random-state)."""

    def __init__(self, paths, n_inputs, decode, fold=None):
        self.paths, self.width, self.decode, self.fold = paths, n_inputs + 1, decode, fold
        self.n_chunks = len(paths)
        if fold is None:
            self.n_samples = sum(os.path.getsize(p) for p in paths) // (8 * self.width)
        else:
            rows = [os.path.getsize(p) // (8 * self.width) for p in paths]
            self.n_samples = sum(int(self._kept(i, n).sum()) for i, n in enumerate(rows))

    def _kept(self, i, n) -> np.ndarray:
        k, n_folds, inside, seed = self.fold
        places = np.arange(n, dtype=np.uint64) + np.uint64(i << 32)
        folds = (row_uniforms(places, seed, FOLD) * n_folds).astype(np.int64)
        return (folds == k) if inside else (folds != k)

    def read(self, i):
        X, codes = self.read_records(i)
        return X, self.decode(codes)

    def read_records(self, i):
        """The ``i``-th block's network inputs and its target column as stored."""
        records = np.fromfile(self.paths[i], dtype=np.float64).reshape(-1, self.width)
        if self.fold is not None:
            records = records[self._kept(i, len(records))]
        return np.ascontiguousarray(records[:, :-1]), records[:, -1]


def _scored_rows(model, data):
    """``(y_true, y_pred, where)`` of the held-out rows, predicted a part at a
    time; with --test-size 0, of the first block of training rows (a random
    sample of them)."""
    decode, (parts, where) = data.decoder(standardized=False), _rows_to_score(data)
    truth, predicted = [], []
    for X, codes in parts:
        truth.append(decode(codes))
        predicted.append(model.predict(X))
    return np.concatenate(truth), np.concatenate(predicted), where


def _rows_to_score(data):
    """``(parts, where)``: the held-out rows' ``(X, codes)`` a part at a time,
    or, when the hash held out none (--test-size 0, or a few rows), the first
    block of training rows (a random sample of them)."""
    if os.path.getsize(data.cache.held_out_path):
        return _held_out_parts(data), "held-out"
    return [data.blocks().read_records(0)], "training"


def _held_out_parts(data):
    """The held-out rows' network inputs and stored targets, a part at a time."""
    width = data.width + 1
    rows = max(1, PREDICT_BYTES // (8 * width))
    with open(data.cache.held_out_path, "rb") as file:
        while True:
            records = np.fromfile(file, dtype=np.float64, count=rows * width)
            if not records.size:
                return
            records = records.reshape(-1, width)
            yield records[:, :-1], records[:, -1]


def _autoencoder_and_save(args, data) -> int:
    """``train --autoencoder`` on the cache: fitted block by block, saved, and
    compared on the held-out rows with an incremental PCA fitted on the same
    blocks (scikit-learn's ``IncrementalPCA``: a whole read fits ``PCA``)."""
    from sklearn.decomposition import IncrementalPCA

    model = make_autoencoder(args, data.width, data.stop_early)
    print(
        f"Training Autoencoder(n_components={args.autoencoder}, hidden_layer_sizes="
        f"{model.hidden_layer_sizes}) on {plural(data.n_fit, 'row')}, holding out "
        f"{data.n_held_out:,} (chosen by a seeded hash of each row's number)"
    )
    X_val = data.cache.X_val if data.stop_early else None
    if data.stop_early:
        model.set_params(validation_fraction=len(X_val) / data.n_fit)
    X_first = data.cache.first_rows()[0]
    fit_autoencoder(args, model, lambda: model._fit_chunks(data.blocks(), X_first, None, X_val,
                                                           X_val))  # fmt: skip
    blocks, k = data.blocks(), args.autoencoder
    pca = IncrementalPCA(n_components=k) if blocks.n_samples >= k else None
    errors, rows = 0.0, 0
    for i in range(blocks.n_chunks):  # the training error over every training row
        X = blocks.read_records(i)[0]
        errors, rows = errors - model.score(X) * len(X), rows + len(X)
        if pca is not None and len(X) >= k:
            pca.partial_fit(X)
    model.reconstruction_error_ = errors / rows
    write_model(model, args.out, data.steps)
    parts, where = _rows_to_score(data)
    pca = pca if pca is not None and hasattr(pca, "components_") else None
    n, error, pca_error = 0, 0.0, 0.0
    for X, _ in parts:  # a part at a time: the held-out rows may not fit in memory
        n, error = n + len(X), error - model.score(X) * len(X)
        pca_error += pca_reconstruction_error(pca, X) * len(X) if pca is not None else 0.0
    error, pca_error = error / n, (pca_error / n if pca is not None else None)
    print_comparison(args, data.steps, f"the {plural(n, f'{where} row')}", error, pca_error,
                     data.n_fit, pca_name="Incremental PCA")  # fmt: skip
    return 0


def predicted_blocks(model, data, blocks):
    """``(y_true, y_pred)`` over ``blocks``, in the target's units."""
    decode, truth, predicted = data.decoder(standardized=False), [], []
    for i in range(blocks.n_chunks):
        X, codes = blocks.read_records(i)
        if len(codes):
            truth.append(decode(codes))
            predicted.append(model.predict(X))
    return np.concatenate(truth), np.concatenate(predicted)
