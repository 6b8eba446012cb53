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

from .layers import Dropout, Layer

__all__ = ["GaussianNoise", "Masking"]


class GaussianNoise(Layer):
    """Add normal noise of standard deviation ``std`` to every input, in training.

    When predicting, the layer is the identity. Backward passes ``dY`` through.

    Parameters
    ----------
    std : float, >= 0
        The noise's standard deviation.
    rng : numpy.random.Generator, int or None, default=None
        Where the noise comes from.

    Raises
    ------
    ValueError
        When ``std`` is negative or not finite.

    Examples
    --------
    >>> import numpy as np
    >>> from lucidnet.engine import GaussianNoise
    >>> layer = GaussianNoise(0.1, rng=0)
    >>> X = np.zeros((10000, 1))
    >>> float(layer.forward(X).std())
    0.0
    >>> round(float(layer.forward(X, training=True).std()), 2)
    0.1
    """

    def __init__(self, std: float, rng=None):
        super().__init__()
        if not 0 <= std < np.inf:
            raise ValueError(f"std must be in [0, inf), got {std!r}")
        self.std = float(std)
        self.rng = np.random.default_rng(rng)

    def forward(self, X, training=False):
        if not training or self.std == 0:
            return X
        dtype = X.dtype if X.dtype in (np.float32, np.float64) else np.dtype(np.float64)
        out = self._buffer("out", X.shape, dtype)
        self.rng.standard_normal(out=out, dtype=dtype)
        out *= self.std
        out += X
        return out

    def backward(self, dY, need_input_grad=True):
        return dY if need_input_grad else None

    def __repr__(self):
        return f"GaussianNoise({self.std})"


class Masking(Dropout):
    """Set a random fraction ``rate`` of the inputs to zero, in training:
    dropout on the input without its rescaling, since the reconstruction
    target is the unmasked input.

    Parameters
    ----------
    rate : float in [0, 1)
        The probability that an input is zeroed in training.
    rng : numpy.random.Generator, int or None, default=None
        Where the masks come from.

    Raises
    ------
    ValueError
        When ``rate`` is not in [0, 1).

    See Also
    --------
    Dropout : The same masks, with the survivors scaled by ``1 / (1 - rate)``.

    Examples
    --------
    >>> import numpy as np
    >>> from lucidnet.engine import Masking
    >>> out = Masking(0.25, rng=0).forward(np.ones((1000, 8)), training=True)
    >>> sorted(set(out.ravel().tolist())), round(float((out == 0).mean()), 2)  # about rate
    ([0.0, 1.0], 0.26)
    """

    rescale = False
