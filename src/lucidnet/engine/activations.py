"""Activation functions and their derivatives, in a name -> object registry.

Every derivative here is written in terms of the activation's *output*
``a = f(z)``, which is what the :class:`~lucidnet.engine.layers.Activation`
layer keeps from its forward pass. (The classic post took the derivative of ``tanh`` at
values that were already ``tanh``-ed; keeping the output and writing the
derivative in terms of it makes that mistake impossible.)

=========== ======================== ==============================
name        f(z)                     f'(z) written with a = f(z)
=========== ======================== ==============================
identity    z                        1
logistic    1 / (1 + exp(-z))        a (1 - a)
tanh        tanh(z)                  1 - a**2
relu        max(z, 0)                1 where a > 0, else 0
leaky_relu  z if z > 0 else s z      1 where a > 0, else s
exp         exp(z)                   a
softmax     exp(z_j) / sum_k exp(z_k)  Jacobian diag(a) - a a^T
=========== ======================== ==============================
"""

from __future__ import annotations

import numpy as np

__all__ = ["ActivationFunction", "ACTIVATIONS", "HIDDEN_ACTIVATIONS", "get_activation"]


def _fused_elementwise(*arrays) -> bool:
    """Whether a compiled kernel takes this element-wise pass (kernels.py):
    large, C-contiguous arrays of one shape and dtype."""
    from .kernels import fused

    first = arrays[0]
    return all(  # checked before fused(), which counts work that would load numba
        a is None or (a.flags.c_contiguous and a.shape == first.shape and a.dtype == first.dtype)
        for a in arrays
    ) and fused(first.size)


class ActivationFunction:
    """An element-wise activation: its value and its derivative.

    Subclasses implement :meth:`value` and :meth:`derivative`; softmax, whose
    Jacobian is not diagonal, overrides :meth:`backward` instead. The derivative
    is written in terms of the output ``a = f(z)``, which is what the
    :class:`Activation` layer keeps from its forward pass.

    Attributes
    ----------
    name : str
        The name it has in :data:`ACTIVATIONS`.

    See Also
    --------
    get_activation : An activation by name.

    Examples
    --------
    A new activation, the softplus ``log(1 + exp(z))``, whose derivative
    ``1 - exp(-a)`` is written in terms of its output ``a``:

    >>> import numpy as np
    >>> from lucidnet.engine import ActivationFunction
    >>> class Softplus(ActivationFunction):
    ...     name = "softplus"
    ...     def value(self, z, out=None):
    ...         return np.logaddexp(0, z, out=out)
    ...     def derivative(self, a):
    ...         return -np.expm1(-a)
    >>> a = Softplus().value(np.array([0.0]))
    >>> a.round(4), Softplus().derivative(a)  # f'(0) = 1/2
    (array([0.6931]), array([0.5]))
    """

    name: str = ""

    def value(self, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Return ``f(z)``.

        Parameters
        ----------
        z : ndarray
            The layer's input (pre-activation).
        out : ndarray of the shape of z, or None, default=None
            Where to write the result (may be ``z`` itself).

        Returns
        -------
        a : ndarray of the shape of z
        """
        raise NotImplementedError

    def derivative(self, a: np.ndarray) -> np.ndarray:
        """Return ``f'(z)`` element-wise, computed from the output ``a = f(z)``.

        Parameters
        ----------
        a : ndarray
            The activation's output.

        Returns
        -------
        derivative : ndarray of the shape of a
        """
        raise NotImplementedError

    def backward(self, a: np.ndarray, grad_a: np.ndarray, out: np.ndarray | None = None):
        """Return ``dL/dz`` given the output ``a`` and ``dL/da``.

        For an element-wise activation this is ``grad_a * f'(z)``.

        Parameters
        ----------
        a : ndarray
            The activation's output.
        grad_a : ndarray of the shape of a
            ``dL/da``.
        out : ndarray of the shape of a, or None, default=None
            Where to write the result (may be ``grad_a`` itself).

        Returns
        -------
        grad_z : ndarray of the shape of a
        """
        return np.multiply(grad_a, self.derivative(a), out=out)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Identity(ActivationFunction):
    name = "identity"

    def value(self, z, out=None):
        if out is None:
            return z.copy()
        if out is not z:
            out[...] = z
        return out

    def derivative(self, a):
        return np.ones_like(a)

    def backward(self, a, grad_a, out=None):
        if out is None:
            return grad_a.copy()
        if out is not grad_a:
            out[...] = grad_a
        return out


class Logistic(ActivationFunction):
    """The logistic sigmoid. ``scipy.special.expit`` never overflows, so
    ``f(+-1000)`` is exactly 1 or 0, without a warning."""

    name = "logistic"

    def value(self, z, out=None):
        from scipy.special import expit  # imported on first use: scipy.special is slow to load

        return expit(z, out=out) if out is not None else expit(z)

    def derivative(self, a):
        return a * (1 - a)

    def backward(self, a, grad_a, out=None):
        # (grad_a * a) * (1 - a), rounded in scikit-learn's order, so that the
        # estimators' gradients equal scikit-learn's to the last bit.
        one_minus_a = np.subtract(1, a)
        result = np.multiply(grad_a, a, out=out)
        result *= one_minus_a
        return result


class Tanh(ActivationFunction):
    name = "tanh"

    def value(self, z, out=None):
        return np.tanh(z, out=out)

    def derivative(self, a):
        return 1 - a * a

    def backward(self, a, grad_a, out=None):
        # grad_a * (1 - a^2), rounded in scikit-learn's order (so the estimators'
        # gradients equal scikit-learn's to the last bit), in three passes.
        scratch = np.empty_like(a) if out is None or out is grad_a else out
        np.multiply(a, a, out=scratch)
        np.subtract(1, scratch, out=scratch)
        return np.multiply(grad_a, scratch, out=grad_a if out is grad_a else scratch)


class ReLU(ActivationFunction):
    name = "relu"

    def value(self, z, out=None):
        return np.maximum(z, 0, out=out)

    def derivative(self, a):
        return (a > 0).astype(a.dtype)

    def backward(self, a, grad_a, out=None):
        if _fused_elementwise(a, grad_a, out):
            from . import kernels

            out = np.empty_like(a) if out is None else out
            kernels.relu_backward(a, grad_a, out)
            return out
        # (a > 0) written as 1.0/0.0 in the output's own dtype, then one multiply:
        # ten times faster than zeroing through a boolean mask.
        mask = np.empty_like(a) if out is None or out is grad_a else out
        np.greater(a, 0, out=mask)
        return np.multiply(mask, grad_a, out=grad_a if out is grad_a else mask)


class LeakyReLU(ActivationFunction):
    """``z`` for positive ``z``, ``slope * z`` otherwise (slope 0.01 by default)."""

    name = "leaky_relu"

    def __init__(self, slope: float = 0.01):
        if not 0 < slope < 1:
            raise ValueError(f"leaky_relu slope must be in (0, 1), got {slope!r}")
        self.slope = slope

    def value(self, z, out=None):
        # max(z, slope * z) is z for z > 0 and slope * z otherwise, as 0 < slope < 1.
        return np.maximum(z, self.slope * z, out=out)

    def derivative(self, a):
        return np.where(a > 0, 1, self.slope).astype(a.dtype)

    def __repr__(self):
        return f"LeakyReLU(slope={self.slope})"


class Exp(ActivationFunction):
    """``exp``: the inverse link of the Poisson loss (positive outputs)."""

    name = "exp"

    def value(self, z, out=None):
        return np.exp(z, out=out)

    def derivative(self, a):
        return a.copy()


class Softmax(ActivationFunction):
    """Softmax over the last axis, shifted by the row maximum so it never overflows.

    Its Jacobian is ``diag(a) - a a^T``, so :meth:`backward` returns
    ``a * (grad_a - sum(grad_a * a, axis=-1))``. When softmax feeds a
    cross-entropy loss, use :class:`lucidnet.engine.SoftmaxCrossEntropy`, which
    fuses the two into ``(a - y) / n``.
    """

    name = "softmax"

    def value(self, z, out=None):
        shifted = np.subtract(z, z.max(axis=-1, keepdims=True), out=out)
        np.exp(shifted, out=shifted)
        shifted /= shifted.sum(axis=-1, keepdims=True)
        return shifted

    def derivative(self, a):
        raise NotImplementedError(
            "softmax has no element-wise derivative; use backward(a, grad_a) for its Jacobian"
        )

    def backward(self, a, grad_a, out=None):
        inner = np.sum(grad_a * a, axis=-1, keepdims=True)
        result = np.subtract(grad_a, inner, out=out)
        result *= a
        return result


#: The activations by name: 'identity', 'logistic', 'tanh', 'relu',
#: 'leaky_relu' (slope 0.01), 'exp' and 'softmax'. Each is an
#: :class:`ActivationFunction`; :func:`get_activation` looks names up here.
ACTIVATIONS: dict[str, ActivationFunction] = {
    f.name: f for f in (Identity(), Logistic(), Tanh(), ReLU(), LeakyReLU(), Exp(), Softmax())
}


# What a hidden layer may use: softmax and exp only end networks (with their losses).
HIDDEN_ACTIVATIONS = tuple(name for name in ACTIVATIONS if name not in ("softmax", "exp"))


def get_activation(name: str | ActivationFunction) -> ActivationFunction:
    """Look an activation up by name; an :class:`ActivationFunction` passes through.

    Parameters
    ----------
    name : str or ActivationFunction
        A key of :data:`ACTIVATIONS`, or an activation.

    Returns
    -------
    activation : ActivationFunction

    Raises
    ------
    ValueError
        When ``name`` is not a key of :data:`ACTIVATIONS`.

    Examples
    --------
    >>> import numpy as np
    >>> from lucidnet.engine import get_activation
    >>> tanh = get_activation("tanh")
    >>> a = tanh.value(np.array([0.0, 1.0]))
    >>> tanh.derivative(a).round(4)  # 1 - a**2, from the output
    array([1.  , 0.42])
    >>> get_activation("swish")
    Traceback (most recent call last):
    ...
    ValueError: Unknown activation 'swish'; expected one of 'identity', 'logistic', ...
    """
    if isinstance(name, ActivationFunction):
        return name
    if not isinstance(name, str) or name not in ACTIVATIONS:
        valid = ", ".join(repr(n) for n in ACTIVATIONS)
        raise ValueError(f"Unknown activation {name!r}; expected one of {valid}.")
    return ACTIVATIONS[name]
