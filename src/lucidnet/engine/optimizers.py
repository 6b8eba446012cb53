"""Optimizers over a list of :class:`~lucidnet.engine.parameters.Parameter`.

An optimizer is built once on the parameters; its state lives in lists
aligned with them. ``step()`` applies one update from the gradients that
``backward`` left in each ``Parameter.grad``. Updates are in place, so the
arrays a layer holds are the arrays that change.

An L2 penalty ``l2 / 2 * ||W||^2`` on every parameter with
``regularize=True`` (weights, not biases) is added as ``l2 * W`` to the
gradient before the update.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from scipy.optimize import minimize

from .parameters import Parameter, ParameterBuffer, blocks

__all__ = ["Optimizer", "SGD", "Adam", "lbfgs"]


class Optimizer:
    """Base class: holds the parameters, the rate and the L2 coefficient.

    Updates run over :func:`~lucidnet.engine.parameters.blocks` of the parameters
    (one contiguous buffer for a network's parameters): each step is a few
    in-place passes over whole buffers, with no temporary arrays. (SciPy's
    BLAS ``axpy`` would fuse some of those passes, but its thread pool then
    fights NumPy's over the cores and the matrix products slow down threefold.)
    """

    def __init__(self, parameters: Sequence[Parameter], learning_rate: float, l2: float = 0.0):
        self.parameters = list(parameters)
        if not learning_rate > 0:
            raise ValueError(f"learning_rate must be positive, got {learning_rate!r}")
        if not l2 >= 0:
            raise ValueError(f"l2 must be non-negative, got {l2!r}")
        self.learning_rate = float(learning_rate)
        self.l2 = float(l2)
        self._found_blocks = None
        self._scratch = {}

    @property
    def _blocks(self) -> list[ParameterBuffer]:
        # Found on first use rather than kept from a copy (pickle, deepcopy): the
        # network a copy belongs to packs its parameters again when it is copied.
        if self._found_blocks is None:
            self._found_blocks = blocks(self.parameters)
        return self._found_blocks

    def __getstate__(self):
        return {**self.__dict__, "_found_blocks": None, "_scratch": {}}

    def _state(self) -> list[np.ndarray]:
        """A zero array per block, for per-parameter state (moments, velocity)."""
        return [np.zeros_like(b.value) for b in self._blocks]

    def _scratch_for(self, i) -> np.ndarray:
        if i not in self._scratch:
            self._scratch[i] = np.empty_like(self._blocks[i].value)
        return self._scratch[i]

    def _add_penalty(self, i) -> None:
        """``g <- g + l2 * w`` for the weights (the gradient of ``l2 / 2 * ||w||^2``)."""
        if self.l2:
            block = self._blocks[i]
            value, grad, scratch = block.value, block.grad, self._scratch_for(i)
            for part in block.regularized:
                g = grad[part]  # a view, so += adds in place (grad[part] += would copy back)
                g += np.multiply(value[part], self.l2, out=scratch[part])

    def step(self) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent with optional (Nesterov) momentum.

    With velocity ``v`` (zero at the start), gradient ``g``, rate ``lr`` and
    momentum ``mu``::

        v <- mu * v - lr * g
        w <- w + v                     (classical momentum)
        w <- w + mu * v - lr * g       (Nesterov, in the form of Sutskever et al. 2013)

    With ``momentum=0`` this is plain ``w <- w - lr * g``.
    """

    def __init__(self, parameters, learning_rate=0.01, momentum=0.0, nesterov=False, l2=0.0):
        super().__init__(parameters, learning_rate, l2)
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)
        self.velocities = self._state() if momentum else []

    def step(self):
        lr, mu = self.learning_rate, self.momentum
        for i, block in enumerate(self._blocks):
            self._add_penalty(i)
            w, g = block.value, block.grad
            g *= -lr  # the gradient is spent after this step: scale it in place
            if not mu:
                w += g
                continue
            v = self.velocities[i]
            v *= mu
            v += g
            if self.nesterov:
                w += g
                w += np.multiply(v, mu, out=self._scratch_for(i))
            else:
                w += v


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015), with the bias correction folded into the rate::

        t <- t + 1
        m <- beta_1 * m + (1 - beta_1) * g
        v <- beta_2 * v + (1 - beta_2) * g^2
        lr_t = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)
        w <- w - lr_t * m / (sqrt(v) + epsilon)

    (the form scikit-learn uses, so both take the same steps).

    The moments are kept as sums, ``M = m / (1 - beta_1)`` and
    ``V = v / (1 - beta_2)``, because then ``M <- beta_1 * M + g`` takes two
    passes over the parameters where ``m`` takes three (likewise ``V``), and
    the constants join the rate: the step is ``w <- w - c_t * M / (sqrt(V) +
    epsilon')`` with ``c_t = lr_t (1 - beta_1) / sqrt(1 - beta_2)`` and
    ``epsilon' = epsilon / sqrt(1 - beta_2)``. The update's passes, not its
    arithmetic, are what a step costs. The gradient buffer is spent by a
    step: it holds ``g^2``, then the update.
    """

    def __init__(
        self, parameters, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8, l2=0.0
    ):
        super().__init__(parameters, learning_rate, l2)
        for name, beta in (("beta_1", beta_1), ("beta_2", beta_2)):
            if not 0 <= beta < 1:
                raise ValueError(f"{name} must be in [0, 1), got {beta!r}")
        if not epsilon > 0:
            raise ValueError(f"epsilon must be positive, got {epsilon!r}")
        self.beta_1, self.beta_2, self.epsilon = float(beta_1), float(beta_2), float(epsilon)
        self.t = 0
        self.gradient_sums = self._state()  # M, one per block
        self.square_sums = self._state()  # V

    def step(self):
        self.t += 1
        b1, b2 = self.beta_1, self.beta_2
        lr_t = self.learning_rate * np.sqrt(1 - b2**self.t) / (1 - b1**self.t)
        rate = lr_t * (1 - b1) / np.sqrt(1 - b2)
        epsilon = self.epsilon / np.sqrt(1 - b2)
        for i, block in enumerate(self._blocks):
            self._add_penalty(i)
            M, V, g, w = self.gradient_sums[i], self.square_sums[i], block.grad, block.value
            M *= b1
            M += g
            np.square(g, out=g)
            V *= b2
            V += g
            np.sqrt(V, out=g)
            g += epsilon
            np.divide(M, g, out=g)
            g *= rate
            w -= g


def lbfgs(
    parameters: Sequence[Parameter],
    loss_and_gradients: Callable[[], float],
    max_iter: int = 200,
    max_fun: int = 15000,
    tol: float = 1e-4,
    callback: Callable[[float], None] | None = None,
):
    """Minimize with scipy's L-BFGS-B over all ``parameters`` at once.

    ``loss_and_gradients()`` must compute the loss for the parameters' current
    values and leave the gradients in ``Parameter.grad``. The parameters are
    packed into one float64 vector for scipy and unpacked (in their own dtype)
    before every evaluation; at the end they hold the solution.
    Returns scipy's ``OptimizeResult``.
    """
    parameters = list(parameters)
    sizes = [p.value.size for p in parameters]
    bounds = np.cumsum([0, *sizes])

    def unpack(x):
        for p, lo, hi in zip(parameters, bounds[:-1], bounds[1:]):
            p.value[...] = x[lo:hi].reshape(p.value.shape)

    def fun(x):
        unpack(x)
        loss = loss_and_gradients()
        grad = np.concatenate([p.grad.ravel() for p in parameters]).astype(np.float64)
        if callback is not None:
            callback(loss)
        return float(loss), grad

    x0 = np.concatenate([p.value.ravel() for p in parameters]).astype(np.float64)
    result = minimize(
        fun,
        x0,
        method="L-BFGS-B",
        jac=True,
        options={"maxfun": max_fun, "maxiter": max_iter, "gtol": tol},
    )
    unpack(result.x)
    return result
