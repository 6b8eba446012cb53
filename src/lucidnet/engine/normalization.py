"""``BatchNormalization`` (Ioffe & Szegedy, 2015), over the last axis.

Channels are last, so one layer serves both uses: after ``Dense`` it
normalizes each feature of ``(n, features)`` over the batch; after a
convolution each channel of ``(n, *spatial, channels)`` over the batch and
all positions. With ``m`` the number of values per feature (``n`` or ``n *
positions``)::

    training:    mu = mean(X),  var = mean((X - mu)^2)          (per feature)
                 x_hat = (X - mu) / sqrt(var + epsilon)
                 Y = gamma * x_hat + beta
                 running_mean <- momentum * running_mean + (1 - momentum) * mu
                 running_var  <- momentum * running_var + (1 - momentum) * var * m / (m - 1)
    prediction:  x_hat = (X - running_mean) / sqrt(running_var + epsilon)

    backward:    dbeta  = sum(dY)
                 dgamma = sum(dY * x_hat)
                 dX = gamma / sqrt(var + epsilon) * (dY - dbeta / m - x_hat * dgamma / m)

(sums over everything but the feature axis). The last line is the gradient
through ``mu`` and ``var`` too, so training-mode outputs pass a gradient check.
A batch with one value per feature has no statistics of its own: it is
normalized by the running ones, which it leaves alone.
The running variance is the unbiased one, as in PyTorch; its ``momentum``
of 0.9 equals PyTorch's default 0.1 (PyTorch weighs the new batch by it).
"""

from __future__ import annotations

import numpy as np

from .layers import Layer
from .parameters import Parameter

__all__ = ["BatchNormalization"]


class BatchNormalization(Layer):
    """Normalize each feature (last axis) by batch statistics in training and by
    running statistics in prediction, then scale by ``gamma`` and shift by ``beta``.

    Parameters
    ----------
    n_features : int
        Size of the last axis (features after Dense, channels after a convolution).
    momentum : float, default=0.9
        Weight of the old running statistics at each training step.
    epsilon : float, default=1e-5
        Added to the variance before its square root.
    dtype : float32 or float64, default=float64

    Attributes
    ----------
    gamma, beta : Parameter
        Scale and shift, shape (n_features,); not L2-penalized.
    running_mean, running_var : ndarray of shape (n_features,)
        The statistics prediction normalizes by, updated at each training step.

    Raises
    ------
    ValueError
        When ``momentum`` is not in [0, 1) or ``epsilon`` is not positive.

    Examples
    --------
    >>> import numpy as np
    >>> from lucidnet.engine import BatchNormalization
    >>> layer = BatchNormalization(2)
    >>> X = np.array([[1.0, 10.0], [3.0, 30.0]])
    >>> layer.forward(X, training=True).round(3)
    array([[-1., -1.],
           [ 1.,  1.]])
    >>> layer.running_mean
    array([0.2, 2. ])
    """

    _transient = ("_x_hat", "_inv_std", "_single")
    state_names = ("running_mean", "running_var")

    def __init__(self, n_features: int, momentum: float = 0.9, epsilon: float = 1e-5,
                 dtype=np.float64):  # fmt: skip
        super().__init__()
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
        if not epsilon > 0:
            raise ValueError(f"epsilon must be positive, got {epsilon!r}")
        self.momentum, self.epsilon = float(momentum), float(epsilon)
        self.gamma = Parameter(np.ones(n_features, dtype=dtype), "gamma", regularize=False)
        self.beta = Parameter(np.zeros(n_features, dtype=dtype), "beta", regularize=False)
        self.running_mean = np.zeros(n_features, dtype=dtype)
        self.running_var = np.ones(n_features, dtype=dtype)

    @property
    def n_features(self) -> int:
        """Size of the normalized (last) axis."""
        return self.gamma.value.shape[0]

    def forward(self, X, training=False):
        gamma, beta = self.gamma.value, self.beta.value
        if not training:
            scale = gamma / np.sqrt(self.running_var + self.epsilon)
            return (X - self.running_mean) * scale + beta
        axes = tuple(range(X.ndim - 1))
        m = X.size // X.shape[-1]
        if m == 1:
            return self._forward_single(X)
        mean = X.mean(axis=axes)
        x_hat = self._buffer("x_hat", X.shape, X.dtype)
        np.subtract(X, mean, out=x_hat)
        var = np.mean(np.square(x_hat), axis=axes)
        inv_std = 1.0 / np.sqrt(var + self.epsilon)
        x_hat *= inv_std
        self._x_hat, self._inv_std, self._single = x_hat, inv_std, False
        self.running_mean *= self.momentum
        self.running_mean += (1 - self.momentum) * mean
        self.running_var *= self.momentum
        self.running_var += (1 - self.momentum) * var * (m / max(m - 1, 1))
        out = self._buffer("out", X.shape, X.dtype)
        np.multiply(x_hat, gamma, out=out)
        out += beta
        return out

    def _forward_single(self, X):
        """One value per feature has no batch statistics (its variance is 0, and
        every output would be beta): normalize by the running statistics, as
        prediction does, and leave them as they are. A last mini-batch of one
        sample after a Dense layer is such a batch."""
        inv_std = 1.0 / np.sqrt(self.running_var + self.epsilon)
        x_hat = self._buffer("x_hat", X.shape, X.dtype)
        np.subtract(X, self.running_mean, out=x_hat)
        x_hat *= inv_std
        self._x_hat, self._inv_std, self._single = x_hat, inv_std, True
        out = self._buffer("out", X.shape, X.dtype)
        np.multiply(x_hat, self.gamma.value, out=out)
        out += self.beta.value
        return out

    def backward(self, dY, need_input_grad=True):
        x_hat = self._x_hat
        axes = tuple(range(dY.ndim - 1))
        m = dY.size // dY.shape[-1]
        np.add.reduce(dY, axis=axes, out=self.beta.grad)
        np.add.reduce(dY * x_hat, axis=axes, out=self.gamma.grad)
        if not need_input_grad:
            return None
        if self._single:  # fixed statistics: the normalization is affine
            return np.multiply(
                dY, self.gamma.value * self._inv_std, out=self._buffer("dX", dY.shape, dY.dtype)
            )
        dX = self._buffer("dX", dY.shape, dY.dtype)
        np.multiply(x_hat, self.gamma.grad / m, out=dX)
        np.subtract(dY, dX, out=dX)
        dX -= self.beta.grad / m
        dX *= self.gamma.value * self._inv_std
        return dX

    def parameters(self):
        return [self.gamma, self.beta]

    def output_shape(self, input_shape):
        if tuple(input_shape)[-1:] != (self.n_features,):
            raise ValueError(
                f"{self!r} normalizes {self.n_features} features on the last axis, got input "
                f"shape {tuple(input_shape)}"
            )
        return tuple(input_shape)

    def __repr__(self):
        return f"BatchNormalization({self.n_features}, momentum={self.momentum})"
