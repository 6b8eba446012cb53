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

from . import kernels
from .parameters import Parameter, ParameterBuffer, blocks

__all__ = ["Optimizer", "SGD", "Adam", "lbfgs"]


class Optimizer:
    """Base class: holds the parameters, the rate and the L2 coefficient.

    Subclasses implement :meth:`step`, the update formula.

    Parameters
    ----------
    parameters : sequence of Parameter
        What the optimizer updates, from their ``grad`` arrays.
    learning_rate : float, > 0
    l2 : float, default=0.0
        An L2 penalty of its own, ``l2 / 2 * ||w||^2`` on the regularized
        parameters (the estimators put theirs in the gradients instead).

    Raises
    ------
    ValueError
        When ``learning_rate`` is not positive or ``l2`` is negative.

    Examples
    --------
    An optimizer of one's own: sign descent, each weight moved by the rate
    against its gradient's sign.

    >>> import numpy as np
    >>> from lucidnet.engine import Optimizer, Parameter
    >>> class SignDescent(Optimizer):
    ...     def step(self, finish=None):
    ...         for p in self.parameters:
    ...             p.value -= self.learning_rate * np.sign(p.grad)
    >>> w = Parameter(np.array([1.0, 1.0]))
    >>> w.grad[...] = [3.0, -0.01]
    >>> SignDescent([w], learning_rate=0.5).step()
    >>> w.value
    array([0.5, 1.5])

    Notes
    -----
    Updates run over blocks of the parameters
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

    def rebind(self, parameters: Sequence[Parameter]) -> None:
        """Go on with the same state (moments, velocities, step count) over other
        parameters of the same sizes, in the same order: a network's weights
        replaced by new arrays.

        Parameters
        ----------
        parameters : sequence of Parameter

        Raises
        ------
        ValueError
            When the sizes differ from those of the current parameters.
        """
        parameters = list(parameters)
        sizes = [p.value.size for p in parameters]
        if sizes != [p.value.size for p in self.parameters]:
            raise ValueError(
                f"rebind needs parameters of the same sizes, {sizes} is not "
                f"{[p.value.size for p in self.parameters]}"
            )
        self.parameters = parameters
        self._found_blocks = None
        self._scratch = {}

    def _state(self) -> list[np.ndarray]:
        """A zero array per block, for per-parameter state (moments, velocity)."""
        return [np.zeros_like(b.value) for b in self._blocks]

    def _scratch_for(self, i) -> np.ndarray:
        if i not in self._scratch:
            self._scratch[i] = np.empty_like(self._blocks[i].value)
        return self._scratch[i]

    def _kernel_segments(self, i, finish):
        """This block's segments for a fused kernel, or None for the NumPy form
        (an L2 term of the optimizer's own, a ``finish`` NumPy would compute in
        a wider dtype, a small block, no numba)."""
        block = self._blocks[i]
        if (
            self.l2
            or not kernels.exact_in(block.value.dtype, finish)
            or not kernels.fused(block.value.size)  # last: it counts work toward loading numba
        ):
            return None
        key = ("segments", i)
        if key not in self._scratch:
            self._scratch[key] = kernels.segments(block)
        return self._scratch[key]

    def _finish_gradients(self, i, finish) -> None:
        """``g <- (g + alpha * w) / divisor``, ``alpha`` on regularized parameters
        only: gradients summed over a batch become the gradient of its mean loss
        with an L2 term (``finish = (alpha, divisor)``; see the estimators'
        objective, which leaves this last pass to the optimizer to fuse)."""
        if finish is None:
            return
        alpha, divisor = finish
        block = self._blocks[i]
        if alpha:
            for part in block.regularized:
                g = block.grad[part]
                g += alpha * block.value[part]
        block.grad /= divisor

    def _add_penalty(self, i) -> None:
        """``g <- g + l2 * w`` for the weights (the gradient of ``l2 / 2 * ||w||^2``)."""
        if self.l2:
            block = self._blocks[i]
            value, grad, scratch = block.value, block.grad, self._scratch_for(i)
            for part in block.regularized:
                g = grad[part]  # a view, so += adds in place (grad[part] += would copy back)
                g += np.multiply(value[part], self.l2, out=scratch[part])

    def step(self, finish=None) -> None:
        """Update the parameters from their gradients, in place.

        Parameters
        ----------
        finish : (float, float) or None, default=None
            ``(alpha, divisor)``: first turn summed gradients into mean ones with
            an L2 term, ``g <- (g + alpha * w) / divisor`` (regularized
            parameters only). None: the gradients are used as they are.
        """
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent with optional (Nesterov) momentum.

    With velocity ``v`` (zero at the start), gradient ``g``, rate ``lr`` and
    momentum ``mu``::

        v <- mu * v - lr * g
        w <- w + v                     (classical momentum)
        w <- w + (mu * v - lr * g)     (Nesterov, in the form of Sutskever et al. 2013)

    With ``momentum=0`` this is plain ``w <- w - lr * g``. Each update is
    rounded as scikit-learn rounds it (the Nesterov step is summed before it
    is added), so the estimators take scikit-learn's steps to the last bit.

    Parameters
    ----------
    parameters : sequence of Parameter
    learning_rate : float, default=0.01
    momentum : float, default=0.0
        ``mu``; 0 for plain gradient descent.
    nesterov : bool, default=False
        Nesterov's momentum instead of the classical one.
    l2 : float, default=0.0
        See :class:`Optimizer`.

    Examples
    --------
    >>> import numpy as np
    >>> from lucidnet.engine import SGD, Parameter
    >>> w = Parameter(np.array([1.0, -2.0]))
    >>> w.grad[...] = [0.5, 0.5]
    >>> SGD([w], learning_rate=0.1).step()
    >>> w.value
    array([ 0.95, -2.05])
    """

    def __init__(self, parameters, learning_rate=0.01, momentum=0.0, nesterov=False, l2=0.0):
        super().__init__(parameters, learning_rate, l2)
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)
        self.velocities = self._state() if momentum else []

    def step(self, finish=None):
        lr, mu = self.learning_rate, self.momentum
        for i, block in enumerate(self._blocks):
            segs = self._kernel_segments(i, finish)
            if segs is not None:
                velocity = self.velocities[i] if mu else None
                kernels.sgd_update(block, segs, velocity, finish, lr, mu, self.nesterov)
                continue
            self._finish_gradients(i, finish)
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
                step = np.multiply(v, mu, out=self._scratch_for(i))
                step += g
                w += step
            else:
                w += v


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015), with the bias correction folded into the rate::

        t <- t + 1
        m <- beta_1 * m + (1 - beta_1) * g
        v <- beta_2 * v + (1 - beta_2) * g^2
        lr_t = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)
        w <- w + (-lr_t * m) / (sqrt(v) + epsilon)

    This is scikit-learn's form, and each line is rounded as scikit-learn
    rounds it, so that the estimators take its steps to the last bit: in
    particular ``lr_t`` is a float64 number, so for float32 weights the step
    is computed in float64 and rounded once when it is added (NumPy's rules
    for a float64 scalar times a float32 array). The gradient buffer is spent
    by a step: it holds ``g^2`` afterwards.

    Written so, the update is 12 element-wise passes over the parameters,
    and those passes, not the arithmetic, are what a step costs.

    Parameters
    ----------
    parameters : sequence of Parameter
    learning_rate : float, default=0.001
    beta_1, beta_2 : float in [0, 1), default=0.9, 0.999
        Decay of the first and second moments.
    epsilon : float, default=1e-8
    l2 : float, default=0.0
        See :class:`Optimizer`.

    Attributes
    ----------
    t : int
        Steps taken.

    Raises
    ------
    ValueError
        When a beta is not in [0, 1) or ``epsilon`` is not positive.

    Examples
    --------
    The first step moves every weight by about the rate, whatever its gradient:

    >>> import numpy as np
    >>> from lucidnet.engine import Adam, Parameter
    >>> w = Parameter(np.array([1.0, -2.0]))
    >>> w.grad[...] = [10.0, -0.001]
    >>> Adam([w], learning_rate=0.1).step()
    >>> w.value.round(4)
    array([ 0.9, -1.9])
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
        self.first_moments = self._state()  # m, one per block
        self.second_moments = self._state()  # v

    def step(self, finish=None):
        self.t += 1
        b1, b2 = self.beta_1, self.beta_2
        lr_t = self.learning_rate * np.sqrt(1 - b2**self.t) / (1 - b1**self.t)
        for i, block in enumerate(self._blocks):
            segs = self._kernel_segments(i, finish)
            if segs is not None:
                m, v = self.first_moments[i], self.second_moments[i]
                kernels.adam_update(block, segs, m, v, finish, b1, b2, lr_t, self.epsilon)
                continue
            self._finish_gradients(i, finish)
            self._add_penalty(i)
            m, v, g, w = self.first_moments[i], self.second_moments[i], block.grad, block.value
            scratch = self._scratch_for(i)
            m *= b1
            m += np.multiply(g, 1 - b1, out=scratch)
            np.square(g, out=g)
            v *= b2
            g *= 1 - b2
            v += g
            denominator = np.sqrt(v, out=scratch)
            denominator += self.epsilon
            step = self._step_buffer(i)  # float64 for float32 weights (see above)
            np.multiply(m, -lr_t, out=step)
            step /= denominator
            np.add(w, step, out=w)

    def _step_buffer(self, i) -> np.ndarray:
        grad = self._blocks[i].grad
        if grad.dtype == np.float64:
            return grad
        key = ("step", i)
        if key not in self._scratch:
            self._scratch[key] = np.empty(grad.shape, dtype=np.float64)
        return self._scratch[key]


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
    laid end to end, in the order given, in one vector for scipy, which keeps
    its dtype: scipy iterates in float64 but evaluates float32 parameters at
    float32 points. Before every evaluation the point is copied into the
    parameters; at the end they hold the solution, rounded to their dtype
    (``result.x`` holds it unrounded).

    Parameters
    ----------
    parameters : sequence of Parameter
    loss_and_gradients : callable, () -> float
        The loss at the parameters' current values; leaves the gradients in
        their ``grad``.
    max_iter : int, default=200
        L-BFGS iterations at most (scipy's ``maxiter``).
    max_fun : int, default=15000
        Evaluations at most (scipy's ``maxfun``).
    tol : float, default=1e-4
        scipy's ``gtol``.
    callback : callable, (float) -> None, or None, default=None
        Called with the loss after each evaluation.

    Returns
    -------
    result : scipy.optimize.OptimizeResult
        scipy's result (``nit``, ``fun``, ``success``, ``message``, ...).

    Examples
    --------
    The least squares fit of ``w`` in ``X @ w = y``:

    >>> import numpy as np
    >>> from lucidnet.engine import Parameter, lbfgs
    >>> X, y = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]), np.array([1.0, 2.0, 3.0])
    >>> w = Parameter(np.zeros(2))
    >>> def loss_and_gradients():
    ...     r = X @ w.value - y
    ...     w.grad[...] = X.T @ r
    ...     return 0.5 * float(r @ r)
    >>> result = lbfgs([w], loss_and_gradients, tol=1e-10)
    >>> bool(result.success), w.value.round(6)
    (True, array([1., 2.]))
    """
    from scipy.optimize import minimize  # a fifth of a second to import: only when used

    parameters = list(parameters)
    sizes = [p.value.size for p in parameters]
    bounds = np.cumsum([0, *sizes])

    def unpack(x):
        for p, lo, hi in zip(parameters, bounds[:-1], bounds[1:]):
            p.value[...] = x[lo:hi].reshape(p.value.shape)

    def fun(x):
        unpack(x)
        loss = loss_and_gradients()
        grad = np.concatenate([p.grad.ravel() for p in parameters])
        if callback is not None:
            callback(loss)
        return loss, grad

    x0 = np.concatenate([p.value.ravel() for p in parameters])
    result = minimize(
        fun,
        x0,
        method="L-BFGS-B",
        jac=True,
        options={"maxfun": max_fun, "maxiter": max_iter, "gtol": tol},
    )
    unpack(result.x)
    return result
