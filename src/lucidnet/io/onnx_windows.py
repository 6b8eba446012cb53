"""Convolutions and average pools of float64 graphs, as gathered windows.

onnxruntime's CPU provider (1.31) has no double kernel for ``Conv``,
``AveragePool`` or ``GlobalAveragePool``: a float64 graph using them loads
in ``onnx.checker`` and fails in ``InferenceSession`` (NOT_IMPLEMENTED).
Float64 graphs write them with operators it does run in double, computing what
lucidnet's layers compute, channels last as lucidnet holds them:

=================  ============================================================
layer              ONNX (float64 graphs; float32 keeps ``onnx_spatial``'s)
=================  ============================================================
Conv1D, Conv2D     ``Pad`` (zeros), ``Reshape`` to (n, positions, C),
                   ``Gather`` of every window (indices (P, K), constants),
                   ``Reshape`` to (n, P, K * C), ``MatMul`` by W as (K * C, F),
                   ``Add`` b, ``Reshape`` to (n, *out, F)
AvgPool1D/2D       ``Gather`` of every window, then ``MatMul`` by a row of
                   ``1 / K`` (the mean over the window's K positions)
GlobalAvgPool      ``MatMul`` by a row of ``1 / positions``, then ``Flatten``
=================  ============================================================

This is lucidnet's own im2col (``Conv._window_copy``): ``cols`` (n, *out,
*kernel, C) times ``W.reshape(K * C, F)``. The sample's shape is fixed at
export, so the window of each output position, the padded input's flat
indices ``out * stride + offset * dilation``, is a constant of the graph.
The means are products with a row of ``1 / K`` rather than ``ReduceMean``,
whose axes moved from an attribute to an input at opset 18 (as in
``onnx_autoencoder``): one node that means the same at every opset. Each
output equals lucidnet's but for the order of the sums, within a few units
of float64's last place. ``MaxPool`` runs in double, and stays.
"""

from __future__ import annotations

import math

import numpy as np

from ..engine.conv import padding_amounts
from .onnx_spatial import Flow, channels_last

__all__ = ["write_avg_pool_windows", "write_conv_windows", "write_global_avg_windows"]


def window_indices(shape, out, kernel, strides, dilation) -> np.ndarray:
    """(P, K) int64: for each of the ``out`` positions (C order), the flat
    indices, in an array of spatial ``shape``, of its window's K positions
    (kernel offsets in C order, as lucidnet's ``cols``)."""
    starts = np.indices(out).reshape(len(out), -1).T * np.array(strides)  # (P, n_spatial)
    offsets = np.indices(kernel).reshape(len(kernel), -1).T * np.array(dilation)  # (K, ...)
    coordinates = starts[:, None, :] + offsets[None, :, :]  # (P, K, n_spatial)
    return np.ravel_multi_index(tuple(np.moveaxis(coordinates, -1, 0)), shape).astype(np.int64)


def _gather_windows(graph, flow: Flow, spatial, indices: np.ndarray, hint: str) -> str:
    """(n, P, K, C): each output position's window of ``flow`` (channels last,
    of spatial ``spatial``), gathered from its positions laid in a row."""
    shape = np.array([0, math.prod(spatial), flow.shape[-1]], dtype=np.int64)
    rows = graph.constant(shape, f"{hint}_rows")
    positions = graph.node("Reshape", [flow.name, rows], f"{hint}_positions")
    index = graph.constant(indices, f"{hint}_windows")
    return graph.node("Gather", [positions, index], f"{hint}_gather", axis=1)


def _reshape(graph, name: str, shape, hint: str) -> str:
    target = graph.constant(np.array([0, *shape], dtype=np.int64), f"{hint}_shape")
    return graph.node("Reshape", [name, target], hint)


def write_conv_windows(graph, layer, flow: Flow, hint: str) -> Flow:
    flow = channels_last(graph, flow)
    spatial = flow.shape[:-1]
    pads = [
        padding_amounts(layer.padding, size, k, s, d)
        for size, k, s, d in zip(spatial, layer.kernel_size, layer.strides, layer.dilation)
    ]
    out_shape = layer.output_shape(flow.shape)
    name = flow.name
    if any(before or after for before, after in pads):
        # Zeros on the spatial axes only: none on the samples' or channels'.
        amounts = [0, *(b for b, _ in pads), 0, 0, *(a for _, a in pads), 0]
        amounts = graph.constant(np.array(amounts, dtype=np.int64), f"{hint}_pads")
        name = graph.node("Pad", [name, amounts], f"{hint}_padded")
    padded = tuple(size + b + a for size, (b, a) in zip(spatial, pads))
    indices = window_indices(padded, out_shape[:-1], layer.kernel_size, layer.strides,
                             layer.dilation)  # fmt: skip
    windows = _gather_windows(graph, Flow(name, (*padded, flow.shape[-1])), padded, indices, hint)
    P, K = indices.shape
    cols = _reshape(graph, windows, [P, K * flow.shape[-1]], f"{hint}_cols")
    W = graph.constant(layer.W.value.reshape(-1, layer.filters), f"{hint}_W")  # (K * C, F)
    product = graph.node("MatMul", [cols, W], f"{hint}_product")
    b = graph.constant(layer.b.value, f"{hint}_b")
    biased = graph.node("Add", [product, b], f"{hint}_biased")
    return Flow(_reshape(graph, biased, out_shape, f"{hint}_conv"), out_shape, False)


def write_avg_pool_windows(graph, layer, flow: Flow, hint: str) -> Flow:
    """Whole windows, no padding (floor), as lucidnet's average pools."""
    flow = channels_last(graph, flow)
    out_shape = layer.output_shape(flow.shape)
    dilation = [1] * len(layer.pool_size)
    indices = window_indices(flow.shape[:-1], out_shape[:-1], layer.pool_size, layer.strides,
                             dilation)  # fmt: skip
    windows = _gather_windows(graph, flow, flow.shape[:-1], indices, hint)  # (n, P, K, C)
    K = indices.shape[1]
    mean = graph.constant(np.full((1, K), 1.0 / K), f"{hint}_mean")
    means = graph.node("MatMul", [mean, windows], f"{hint}_means")  # (n, P, 1, C)
    return Flow(_reshape(graph, means, out_shape, hint), out_shape, False)


def write_global_avg_windows(graph, flow: Flow, hint: str) -> Flow:
    flow = channels_last(graph, flow)
    positions = math.prod(flow.shape[:-1])
    rows = _reshape(graph, flow.name, [positions, flow.shape[-1]], f"{hint}_positions")
    mean = graph.constant(np.full((1, positions), 1.0 / positions), f"{hint}_mean")
    means = graph.node("MatMul", [mean, rows], f"{hint}_means")  # (n, 1, C)
    return Flow(graph.node("Flatten", [means], f"{hint}_flat", axis=1), (flow.shape[-1],))
