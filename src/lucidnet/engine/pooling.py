"""Pooling and shape layers, channels last: ``MaxPool1D/2D``, ``AvgPool1D/2D``,
``GlobalAvgPool``, ``Flatten``, ``Reshape``, and their inverse for decoders,
``UpSampling1D/2D``.

A pool of size ``p`` and stride ``s`` (``s = p`` by default, so windows do not
overlap) reads the same strided window view as a convolution
(:mod:`lucidnet.engine.conv`), one window per output position and channel,
with no padding ('valid': a last partial window is dropped). Backward, with
``P`` the window's offsets::

    max:  dX[window position of the maximum] += dY    (the first maximum on ties,
                                                     as PyTorch picks it)
    avg:  dX[every window position] += dY / |P|

written as a loop over the window's offsets (each a strided slice of ``dX``),
never over samples or positions.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from . import kernels
from .conv import spatial_tuple
from .layers import Layer

__all__ = [
    "MaxPool1D",
    "MaxPool2D",
    "AvgPool1D",
    "AvgPool2D",
    "GlobalAvgPool",
    "Flatten",
    "Reshape",
    "UpSampling1D",
    "UpSampling2D",
]


def _spatial_axes(layer, input_shape) -> tuple:
    """The spatial sizes of one sample's shape (spatial axes, then channels)."""
    if len(input_shape) != layer.n_spatial + 1:
        raise ValueError(
            f"{layer!r} expects one sample with {layer.n_spatial} spatial axes and channels "
            f"last, got shape {tuple(input_shape)}"
        )
    return tuple(input_shape[:-1])


class _Pool(Layer):
    n_spatial = 2
    _transient = ("_input_shape",)

    def __init__(self, pool_size=2, strides=None):
        super().__init__()
        self.pool_size = spatial_tuple(pool_size, self.n_spatial, "pool_size")
        self.strides = spatial_tuple(
            self.pool_size if strides is None else strides, self.n_spatial, "strides"
        )

    def output_shape(self, input_shape):
        return (*self._out(_spatial_axes(self, input_shape)), input_shape[-1])

    def _out(self, spatial):
        if any(size < p for size, p in zip(spatial, self.pool_size)):
            raise ValueError(
                f"{self!r} needs inputs of at least {self.pool_size} along the spatial axes, "
                f"got {tuple(spatial)}"
            )
        return tuple(
            (size - p) // s + 1 for size, p, s in zip(spatial, self.pool_size, self.strides)
        )

    def _windows(self, X):
        """(n, *out, C, *pool): a strided view, no copy."""
        axes = tuple(range(1, self.n_spatial + 1))
        view = sliding_window_view(X, self.pool_size, axis=axes)
        return view[(slice(None), *(slice(None, None, s) for s in self.strides))]

    def _offsets(self):
        return itertools.product(*(range(p) for p in self.pool_size))

    def _where(self, offset, out):
        """The strided slice of the input that window offset ``offset`` reads."""
        return (
            slice(None),
            *(slice(o, o + s * (size - 1) + 1, s) for o, s, size in zip(offset, self.strides, out)),
        )

    def __repr__(self):
        return f"{type(self).__name__}(pool_size={self.pool_size}, strides={self.strides})"


# The most window offsets the tiled max pooling loops over (each a NumPy call),
# keeping which offset held the maximum in a byte; larger windows take
# _forward_large.
LOOPED_OFFSETS = 256


class _MaxPool(_Pool):
    _transient = ("_argmax", "_input_shape", "_which")

    def forward(self, X, training=False):
        if self.strides == self.pool_size:
            return self._forward_tiled(X, training)
        windows = self._windows(X)
        n_window = math.prod(self.pool_size)
        flat = windows.reshape(*windows.shape[: self.n_spatial + 2], n_window)  # a copy
        if not training:
            return flat.max(axis=-1)
        self._argmax = flat.argmax(axis=-1)
        self._input_shape, self._which = X.shape, None
        return np.take_along_axis(flat, self._argmax[..., None], axis=-1)[..., 0]

    def _tiles(self, X, out):
        """Non-overlapping windows as a view (n, out_1, p_1, out_2, p_2, C): each
        spatial axis, cut to whole windows, split into (windows, offsets)."""
        cut = X[(slice(None), *(slice(0, o * p) for o, p in zip(out, self.pool_size)))]
        split = [d for o, p in zip(out, self.pool_size) for d in (o, p)]
        return cut.reshape(X.shape[0], *split, X.shape[-1])

    def _offset_slice(self, offset):
        return (slice(None), *(i for o in offset for i in (slice(None), o)), slice(None))

    def _forward_tiled(self, X, training):
        """Windows that do not overlap (the usual case): the maximum as running
        ``np.maximum`` over the window's offsets, each a strided slice, with no
        window copy; training keeps which offset held the first maximum."""
        out_shape = self._out(X.shape[1:-1])
        tiles = self._tiles(X, out_shape)
        offsets = list(self._offsets())
        if len(offsets) > LOOPED_OFFSETS:
            return self._forward_large(X, tiles, len(offsets), training)
        if training and X.flags.c_contiguous and kernels.fused(X.size):
            # One pass for the maximum and its offset: the loop below reads the
            # input twice per offset (13% of a 28x28 network's step, profiled).
            pool = (1, *self.pool_size) if self.n_spatial == 1 else self.pool_size
            out = np.empty((X.shape[0], *out_shape, X.shape[-1]), dtype=X.dtype)
            which = np.empty(out.shape, dtype=np.uint8)
            kernels.max_pool_tiles_forward(
                self._as_2d(X), *pool, self._as_2d(out), self._as_2d(which)
            )
            self._which, self._input_shape = which, X.shape
            return out
        out = np.array(tiles[self._offset_slice(offsets[0])])
        for offset in offsets[1:]:
            np.maximum(out, tiles[self._offset_slice(offset)], out=out)
        if training:
            # Which offset held the maximum (the first, on ties, as in PyTorch), in
            # uint8 arithmetic: boolean-mask assignment took ten times longer.
            found = tiles[self._offset_slice(offsets[0])] == out
            which = np.zeros(out.shape, dtype=np.uint8)
            for index, offset in enumerate(offsets[1:], start=1):
                here = tiles[self._offset_slice(offset)] == out
                which += (here & ~found).view(np.uint8) * np.uint8(index)
                found |= here
            self._which, self._input_shape = which, X.shape
        return out

    def _forward_large(self, X, tiles, n_offsets, training):
        """Windows of more than ``LOOPED_OFFSETS``: the same maximum, and the same
        first offset holding it, from one reduction and one comparison, as the
        loop's calls per offset would cost more than the work; ``which`` in the
        narrowest unsigned type that holds every offset (two bytes up to 65,536)."""
        axes = tuple(range(2, 2 * self.n_spatial + 1, 2))  # the tiles' offset axes
        out = tiles.max(axis=axes)
        if training:
            # A NaN maximum equals nothing: offset 0, as in the loop.
            hit = tiles == np.expand_dims(out, axes)
            by_window = np.moveaxis(hit, axes, tuple(range(-self.n_spatial, 0)))
            first = by_window.reshape(*out.shape, n_offsets).argmax(axis=-1)
            self._which = first.astype(np.min_scalar_type(n_offsets - 1))
            self._input_shape = X.shape
        return out

    def _as_2d(self, array):
        """A 1-D pooling's (n, L, C) array as (n, 1, L, C), so one kernel serves both."""
        return array if self.n_spatial == 2 else array[:, None]

    def backward(self, dY, need_input_grad=True):
        if not need_input_grad:
            return None
        dX = self._buffer("dX", self._input_shape, dY.dtype)
        out = dY.shape[1:-1]
        if self._which is not None and dY.flags.c_contiguous and kernels.fused(dX.size):
            pool = (1, *self.pool_size) if self.n_spatial == 1 else self.pool_size
            kernels.max_pool_tiles_backward(
                self._as_2d(dY), self._as_2d(self._which), *pool, self._as_2d(dX)
            )
            return dX
        if self._which is not None:
            dX[...] = 0
            tiles = self._tiles(dX, out)
            for index, offset in enumerate(self._offsets()):
                np.multiply(dY, self._which == index, out=tiles[self._offset_slice(offset)])
            return dX
        dX[...] = 0
        for index, offset in enumerate(self._offsets()):
            dX[self._where(offset, out)] += np.where(self._argmax == index, dY, 0)
        return dX


class _AvgPool(_Pool):
    def forward(self, X, training=False):
        self._input_shape = X.shape
        axes = tuple(range(-self.n_spatial, 0))
        return self._windows(X).mean(axis=axes)

    def backward(self, dY, need_input_grad=True):
        if not need_input_grad:
            return None
        dX = self._buffer("dX", self._input_shape, dY.dtype)
        dX[...] = 0
        share = dY / math.prod(self.pool_size)
        for offset in self._offsets():
            dX[self._where(offset, dY.shape[1:-1])] += share
        return dX


class MaxPool2D(_MaxPool):
    """Maximum over ``pool_size`` windows of ``(n, height, width, channels)``.

    Parameters
    ----------
    pool_size : int or (int, int), default=2
        The window's size (one int: both axes).
    strides : int or (int, int) or None, default=None
        Step between windows; None: ``pool_size`` (windows that do not overlap).

    Examples
    --------
    >>> import numpy as np
    >>> from lucidnet.engine import MaxPool2D
    >>> X = np.arange(16.0).reshape(1, 4, 4, 1)
    >>> MaxPool2D(2).forward(X)[0, :, :, 0]
    array([[ 5.,  7.],
           [13., 15.]])
    """

    n_spatial = 2


class MaxPool1D(_MaxPool):
    """Maximum over ``pool_size`` windows of ``(n, length, channels)``.

    Parameters
    ----------
    pool_size : int, default=2
        The window's size.
    strides : int or None, default=None
        Step between windows; None: ``pool_size`` (windows that do not overlap).

    Examples
    --------
    >>> import numpy as np
    >>> from lucidnet.engine import MaxPool1D
    >>> MaxPool1D(2).forward(np.array([[[1.0], [3.0], [2.0], [0.0]]]))[0, :, 0]
    array([3., 2.])
    """

    n_spatial = 1


class AvgPool2D(_AvgPool):
    """Mean over ``pool_size`` windows of ``(n, height, width, channels)``.

    Parameters
    ----------
    pool_size : int or (int, int), default=2
        The window's size (one int: both axes).
    strides : int or (int, int) or None, default=None
        Step between windows; None: ``pool_size`` (windows that do not overlap).

    Examples
    --------
    >>> import numpy as np
    >>> from lucidnet.engine import AvgPool2D
    >>> X = np.arange(16.0).reshape(1, 4, 4, 1)
    >>> AvgPool2D(2).forward(X)[0, :, :, 0]
    array([[ 2.5,  4.5],
           [10.5, 12.5]])
    """

    n_spatial = 2


class AvgPool1D(_AvgPool):
    """Mean over ``pool_size`` windows of ``(n, length, channels)``.

    Parameters
    ----------
    pool_size : int, default=2
        The window's size.
    strides : int or None, default=None
        Step between windows; None: ``pool_size`` (windows that do not overlap).

    Examples
    --------
    >>> import numpy as np
    >>> from lucidnet.engine import AvgPool1D
    >>> AvgPool1D(2).forward(np.array([[[1.0], [3.0], [2.0], [0.0]]]))[0, :, 0]
    array([2., 1.])
    """

    n_spatial = 1


class GlobalAvgPool(Layer):
    """The mean of each channel over all spatial positions: ``(n, *spatial, C) -> (n, C)``.

    Backward: ``dX = dY / positions``, the same at every position.

    Examples
    --------
    >>> import numpy as np
    >>> from lucidnet.engine import GlobalAvgPool
    >>> X = np.arange(12.0).reshape(1, 2, 3, 2)  # a 2x3 image of 2 channels
    >>> GlobalAvgPool().forward(X)
    array([[5., 6.]])
    """

    _transient = ("_input_shape",)

    def forward(self, X, training=False):
        self._input_shape = X.shape
        return X.mean(axis=tuple(range(1, X.ndim - 1)))

    def backward(self, dY, need_input_grad=True):
        if not need_input_grad:
            return None
        shape = self._input_shape
        positions = math.prod(shape[1:-1])
        expanded = (dY / positions).reshape(shape[0], *([1] * (len(shape) - 2)), shape[-1])
        return np.broadcast_to(expanded, shape)

    def output_shape(self, input_shape):
        if len(input_shape) < 2:
            raise ValueError(f"GlobalAvgPool expects spatial axes and channels, got {input_shape}")
        return (input_shape[-1],)

    def __repr__(self):
        return "GlobalAvgPool()"


class Flatten(Layer):
    """``(n, *shape) -> (n, prod(shape))``, in C order (channels vary fastest).

    Examples
    --------
    >>> import numpy as np
    >>> from lucidnet.engine import Flatten
    >>> Flatten().forward(np.zeros((5, 4, 4, 3))).shape
    (5, 48)
    """

    _transient = ("_input_shape",)

    def forward(self, X, training=False):
        self._input_shape = X.shape
        return X.reshape(X.shape[0], -1)

    def backward(self, dY, need_input_grad=True):
        return dY.reshape(self._input_shape) if need_input_grad else None

    def output_shape(self, input_shape):
        return (math.prod(input_shape),)

    def __repr__(self):
        return "Flatten()"


class Reshape(Layer):
    """``(n, *anything) -> (n, *target_shape)``, the same values in C order:
    e.g. 64 pixel columns to an 8x8 one-channel image ``(8, 8, 1)``.

    Parameters
    ----------
    target_shape : tuple of int
        One sample's output shape, without the n_samples axis.

    Raises
    ------
    ValueError
        When a size is not positive.

    Examples
    --------
    >>> import numpy as np
    >>> from lucidnet.engine import Reshape
    >>> Reshape((8, 8, 1)).forward(np.zeros((10, 64))).shape
    (10, 8, 8, 1)
    """

    _transient = ("_input_shape",)

    def __init__(self, target_shape):
        super().__init__()
        self.target_shape = tuple(int(s) for s in target_shape)
        if not self.target_shape or min(self.target_shape) < 1:
            raise ValueError(f"Reshape needs positive sizes, got {tuple(target_shape)}")

    def forward(self, X, training=False):
        self._input_shape = X.shape
        return X.reshape(X.shape[0], *self.target_shape)

    def backward(self, dY, need_input_grad=True):
        return dY.reshape(self._input_shape) if need_input_grad else None

    def output_shape(self, input_shape):
        if math.prod(input_shape) != math.prod(self.target_shape):
            raise ValueError(
                f"Reshape to {self.target_shape} needs {math.prod(self.target_shape)} values per "
                f"sample, got shape {tuple(input_shape)}"
            )
        return self.target_shape

    def __repr__(self):
        return f"Reshape({self.target_shape})"


class _UpSampling(Layer):
    """Repeat each position ``size`` times along each spatial axis (nearest
    neighbour), the inverse of a pool: ``(n, h, w, C) -> (n, h * s, w * s, C)``.

    ``output_size`` (one per spatial axis), when given, fixes the output's
    spatial size: the repeated array is then cut, or extended by repeating its
    last position, so a decoder lands exactly on an input size that its pools
    had rounded down (7 -> pool 2 -> 3 -> up 2 -> 6 -> extended to 7).

    Backward: each input position receives the sum of the gradients of the
    positions it was copied to (the extension's included, at the edge).
    """

    n_spatial = 2
    _transient = ("_input_shape",)

    def __init__(self, size=2, output_size=None):
        super().__init__()
        self.size = spatial_tuple(size, self.n_spatial, "size")
        self.output_size = (
            None
            if output_size is None
            else spatial_tuple(output_size, self.n_spatial, "output_size")
        )

    def _target(self, spatial):
        repeated = tuple(n * s for n, s in zip(spatial, self.size))
        return repeated, (self.output_size or repeated)

    def forward(self, X, training=False):
        self._input_shape = X.shape
        n, spatial, channels = X.shape[0], X.shape[1:-1], X.shape[-1]
        repeated, target = self._target(spatial)
        expand = [n]
        for size, s in zip(spatial, self.size):
            expand += [size, s]
        view = X.reshape(n, *[d for size in spatial for d in (size, 1)], channels)
        Y = np.broadcast_to(view, (*expand, channels)).reshape(n, *repeated, channels)
        for axis, (have, want) in enumerate(zip(repeated, target), start=1):
            if want < have:
                Y = Y[(slice(None),) * axis + (slice(0, want),)]
            elif want > have:
                widths = [(0, 0)] * Y.ndim
                widths[axis] = (0, want - have)
                Y = np.pad(Y, widths, mode="edge")
        return np.ascontiguousarray(Y)

    def backward(self, dY, need_input_grad=True):
        if not need_input_grad:
            return None
        n, spatial, channels = self._input_shape[0], self._input_shape[1:-1], self._input_shape[-1]
        repeated, target = self._target(spatial)
        dR = dY
        for axis, (have, want) in enumerate(zip(repeated, target), start=1):
            if want > have:  # the extension copied the edge: its gradients go there
                inside = dR[(slice(None),) * axis + (slice(0, have),)].copy()
                edge = (slice(None),) * axis + (slice(have - 1, have),)
                extra = dR[(slice(None),) * axis + (slice(have, None),)]
                inside[edge] += extra.sum(axis=axis, keepdims=True)
                dR = inside
            elif want < have:  # the cut positions had no gradient
                widths = [(0, 0)] * dR.ndim
                widths[axis] = (0, have - want)
                dR = np.pad(dR, widths)
        blocks = dR.reshape(n, *[d for size, s in zip(spatial, self.size) for d in (size, s)],
                            channels)  # fmt: skip
        return blocks.sum(axis=tuple(range(2, 2 * self.n_spatial + 1, 2)))

    def output_shape(self, input_shape):
        return (*self._target(_spatial_axes(self, input_shape))[1], input_shape[-1])

    def __repr__(self):
        return f"{type(self).__name__}(size={self.size}, output_size={self.output_size})"


class UpSampling2D(_UpSampling):
    """Nearest-neighbour upsampling of ``(n, height, width, channels)``.

    Parameters
    ----------
    size : int or (int, int), default=2
        How many times each position is repeated along each axis (one int: both).
    output_size : int or (int, int) or None, default=None
        The output's spatial size, when it must not be the input's times ``size``:
        the repeated array is cut, or extended by repeating its last position.

    Examples
    --------
    >>> import numpy as np
    >>> from lucidnet.engine import UpSampling2D
    >>> X = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(1, 2, 2, 1)
    >>> UpSampling2D(2).forward(X)[0, :, :, 0]
    array([[1., 1., 2., 2.],
           [1., 1., 2., 2.],
           [3., 3., 4., 4.],
           [3., 3., 4., 4.]])
    >>> UpSampling2D(2, output_size=(5, 5)).forward(X).shape
    (1, 5, 5, 1)
    """

    n_spatial = 2


class UpSampling1D(_UpSampling):
    """Nearest-neighbour upsampling of ``(n, length, channels)``.

    Parameters
    ----------
    size : int, default=2
        How many times each position is repeated.
    output_size : int or None, default=None
        The output's spatial size, when it must not be the input's times ``size``:
        the repeated array is cut, or extended by repeating its last position.

    Examples
    --------
    >>> import numpy as np
    >>> from lucidnet.engine import UpSampling1D
    >>> UpSampling1D(3).forward(np.array([[[1.0], [2.0]]]))[0, :, 0]
    array([1., 1., 1., 2., 2., 2.])
    """

    n_spatial = 1
