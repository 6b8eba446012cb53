"""Trainable arrays: ``Parameter``, and ``pack`` to lay many out in one buffer.

An optimizer's update is a handful of element-wise passes over every
parameter. Done per parameter, a small network pays Python's call overhead
once per pass per array; done over one contiguous buffer holding all of them,
it pays it once per pass. ``pack`` moves parameters into such a buffer (their
``value`` and ``grad`` become views of it), and optimizers use the buffer when
they are given exactly the parameters it holds.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["Parameter", "ParameterBuffer", "pack", "blocks"]


class Parameter:
    """A trainable array and its gradient, of the same shape and dtype.

    Parameters
    ----------
    value : ndarray
        The array (kept, not copied).
    name : str, default=''
        A name for messages and gradient checks ('W', 'b').
    regularize : bool, default=True
        Whether an L2 penalty applies (weights yes, biases no).

    Attributes
    ----------
    value : ndarray
    grad : ndarray of the shape and dtype of value
        Zeros at first; a layer's ``backward`` writes it, an optimizer reads it.
    name : str
    regularize : bool
    buffer : ParameterBuffer or None
        The contiguous buffer holding ``value`` and ``grad`` when a network
        packed its parameters into one (None otherwise).

    Examples
    --------
    >>> import numpy as np
    >>> from lucidnet.engine import Parameter
    >>> w = Parameter(np.ones((3, 2)), "W")
    >>> w
    Parameter('W', shape=(3, 2), dtype=float64)
    >>> w.grad.shape, w.regularize
    ((3, 2), True)
    """

    __slots__ = ("value", "grad", "name", "regularize", "buffer")

    def __init__(self, value: np.ndarray, name: str = "", regularize: bool = True):
        self.value = value
        # np.zeros, not zeros_like: zeroed memory comes from the system page by
        # page as it is written, and a network's own grads move into its buffer.
        self.grad = np.zeros(value.shape, value.dtype)
        self.name = name
        self.regularize = regularize
        self.buffer = None

    def __repr__(self):
        return f"Parameter({self.name!r}, shape={self.value.shape}, dtype={self.value.dtype})"

    def __getstate__(self):
        # A copy (pickle, deepcopy) gets its own arrays, not views of a buffer:
        # the link is dropped, and whoever packed it packs the copy again.
        return {name: getattr(self, name) for name in self.__slots__ if name != "buffer"}

    def __setstate__(self, state):
        for name, value in state.items():
            setattr(self, name, value)
        self.buffer = None


class ParameterBuffer:
    """Parameters of one dtype laid end to end: ``value`` and ``grad`` are 1-D,
    and each parameter's arrays are reshaped views of a slice of them."""

    def __init__(self, parameters: Sequence[Parameter]):
        self.parameters = list(parameters)
        dtype = self.parameters[0].value.dtype
        total = sum(p.value.size for p in self.parameters)
        self.value = np.empty(total, dtype=dtype)
        self.grad = np.zeros(total, dtype=dtype)
        for p, part in zip(self.parameters, self.slices()):
            shape = p.value.shape
            self.value[part] = p.value.reshape(-1)
            p.value = self.value[part].reshape(shape)
            p.grad = self.grad[part].reshape(shape)
            p.buffer = self
        self.regularized = self._regularized()

    def slices(self) -> list[slice]:
        """Where each parameter lies in ``value`` and ``grad``."""
        bounds = np.cumsum([0] + [p.value.size for p in self.parameters]).tolist()
        return [slice(a, b) for a, b in zip(bounds[:-1], bounds[1:])]

    def _regularized(self) -> list[slice]:
        """The slices of the parameters an L2 penalty applies to."""
        return [part for p, part in zip(self.parameters, self.slices()) if p.regularize]


def pack(parameters: Sequence[Parameter]) -> list[ParameterBuffer]:
    """Move ``parameters`` into one buffer per dtype (their current values are kept).

    Afterwards ``p.value`` and ``p.grad`` are new arrays: read a parameter
    through the ``Parameter``, not through an array taken from it before.
    Parameters already in a buffer stay where they are (a second network
    over shared layers must not pull them from under the first one's
    optimizer); only the new buffers are returned.
    """
    by_dtype: dict[np.dtype, list[Parameter]] = {}
    for p in parameters:
        if p.buffer is None:
            by_dtype.setdefault(p.value.dtype, []).append(p)
    return [ParameterBuffer(group) for group in by_dtype.values()]


def blocks(parameters: Sequence[Parameter]) -> list[ParameterBuffer]:
    """The buffers to update ``parameters`` through: their own buffers when
    they are exactly the parameters of whole buffers, else a view per
    parameter (which leaves the parameter's arrays where they are)."""
    parameters = list(parameters)
    buffers = []
    for p in parameters:
        if p.buffer is None:
            break
        if not buffers or buffers[-1] is not p.buffer:
            buffers.append(p.buffer)
    else:
        held = [q for buffer in buffers for q in buffer.parameters]
        if len(held) == len(parameters) and all(a is b for a, b in zip(held, parameters)):
            return buffers
    return [_SingleParameter(p) for p in parameters]


class _SingleParameter(ParameterBuffer):
    """One parameter seen as a buffer, without moving it: flat views of its arrays,
    taken afresh at each use (so they follow the parameter if it is rebound)."""

    def __init__(self, parameter: Parameter):
        self.parameters = [parameter]
        for array in (parameter.value, parameter.grad):
            if not array.flags.c_contiguous:
                raise ValueError(
                    f"{parameter!r} must have C-contiguous value and grad arrays to be "
                    "optimized in place"
                )
        self.regularized = self._regularized()

    @property
    def value(self):
        return self.parameters[0].value.reshape(-1)

    @property
    def grad(self):
        return self.parameters[0].grad.reshape(-1)
