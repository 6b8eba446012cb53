"""When ``train`` stops training, and what it tells the user about it.

The command stops by default when the score on a validation split of the
training rows stops improving (early stopping), so that the number of epochs
is chosen by rows the held-out report never sees, and more epochs do not
quietly overfit (diabetes: held-out R^2 0.22 after 200 epochs, -0.09 after
1000, with the validation R^2 at its best near epoch 15). Its advice on
``--max-iter`` is read from that validation curve. The estimators' own
defaults stay scikit-learn's (no early stopping).

A Ctrl-C during ``fit`` is turned by the estimators into a warning, as by
scikit-learn's MLP (training ends, the model is kept); the command raises it
again, so that it exits 130 and writes nothing.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager

import numpy as np

from ..estimators.base import INTERRUPTED

VALIDATION_FRACTION = 0.1  # of the training rows: scikit-learn's default
MIN_ROWS_TO_VALIDATE = 20  # 10% of fewer rows is one row: no score to stop by


def early_stopping(args, n_train) -> bool:
    """``--early-stopping`` or ``--no-early-stopping`` when given; by default on,
    except for L-BFGS (no epochs) and below ``MIN_ROWS_TO_VALIDATE`` training rows."""
    if args.early_stopping is not None:
        return args.early_stopping
    return args.solver != "lbfgs" and n_train >= MIN_ROWS_TO_VALIDATE


@contextmanager
def stopping_by_loss(model):
    """Early stopping of a classifier by the validation log-loss, not accuracy:
    on a few dozen rows accuracy stays level for many epochs, and the first
    best is kept, far too early (iris: held-out accuracy 0.87 against 0.97).

    While fitting, the estimator's score of the validation rows is minus the
    log-loss it has just recorded (scikit-learn's 'neg_log_loss'); afterwards
    ``validation_scores_`` holds the accuracies again, as documented, and
    ``best_validation_score_`` the kept epoch's."""
    accuracies, score = [], model._score_predictions

    def minus_loss(y_true, labels, sample_weight):
        accuracies.append(score(y_true, labels, sample_weight))
        return -model.validation_loss_curve_[-1]

    model._score_predictions = minus_loss
    try:
        yield
    finally:
        del model._score_predictions
    model.validation_scores_ = accuracies
    losses = np.asarray(model.validation_loss_curve_ or [], dtype=float)[: len(accuracies)]
    if np.isfinite(losses).any():  # else interrupted in the first epoch, or diverged
        model.best_validation_score_ = accuracies[int(np.nanargmin(losses))]


def training_notes(model, caught, watched=None, by_loss=False) -> list[str]:
    """The lines to print about a fit, from the warnings it gave (``caught``)
    and its validation curve (the loss's, ``by_loss``); raises
    KeyboardInterrupt when the fit was interrupted. Warnings other than
    convergence go to standard error. ``watched`` names the curve when it is
    not early stopping's (the held-out rows, watched but not steering)."""
    from sklearn.exceptions import ConvergenceWarning

    if any(str(w.message) == INTERRUPTED for w in caught):
        raise KeyboardInterrupt
    for warning in caught:
        if not issubclass(warning.category, ConvergenceWarning):
            print(f"warning: {warning.message}", file=sys.stderr)
    reached = any(issubclass(w.category, ConvergenceWarning) for w in caught)
    curve = getattr(model, "validation_loss_curve_" if by_loss else "validation_scores_", None)
    curve = np.asarray(curve or [], dtype=float) * (-1 if by_loss else 1)
    if not np.isfinite(curve).any():
        advice = f"Note: not converged after --max-iter {model.max_iter}; a larger one may help."
        return [advice] if reached else []
    best = int(np.nanargmax(curve)) + 1
    what = watched or f"validation score (on {VALIDATION_FRACTION:.0%} of the training rows)"
    if reached and model.n_iter_ - best < model.n_iter_no_change:
        return [
            f"Note: --max-iter {model.max_iter} reached with the {what} still improving "
            f"(best at epoch {best}); a larger --max-iter may help."
        ]
    if model.early_stopping:
        return [
            f"Early stopping at epoch {model.n_iter_}: the {what} did not improve by more than "
            f"{model.tol:g} for {model.n_iter_no_change} consecutive epochs; the model keeps "
            f"the weights of epoch {best}, its best (--no-early-stopping to run all --max-iter "
            "epochs)."
        ]
    if reached:
        return [
            f"Note: --max-iter {model.max_iter} reached; the {what} was best at epoch {best} "
            f"and did not improve in the {model.n_iter_ - best} epochs after: more epochs will "
            "not help (early stopping, the default, stops near the peak)."
        ]
    return []
