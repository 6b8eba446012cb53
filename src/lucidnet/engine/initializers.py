"""Weight initializers: ``init(fan_in, fan_out, rng, dtype) -> (weights, bias)``.

Each draws from an ``np.random.Generator`` (or a legacy ``RandomState``, as
the scikit-learn estimators pass to draw exactly what scikit-learn draws), so
the same seed gives the same network. ``weights`` has shape (fan_in, fan_out)
unless ``shape`` says otherwise (a convolution's kernel: fan_in is its
window's size times the input channels, fan_out its window's size times the
filters), and ``bias`` has shape (n_bias,), by default (fan_out,).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "classic_uniform",
    "empty",
    "glorot_uniform",
    "he_normal",
    "he_uniform",
    "INITIALIZERS",
    "get_initializer",
]


def as_rng(rng):
    """A Generator (or a RandomState, which draws uniform numbers alike) from a seed."""
    if isinstance(rng, (np.random.Generator, np.random.RandomState)):
        return rng
    return np.random.default_rng(rng)


def classic_uniform(fan_in, fan_out, rng, dtype=np.float64, scale=0.25, shape=None, n_bias=None):
    """The post's initializer: weights *and* biases uniform in ``[-0.25, 0.25]``."""
    w = rng.uniform(-scale, scale, size=shape or (fan_in, fan_out))
    b = rng.uniform(-scale, scale, size=n_bias or fan_out)
    return w.astype(dtype), b.astype(dtype)


def glorot_uniform(
    fan_in, fan_out, rng, dtype=np.float64, factor=6.0, bias="zeros", shape=None, n_bias=None
):
    """Glorot & Bengio (2010): uniform in ``+-sqrt(factor / (fan_in + fan_out))``.

    ``factor`` is Glorot's 6; scikit-learn's MLP takes 2 next to logistic
    units (the bound is computed from it exactly as scikit-learn computes it,
    so both draw the same weights). ``bias='uniform'`` draws biases from the
    same range (scikit-learn's choice); ``'zeros'`` is the usual one elsewhere.
    """
    bound = np.sqrt(factor / (fan_in + fan_out))
    w = rng.uniform(-bound, bound, size=shape or (fan_in, fan_out))
    if bias == "uniform":
        b = rng.uniform(-bound, bound, size=n_bias or fan_out)
    else:
        b = np.zeros(n_bias or fan_out)
    return w.astype(dtype), b.astype(dtype)


def he_normal(fan_in, fan_out, rng, dtype=np.float64, shape=None, n_bias=None):
    """He et al. (2015), for ReLU units: normal with std ``sqrt(2 / fan_in)``, zero bias."""
    w = rng.standard_normal(size=shape or (fan_in, fan_out)) * np.sqrt(2.0 / fan_in)
    return w.astype(dtype), np.zeros(n_bias or fan_out, dtype=dtype)


def he_uniform(fan_in, fan_out, rng, dtype=np.float64, shape=None, n_bias=None):
    """He et al. (2015), uniform: in ``+-sqrt(6 / fan_in)`` (the variance of he_normal),
    zero bias: the usual start for ReLU convolutions."""
    bound = np.sqrt(6.0 / fan_in)
    w = rng.uniform(-bound, bound, size=shape or (fan_in, fan_out))
    return w.astype(dtype), np.zeros(n_bias or fan_out, dtype=dtype)


def empty(fan_in, fan_out, rng, dtype=np.float64, shape=None, n_bias=None, **ignored):
    """No values at all (``np.empty``), for weights about to be overwritten, as
    a model file's are: nothing is drawn, and until the weights are written the
    system gives them no memory (drawing first cost a 1.15 GB file's load 4.4
    GB and 22 s)."""
    return np.empty(shape or (fan_in, fan_out), dtype), np.empty(n_bias or fan_out, dtype)


INITIALIZERS = {
    "classic": classic_uniform,
    "empty": empty,
    "glorot_uniform": glorot_uniform,
    "he_normal": he_normal,
    "he_uniform": he_uniform,
}


def get_initializer(name):
    """Look an initializer up by name; a callable passes through."""
    if callable(name):
        return name
    if name not in INITIALIZERS:
        valid = ", ".join(repr(n) for n in INITIALIZERS)
        raise ValueError(f"Unknown initializer {name!r}; expected one of {valid}.")
    return INITIALIZERS[name]
