"""``LayerStack``: layers laid out one after another for one sample's shape.

An estimator's ``_build_network`` adds layers to a stack, which follows the
sample's shape from layer to layer and, before a layer with arrays is made,
shows their shapes to ``expect(where, shapes)``: a model file checks them
against the arrays it holds (:mod:`lucidnet.io.layered_codec`), the memory
check adds them up (:mod:`lucidnet.estimators.memory`), so that nothing is
allocated that they have not seen. ``where`` is the layer's index in the
network, or, for a layer inside a residual block, a path: ``(3, 'main', 0)``
is the first layer of the main path of the network's layer 3.
"""

from __future__ import annotations

from ..engine.normalization import BatchNormalization

__all__ = ["LayerStack", "where_text"]

NORMALIZATION_ARRAYS = ("gamma", "beta", "running_mean", "running_var")


class LayerStack:
    """Layers for one sample of ``shape`` (no n_samples axis), in order.

    Attributes
    ----------
    layers : list of Layer
    shape : tuple of int
        One sample's shape after the last layer added.
    """

    def __init__(self, shape, expect=None, where=()):
        self.layers, self.shape = [], tuple(shape)
        self._expect, self._where = expect, tuple(where)

    def add(self, make, *args, shapes=None, **kwargs):
        """``make(*args, **kwargs)`` appended; ``shapes`` (name -> shape of
        each array the layer holds) go to ``expect`` first."""
        if self._expect is not None and shapes is not None:
            index = len(self.layers)
            self._expect((*self._where, index) if self._where else index, shapes)
        layer = make(*args, **kwargs)
        self.shape = tuple(layer.output_shape(self.shape))
        self.layers.append(layer)
        return layer

    def normalization(self, n_features, dtype):
        """Batch normalization of the last axis, ``n_features`` long."""
        shapes = dict.fromkeys(NORMALIZATION_ARRAYS, (n_features,))
        return self.add(BatchNormalization, n_features, dtype=dtype, shapes=shapes)

    def path(self, name: str) -> LayerStack:
        """An empty stack for one path ('main', 'shortcut') of the residual
        block to be added next, from this stack's shape."""
        return LayerStack(self.shape, self._expect, (*self._where, len(self.layers), name))


def where_text(where) -> str:
    """A layer's place in words: ``3``, or ``(3, 'main', 0)`` as '3, main path's layer 0'."""
    if not isinstance(where, tuple):
        return str(where)
    steps = ", ".join(f"{name} path's layer {j}" for name, j in zip(where[1::2], where[2::2]))
    return f"{where[0]}, {steps}"
