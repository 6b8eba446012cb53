"""The compiled loops behind :mod:`lucidnet.engine.kernels` (imports numba).

Imported only when a kernel first runs. Each loop walks a block of
parameters segment by segment (a segment is one parameter: a weight matrix
with the L2 term, or a bias without it) and hands each segment's views to an
element loop over ``range(len)``: indices numba knows to be non-negative, so
LLVM vectorizes the loop (indexing a whole block from ``starts[s]`` kept it
scalar and seven times slower). A loop-invariant flag, not a second loop,
says whether the segment takes the L2 term.

No ``fastmath``: every operation rounds as NumPy's does (see kernels.py).
"""

import numpy as np
from numba import njit

jit = njit(cache=True, nogil=True, error_model="numpy")


@jit
def adam_segment(w, g, m, v, regularized, alpha, divisor, b1, c1, b2, c2, neg_lr, eps):
    for i in range(w.shape[0]):
        gi = g[i]
        if regularized:
            gi = gi + alpha * w[i]
        gi = gi / divisor
        mi = b1 * m[i] + c1 * gi
        vi = b2 * v[i] + c2 * (gi * gi)
        m[i] = mi
        v[i] = vi
        w[i] = w[i] + (neg_lr * mi) / (np.sqrt(vi) + eps)


@jit
def adam_block(w, g, m, v, starts, stops, regularized, alpha, divisor, b1, c1, b2, c2, neg_lr,
               eps):  # fmt: skip
    for s in range(starts.shape[0]):
        part = slice(starts[s], stops[s])
        adam_segment(w[part], g[part], m[part], v[part], regularized[s], alpha, divisor,
                     b1, c1, b2, c2, neg_lr, eps)  # fmt: skip


@jit
def sgd_segment(w, g, velocity, regularized, alpha, divisor, neg_lr, mu, momentum, nesterov):
    for i in range(w.shape[0]):
        gi = g[i]
        if regularized:
            gi = gi + alpha * w[i]
        gi = (gi / divisor) * neg_lr
        if not momentum:
            w[i] = w[i] + gi
            continue
        vi = velocity[i] * mu + gi
        velocity[i] = vi
        if nesterov:
            w[i] = w[i] + (vi * mu + gi)
        else:
            w[i] = w[i] + vi


@jit
def sgd_block(w, g, velocity, starts, stops, regularized, alpha, divisor, neg_lr, mu, momentum,
              nesterov):  # fmt: skip
    for s in range(starts.shape[0]):
        part = slice(starts[s], stops[s])
        sgd_segment(w[part], g[part], velocity[part], regularized[s], alpha, divisor, neg_lr,
                    mu, momentum, nesterov)  # fmt: skip
