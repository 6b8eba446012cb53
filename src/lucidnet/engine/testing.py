"""Numerical gradient checks, for tests and for anyone writing a new layer;
and a switch that sends every pass to the compiled kernels, or none.

>>> import numpy as np
>>> from lucidnet import Dense
>>> from lucidnet.engine.testing import check_gradients
>>> rng = np.random.default_rng(0)
>>> errors = check_gradients(Dense(3, 2, rng=rng), rng.standard_normal((4, 3)))
>>> sorted(errors)
['W', 'X', 'b']
"""

from __future__ import annotations

import contextlib

import numpy as np

__all__ = [
    "check_gradients",
    "check_loss_gradient",
    "kernels_forced",
    "numerical_gradient",
    "relative_error",
]


@contextlib.contextmanager
def kernels_forced(on: bool):
    """Within the block, every pass a compiled kernel can take takes it (``on``,
    loading numba if need be) or none does: to compare a kernel with its
    NumPy form on arrays of any size."""
    from . import kernels

    if on and not kernels.load():
        raise RuntimeError(
            "the compiled kernels are not available (numba missing or LUCIDNET_NO_NUMBA set)"
        )
    old = kernels.MIN_FUSED, kernels.MIN_WORK
    kernels.MIN_FUSED, kernels.MIN_WORK = (0 if on else 10**12), 0
    try:
        yield
    finally:
        kernels.MIN_FUSED, kernels.MIN_WORK = old


def relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """``||a - n|| / max(||a|| + ||n||, 1e-12)``: 0 when equal, near 1 when unrelated."""
    diff = np.linalg.norm(np.ravel(analytic) - np.ravel(numeric))
    scale = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    return float(diff / max(scale, 1e-12))


def numerical_gradient(f, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central differences of the scalar ``f()`` with respect to the array ``x``,
    perturbed in place one element at a time (and restored)."""
    grad = np.zeros_like(x, dtype=np.float64)
    flat_x, flat_g = x.reshape(-1), grad.reshape(-1)
    for i in range(flat_x.size):
        original = flat_x[i]
        flat_x[i] = original + eps
        plus = f()
        flat_x[i] = original - eps
        minus = f()
        flat_x[i] = original
        flat_g[i] = (plus - minus) / (2 * eps)
    return grad


def check_gradients(
    layer, X, *, training: bool = True, rtol: float = 1e-6, eps: float = 1e-6, seed: int = 0
) -> dict[str, float]:
    """Compare a layer's backward with central differences, in float64.

    The scalar checked is ``sum(forward(X) * R)`` for a fixed random ``R``, so
    ``dL/dY = R``. Checks the input gradient and every parameter's gradient;
    raises ``AssertionError`` naming the worst one when a relative error
    exceeds ``rtol``. A layer that draws random numbers must draw them from
    ``self.rng``: its state is restored before every forward pass, so each
    pass sees the same randomness (the same dropout mask).

    Parameters
    ----------
    layer : Layer
        A float64 layer.
    X : array-like
        An input batch, of the shape the layer takes.
    training : bool, default=True
        The mode of the forward passes.
    rtol : float, default=1e-6
        The largest relative error allowed.
    eps : float, default=1e-6
        The step of the central differences.
    seed : int, default=0
        Seed of the random ``R``.

    Returns
    -------
    errors : dict of str to float
        The relative errors, keyed by ``'X'`` and parameter names (``'W'``,
        ``'b'``, or ``'<index>'`` when a name repeats).

    Raises
    ------
    AssertionError
        When a relative error exceeds ``rtol``.
    TypeError
        When a parameter is not float64.

    See Also
    --------
    check_loss_gradient : The same check for a loss.

    Examples
    --------
    >>> import numpy as np
    >>> from lucidnet.engine import Activation, check_gradients
    >>> errors = check_gradients(Activation("tanh"), np.linspace(-2, 2, 12).reshape(3, 4))
    >>> list(errors), errors["X"] < 1e-8
    (['X'], True)

    A layer whose backward is wrong is caught:

    >>> class Wrong(Activation):
    ...     def backward(self, dY, need_input_grad=True):
    ...         return dY
    >>> check_gradients(Wrong("tanh"), np.ones((2, 2)))
    Traceback (most recent call last):
    ...
    AssertionError: Wrong: gradient of 'X' differs from central differences ...
    """
    X = np.array(X, dtype=np.float64)
    for p in layer.parameters():
        if p.value.dtype != np.float64:
            raise TypeError(f"check_gradients needs a float64 layer; {p!r} is {p.value.dtype}")
    rng_state = getattr(getattr(layer, "rng", None), "bit_generator", None)
    saved_state = rng_state.state if rng_state is not None else None

    def forward():
        if saved_state is not None:
            layer.rng.bit_generator.state = saved_state
        return np.array(layer.forward(X, training=training), dtype=np.float64)

    out = forward()
    R = np.random.default_rng(seed).standard_normal(out.shape)
    dX = np.array(layer.backward(R.copy(), need_input_grad=True), dtype=np.float64)
    analytic = {"X": dX}
    for i, p in enumerate(layer.parameters()):
        key = p.name if p.name and p.name not in analytic else str(i)
        analytic[key] = p.grad.copy()

    def scalar():
        return float(np.sum(forward() * R))

    numeric = {"X": numerical_gradient(scalar, X, eps)}
    for key, p in zip(list(analytic)[1:], layer.parameters()):
        numeric[key] = numerical_gradient(scalar, p.value, eps)
    errors = {k: relative_error(analytic[k], numeric[k]) for k in analytic}
    _assert_below(errors, rtol, type(layer).__name__)
    return errors


def check_loss_gradient(loss, y, out, sample_weight=None, *, rtol=1e-6, eps=1e-6) -> float:
    """Compare ``loss.gradient`` with central differences of ``loss.value``.

    ``loss.value_and_gradient``'s gradient is checked too.

    Parameters
    ----------
    loss : Loss
    y : ndarray of shape (n_samples, n_outputs)
        The targets.
    out : array-like of shape (n_samples, n_outputs)
        The raw output at which the gradient is checked.
    sample_weight : array-like of shape (n_samples,) or None, default=None
    rtol : float, default=1e-6
        The largest relative error allowed.
    eps : float, default=1e-6
        The step of the central differences.

    Returns
    -------
    error : float
        The larger of the two relative errors.

    Raises
    ------
    AssertionError
        When a relative error exceeds ``rtol``.

    See Also
    --------
    check_gradients : The same check for a layer.

    Examples
    --------
    >>> import numpy as np
    >>> from lucidnet.engine import SoftmaxCrossEntropy, check_loss_gradient
    >>> y = np.eye(3)[[0, 2, 1, 2]]
    >>> out = np.random.default_rng(0).standard_normal((4, 3))
    >>> check_loss_gradient(SoftmaxCrossEntropy(), y, out) < 1e-8
    True
    """
    out = np.array(out, dtype=np.float64)
    analytic = loss.gradient(y, out.copy(), sample_weight)
    numeric = numerical_gradient(lambda: loss.value(y, out, sample_weight), out, eps)
    error = relative_error(analytic, numeric)
    _, fused = loss.value_and_gradient(y, out.copy(), sample_weight)
    errors = {"gradient": error, "value_and_gradient": relative_error(fused, numeric)}
    _assert_below(errors, rtol, type(loss).__name__)
    return max(errors.values())


def _assert_below(errors, rtol, what):
    worst = max(errors, key=errors.get)
    if errors[worst] > rtol:
        raise AssertionError(
            f"{what}: gradient of {worst!r} differs from central differences "
            f"(relative error {errors[worst]:.3g} > {rtol:g}); all errors: {errors}"
        )
