"""A lucidnet network as ONNX nodes, layer by layer.

Each layer of a :class:`~lucidnet.engine.Sequential` becomes what it computes
at prediction time, written to a graph writer (see ``onnx_graph``):

=================  ==========================================================
layer              ONNX
=================  ==========================================================
Dense              ``Gemm(X, W, b)``: ``X @ W + b``, W kept (n_in, n_out)
Dropout            nothing (it is the identity when predicting)
Activation         identity: nothing; logistic: ``Sigmoid``; tanh: ``Tanh``;
                   relu: ``Relu``; leaky_relu: ``Max(z, Mul(z, slope))``;
                   exp: ``Exp``; softmax: ``Softmax(axis=-1)``
=================  ==========================================================

Leaky ReLU is not ONNX's ``LeakyRelu``: that operator's ``alpha`` is an
attribute, and attributes are float32, so a float64 graph would use the slope
0.0099999998 (predictions 3e-7 off). ``max(z, slope * z)`` with the slope a
constant of the graph's own type is lucidnet's formula, to the bit.

Layers over images and signals (convolutions, pooling, batch normalization,
upsampling, the shape layers) are written by ``onnx_spatial``, channels first
inside the graph; in float64 graphs, convolutions and average pools are
written by ``onnx_windows`` instead (onnxruntime runs no ``Conv`` in
double); a residual block is its two paths written from the same input and
added (``Add``). Layers that only act in training (``Dropout``,
``Masking``, ``GaussianNoise``) write nothing.
"""

from __future__ import annotations

import numpy as np

from ..engine.activations import ACTIVATIONS
from ..engine.conv import Conv1D, Conv2D
from ..engine.layers import Activation, Dense, Dropout
from ..engine.noise import GaussianNoise
from ..engine.normalization import BatchNormalization
from ..engine.pooling import (
    AvgPool1D,
    AvgPool2D,
    Flatten,
    GlobalAvgPool,
    MaxPool1D,
    MaxPool2D,
    Reshape,
    UpSampling1D,
    UpSampling2D,
)
from ..engine.residual import Residual
from .onnx_spatial import (
    Flow,
    channels_first,
    write_batch_norm,
    write_conv,
    write_flatten,
    write_global_avg_pool,
    write_pool,
    write_reshape,
    write_upsampling,
)
from .onnx_windows import write_avg_pool_windows, write_conv_windows, write_global_avg_windows

__all__ = ["write_activation", "write_layers", "write_network"]

# name -> ONNX operator (None: no node at all).
ACTIVATION_OPS = {
    "identity": None,
    "logistic": "Sigmoid",
    "tanh": "Tanh",
    "relu": "Relu",
    "leaky_relu": "Max",  # with Mul: see the module's docstring
    "exp": "Exp",
    "softmax": "Softmax",
}


def write_activation(graph, function, X: str, outputs=None) -> str:
    """Apply the activation ``function`` (a name or an ActivationFunction) to ``X``."""
    name = function if isinstance(function, str) else function.name
    if name not in ACTIVATION_OPS or (
        not isinstance(function, str) and type(function) is not type(ACTIVATIONS[name])
    ):
        raise ValueError(
            f"the activation {function!r} has no ONNX form; lucidnet exports "
            f"{', '.join(ACTIVATION_OPS)}"
        )
    op_type = ACTIVATION_OPS[name]
    if op_type is None:
        return graph.node("Identity", [X], name, outputs) if outputs else X
    if name == "leaky_relu":
        slope = ACTIVATIONS[name].slope if isinstance(function, str) else function.slope
        scaled = graph.node("Mul", [X, graph.constant(np.array(slope), "slope")], "scaled")
        return graph.node("Max", [X, scaled], name, outputs)
    attributes = {"axis": -1} if name == "softmax" else {}
    return graph.node(op_type, [X], name, outputs, **attributes)


def write_network(graph, network, X: str, input_shape=None, hint: str = "layer") -> str:
    """Write every layer of ``network`` (a Sequential) applied to ``X``; return
    the name of the last layer's output, rows of features.

    ``input_shape`` is one sample's shape, channels last, when ``X`` holds
    images or signals ``(n, *spatial, C)``; None for rows of features.
    """
    flow = Flow(X, (None,) if input_shape is None else tuple(input_shape))
    flow = write_layers(graph, network.layers, flow, hint)
    if flow.spatial:
        raise ValueError(
            f"the network ends in samples of shape {flow.shape}, not rows: lucidnet's "
            "estimators end in a Flatten, a GlobalAvgPool or a Dense layer"
        )
    return flow.name


def write_layers(graph, layers, flow: Flow, hint: str) -> Flow:
    """Write ``layers`` in order from ``flow``; return where they end."""
    for index, layer in enumerate(layers):
        flow = _write_layer(graph, layer, flow, f"{hint}{index}")
    return flow


def _write_layer(graph, layer, flow: Flow, hint: str) -> Flow:
    if isinstance(layer, (Dropout, GaussianNoise)):
        return flow
    if isinstance(layer, Activation):
        # Elementwise, in whichever layout the value is (softmax: rows only).
        return Flow(write_activation(graph, layer.function, flow.name), flow.shape, flow.first)
    if isinstance(layer, Dense):
        W = graph.constant(layer.W.value, f"{hint}_W")
        b = graph.constant(layer.b.value, f"{hint}_b")
        return Flow(
            graph.node("Gemm", [flow.name, W, b], f"{hint}_dense"), (layer.W.value.shape[1],)
        )
    if isinstance(layer, BatchNormalization):
        return write_batch_norm(graph, layer, flow, hint)
    double = graph.dtype == np.float64  # no Conv nor AveragePool: see onnx_windows
    if isinstance(layer, (Conv1D, Conv2D)):
        return (write_conv_windows if double else write_conv)(graph, layer, flow, hint)
    if isinstance(layer, (MaxPool1D, MaxPool2D)):
        return write_pool(graph, layer, flow, f"{hint}_max_pool", "MaxPool")
    if isinstance(layer, (AvgPool1D, AvgPool2D)):
        if double:
            return write_avg_pool_windows(graph, layer, flow, f"{hint}_avg_pool")
        return write_pool(graph, layer, flow, f"{hint}_avg_pool", "AveragePool")
    if isinstance(layer, GlobalAvgPool):
        if double:
            return write_global_avg_windows(graph, flow, f"{hint}_global_avg")
        return write_global_avg_pool(graph, flow, f"{hint}_global_avg")
    if isinstance(layer, Flatten):
        return write_flatten(graph, flow, f"{hint}_flatten")
    if isinstance(layer, Reshape):
        return write_reshape(graph, layer.target_shape, flow, f"{hint}_reshape")
    if isinstance(layer, (UpSampling1D, UpSampling2D)):
        return write_upsampling(graph, layer, flow, f"{hint}_upsampling")
    if isinstance(layer, Residual):
        return _write_residual(graph, layer, flow, hint)
    raise NotImplementedError(
        f"ONNX export of {type(layer).__name__} layers is not written: lucidnet exports the "
        "layers its estimators build (Dense, Activation, Dropout, convolutions, pooling, "
        "batch normalization, residual blocks, upsampling and the shape layers)"
    )


def _write_residual(graph, block, flow: Flow, hint: str) -> Flow:
    main = write_layers(graph, block.main, flow, f"{hint}_main")
    shortcut = write_layers(graph, block.shortcut, flow, f"{hint}_shortcut")
    # Both paths in one layout before adding: channels first when either is,
    # as the next convolution or pool wants them.
    if main.first or shortcut.first:
        main, shortcut = channels_first(graph, main), channels_first(graph, shortcut)
    name = graph.node("Add", [main.name, shortcut.name], f"{hint}_residual")
    return Flow(name, main.shape, main.first)
