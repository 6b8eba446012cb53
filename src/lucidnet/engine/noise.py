"""Corrupting inputs in training only: ``GaussianNoise`` and ``Masking``.

A denoising autoencoder learns to reconstruct clean inputs from corrupted
ones (Vincent et al., 2008), which makes its codes capture structure rather
than copy pixels. The corruption happens in training; at prediction both
layers pass their input through unchanged. Their randomness comes from
``self.rng``, an ``np.random.Generator``, as ``Dropout``'s does.

Backward::

    GaussianNoise:  Y = X + std * e           dX = dY
    Masking:        Y = X * m, m in {0, 1}    dX = dY * m   (no rescaling by 1 / (1 - rate),
                                                             unlike Dropout: the reconstruction
                                                             target is the unmasked input)
"""

from __future__ import annotations

import numpy as np

from .layers import Layer

__all__ = ["GaussianNoise", "Masking"]


class _Corruption(Layer):
    _transient = ("_mask",)

    def __init__(self, amount: float, rng=None, name="amount", upper=np.inf):
        super().__init__()
        if not 0 <= amount < upper:
            raise ValueError(f"{name} must be in [0, {upper}), got {amount!r}")
        self.rng = np.random.default_rng(rng)

    def _float(self, X):
        return X.dtype if X.dtype in (np.float32, np.float64) else np.dtype(np.float64)


class GaussianNoise(_Corruption):
    """Add normal noise of standard deviation ``std`` to every input, in training."""

    def __init__(self, std: float, rng=None):
        super().__init__(std, rng, "std")
        self.std = float(std)

    def forward(self, X, training=False):
        if not training or self.std == 0:
            return X
        dtype = self._float(X)
        out = self._buffer("out", X.shape, dtype)
        self.rng.standard_normal(out=out, dtype=dtype)
        out *= self.std
        out += X
        return out

    def backward(self, dY, need_input_grad=True):
        return dY if need_input_grad else None

    def __repr__(self):
        return f"GaussianNoise({self.std})"


class Masking(_Corruption):
    """Set a random fraction ``rate`` of the inputs to zero, in training."""

    def __init__(self, rate: float, rng=None):
        super().__init__(rate, rng, "rate", upper=1)
        self.rate = float(rate)

    def forward(self, X, training=False):
        if not training or self.rate == 0:
            self._mask = None
            return X
        dtype = self._float(X)
        mask = self._buffer("mask", X.shape, dtype)
        self.rng.random(out=mask, dtype=dtype)
        np.greater_equal(mask, self.rate, out=mask, casting="unsafe")
        self._mask = mask
        return np.multiply(X, mask, out=self._buffer("out", X.shape, dtype))

    def backward(self, dY, need_input_grad=True):
        if not need_input_grad:
            return None
        if self._mask is None:
            return dY
        return np.multiply(dY, self._mask, out=self._buffer("dX", dY.shape, dY.dtype))

    def __repr__(self):
        return f"Masking({self.rate})"
