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

    ``regularize`` says whether an L2 penalty applies (weights yes, biases no).
    ``buffer`` is the :class:`ParameterBuffer` holding it, if it was packed.
    """

    __slots__ = ("value", "grad", "name", "regularize", "buffer")

    def __init__(self, value: np.ndarray, name: str = "", regularize: bool = True):
        self.value = value
        self.grad = np.zeros_like(value)
        self.name = name
        self.regularize = regularize
        self.buffer = None

    def __repr__(self):
        return f"Parameter({self.name!r}, shape={self.value.shape}, dtype={self.value.dtype})"


class ParameterBuffer:
    """Parameters of one dtype laid end to end: ``value`` and ``grad`` are 1-D,
    and each parameter's arrays are reshaped views of a slice of them."""

    def __init__(self, parameters: Sequence[Parameter]):
        self.parameters = list(parameters)
        dtype = self.parameters[0].value.dtype
        total = sum(p.value.size for p in self.parameters)
        self.value = np.empty(total, dtype=dtype)
        self.grad = np.zeros(total, dtype=dtype)
        start = 0
        for p in self.parameters:
            stop = start + p.value.size
            self.value[start:stop] = p.value.reshape(-1)
            p.value = self.value[start:stop].reshape(p.value.shape)
            p.grad = self.grad[start:stop].reshape(p.value.shape)
            p.buffer = self
            start = stop

    def regularized(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """1-D ``(value, grad)`` views of the parameters an L2 penalty applies to."""
        return [(p.value.reshape(-1), p.grad.reshape(-1)) for p in self.parameters if p.regularize]


def pack(parameters: Sequence[Parameter]) -> list[ParameterBuffer]:
    """Move ``parameters`` into one buffer per dtype (their current values are kept).

    Afterwards ``p.value`` and ``p.grad`` are new arrays: read a parameter
    through the ``Parameter``, not through an array taken from it before.
    """
    by_dtype: dict[np.dtype, list[Parameter]] = {}
    for p in parameters:
        by_dtype.setdefault(p.value.dtype, []).append(p)
    return [ParameterBuffer(group) for group in by_dtype.values()]


def blocks(parameters: Sequence[Parameter]) -> list[ParameterBuffer]:
    """The buffers to update ``parameters`` through: their own buffers when
    they are exactly the parameters of whole buffers, else a fresh buffer per
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
    """One parameter seen as a buffer, without moving it: flat views of its arrays."""

    def __init__(self, parameter: Parameter):
        self.parameters = [parameter]
        self.value = parameter.value.reshape(-1)
        self.grad = parameter.grad.reshape(-1)
        if not (np.shares_memory(self.value, parameter.value) and self.value.flags.c_contiguous):
            raise ValueError(f"{parameter!r} must be a C-contiguous array to be optimized in place")
