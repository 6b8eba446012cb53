"""Learning-rate schedules: the rate an optimizer uses, epoch by epoch.

A schedule only computes rates; the training loop sets them, once per epoch,
on the optimizer (``optimizer.learning_rate = ...``). Two are here:

- :class:`ReduceOnPlateau`: multiply the rate by ``factor`` when the
  monitored loss has stopped improving, never going below ``min_rate``;
- :class:`CosineSchedule`: from the initial rate down to a final one along
  half a cosine, over a fixed number of epochs.

Both work with any :class:`~lucidnet.engine.Optimizer` and a
:class:`~lucidnet.engine.Sequential` trained by hand; the estimators use them
for ``learning_rate='plateau'`` and ``'cosine'``.
"""

from __future__ import annotations

import math

__all__ = ["CosineSchedule", "ReduceOnPlateau"]


class ReduceOnPlateau:
    """Lower the learning rate when the loss stops improving.

    After each epoch, :meth:`step` takes the monitored loss (the training
    loss, or a validation loss). An epoch that does not beat the best loss
    so far by at least ``tol`` is a bad epoch; after more than ``patience``
    bad epochs in a row the rate is multiplied by ``factor`` (not below
    ``min_rate``) and the count starts again. The rule is scikit-learn's
    stopping rule (and PyTorch's ``ReduceLROnPlateau`` with an absolute
    threshold): a NaN loss counts as no worse.

    Parameters
    ----------
    learning_rate : float
        The rate to start from.
    factor : float, default=0.5
        What the rate is multiplied by on a plateau, in (0, 1).
    patience : int, default=10
        Bad epochs tolerated before the rate is lowered.
    min_rate : float, default=1e-6
        The rate never goes below this.
    tol : float, default=1e-4
        The improvement an epoch needs to count as one.

    Attributes
    ----------
    learning_rate : float
        The current rate.
    best : float
        The lowest loss seen.
    bad_epochs : int
        Bad epochs since the last improvement or reduction.

    Examples
    --------
    A loss that stops improving: after more than 2 bad epochs the rate halves.

    >>> from lucidnet.engine import ReduceOnPlateau
    >>> schedule = ReduceOnPlateau(0.1, factor=0.5, patience=2)
    >>> [schedule.step(loss) for loss in [1.0, 0.5, 0.5, 0.5, 0.5, 0.5]]
    [0.1, 0.1, 0.1, 0.1, 0.05, 0.05]

    With an optimizer, once per epoch:

    >>> import numpy as np
    >>> from lucidnet.engine import Adam, Parameter
    >>> w = Parameter(np.zeros(3))
    >>> adam = Adam([w], learning_rate=0.01)
    >>> schedule = ReduceOnPlateau(adam.learning_rate, patience=0)
    >>> adam.learning_rate = schedule.step(1.0)  # an epoch's loss
    >>> adam.learning_rate = schedule.step(1.0)  # no better: halved
    >>> adam.learning_rate
    0.005
    """

    def __init__(self, learning_rate, factor=0.5, patience=10, min_rate=1e-6, tol=1e-4):
        if not 0 < factor < 1:
            raise ValueError(f"factor must be in (0, 1), got {factor!r}")
        if not patience >= 0:
            raise ValueError(f"patience must be >= 0, got {patience!r}")
        if not 0 <= min_rate <= learning_rate:
            raise ValueError(
                f"min_rate must be in [0, learning_rate={learning_rate!r}], got {min_rate!r}"
            )
        self.learning_rate = float(learning_rate)
        self.factor = float(factor)
        self.patience = patience
        self.min_rate = float(min_rate)
        self.tol = float(tol)
        self.best = math.inf
        self.bad_epochs = 0

    def step(self, loss: float) -> float:
        """Record one epoch's ``loss``; return the rate for the next epoch.

        Parameters
        ----------
        loss : float

        Returns
        -------
        learning_rate : float
        """
        # Written as scikit-learn writes its rule, so that a NaN counts as no worse.
        if loss > self.best - self.tol:
            self.bad_epochs += 1
        else:
            self.bad_epochs = 0
        if loss < self.best:
            self.best = loss
        if self.bad_epochs > self.patience:
            self.reduce()
            self.bad_epochs = 0
        return self.learning_rate

    def reduce(self) -> bool:
        """Multiply the rate by ``factor``, not below ``min_rate``.

        Returns
        -------
        reduced : bool
            False when the rate was already at ``min_rate`` (nothing left to
            lower: a training loop may stop there).
        """
        if self.learning_rate <= self.min_rate:
            return False
        self.learning_rate = max(self.learning_rate * self.factor, self.min_rate)
        return True


class CosineSchedule:
    """From ``initial`` to ``final`` along half a cosine over ``n_epochs``.

    The rate of epoch ``e`` (counted from 0)::

        final + (initial - final) * (1 + cos(pi * e / (n_epochs - 1))) / 2

    so the first epoch runs at ``initial`` and the last at ``final``; epochs
    past the last stay at ``final``. Fast at first, slow and careful at the
    end, without a loss to watch (Loshchilov and Hutter 2017, without restarts).

    Parameters
    ----------
    initial : float
        The first epoch's rate.
    final : float
        The last epoch's rate, at most ``initial``.
    n_epochs : int
        Epochs from ``initial`` to ``final``.

    Examples
    --------
    >>> from lucidnet.engine import CosineSchedule
    >>> schedule = CosineSchedule(0.1, 0.0, n_epochs=5)
    >>> [round(schedule.rate(e), 4) for e in range(6)]
    [0.1, 0.0854, 0.05, 0.0146, 0.0, 0.0]
    """

    def __init__(self, initial, final, n_epochs):
        if not 0 <= final <= initial:
            raise ValueError(f"final must be in [0, initial={initial!r}], got {final!r}")
        if not n_epochs >= 1:
            raise ValueError(f"n_epochs must be >= 1, got {n_epochs!r}")
        self.initial = float(initial)
        self.final = float(final)
        self.n_epochs = int(n_epochs)

    def rate(self, epoch: int) -> float:
        """The rate of epoch ``epoch`` (0 is the first).

        Parameters
        ----------
        epoch : int

        Returns
        -------
        learning_rate : float
        """
        if self.n_epochs == 1:
            return self.initial
        progress = min(epoch, self.n_epochs - 1) / (self.n_epochs - 1)
        return self.final + (self.initial - self.final) * (1 + math.cos(math.pi * progress)) / 2
