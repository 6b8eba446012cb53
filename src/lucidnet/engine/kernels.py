"""Compiled kernels: NumPy passes fused into one loop each, where passes cost.

An optimizer's step is a dozen element-wise NumPy calls, each a pass over all
the parameters; on a network of 235,146 float32 weights those passes, not the
arithmetic, took a third of a training step. Here the same expressions run
element by element in one loop compiled by numba (``_compiled.py``): the
optimizers' updates (with the gradient's L2 term and 1/n), a convolution's
window copy and its gradient, max pooling's and ReLU's backward, and the
post's per-sample SGD.

The NumPy forms in optimizers.py, conv.py, pooling.py, activations.py and
classic.py stay the definitions. Each kernel but the per-sample one
evaluates the same operations in the same order and precision: no
``fastmath`` (no reassociation, no fused multiply-add), float32 arithmetic
where NumPy's is float32 and float64 where NumPy promotes (Adam's step on
float32 weights), so its results equal the NumPy form's to the last bit;
``tests/engine/test_kernels.py`` checks each against its NumPy form on random
shapes and values (hypothesis). The per-sample kernel sums its products in
another order than BLAS and agrees to rounding.

Compilation is cached on disk (numba's ``cache=True``). Numba is imported and
the kernels loaded only when that pays: for arrays of at least ``MIN_FUSED``
elements, once the large passes run without them add up to ``MIN_WORK``
(see ``fused``); without numba, or with ``LUCIDNET_NO_NUMBA`` set, the NumPy
forms run everywhere.
"""

from __future__ import annotations

import functools
import os
import warnings

import numpy as np

__all__ = [
    "MIN_FUSED",
    "PerSampleSGD",
    "adam_update",
    "bias_relu",
    "exact_in",
    "fused",
    "col2im",
    "im2col",
    "load",
    "max_pool_tiles_backward",
    "max_pool_tiles_forward",
    "per_sample_fused",
    "relu_backward",
    "segments",
    "sgd_update",
]

# Elements in a block below which the NumPy form runs: a pass over 50,000
# float32 values takes about 10 microseconds, the overhead a few calls cost.
MIN_FUSED = 50_000

# Element passes after which loading the kernels has paid: importing numba
# and loading the cached kernels takes about 0.3 s in a fresh process (a
# first compilation 0.6 s more), and a compiled pass saves about 1.5 ns per
# element. Until the kernels are loaded, large passes run in NumPy and are
# counted; once they add up to MIN_WORK the kernels load (the rent-or-buy
# rule: a process never loses more than twice what loading costs, and a
# short fit or a prediction on a few rows never loads them at all).
MIN_WORK = 200_000_000
_numpy_work = 0


def fused(size: int) -> bool:
    """Whether a pass over ``size`` elements takes a compiled kernel: the
    array is large, and the kernels are loaded or the work done without them
    has come to ``MIN_WORK``."""
    global _numpy_work
    if size < MIN_FUSED:
        return False
    if not _numba_kernels.cache_info().currsize:
        _numpy_work += size
        if _numpy_work < MIN_WORK:
            return False
    return _numba_kernels() is not None


@functools.cache
def _numba_kernels():
    """The compiled loops (module ``_compiled``), or None when numba cannot be
    imported (or when ``LUCIDNET_NO_NUMBA`` is set, to anything but 0: the NumPy form then runs
    everywhere)."""
    if os.environ.get("LUCIDNET_NO_NUMBA", "0") not in ("", "0"):
        return None
    try:
        from . import _compiled
    except ImportError:  # numba is not installed: the NumPy forms are the whole library
        return None
    except Exception as error:  # a broken numba must not stop a fit half-way
        warnings.warn(
            f"lucidnet: numba's kernels could not be loaded ({type(error).__name__}: {error}); "
            "training runs the NumPy forms, which give the same results more slowly",
            RuntimeWarning,
            stacklevel=2,
        )
        return None
    return _compiled


def load() -> bool:
    """Load the compiled kernels now, whatever the work ahead; returns whether
    they are available. For a long-running process that will train anyway
    (a benchmark, a server) and would rather pay numba's import up front."""
    return _numba_kernels() is not None


# Per element, as Optimizer._finish_gradients then Adam.step compute it
# (the loop itself is _compiled.adam_segment):
#
#     g = (g + alpha * w) / divisor      (alpha on regularized segments only)
#     m = b1 * m + c1 * g
#     v = b2 * v + c2 * g^2
#     w = w + (neg_lr * m) / (sqrt(v) + eps)
#
# ``neg_lr`` is float64, so for float32 parameters the step is float64 and
# rounded once when it is added, as NumPy's promotion has it.
#
# And as Optimizer._finish_gradients then SGD.step compute it
# (_compiled.sgd_segment):
#
#     g = ((g + alpha * w) / divisor) * neg_lr
#     v = mu * v + g                       (with momentum)
#     w = w + (mu * v + g)  (Nesterov),  w + v  (classical),  w + g  (plain)


def segments(block):
    """The block as consecutive ``(starts, stops, regularized)`` segments, for a kernel."""
    starts, stops, regularized = [], [], []
    reg = {(part.start, part.stop) for part in block.regularized}
    for part in block.slices():
        starts.append(part.start)
        stops.append(part.stop)
        regularized.append((part.start, part.stop) in reg)
    return (np.array(starts, dtype=np.int64), np.array(stops, dtype=np.int64),
            np.array(regularized, dtype=np.bool_))  # fmt: skip


def adam_update(block, segs, m, v, finish, b1, b2, lr_t, eps) -> None:
    """Adam's step over one parameter block (the loop: ``_compiled.adam_segment``)."""
    t = block.value.dtype.type
    alpha, divisor = finish if finish is not None else (0.0, 1)
    _numba_kernels().adam_block(block.value, block.grad, m, v, *segs, t(alpha), t(divisor), t(b1),
                             t(1 - b1), t(b2), t(1 - b2), np.float64(-lr_t), t(eps))  # fmt: skip


def sgd_update(block, segs, velocity, finish, lr, mu, nesterov) -> None:
    """SGD's step over one parameter block (the loop: ``_compiled.sgd_segment``)."""
    t = block.value.dtype.type
    alpha, divisor = finish if finish is not None else (0.0, 1)
    velocity = velocity if velocity is not None else block.grad  # not read without momentum
    _numba_kernels().sgd_block(block.value, block.grad, velocity, *segs, t(alpha), t(divisor),
                            t(-lr), t(mu), bool(mu), bool(nesterov))  # fmt: skip


def exact_in(dtype, finish) -> bool:
    """Whether a kernel in ``dtype`` computes ``finish = (alpha, divisor)`` as
    NumPy does: a float64 divisor (sample weights summed in float64) or a
    NumPy float64 ``alpha`` (as a grid over ``np.logspace`` passes) makes NumPy
    compute float32 gradients' division or L2 term in float64, which the
    kernels do not. (A Python float is NumPy's weak scalar: it takes
    ``dtype``.) An ``alpha`` of 0 adds no term in either form."""
    if finish is None:
        return True
    alpha, divisor = finish
    return np.result_type(dtype, divisor) == dtype and (
        not alpha or np.result_type(dtype, alpha) == dtype
    )


# Layers' passes over large arrays (a convolutional network's feature maps):
# the NumPy form in conv.py, pooling.py and activations.py takes one pass
# per offset or per operation; these take one in all, with the same
# operations in the same order, so the results are equal to the bit.
def max_pool_tiles_forward(X, ph, pw, out, which) -> None:
    """A tiled max pooling's maximum per window into ``out`` and the first
    offset holding it into ``which`` (uint8), in one pass over ``X``
    (``_MaxPool._forward_tiled`` is the NumPy form)."""
    _numba_kernels().max_pool_tiles_forward(X, ph, pw, out, which)


def max_pool_tiles_backward(dY, which, ph, pw, dX) -> None:
    """The gradient of a tiled max pooling (``_MaxPool._forward_tiled``, which
    recorded each window's ``which`` offset) with respect to its input."""
    t = dX.dtype.type
    _numba_kernels().max_pool_tiles_backward(dY, which, ph, pw, dX, t(1), t(0))


def im2col(X, kernel_size, strides, dilation, pads, cols) -> None:
    """Every window of ``X`` (n, H, W, C) into ``cols`` (n, OH, OW, kh, kw, C),
    with zeros where it reaches into the padding ``pads`` ((top, _), (left, _))."""
    (top, _), (left, _) = pads
    _numba_kernels().im2col(X, *kernel_size, *strides, *dilation, top, left, cols)


def col2im(dcols, strides, dilation, pads, dX) -> None:
    """The gradient of ``im2col`` with respect to ``X``, into ``dX``."""
    (top, _), (left, _) = pads
    _numba_kernels().col2im(dcols, *strides, *dilation, top, left, dX)


def bias_relu(Z, b) -> bool:
    """``Z <- maximum(Z + b, 0)`` in place over a C-contiguous (n, k) ``Z`` (a
    Dense layer's product then its ReLU, in prediction: one pass for two);
    returns whether ``Z + b`` held a NaN or an infinity."""
    return bool(_numba_kernels().bias_relu(Z, b, Z.dtype.type(0)))


def relu_backward(a, grad, out) -> None:
    """``out = (a > 0) * grad`` over C-contiguous arrays of one shape."""
    t = out.dtype.type
    _numba_kernels().relu_backward(a.reshape(-1), grad.reshape(-1), out.reshape(-1), t(1), t(0))


# The per-sample path (NeuralNetwork.fit): one compiled call runs a chunk of
# updates, forward, backward and SGD, instead of ~20 NumPy calls per sample.
# Its loop sums the products in another order than BLAS, so it agrees with
# the NumPy form to rounding, not to the bit (tests/engine/test_kernels.py).
PER_SAMPLE_ACTIVATIONS = ("identity", "logistic", "tanh", "relu", "leaky_relu", "exp")

# Updates below which a fit in a fresh process stays NumPy: loading the
# kernels takes about 0.3 s, which the ~15 us a compiled update saves on the
# NumPy step's calls repays after 20,000 updates.
MIN_PER_SAMPLE_UPDATES = 25_000


def per_sample_fused(n_updates: int, activation: str) -> bool:
    """Whether ``NeuralNetwork.fit`` takes the compiled per-sample kernel."""
    if activation not in PER_SAMPLE_ACTIVATIONS:
        return False
    loaded = _numba_kernels.cache_info().currsize
    return (loaded or n_updates >= MIN_PER_SAMPLE_UPDATES) and _numba_kernels() is not None


class PerSampleSGD:
    """Runs per-sample SGD updates over a stack of Dense layers, each followed
    by the same element-wise activation, on half the squared error.

    ``activation`` is the function object (``get_activation(name)``), passed
    in rather than looked up so that this file never imports activations.py,
    which imports it."""

    def __init__(self, dense_layers, activation, learning_rate):
        compiled = _numba_kernels()
        if compiled is None:
            raise RuntimeError(
                "PerSampleSGD needs numba's kernels, which are not available here "
                "(numba missing or LUCIDNET_NO_NUMBA set): check per_sample_fused() first"
            )
        self._run = compiled.per_sample_sgd
        self.weights = tuple(d.W.value for d in dense_layers)
        self.biases = tuple(d.b.value for d in dense_layers)
        self.outputs = tuple(np.empty_like(b) for b in self.biases)
        self.deltas = tuple(np.empty_like(b) for b in self.biases)
        self.code = PER_SAMPLE_ACTIVATIONS.index(activation.name)
        self.slope = float(getattr(activation, "slope", 0.0))
        self.neg_lr = -float(learning_rate)

    def run(self, X, Y, rows) -> np.ndarray:
        """One update per index in ``rows``; returns each update's loss before it."""
        losses = np.empty(len(rows))
        self._run(self.weights, self.biases, self.code, self.slope, X, Y, rows, self.neg_lr,
                  losses, self.outputs, self.deltas)  # fmt: skip
        return losses
