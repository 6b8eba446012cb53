"""The graph's input as the network takes it: rows, or images and signals.

A convolutional estimator folds each row of ``n_features`` into one sample of
``input_shape_`` (channels last) before its network; the graph does the same
with one ``Reshape`` to ``(0, *input_shape_)``, the 0 keeping the number of
rows. The same node takes samples already shaped ``(n, *input_shape_)``
(``to_onnx(..., shaped_input=True)``), so both inputs run one graph body.
"""

from __future__ import annotations

import numpy as np

from ..estimators.autoencoder import Autoencoder
from ..estimators.convnet import BaseConvNet

__all__ = ["sample_shape", "write_samples"]


def sample_shape(model) -> tuple | None:
    """One sample's shape, channels last, for a convolutional model; else None."""
    if isinstance(model, BaseConvNet) or (
        isinstance(model, Autoencoder) and model._convolutional()
    ):
        return tuple(int(s) for s in model.input_shape_)
    return None


def write_samples(graph, model, X: str) -> tuple[str, tuple | None]:
    """``X`` as ``model``'s network takes it, and one sample's shape (None: rows)."""
    shape = sample_shape(model)
    if shape is None:
        return X, None
    target = graph.constant(np.array([0, *shape], dtype=np.int64), "sample_shape")
    return graph.node("Reshape", [X, target], "samples"), shape
