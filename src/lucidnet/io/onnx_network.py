"""A lucidnet network as ONNX nodes: its dense layers and activations.

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

Convolutional layers, pooling, normalization and residual blocks are the
convolutional networks' part of the export, not yet written: a network holding
one is refused by name.
"""

from __future__ import annotations

import numpy as np

from ..engine.activations import ACTIVATIONS
from ..engine.layers import Activation, Dense, Dropout

__all__ = ["write_activation", "write_network"]

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


def write_network(graph, network, X: str, hint: str = "layer") -> str:
    """Write every layer of ``network`` (a Sequential) applied to ``X``; return
    the name of the last layer's output."""
    for index, layer in enumerate(network.layers):
        if isinstance(layer, Dense):
            W = graph.constant(layer.W.value, f"{hint}{index}_W")
            b = graph.constant(layer.b.value, f"{hint}{index}_b")
            X = graph.node("Gemm", [X, W, b], f"{hint}{index}_dense")
        elif isinstance(layer, Activation):
            X = write_activation(graph, layer.function, X)
        elif isinstance(layer, Dropout):
            continue
        else:
            raise NotImplementedError(
                f"ONNX export of {type(layer).__name__} layers is not written yet: "
                "lucidnet exports networks of Dense, Activation and Dropout layers "
                "(the MLPs and NeuralNetwork)"
            )
    return X
