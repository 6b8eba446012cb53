"""Will training fit in memory? Estimated before the network is made.

``hidden_layer_sizes=(10**9,)`` asked NumPy for 512 GB and ended in a
MemoryError; ``kernel_size=1000`` for 19 GiB; ``padding=3000`` took 30 s
before it did. What training needs, in values of the network's dtype::

    parameters x (value + gradient + optimizer state + 2 copies fit keeps)
    + max(2 x batch rows, prediction rows) x one row's forward pass

(Adam keeps two moments, SGD with momentum one velocity, L-BFGS about 25
float64 vectors; fit keeps the weights it started from and the best ones;
a batch's forward arrays stay for backward, which makes a gradient of each;
prediction after fit runs up to ``PREDICT_CHUNK`` rows at once). One row's
forward pass is :mod:`lucidnet.engine.cost`'s rule, which model files obey.

The estimate comes from a trial build whose weights are ``np.empty`` (the
system gives memory only to what is written: the trial network's one buffer,
as large as its weights) and are refused, layer by layer from their shapes,
before they reach what is available: nothing bigger than the weights of a
network that passes is allocated, and nothing is drawn from the estimator's
random state (scikit-learn's draws stay the same).
"""

from __future__ import annotations

import math

import numpy as np

from ..engine.cost import available_memory, forward_costs
from ..engine.network import PREDICT_CHUNK
from ..exceptions import NetworkTooLargeError
from .layer_stack import where_text

__all__ = ["check_training_memory"]

# Per parameter: its value, its gradient, and the two copies fit keeps.
OWN_COPIES = 4
LBFGS_VECTORS = 25  # scipy's L-BFGS-B: 2 x 10 correction pairs and a few more, float64
# What sets the size of each kind of layer, among an estimator's parameters.
WEIGHT_KNOBS = {"dense": ("hidden_layer_sizes",), "conv": ("conv_layers", "kernel_size")}
# A dense layer after convolutions takes their whole output as its input.
FLATTENED_KNOBS = ("conv_layers", "padding", "strides", "pool_size")
ROW_KNOBS = {
    "Conv": ("padding", "strides", "kernel_size", "conv_layers"),
    "Resi": ("padding", "strides", "kernel_size", "conv_layers"),  # a residual block's convolutions
    "Dense": ("hidden_layer_sizes",),
}
OTHER_ROW_KNOBS = ("conv_layers", "pool_size", "hidden_layer_sizes")


def check_training_memory(estimator, input_shape, n_outputs, dtype, n_samples) -> None:
    """Raise :class:`NetworkTooLargeError` when fitting ``estimator`` on
    ``n_samples`` rows of ``input_shape`` would need more than the available
    memory (no check where the system does not say how much that is)."""
    available = available_memory()
    if available is None:
        return
    itemsize = np.dtype(dtype).itemsize
    own = estimator.get_params()
    state = {"adam": 2, "sgd": 1 if estimator.momentum else 0}
    copies = OWN_COPIES + state.get(estimator.solver, LBFGS_VECTORS * 8 // itemsize)
    if estimator.solver == "lbfgs":
        rows = 2 * n_samples  # one batch of every row
    else:
        auto = estimator.batch_size == "auto"
        batch = estimator._auto_batch_size(n_samples) if auto else estimator.batch_size
        rows = max(2 * min(batch, n_samples), min(n_samples, PREDICT_CHUNK))
    name = type(estimator).__name__

    def refuse(needed, layer, knobs, amount="about"):
        knobs = [k for k in knobs if k in own]
        raise NetworkTooLargeError(name, knobs, needed, available, layer, amount)

    weights, seen_conv = 0, False

    def expect(where, shapes):
        # Before each layer with weights is made: their share alone.
        nonlocal weights, seen_conv
        kind = "conv" if len(shapes.get("W", ())) > 2 else "dense"
        weights += sum(math.prod(s) for s in shapes.values())
        needed = weights * copies * itemsize
        if needed > available:
            knobs = WEIGHT_KNOBS[kind] + (FLATTENED_KNOBS if kind == "dense" and seen_conv else ())
            layer = f"the weights of layer {where_text(where)} (shapes {shapes})"
            refuse(needed, layer, knobs, "at least")
        seen_conv = seen_conv or kind == "conv"

    try:
        trial = estimator._build_network(input_shape, n_outputs, dtype, None, expect=expect)
        costs = forward_costs(trial.layers, input_shape)
    except NetworkTooLargeError:
        raise
    except ValueError:
        return  # a network that cannot be made: the real build says why
    per_row = sum(c.values for c in costs)
    needed = (weights * copies + rows * per_row) * itemsize
    if needed > available:
        big = max(costs, key=lambda c: c.values)
        if rows * big.values < weights * copies:
            refuse(needed, "the weights", WEIGHT_KNOBS["dense"] + WEIGHT_KNOBS["conv"])
        layer = f"layer {big.index}, {big.layer!r}, with {big.values:,} values a row"
        knobs = ROW_KNOBS.get(type(big.layer).__name__[:4], OTHER_ROW_KNOBS)
        refuse(needed, layer, knobs if estimator.solver == "lbfgs" else (*knobs, "batch_size"))
