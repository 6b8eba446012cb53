"""When ``train`` stops training, and what it tells the user about it.

The command stops by default when the score on a validation split of the
training rows stops improving (early stopping), so that the number of epochs
is chosen by rows the held-out report never sees, and more epochs do not
quietly overfit (scikit-learn's diabetes table written as CSV, ``--random-state
0``: held-out R^2 0.22 after 200 epochs and -0.05 after 1000 without early
stopping; 0.30 with it, which stops at epoch 64 with epoch 54's weights). Its advice on
``--max-iter`` is read from that validation curve. The estimators' own
defaults stay scikit-learn's (no early stopping).

A Ctrl-C during ``fit`` is turned by the estimators into a warning, as by
scikit-learn's MLP (training ends, the model is kept); the command raises it
again, so that it exits 130 and writes nothing.
"""

from __future__ import annotations

import math
import sys
import warnings

import numpy as np

from ..estimators.base import INTERRUPTED, NON_FINITE_WEIGHTS
from ..exceptions import NetworkTooLargeError, TrainingDivergedError
from .data_files import DataError
from .reports import OPTION_NAMES

VALIDATION_FRACTION = 0.1  # of the training rows: scikit-learn's default
MIN_ROWS_TO_VALIDATE = 20  # 10% of fewer rows is one row: no score to stop by


def fit_caught(args, fit) -> list:
    """Run ``fit()``, as train runs every fit: its errors in the command's
    words, its warnings caught and returned (for :func:`training_notes`)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fit()
        except NetworkTooLargeError as exc:
            raise DataError(f"{args.data}: {exc.describe(OPTION_NAMES)}") from None
        except TrainingDivergedError as exc:
            raise diverged(args.data, exc) from None
        except ValueError as exc:
            raise DataError(f"{args.data}: training failed: {exc}") from None
    return caught


def early_stopping(args, n_train) -> bool:
    """``--early-stopping`` or ``--no-early-stopping`` when given; by default on,
    except for L-BFGS (no epochs) and below ``MIN_ROWS_TO_VALIDATE`` training rows."""
    if args.early_stopping is not None:
        return args.early_stopping
    return args.solver != "lbfgs" and n_train >= MIN_ROWS_TO_VALIDATE


def training_notes(model, caught, by_loss=False) -> list[str]:
    """The lines to print about a fit, from the warnings it gave (``caught``)
    and, with early stopping, its validation curve (the loss's, ``by_loss``);
    raises KeyboardInterrupt when the fit was interrupted. Warnings other than
    convergence go to standard error.

    Without early stopping no rows but the training ones are watched (the
    held-out ones are for the report only: advice read from them would let
    them steer training), so the note on --max-iter says what the training
    loss says, and no more."""
    from sklearn.exceptions import ConvergenceWarning

    if any(str(w.message) == INTERRUPTED for w in caught):
        raise KeyboardInterrupt
    for warning in caught:
        if not issubclass(warning.category, ConvergenceWarning):
            print(f"warning: {warning.message}", file=sys.stderr)
    reached = any(issubclass(w.category, ConvergenceWarning) for w in caught)
    if not model.early_stopping or model.solver == "lbfgs":  # L-BFGS has no epochs to stop
        return [_unwatched(model)] if reached else []
    curve = getattr(model, "validation_loss_curve_" if by_loss else "validation_scores_", None)
    curve = np.asarray(curve or [], dtype=float) * (-1 if by_loss else 1)
    if not np.isfinite(curve).any():  # interrupted in the first epoch
        return []
    best = int(np.nanargmax(curve)) + 1
    what = (
        f"validation {'log-loss' if by_loss else 'score'} (on {_share(model)} of the "
        "training rows)"
    )
    if reached and model.n_iter_ - best < model.n_iter_no_change:
        return [
            f"Note: --max-iter {model.max_iter} reached with the {what} still improving "
            f"(best at epoch {best}); a larger --max-iter may help."
        ]
    return [
        f"Early stopping at epoch {model.n_iter_}: the {what} did not improve by more than "
        f"{model.tol:g} for {model.n_iter_no_change} consecutive epochs; the model keeps "
        f"the weights of epoch {best}, its best (--no-early-stopping to run all --max-iter "
        "epochs)."
    ]


def _share(model) -> str:
    """The share of the training rows that decided early stopping: '10%'; a
    streamed train keeps fewer of a large file's (at most 64 MB of them)."""
    share = model.validation_fraction
    return f"{share:.0%}" if share >= 0.01 else f"{share:.2%}"


def _unwatched(model) -> str:
    """The note on --max-iter reached without a validation split: the training
    loss was still falling, which says nothing of new rows."""
    lbfgs = model.solver == "lbfgs"
    unit = "iterations" if lbfgs else "epochs"
    how = (
        "early stopping, with --solver adam or sgd, chooses the number of epochs by one"
        if lbfgs
        else "early stopping, the default from 20 training rows, chooses the number of "
        "epochs by one"
    )
    return (
        f"Note: --max-iter {model.max_iter} reached with the training loss still falling; "
        f"more {unit} fit the training rows more closely, which may or may not predict new "
        f"rows better: only a validation score tells ({how})."
    )


def divergence(model) -> str | None:
    """What went non-finite in a fit, as ``'in epoch 3: the training loss became
    nan'``; None when the training record is finite. A model file holds only
    finite records (``load`` refuses others), so such a model is never written."""
    curves = {
        "the training loss": getattr(model, "loss_curve_", None),
        "the validation loss": getattr(model, "validation_loss_curve_", None),
        "the validation score": getattr(model, "validation_scores_", None),
    }
    for what, curve in curves.items():
        for epoch, value in enumerate(curve or [], start=1):
            if not math.isfinite(value):
                return f"in epoch {epoch}: {what} became {value}"
    loss = getattr(model, "loss_", None)
    if loss is not None and not math.isfinite(loss):
        return f"the training loss became {loss}"
    return None


def diverged(path, problem) -> DataError:
    """The error for a fit whose numbers stopped being finite: ``problem`` says
    which and where, or is the estimator's TrainingDivergedError; the model is
    not written."""
    if isinstance(problem, Exception):  # 'Training diverged in epoch 3: ... . Try ...'
        text = str(problem).replace(NON_FINITE_WEIGHTS, "").strip()
        problem = text.removeprefix("Training diverged ").split(". ")[0]
    return DataError(
        f"{path}: training diverged ({problem}), so no model was written; this happens when "
        "some values are far larger than the rest of their column or than the other "
        "columns: rescale those columns (or the target), or leave them out with --ignore"
    )


def require_finite_training(model, path) -> None:
    """DataError when the fit's training record is not finite (see :func:`divergence`)."""
    problem = divergence(model)
    if problem:
        raise diverged(path, problem)
