"""An ``Autoencoder`` as ONNX: its codes, reconstructions and scores.

The main graph takes ``X`` and gives three outputs, each what the estimator's
method gives for the same ``X``::

    codes           = encoder(X)                              transform
    reconstruction  = output_activation(decoder(codes))       inverse_transform(codes)
    scores          = -mean((reconstruction - X)^2, axis=1)   score_samples

One graph rather than three: the scores need the reconstruction, which needs
the codes, so the three outputs cost one pass; a caller asks onnxruntime for
the outputs it wants. ``inverse_transform`` of codes from elsewhere (points of
the code space, not images of inputs) is a second graph, of input ``codes``
(``to_onnx(model, method='inverse_transform')``), as the decoder needs an
input of its own.

The mean over features is a product with a column of ``-1 / n_features``
rather than ``ReduceMean``, whose axes moved from an attribute to an input at
opset 18: one node that means the same at every opset lucidnet writes.
"""

from __future__ import annotations

import numpy as np

from ..engine.network import Sequential
from .onnx_network import write_activation, write_layers, write_network
from .onnx_samples import sample_shape, write_samples
from .onnx_spatial import Flow

__all__ = ["write_codes", "write_decoder", "write_encoder"]


def _halves(autoencoder) -> tuple[Sequential, Sequential]:
    network = autoencoder.network_
    return (
        Sequential(network.layers[: network.encoder_length]),
        Sequential(network.layers[network.encoder_length :]),
    )


def write_decoder(graph, autoencoder, codes: str, reconstruction: str | None = None) -> str:
    """Write ``inverse_transform(codes)``, rows of ``n_features``, to ``reconstruction``."""
    _, decoder = _halves(autoencoder)
    flow = write_layers(graph, decoder.layers, Flow(codes, (autoencoder.n_components_,)), "decoder")
    outputs = [reconstruction] if reconstruction else None
    return write_activation(graph, autoencoder.out_activation_, flow.name, outputs)


def write_codes(graph, autoencoder, X: str, codes: str | None = None) -> str:
    """Write ``transform(X)``, (n, n_components), to ``codes`` (or to a new name)."""
    encoder, _ = _halves(autoencoder)
    samples, shape = write_samples(graph, autoencoder, X)
    code = write_network(graph, encoder, samples, shape, hint="encoder")
    return graph.node("Identity", [code], "codes", [codes] if codes else None)


def write_encoder(graph, autoencoder, X: str, codes: str, reconstruction: str, scores: str):
    """Write ``transform(X)`` to ``codes``, its reconstruction to
    ``reconstruction`` and ``score_samples(X)`` to ``scores``."""
    code = write_codes(graph, autoencoder, X, codes)
    write_decoder(graph, autoencoder, code, reconstruction)
    n_features = autoencoder.n_features_in_
    rows = X
    if sample_shape(autoencoder) is not None:  # shaped samples, flat as the reconstruction is
        flat = graph.constant(np.array([0, n_features], dtype=np.int64), "rows")
        rows = graph.node("Reshape", [X, flat], "rows")
    error = graph.node("Sub", [reconstruction, rows], "error")
    squared = graph.node("Mul", [error, error], "squared")
    minus_mean = graph.constant(np.full((n_features, 1), -1.0 / n_features), "minus_mean")
    score = graph.node("MatMul", [squared, minus_mean], "score")
    flat_scores = graph.constant(np.array([-1], dtype=np.int64), "flat")
    graph.node("Reshape", [score, flat_scores], "scores", [scores])
