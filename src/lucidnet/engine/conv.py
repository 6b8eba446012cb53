"""Convolutions, ``Conv1D`` and ``Conv2D``: a window copy and one matrix product per batch.

Layout: channels last. A batch of 2-D inputs is ``(n, height, width,
channels)``, of 1-D inputs ``(n, length, channels)``, as in Keras. Why not
PyTorch's channels first: a convolution here copies each output position's
window into one row (im2col) and multiplies all rows by the kernel at once;
with channels last, each window row is a run of whole channel vectors, and
the product's result, ``(n * positions, filters)``, *is* the output in
channels-last order, ready for the next layer. Channels first would need that
result transposed back to ``(n, filters, positions)``, one more pass over
every activation and every gradient, forward and backward (a prototype here
ran the same two convolutions half as fast channels-first).

For kernel size ``k`` (all its offsets), stride ``s``, dilation ``d`` and
padding, with ``P`` output positions per sample and ``K = k * C_in``::

    cols = windows(X)                  (n * P, K)   the window copy
    Y    = cols @ W + b                (n * P, F)   one product
    dW   = cols.T @ dY                 (K, F)
    db   = dY summed over n and P      (F,)
    dcols = dY @ W.T                   (n * P, K)
    dX   = for each kernel offset o, dcols[:, o] added back where window
           offset o read its input    (n, *spatial, C_in)

The window copy reads a strided view of the (padded) input
(``sliding_window_view``), so no Python loop runs over samples or
positions; only the add-back loops, once per kernel offset.

With few inputs per window (``K < FOLD_BIAS_BELOW``, a first layer over
one channel), the bias rides in the product: each row of ``cols`` ends with
a 1, and::

    Y             = [cols 1] @ [W; b]
    [dW; db].T    = dY.T @ [cols 1]

The extra column costs the product 1/K more work, where adding ``b`` and
summing ``dY`` would each be a pass over the output, ``F`` values a row
(on 28x28 images, 32 filters: 4 ms a step in all, a fifth of it).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from . import kernels
from .initializers import as_rng, get_initializer
from .layers import Layer
from .parameters import Parameter

__all__ = ["Conv1D", "Conv2D", "spatial_tuple", "padding_amounts"]

# Window sizes K (kernel offsets times input channels) below which the bias
# is folded into the product (see above). At K = 288 the extra column costs
# more than it saves: rows of 289 floats slow OpenBLAS's dW product by a quarter.
FOLD_BIAS_BELOW = 64

# For such narrow windows, the weight gradient's product (F, n * P) @ (n * P,
# K + 1) runs over slices of this many bytes of dY, their partial products
# summed: OpenBLAS took 2.5 times as long over the whole 86,528 rows at once
# (2.54 -> 0.95 ms on the 28x28 network's first layer; slices of 512 kB
# were as slow as the whole).
WEIGHT_GRAD_SLICE_BYTES = 256 * 1024

# The forward's window copy and product, and the backward's dcols product and
# add-back, run over slices of samples whose window rows take about this many
# bytes: the product then reads rows the copy has just written, and the
# add-back reads dcols the product has just written, from cache (on the 28x28
# network's second layer, 17.8 MB of windows: forward 6.96 -> 5.70 ms,
# input gradient 4.88 -> 4.08 ms; slices of 1 MB gained less).
SAMPLE_SLICE_BYTES = 4 * 2**20


def spatial_tuple(value, n_spatial: int, name: str) -> tuple[int, ...]:
    """One positive int per spatial axis, from an int or a sequence of them."""
    values = tuple(value) if isinstance(value, (tuple, list)) else (value,) * n_spatial
    if len(values) != n_spatial or not all(
        isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= 1 for v in values
    ):
        raise ValueError(f"{name} must be a positive int or {n_spatial} of them, got {value!r}")
    return tuple(int(v) for v in values)


def padding_amounts(padding, size, kernel, stride, dilation) -> tuple[int, int]:
    """Zeros before and after one spatial axis: 'valid' (none), 'same' (output
    size ``ceil(size / stride)``, the extra zero after, as Keras and PyTorch
    do), or an int on both sides."""
    if padding == "valid":
        return 0, 0
    if padding == "same":
        out = math.ceil(size / stride)
        total = max((out - 1) * stride + dilation * (kernel - 1) + 1 - size, 0)
        return total // 2, total - total // 2
    if isinstance(padding, (int, np.integer)) and not isinstance(padding, bool) and padding >= 0:
        return int(padding), int(padding)
    raise ValueError(f"padding must be 'valid', 'same' or an int >= 0, got {padding!r}")


class _Conv(Layer):
    """A convolution over ``n_spatial`` axes; use :class:`Conv1D` or :class:`Conv2D`."""

    n_spatial = 2
    _transient = ("_rows", "_input_shape", "_pads")

    def __init__(
        self,
        in_channels: int,
        filters: int,
        kernel_size,
        *,
        strides=1,
        padding="valid",
        dilation=1,
        init="he_uniform",
        rng=None,
        dtype=np.float64,
    ):
        super().__init__()
        n = self.n_spatial
        self.kernel_size = spatial_tuple(kernel_size, n, "kernel_size")
        self.strides = spatial_tuple(strides, n, "strides")
        self.dilation = spatial_tuple(dilation, n, "dilation")
        padding_amounts(padding, 1, 1, 1, 1)  # refuse a bad value now, not at the first batch
        self.padding = padding
        window = math.prod(self.kernel_size)
        w, b = get_initializer(init)(
            window * in_channels,
            window * filters,
            as_rng(rng),
            dtype=dtype,
            shape=(*self.kernel_size, in_channels, filters),
            n_bias=filters,
        )
        self.W = Parameter(np.ascontiguousarray(w, dtype=dtype), "W")
        self.b = Parameter(np.ascontiguousarray(b, dtype=dtype), "b", regularize=False)

    @property
    def in_channels(self) -> int:
        return self.W.value.shape[-2]

    @property
    def filters(self) -> int:
        return self.W.value.shape[-1]

    def _geometry(self, spatial):
        """Padding per axis and output size per axis for input sizes ``spatial``."""
        pads, out = [], []
        for size, k, s, d in zip(spatial, self.kernel_size, self.strides, self.dilation):
            before, after = padding_amounts(self.padding, size, k, s, d)
            span = d * (k - 1) + 1
            padded = size + before + after
            if padded < span:
                raise ValueError(
                    f"{self!r} needs inputs of at least {span - before - after} along each "
                    f"spatial axis, got {tuple(spatial)}"
                )
            pads.append((before, after))
            out.append((padded - span) // s + 1)
        return pads, tuple(out)

    def output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if len(input_shape) != self.n_spatial + 1 or input_shape[-1] != self.in_channels:
            raise ValueError(
                f"{self!r} expects one sample of shape ({', '.join(['size'] * self.n_spatial)}, "
                f"{self.in_channels}) (channels last), got {input_shape}"
            )
        return (*self._geometry(input_shape[:-1])[1], self.filters)

    def _scratch(self, key, shape, dtype, training):
        """Kept between training steps; fresh when predicting (a chunk of
        thousands of rows would otherwise keep its window copy alive)."""
        return self._buffer(key, shape, dtype) if training else np.empty(shape, dtype)

    def _padded(self, X, pads, training):
        """X with zero borders (X itself when there is no padding)."""
        if not any(before or after for before, after in pads):
            return X
        sizes = X.shape[1:-1]
        shape = (X.shape[0], *(size + b + a for size, (b, a) in zip(sizes, pads)), X.shape[-1])
        Xp = self._scratch("padded", shape, X.dtype, training)
        for axis, (size, (before, _)) in enumerate(zip(sizes, pads), start=1):
            border = [slice(None)] * Xp.ndim
            border[axis] = slice(0, before)
            Xp[tuple(border)] = 0
            border[axis] = slice(before + size, None)
            Xp[tuple(border)] = 0
        Xp[(slice(None), *(slice(b, b + size) for size, (b, _) in zip(sizes, pads)))] = X
        return Xp

    def _windows(self, Xp, out):
        """A strided view (n, *out, C, *kernel) of every window: no copy."""
        spans = tuple(d * (k - 1) + 1 for k, d in zip(self.kernel_size, self.dilation))
        axes = tuple(range(1, self.n_spatial + 1))
        view = sliding_window_view(Xp, spans, axis=axes)
        step = (
            slice(None),
            *(slice(None, None, s) for s in self.strides),
            slice(None),
            *(slice(None, None, d) for d in self.dilation),
        )
        view = view[step]
        return view[(slice(None), *(slice(0, o) for o in out))]

    def forward(self, X, training=False):
        n, n_in, n_out = X.shape[0], self.in_channels, self.filters
        pads, out = self._geometry(X.shape[1:-1])
        dtype = np.result_type(X.dtype, self.W.value.dtype)
        K, P = math.prod(self.kernel_size) * n_in, math.prod(out)
        fold = K < FOLD_BIAS_BELOW
        rows = self._scratch("cols", (n * P, K + fold), dtype, training)
        cols = rows[:, :K].reshape(n, *out, *self.kernel_size, n_in)  # a view
        compiled = X.dtype == dtype and X.flags.c_contiguous and kernels.fused(cols.size)
        W = self.W.value.reshape(K, n_out)
        if fold:
            rows[:, K] = 1
            W_b = self._buffer("W_b", (K + 1, n_out), W.dtype)
            W_b[:K], W_b[K] = W, self.b.value
            W = W_b
        Y = self._scratch("out", (n, *out, n_out), dtype, training)
        Y2 = Y.reshape(-1, n_out)
        step = self._samples_per_slice(P * rows.shape[1] * rows.itemsize)
        for start in range(0, n, step):
            samples, positions = slice(start, start + step), slice(start * P, (start + step) * P)
            self._window_copy(X[samples], cols[samples], pads, compiled, training)
            np.matmul(rows[positions], W, out=Y2[positions])
            if not fold:
                Y2[positions] += self.b.value
        if training:
            self._rows, self._input_shape, self._pads = rows, X.shape, pads
        return Y

    @staticmethod
    def _samples_per_slice(bytes_per_sample):
        """Samples per slice of the forward and of the input gradient (see
        ``SAMPLE_SLICE_BYTES``)."""
        return max(1, SAMPLE_SLICE_BYTES // bytes_per_sample)

    def _window_copy(self, X, cols, pads, compiled, training):
        """``cols`` (n, *out, *kernel, C) = every window of ``X``, zeros where it
        reaches into the padding ``pads``: the compiled copy, or NumPy's from
        a strided view of the padded input."""
        if compiled:
            X2, cols2, (kernel_size, strides, dilation, pads2) = self._as_2d(X, cols, pads)
            kernels.im2col(X2, kernel_size, strides, dilation, pads2, cols2)
            return
        out = cols.shape[1 : self.n_spatial + 1]
        windows = self._windows(self._padded(X, pads, training), out)  # (n, *out, C, *kernel)
        spatial = range(1, self.n_spatial + 1)
        kernel = range(self.n_spatial + 2, 2 * self.n_spatial + 2)
        np.copyto(cols, windows.transpose(0, *spatial, *kernel, self.n_spatial + 1))

    def _as_2d(self, X, cols, pads):
        """``X``, ``cols`` and the geometry for the 2-D kernels (kernels.py): a
        1-D convolution is a 2-D one of height 1 (views, no copies)."""
        geometry = (self.kernel_size, self.strides, self.dilation, pads)
        if self.n_spatial == 2:
            return X, cols, geometry
        n, length, k, channels = cols.shape
        flat = [(1, *g) for g in geometry[:3]]
        return X[:, None], cols.reshape(n, 1, length, 1, k, channels), (*flat, ((0, 0), *pads))

    def backward(self, dY, need_input_grad=True):
        n_in, n_out = self.in_channels, self.filters
        K = math.prod(self.kernel_size) * n_in
        dY2 = dY.reshape(-1, n_out)
        rows = self._rows  # cols, and a column of ones when the bias is folded in
        # dW = cols.T @ dY, computed transposed: OpenBLAS takes 1.4 to 1.7 times
        # as long over the long axis of n * P rows in the (K, F) orientation.
        dW_t = self._buffer("dW_t", (n_out, rows.shape[1]), dY.dtype)
        self._weight_grad_product(dY2, rows, dW_t, sliced=rows.shape[1] > K)
        np.copyto(self.W.grad.reshape(K, n_out), dW_t[:, :K].T)
        if rows.shape[1] > K:
            np.copyto(self.b.grad, dW_t[:, K])
        else:
            np.add.reduce(dY2, axis=0, out=self.b.grad)
        if not need_input_grad:
            return None
        shape, pads, n, out = self._input_shape, self._pads, dY.shape[0], dY.shape[1:-1]
        P = math.prod(out)
        step = self._samples_per_slice(P * K * dY.itemsize)
        dcols = self._buffer("dcols", (min(step, n), *out, *self.kernel_size, n_in), dY.dtype)
        W_t = self.W.value.reshape(K, n_out).T
        compiled = kernels.fused(n * P * K)
        if compiled:
            dX = self._buffer("dX", shape, dY.dtype)
        else:
            padded = (n, *(s + b + a for s, (b, a) in zip(shape[1:-1], pads)), shape[-1])
            dX = self._buffer("dX_padded", padded, dY.dtype)
        for start in range(0, n, step):
            part = dcols[: min(step, n - start)]
            np.matmul(dY2[start * P : (start + step) * P], W_t, out=part.reshape(-1, K))
            self._add_back(part, dX[start : start + step], pads, compiled)
        if compiled:
            return dX
        inner = (slice(None), *(slice(b, b + s) for s, (b, _) in zip(shape[1:-1], pads)))
        return dX[inner]

    def _add_back(self, dcols, dX, pads, compiled):
        """``dX`` = each entry of ``dcols`` added back where the window copy took
        it from: the compiled loop into ``dX``, or NumPy's, offset by offset,
        into ``dX`` the padded input's gradient."""
        if compiled:
            dX2, dcols2, (_, strides, dilation, pads2) = self._as_2d(dX, dcols, pads)
            kernels.col2im(dcols2, strides, dilation, pads2, dX2)
            return
        dX[...] = 0
        out = dcols.shape[1 : self.n_spatial + 1]
        # Last offset first: each element's sum then runs in the order the
        # compiled kernel (kernels.col2im), reading dcols window by window, adds it.
        offsets = itertools.product(*(range(k) for k in self.kernel_size))
        for offset in reversed(list(offsets)):
            where = (
                slice(None),
                *(
                    slice(o * d, o * d + s * (size - 1) + 1, s)
                    for o, d, s, size in zip(offset, self.dilation, self.strides, out)
                ),
            )
            dX[where] += dcols[(slice(None),) * (self.n_spatial + 1) + offset]

    def _weight_grad_product(self, dY2, rows, dW_t, sliced):
        """``dW_t = dY2.T @ rows``, by slices of rows when ``sliced`` (for few
        inputs per window, see ``WEIGHT_GRAD_SLICE_BYTES``)."""
        step = max(1, WEIGHT_GRAD_SLICE_BYTES // (dY2.shape[1] * dY2.itemsize))
        if not sliced or len(rows) <= step:
            np.matmul(dY2.T, rows, out=dW_t)
            return
        np.matmul(dY2[:step].T, rows[:step], out=dW_t)
        part = self._buffer("dW_t_part", dW_t.shape, dW_t.dtype)
        for start in range(step, len(rows), step):
            dW_t += np.matmul(dY2[start : start + step].T, rows[start : start + step], out=part)

    def parameters(self):
        return [self.W, self.b]

    def __repr__(self):
        return (
            f"{type(self).__name__}({self.in_channels}, {self.filters}, kernel_size="
            f"{self.kernel_size}, strides={self.strides}, padding={self.padding!r}, "
            f"dilation={self.dilation}, dtype={self.W.value.dtype})"
        )


class Conv2D(_Conv):
    """2-D convolution of channels-last images ``(n, height, width, in_channels)``.

    Parameters
    ----------
    in_channels, filters : int
        Input channels and output channels (one per filter).
    kernel_size : int or (int, int)
        The window's height and width (one int: both).
    strides, dilation : int or (int, int), default=1
        Step between windows, and between a window's taps.
    padding : 'valid', 'same' or int, default='valid'
        No zeros around the input ('valid'), as many as keep the size at stride 1
        ('same'), or that many on each side.
    init : str or callable, default='he_uniform'
        ``W`` has shape (kh, kw, in_channels, filters), ``b`` (filters,);
        He-uniform by default (for ReLU), zero biases.
    rng : numpy.random.Generator, int or None, default=None
    dtype : float32 or float64, default=float64

    Attributes
    ----------
    W : Parameter
        The filters, shape (kh, kw, in_channels, filters).
    b : Parameter
        One bias per filter.

    Notes
    -----
    The output is ``(n, out_height, out_width, filters)``; the module
    ``lucidnet.engine.conv`` gives the forward and backward formulas.

    Examples
    --------
    >>> import numpy as np
    >>> from lucidnet.engine import Conv2D
    >>> layer = Conv2D(1, 4, 3, padding="same", rng=0)
    >>> layer.forward(np.ones((2, 8, 8, 1))).shape
    (2, 8, 8, 4)
    >>> layer.output_shape((8, 8, 1)), Conv2D(1, 4, 3).output_shape((8, 8, 1))
    ((8, 8, 4), (6, 6, 4))
    """

    n_spatial = 2


class Conv1D(_Conv):
    """1-D convolution of channels-last signals ``(n, length, in_channels)``.

    Parameters
    ----------
    in_channels, filters : int
        Input channels and output channels (one per filter).
    kernel_size : int
        The window's length.
    strides, dilation : int, default=1
        Step between windows, and between a window's taps.
    padding : 'valid', 'same' or int, default='valid'
        As :class:`Conv2D`'s.
    init : str or callable, default='he_uniform'
        ``W`` has shape (k, in_channels, filters), ``b`` (filters,).
    rng : numpy.random.Generator, int or None, default=None
    dtype : float32 or float64, default=float64

    Attributes
    ----------
    W : Parameter
        The filters, shape (k, in_channels, filters).
    b : Parameter
        One bias per filter.

    Notes
    -----
    The output is ``(n, out_length, filters)``.

    Examples
    --------
    >>> import numpy as np
    >>> from lucidnet.engine import Conv1D
    >>> Conv1D(3, 8, 5, rng=0).forward(np.ones((2, 100, 3))).shape
    (2, 96, 8)
    """

    n_spatial = 1
