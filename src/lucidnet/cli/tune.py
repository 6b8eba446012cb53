"""``lucidnet tune``: a cross-validated search over the network ``train`` fits.

The file is read, its columns chosen, its rows split and its column steps
learned exactly as ``train`` does (the same functions). Each setting is then
fitted once per fold of the training rows, as ``train`` fits (the same
``make_estimator`` and ``fit_model``: a regression target standardized, a classifier
stopped early by its validation log-loss), and scored on the fold left out.
The column steps were learned from all the training rows, so a fold's
validation rows helped set the scaling, medians and categories its model
sees: a slight optimism shared by every setting, which therefore does not
change their order much; the held-out rows, never seen by the search, give
the best model's honest score.

The fits are (setting, fold) tasks run by joblib, not scikit-learn's
``GridSearchCV``: that gives no word per finished fit, and the command shows
a bar counting them, and it would fit a plain estimator rather than through
``train``'s own ``fit_model``.
"""

from __future__ import annotations

import io
import math
import shlex
import sys
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass

import numpy as np

from .data_files import DataError, plural, read_table
from .model_inputs import TRAIN_READ_COST, chunk_rows_for
from .output_paths import check_outputs
from .search_runner import fit_workers, run_fits
from .search_space import (
    OPTIONS,
    describe,
    grid_settings,
    parse_grid,
    random_settings,
    show,
    with_setting,
)
from .selection import select_training_data
from .stopping import early_stopping
from .streamed_training import (
    fit_and_save,
    fit_streamed,
    predicted_blocks,
    read_streamed,
    refuse_lbfgs,
)
from .training import (
    check_convolutional,
    fit_model,
    learn_steps,
    make_estimator,
    print_read,
    refuse_dropout_without_epochs,
    target_and_split,
    train_and_save,
)


@dataclass
class TrainingRows:
    """The rows the search learns from, read whole; every fit takes its fold's
    rows through :meth:`take` (a file read in chunks goes through
    :func:`_tune_in_chunks` instead)."""

    X: np.ndarray
    y: np.ndarray

    def take(self, positions):
        return self.X[positions], self.y[positions]


def tune(args) -> int:
    check_outputs({"--out": args.out}, {"data file": args.data})
    space = parse_grid(args.grid, random=args.random is not None)
    _refuse_given_twice(args, space)
    if args.random is None:
        settings = grid_settings(space)
    else:
        settings = random_settings(space, args.random, args.random_state)
    candidates = [with_setting(args, setting) for setting in settings]
    for setting, candidate in zip(settings, candidates):
        _for_setting(setting, refuse_dropout_without_epochs, candidate)
    chunk_rows = chunk_rows_for(args, TRAIN_READ_COST)
    if chunk_rows:
        return _tune_in_chunks(args, settings, candidates, chunk_rows)
    # The workers first: an unreachable cluster is said before the file is read.
    with fit_workers(args.jobs, args.cluster) as (n_jobs, where):
        best_args, task, *data = _search(args, settings, candidates, n_jobs, where)
    best_args.plot = None
    return train_and_save(best_args, task, *data)


def _search(args, settings, candidates, n_jobs, where):
    """Reads the file as train does and cross-validates every setting; returns
    the best setting's arguments and what train_and_save takes with them."""
    frame = read_table(args.data)
    chosen = select_training_data(frame, args)
    for setting, candidate in zip(settings, candidates):
        _for_setting(setting, check_convolutional, candidate, frame, chosen)
    task, reason, y, train_rows, test_rows = target_and_split(args, chosen)
    # Every candidate scales alike: conv in a grid is a network of convolutions in each.
    steps, X = learn_steps(candidates[0], chosen, train_rows, target=args.target, task=task)
    print_read(args, frame, chosen, steps, X)
    print(f"Task: {task} ({reason})")
    for setting, candidate in zip(settings, candidates):  # --param's values, by the task's class
        _for_setting(setting, make_estimator, candidate, task, False, False)
    rows = TrainingRows(X[train_rows], y[train_rows])
    folds = _folds(rows.y, task, args)
    tasks = [
        (candidate, task, rows, i, k, fit_rows, score_rows)
        for i, candidate in enumerate(candidates)
        for k, (fit_rows, score_rows) in enumerate(folds)
    ]
    metric = "accuracy" if task == "classification" else "R^2"
    print(
        f"Searching {plural(len(settings), 'setting')} x {len(folds)} folds = "
        f"{plural(len(tasks), 'fit')} on {plural(len(rows.y), 'training row')}, "
        f"scored by {metric}, on {where}"
    )
    results = run_fits(_fit_fold, tasks, n_jobs, progress=not args.quiet and sys.stderr.isatty())
    best = _best(settings, candidates, results, len(folds), metric)
    return candidates[best], task, X, y, train_rows, test_rows, steps


def _best(settings, candidates, results, n_folds, metric) -> int:
    """Prints the table of the settings' scores and the best; returns its index."""
    order, table, best_score = _results_table(settings, results, n_folds, metric)
    print(f"\n{table}")
    best = order[0]
    print(f"\nBest: {describe(settings[best])} (mean {metric} {best_score:.4f} over the folds)")
    print(f"The same model from train: {train_command(candidates[best])}\n")
    return best


def _tune_in_chunks(args, settings, candidates, chunk_rows) -> int:
    """The search on a file read in chunks, as train reads it (two passes and
    a cache of its rows in a temporary folder, which the fits read: local
    processes see it; a remote cluster's workers only if TMPDIR is a folder
    they share). Folds split the cache's training rows by a seeded hash."""
    with tempfile.TemporaryDirectory(prefix="lucidnet-tune-") as folder:
        with fit_workers(args.jobs, args.cluster) as (n_jobs, where):
            for setting, candidate in zip(settings, candidates):
                _for_setting(setting, refuse_lbfgs, candidate)
            data = read_streamed(candidates[0], chunk_rows, folder)
            if args.cv > data.n_fit:
                raise DataError(f"--cv {args.cv}: more folds than the {data.n_fit} training rows")
            for setting, candidate in zip(settings, candidates):
                _for_setting(setting, make_estimator, candidate, data.task, False, False)
            tasks = [
                (candidate, data, i, k, args.cv)
                for i, candidate in enumerate(candidates)
                for k in range(args.cv)
            ]
            metric = "accuracy" if data.task == "classification" else "R^2"
            print(
                f"Searching {plural(len(settings), 'setting')} x {args.cv} folds = "
                f"{plural(len(tasks), 'fit')} on {plural(data.n_fit, 'training row')} (read in "
                f"chunks), scored by {metric}, on {where}"
            )
            progress = not args.quiet and sys.stderr.isatty()
            results = run_fits(_fit_fold_in_chunks, tasks, n_jobs, progress=progress)
        best_args = candidates[_best(settings, candidates, results, args.cv, metric)]
        best_args.plot = None
        return fit_and_save(best_args, data)


def _fit_fold_in_chunks(candidate, data, index, fold, n_folds):
    """:func:`_fit_fold` on the cache of a file read in chunks."""
    from sklearn.metrics import accuracy_score, r2_score

    said = io.StringIO()
    try:
        with redirect_stdout(said), redirect_stderr(said):
            model, seconds = fit_streamed(candidate, data, data.blocks((fold, n_folds, False)))
        y_true, y_pred = predicted_blocks(model, data, data.blocks((fold, n_folds, True)))
        score = (accuracy_score if data.task == "classification" else r2_score)(y_true, y_pred)
    except (ValueError, OSError) as exc:  # DataError too (diverged); a worker without the copy
        return index, fold, math.nan, math.nan, " ".join(str(exc).split())
    return index, fold, float(score), seconds, None


def _refuse_given_twice(args, space) -> None:
    for name in space:
        attribute = OPTIONS.get(name)
        if attribute and getattr(args, attribute) != args.train_defaults.get(attribute):
            raise DataError(f"{name} is both in --grid and given as --{name}: keep one")
        if name in dict(args.param or []):
            raise DataError(f"{name} is both in --grid and given as --param: keep one")


def _for_setting(setting, check, *arguments):
    """``check(*arguments)``, its DataError naming the grid's setting."""
    try:
        return check(*arguments)
    except DataError as exc:
        raise DataError(f"--grid setting {describe(setting)}: {exc}") from None


def _folds(y, task, args):
    """``--cv`` folds of the training rows, shuffled by --random-state, with
    each class in every fold in proportion when it has a row for each."""
    from sklearn.model_selection import KFold, StratifiedKFold

    if args.cv > len(y):
        raise DataError(f"--cv {args.cv}: more folds than the {len(y)} training rows")
    splitter = KFold(args.cv, shuffle=True, random_state=args.random_state)
    if task == "classification" and np.unique(y, return_counts=True)[1].min() >= args.cv:
        splitter = StratifiedKFold(args.cv, shuffle=True, random_state=args.random_state)
    return list(splitter.split(np.zeros((len(y), 1)), y))


def _fit_fold(candidate, task, rows, index, fold, fit_rows, score_rows):
    """Train's fit of ``candidate`` on a fold's rows, scored on the rows left
    out: ``(index, fold, score, seconds, error)``, a failed fit scoring NaN."""
    X_fit, y_fit = rows.take(fit_rows)
    X_score, y_score = rows.take(score_rows)
    stop_early = early_stopping(candidate, len(fit_rows))
    model = make_estimator(candidate, task, stop_early, progress=False)
    said = io.StringIO()  # train's notes on each fit would drown the table
    try:
        with redirect_stdout(said), redirect_stderr(said):
            seconds = fit_model(model, X_fit, y_fit, task, candidate)
        score = float(model.score(X_score, y_score))
    except ValueError as exc:  # DataError too: diverged, or predictions not finite
        return index, fold, math.nan, math.nan, " ".join(str(exc).split())
    return index, fold, score, seconds, None


def _results_table(settings, results, n_folds, metric):
    """The settings, best first (a failed one last), and the table's text."""
    scores = np.full((len(settings), n_folds), np.nan)
    seconds = np.full_like(scores, np.nan)
    errors = {}
    for index, fold, score, took, error in results:
        scores[index, fold], seconds[index, fold] = score, took
        if error:
            errors.setdefault(index, error)
    mean = np.array([row.mean() if np.isfinite(row).all() else -np.inf for row in scores])
    order = sorted(range(len(settings)), key=lambda i: -mean[i])  # stable: ties keep grid order
    if not np.isfinite(mean[order[0]]):
        first = order[0]
        raise DataError(f"every setting failed ({describe(settings[first])}: {errors[first]})")
    names = list(settings[0])
    header = ["rank", *names, f"mean {metric}", "std", "fit time"]
    lines = []
    for rank, i in enumerate(order, 1):
        cells = [str(rank), *(show(settings[i][n]) for n in names)]
        if i in errors:
            cells += ["failed", "", ""]
        else:
            cells += [f"{mean[i]:.4f}", f"{scores[i].std():.4f}", f"{seconds[i].mean():.2f} s"]
        lines.append(cells)
    widths = [max(len(row[c]) for row in [header, *lines]) for c in range(len(header))]
    text = "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip()
                     for row in [header, *lines])  # fmt: skip
    notes = [f"failed: {describe(settings[i])}: {errors[i]}" for i in order if i in errors]
    return order, "\n".join([text, *notes]), mean[order[0]]


def train_command(args) -> str:
    """The ``lucidnet train`` command line that fits the same model as ``args``."""
    words = ["lucidnet", "train", str(args.data)]
    for dest, option in args.train_options:
        value = getattr(args, dest)
        if value is None or value == args.train_defaults.get(dest):
            continue
        if dest == "param":
            words += [w for name, v in value for w in ("--param", f"{name}={show(v)}")]
        elif dest == "ignore":
            words += [w for column in value for w in ("--ignore", column)]
        elif isinstance(value, bool):
            words.append(option if value else option.replace("--", "--no-", 1))
        elif isinstance(value, (list, tuple)):
            words += [option, ",".join(map(str, value))]
        else:
            words += [option, show(value)]
    return shlex.join(words)
