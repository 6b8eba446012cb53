"""Layers over images and signals as ONNX nodes: convolutions, pooling, batch
normalization, upsampling and the shape layers.

lucidnet keeps images and signals channels last, ``(n, *spatial, C)``; ONNX's
``Conv``, ``MaxPool`` and ``AveragePool`` take them channels first, ``(n, C,
*spatial)``. A :class:`Flow` is the value flowing through the graph with its
layout: each writer asks for the layout its operator needs, and a
``Transpose`` is written only where the layout changes (once before the first
convolution, once before a ``Flatten``), not around every layer.

=======================  ======================================================
layer                    ONNX (channels first)
=======================  ======================================================
Conv1D, Conv2D           ``Conv``, W transposed (k..., C, F) -> (F, C, k...),
                         the padding as zeros before and after each axis,
                         computed from the sizes the layer sees
MaxPool1D/2D             ``MaxPool``, no padding, whole windows (floor)
AvgPool1D/2D             ``AveragePool``, likewise
BatchNormalization       ``(X - running_mean) * scale + beta`` with ``scale =
                         gamma / sqrt(running_var + epsilon)`` computed as
                         lucidnet computes it (see below)
GlobalAvgPool            ``GlobalAveragePool`` then ``Flatten``
UpSampling1D/2D          one ``Gather`` per axis (index ``min(j // size, n - 1)``)
Flatten                  channels last again, then ``Flatten``
Reshape                  channels last, ``Reshape`` to ``(0, *target_shape)``
=======================  ======================================================

Batch normalization is not ONNX's ``BatchNormalization``: its ``epsilon`` is
a float32 attribute (1e-5 becomes 9.99999975e-06), and it computes the
scale inside the runtime in the graph's type; lucidnet's own formula, with
``scale`` a constant of the model's type, is its prediction to the bit.
Upsampling is not ``Resize``: lucidnet's ``output_size`` cuts the repeated
array or extends it by its last position, which no nearest-neighbour scale
of ``Resize`` reproduces; a ``Gather`` of the computed indices is exact.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..engine.conv import padding_amounts

__all__ = [
    "Flow",
    "channels_first",
    "channels_last",
    "write_batch_norm",
    "write_conv",
    "write_flatten",
    "write_global_avg_pool",
    "write_pool",
    "write_reshape",
    "write_upsampling",
]


@dataclass(frozen=True)
class Flow:
    """A value of the graph: its ``name``, one sample's ``shape`` as lucidnet
    sees it (channels last), and whether the graph holds it channels first."""

    name: str
    shape: tuple
    first: bool = False

    @property
    def spatial(self) -> bool:
        """Whether samples have spatial axes (else they are rows of features)."""
        return len(self.shape) > 1


def channels_first(graph, flow: Flow) -> Flow:
    """``flow`` as ``(n, C, *spatial)``."""
    if flow.first or not flow.spatial:
        return flow
    rank = len(flow.shape) + 1
    name = graph.node("Transpose", [flow.name], "channels_first",
                      perm=[0, rank - 1, *range(1, rank - 1)])  # fmt: skip
    return Flow(name, flow.shape, True)


def channels_last(graph, flow: Flow) -> Flow:
    """``flow`` as ``(n, *spatial, C)``, lucidnet's layout."""
    if not flow.first:
        return flow
    rank = len(flow.shape) + 1
    name = graph.node("Transpose", [flow.name], "channels_last", perm=[0, *range(2, rank), 1])
    return Flow(name, flow.shape, False)


def write_conv(graph, layer, flow: Flow, hint: str) -> Flow:
    flow = channels_first(graph, flow)
    n = layer.n_spatial
    pads = [
        padding_amounts(layer.padding, size, k, s, d)
        for size, k, s, d in zip(flow.shape[:-1], layer.kernel_size, layer.strides, layer.dilation)
    ]
    W = layer.W.value.transpose(n + 1, n, *range(n))  # (F, C, *kernel)
    name = graph.node(
        "Conv",
        [flow.name, graph.constant(W, f"{hint}_W"), graph.constant(layer.b.value, f"{hint}_b")],
        f"{hint}_conv",
        kernel_shape=list(layer.kernel_size),
        strides=list(layer.strides),
        dilations=list(layer.dilation),
        pads=[before for before, _ in pads] + [after for _, after in pads],
    )
    return Flow(name, layer.output_shape(flow.shape), True)


def write_pool(graph, layer, flow: Flow, hint: str, op_type: str) -> Flow:
    """``op_type`` 'MaxPool' or 'AveragePool' over whole windows, as lucidnet's."""
    flow = channels_first(graph, flow)
    name = graph.node(op_type, [flow.name], hint, kernel_shape=list(layer.pool_size),
                      strides=list(layer.strides))  # fmt: skip
    return Flow(name, layer.output_shape(flow.shape), True)


def write_batch_norm(graph, layer, flow: Flow, hint: str) -> Flow:
    # As BatchNormalization.forward predicts, in the layer's own float type.
    scale = layer.gamma.value / np.sqrt(layer.running_var + layer.epsilon)
    # One value per channel, broadcast over the positions that follow it.
    shape = (-1, *[1] * (len(flow.shape) - 1)) if flow.first else (-1,)
    mean, scale, beta = (a.reshape(shape) for a in (layer.running_mean, scale, layer.beta.value))
    centred = graph.node(
        "Sub", [flow.name, graph.constant(mean, f"{hint}_mean")], f"{hint}_centred"
    )
    scaled = graph.node("Mul", [centred, graph.constant(scale, f"{hint}_scale")], f"{hint}_scaled")
    name = graph.node("Add", [scaled, graph.constant(beta, f"{hint}_beta")], f"{hint}_norm")
    return Flow(name, flow.shape, flow.first)


def write_global_avg_pool(graph, flow: Flow, hint: str) -> Flow:
    flow = channels_first(graph, flow)
    pooled = graph.node("GlobalAveragePool", [flow.name], hint)  # (n, C, 1, ...)
    return Flow(graph.node("Flatten", [pooled], f"{hint}_flat", axis=1), (flow.shape[-1],))


def write_flatten(graph, flow: Flow, hint: str) -> Flow:
    """lucidnet's Flatten: each position's channels side by side, so channels last."""
    flow = channels_last(graph, flow)
    name = graph.node("Flatten", [flow.name], hint, axis=1)
    return Flow(name, (math.prod(flow.shape),))


def write_reshape(graph, target_shape, flow: Flow, hint: str) -> Flow:
    """Samples to ``target_shape`` in C order, channels last (0 keeps n)."""
    flow = channels_last(graph, flow)
    shape = graph.constant(np.array([0, *target_shape], dtype=np.int64), f"{hint}_shape")
    return Flow(graph.node("Reshape", [flow.name, shape], hint), tuple(target_shape))


def write_upsampling(graph, layer, flow: Flow, hint: str) -> Flow:
    flow = channels_first(graph, flow)
    out_shape = layer.output_shape(flow.shape)
    name = flow.name
    for axis, (size, repeat, want) in enumerate(zip(flow.shape, layer.size, out_shape), start=2):
        # Position j of the repeated array is input position j // repeat; an
        # extension past the repeated array repeats its last, input n - 1.
        index = np.minimum(np.arange(want) // repeat, size - 1).astype(np.int64)
        name = graph.node("Gather", [name, graph.constant(index, f"{hint}_index")], hint,
                          axis=axis)  # fmt: skip
    return Flow(name, out_shape, True)
