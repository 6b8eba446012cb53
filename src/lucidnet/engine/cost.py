"""What a network needs in memory, from shapes alone: nothing is allocated.

A forward pass of one row needs, for each layer, its output and its
workspace (the arrays it makes on the way)::

    Dense, Activation, BatchNormalization, Flatten, ...   the output
    Conv1D/2D    the output + the zero-padded input + the window copy (im2col):
                 (output positions) x (kernel offsets) x (input channels)
    MaxPool/AvgPool   the output + a copy of every window
    UpSampling   the output + the repeated input before it is cut or extended
    Residual     the output + what each layer of both paths needs, by this rule

The rule counts them all, summed over the layers, each layer's arrays as if
they were alive at once: a bound a little above what a pass keeps (a
prediction frees an array once the next layer has read it), and simple to
state. A layer's geometry (padding, strides, pool and upsampling sizes) can
make it ask for far more than its weights: a convolution padded by 10**9
zeros has a kernel of 9 numbers. Model files are refused by it
(:mod:`lucidnet.io.layered_codec`), prediction sizes its chunks of rows by
it (:mod:`lucidnet.engine.network`), and training estimates with it
(:mod:`lucidnet.estimators.memory`).

Training a batch of ``n`` rows keeps every forward array for backward, and
backward makes a gradient of each: ``2 * n`` times the one-row figure, plus,
per parameter, its value, its gradient and the optimizer's state.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from .conv import FOLD_BIAS_BELOW, Conv1D, Conv2D, padding_amounts
from .pooling import AvgPool1D, AvgPool2D, MaxPool1D, MaxPool2D, UpSampling1D, UpSampling2D
from .residual import Residual

__all__ = ["LayerCost", "available_memory", "forward_costs", "layer_cost", "parameter_count"]


@dataclass(frozen=True)
class LayerCost:
    """One layer's share of a one-row forward pass, in values (not bytes)."""

    index: int
    layer: object
    output_shape: tuple
    output: int
    workspace: int

    @property
    def values(self) -> int:
        return self.output + self.workspace


def _conv_workspace(layer, input_shape, output_shape) -> int:
    spatial, channels = input_shape[:-1], input_shape[-1]
    padded = math.prod(
        size + sum(padding_amounts(layer.padding, size, k, s, d))
        for size, k, s, d in zip(spatial, layer.kernel_size, layer.strides, layer.dilation)
    )
    K = math.prod(layer.kernel_size) * channels
    K += K < FOLD_BIAS_BELOW  # a column of ones carries the bias (see conv.py)
    windows = math.prod(output_shape[:-1]) * K
    return padded * channels + windows


def _pool_workspace(layer, input_shape, output_shape) -> int:
    return math.prod(output_shape[:-1]) * math.prod(layer.pool_size) * input_shape[-1]


def _upsampling_workspace(layer, input_shape, output_shape) -> int:
    return math.prod(n * s for n, s in zip(input_shape[:-1], layer.size)) * input_shape[-1]


def _residual_workspace(layer, input_shape, output_shape) -> int:
    paths = (layer.main, layer.shortcut)
    return sum(c.values for path in paths for c in forward_costs(path, input_shape))


WORKSPACE = {
    Conv1D: _conv_workspace,
    Conv2D: _conv_workspace,
    MaxPool1D: _pool_workspace,
    MaxPool2D: _pool_workspace,
    AvgPool1D: _pool_workspace,
    AvgPool2D: _pool_workspace,
    UpSampling1D: _upsampling_workspace,
    UpSampling2D: _upsampling_workspace,
    Residual: _residual_workspace,
}


def layer_cost(layer, input_shape, index: int = 0) -> LayerCost:
    """What ``layer`` needs for one row of ``input_shape`` (without the rows
    axis); a ``ValueError`` when it cannot take that shape."""
    input_shape = tuple(input_shape)
    output_shape = tuple(layer.output_shape(input_shape))
    workspace = WORKSPACE.get(type(layer))
    extra = workspace(layer, input_shape, output_shape) if workspace else 0
    return LayerCost(index, layer, output_shape, math.prod(output_shape), extra)


def forward_costs(layers, input_shape) -> list[LayerCost]:
    """Each layer's :class:`LayerCost` for one row, in order; their ``values``
    summed, times the dtype's item size, are the bytes the module's rule
    gives a forward pass of one row."""
    costs, shape = [], tuple(input_shape)
    for index, layer in enumerate(layers):
        costs.append(layer_cost(layer, shape, index))
        shape = costs[-1].output_shape
    return costs


def parameter_count(layers) -> int:
    """Values held by the layers' parameters and state (running statistics)."""
    return sum(
        sum(p.value.size for p in layer.parameters()) + sum(a.size for a in layer.state())
        for layer in layers
    )


def available_memory() -> int | None:
    """Bytes the system can give without swapping: ``MemAvailable`` in
    /proc/meminfo (Linux), else free pages times the page size, else None."""
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None
