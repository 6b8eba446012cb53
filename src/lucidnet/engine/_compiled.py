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


def _cached_njit(**options):
    """numba's ``njit`` with its disk cache; where numba finds no directory it
    may write (a read-only install and home, as in some containers), without
    it: each process then compiles the kernels once, instead of failing."""

    def decorate(function):
        try:
            return njit(cache=True, **options)(function)
        except RuntimeError:  # numba: "cannot cache function ...: no locator available"
            return njit(**options)(function)

    return decorate


jit = _cached_njit(nogil=True, error_model="numpy")


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
        l2 = regularized[s] and alpha != 0  # as the NumPy form, which skips alpha 0
        adam_segment(w[part], g[part], m[part], v[part], l2, alpha, divisor, b1, c1, b2, c2,
                     neg_lr, eps)  # fmt: skip


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
        l2 = regularized[s] and alpha != 0  # as the NumPy form, which skips alpha 0
        sgd_segment(w[part], g[part], velocity[part], l2, alpha, divisor, neg_lr, mu, momentum,
                    nesterov)  # fmt: skip


# Activations of the per-sample kernel, by code (see kernels.PER_SAMPLE_ACTIVATIONS).
IDENTITY, LOGISTIC, TANH, RELU, LEAKY_RELU, EXP = range(6)


@jit
def activate(z, code, slope):
    if code == LOGISTIC:
        return 1.0 / (1.0 + np.exp(-z))
    if code == TANH:
        return np.tanh(z)
    if code == RELU:
        return 0.0 if z < 0 else z  # NaN passes through, as np.maximum lets it
    if code == LEAKY_RELU:
        return slope * z if z < 0 else z
    if code == EXP:
        return np.exp(z)
    return z


@jit
def derivative(a, code, slope):
    """f'(z) from the output a = f(z), as ActivationFunction.derivative has it."""
    if code == LOGISTIC:
        return a * (1 - a)
    if code == TANH:
        return 1 - a * a
    if code == RELU:
        return 1.0 if a > 0 else 0.0
    if code == LEAKY_RELU:
        return 1.0 if a > 0 else slope
    if code == EXP:
        return a
    return 1.0


@_cached_njit(nogil=True, error_model="numpy", fastmath={"reassoc", "contract"})
def per_sample_sgd(weights, biases, code, slope, X, Y, rows, neg_lr, losses, outputs, deltas):
    """SGD on one sample at a time, for each row index in ``rows``: the
    network of ``NeuralNetwork`` (``a = f(a_in @ W + b)`` per layer, half the
    squared error) forward, backward and updated in one call, with no
    array made per step. ``losses[k]`` gets the loss before update k."""
    n_layers = len(weights)
    for k in range(rows.shape[0]):
        x, y = X[rows[k]], Y[rows[k]]
        for layer in range(n_layers):  # forward: out = f(a_in @ W + b)
            W, out = weights[layer], outputs[layer]
            a_in = x if layer == 0 else outputs[layer - 1]
            out[:] = biases[layer]
            for i in range(W.shape[0]):
                ai = a_in[i]
                for j in range(W.shape[1]):
                    out[j] += ai * W[i, j]
            for j in range(out.shape[0]):
                out[j] = activate(out[j], code, slope)
        last, delta = outputs[n_layers - 1], deltas[n_layers - 1]
        loss = 0.0
        for j in range(last.shape[0]):  # the output error (out - y) * f'(z)
            diff = last[j] - y[j]
            loss += diff * diff
            delta[j] = diff * derivative(last[j], code, slope)
        losses[k] = 0.5 * loss
        for layer in range(n_layers - 1, -1, -1):  # backward, updating as it goes
            W, b, delta = weights[layer], biases[layer], deltas[layer]
            a_in = x if layer == 0 else outputs[layer - 1]
            for j in range(b.shape[0]):
                b[j] = b[j] + neg_lr * delta[j]
            for i in range(W.shape[0]):
                ai, back = a_in[i], 0.0
                for j in range(W.shape[1]):
                    back += W[i, j] * delta[j]  # with W before its update
                    W[i, j] = W[i, j] + neg_lr * (ai * delta[j])
                if layer > 0:
                    deltas[layer - 1][i] = back * derivative(ai, code, slope)


@jit
def max_pool_tiles_forward(X, ph, pw, out, which):
    """out (n, OH, OW, C): each whole ph x pw window's maximum, as running
    np.maximum over its offsets gives it (the first of equal values; a NaN
    wins and stays); which: the first offset equal to it (0 for a NaN), as
    _MaxPool._forward_tiled records it. Channels innermost: contiguous."""
    n, out_h, out_w, channels = out.shape
    for i in range(n):
        for oy in range(out_h):
            for ox in range(out_w):
                for c in range(channels):
                    out[i, oy, ox, c] = X[i, oy * ph, ox * pw, c]
                    which[i, oy, ox, c] = 0
                for dy in range(ph):
                    for dx in range(pw):
                        k = dy * pw + dx
                        if k == 0:
                            continue
                        for c in range(channels):
                            v = X[i, oy * ph + dy, ox * pw + dx, c]
                            best = out[i, oy, ox, c]
                            if best == best and (v > best or v != v):
                                out[i, oy, ox, c] = v
                                which[i, oy, ox, c] = k
                for c in range(channels):
                    if out[i, oy, ox, c] != out[i, oy, ox, c]:
                        which[i, oy, ox, c] = 0  # a NaN equals no offset


@jit
def max_pool_tiles_backward(dY, which, ph, pw, dX, one, zero):
    """dX (n, H, W, C): each window offset gets ``dY * (which == offset)``, as
    _MaxPool.backward writes it (the mask as ``one`` or ``zero`` of dX's
    dtype); rows and columns outside whole windows 0."""
    n, out_h, out_w, channels = dY.shape
    dX[:, out_h * ph :] = 0
    dX[:, :, out_w * pw :] = 0
    for i in range(n):
        for oy in range(out_h):
            for dy in range(ph):
                for ox in range(out_w):
                    for dx in range(pw):
                        k = dy * pw + dx
                        for c in range(channels):
                            hit = one if which[i, oy, ox, c] == k else zero
                            dX[i, oy * ph + dy, ox * pw + dx, c] = dY[i, oy, ox, c] * hit


@jit
def bias_relu(Z, b, zero):
    """``Z <- maximum(Z + b, 0)`` in place, row by row (NaN stays NaN and -0
    becomes 0, as np.maximum has it); returns whether ``Z + b`` held a NaN or
    an infinity (``v - v`` is 0 only for finite ``v``)."""
    not_finite = False
    for i in range(Z.shape[0]):
        for j in range(Z.shape[1]):
            v = Z[i, j] + b[j]
            not_finite |= (v - v) != zero
            Z[i, j] = v if (v > zero or v != v) else zero
    return not_finite


@jit
def relu_backward(a, grad, out, one, zero):
    """``(a > 0) * grad`` element by element (flat arrays), as ReLU.backward:
    the mask as 1 or 0 in the arrays' dtype (``one``, ``zero``), then the
    product, so that 0 * inf is NaN and 0 * -1 is -0 as in NumPy."""
    for i in range(a.shape[0]):
        out[i] = (one if a[i] > 0 else zero) * grad[i]


@jit
def im2col(X, kh, kw, sh, sw, dh, dw, top, left, cols):
    """cols (n, OH, OW, kh, kw, C): every window of X (n, H, W, C), zero where a
    window reaches into the padding (``top`` rows and ``left`` columns of
    zeros before X, as many as needed after it): _Conv's padded copy and
    window copy in one pass."""
    n, out_h, out_w, channels = cols.shape[0], cols.shape[1], cols.shape[2], X.shape[3]
    height, width = X.shape[1], X.shape[2]
    if channels == 1:
        # Loops of one channel innermost ran 1.8 times as long as this.
        im2col_one_channel(X[:, :, :, 0], kh, kw, sh, sw, dh, dw, top, left, cols[..., 0])
        return
    for i in range(n):
        for oy in range(out_h):
            for ox in range(out_w):
                for ky in range(kh):
                    y = oy * sh + ky * dh - top
                    for kx in range(kw):
                        x = ox * sw + kx * dw - left
                        inside = 0 <= y < height and 0 <= x < width
                        for c in range(channels):
                            cols[i, oy, ox, ky, kx, c] = X[i, y, x, c] if inside else 0


@jit
def im2col_one_channel(X, kh, kw, sh, sw, dh, dw, top, left, cols):
    """im2col of one-channel images: X (n, H, W), cols (n, OH, OW, kh, kw)."""
    n, out_h, out_w = cols.shape[0], cols.shape[1], cols.shape[2]
    height, width = X.shape[1], X.shape[2]
    for i in range(n):
        source, target = X[i], cols[i]
        for oy in range(out_h):
            for ox in range(out_w):
                for ky in range(kh):
                    y = oy * sh + ky * dh - top
                    for kx in range(kw):
                        x = ox * sw + kx * dw - left
                        inside = 0 <= y < height and 0 <= x < width
                        target[oy, ox, ky, kx] = source[y, x] if inside else 0


@jit
def col2im(dcols, sh, sw, dh, dw, top, left, dX):
    """dX (n, H, W, C), the gradient of im2col: each window entry added back
    where it was copied from. Reading dcols in its own order (window by
    window) adds each element's terms last offset first, as _Conv.backward's
    NumPy form does (it takes the offsets in reverse for this), so the sums
    are equal to the bit; and the read is sequential, the writes in a few rows
    of dX that stay in cache (offset by offset, one pass over dcols per
    offset, took 2.6 times as long)."""
    n, out_h, out_w, kh, kw, channels = dcols.shape
    height, width = dX.shape[1], dX.shape[2]
    dX[...] = 0
    for i in range(n):
        for oy in range(out_h):
            for ox in range(out_w):
                for ky in range(kh):
                    y = oy * sh + ky * dh - top
                    if y < 0 or y >= height:
                        continue
                    for kx in range(kw):
                        x = ox * sw + kx * dw - left
                        if x < 0 or x >= width:
                            continue
                        source, target = dcols[i, oy, ox, ky, kx], dX[i, y, x]
                        for c in range(channels):
                            target[c] += source[c]
