"""``Residual``: two paths over the same input, added (He et al., 2016).

A residual block computes ``Y = main(X) + shortcut(X)``, where ``main`` is a
few layers (convolutions, batch normalization, activations) and ``shortcut``
either the identity or a few layers of its own (a 1x1 convolution when the
channel count changes). Both paths read the same ``X``, so its gradient is
the sum of theirs::

    forward:   Y  = main(X) + shortcut(X)
    backward:  dX = main.backward(dY) + shortcut.backward(dY)

and every parameter on either path gets its gradient from ``dY`` alone. The
activation that usually follows the addition is the next layer of the
network, not part of the block.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from .layers import Layer
from .parameters import Parameter

__all__ = ["Residual"]


def _layer_list(layers, name) -> list[Layer]:
    layers = [] if layers is None else list(layers)
    for layer in layers:
        if not isinstance(layer, Layer):
            raise TypeError(f"Residual's {name} takes Layer objects, got {type(layer).__name__}")
    return layers


class Residual(Layer):
    """A residual block: ``main(X) + shortcut(X)``, the shortcut the identity by default.

    Parameters
    ----------
    main : iterable of Layer
        The main path, applied in order.
    shortcut : iterable of Layer or None, default=None
        The shortcut path, applied in order; None (or empty) for the identity.
        Both paths must give outputs of the same shape.

    Attributes
    ----------
    main, shortcut : list of Layer
        The paths (``shortcut`` empty for the identity).

    Raises
    ------
    TypeError
        When a path holds something else than :class:`Layer` objects.

    Notes
    -----
    Forward and backward, with ``dY`` of the output's shape::

        Y  = main(X) + shortcut(X)                    (n, *out)
        dX = main.backward(dY) + shortcut.backward(dY)  (n, *in)

    (for the identity shortcut, ``shortcut.backward(dY) = dY``). In training
    mode each sub-layer keeps what its own backward needs and batch
    normalization uses batch statistics; ``parameters()`` lists the main
    path's parameters then the shortcut's, and ``state()`` their running
    statistics in the same order, so a network packs, copies and saves a
    block like any other layer.

    Examples
    --------
    The block of the time-series ResNet (Wang et al., 2017) with 4 filters, on
    signals of 2 channels: three convolutions on the main path, a 1x1
    convolution on the shortcut (the channel count changes), a ReLU after the sum.

    >>> import numpy as np
    >>> from lucidnet.engine import (Activation, BatchNormalization, Conv1D, Residual,
    ...                              Sequential)
    >>> def conv(n_in, k):
    ...     return [Conv1D(n_in, 4, k, padding="same", rng=0), BatchNormalization(4)]
    >>> block = Residual(
    ...     main=[*conv(2, 8), Activation("relu"), *conv(4, 5), Activation("relu"), *conv(4, 3)],
    ...     shortcut=conv(2, 1),
    ... )
    >>> net = Sequential([block, Activation("relu")])
    >>> net.forward(np.ones((3, 16, 2))).shape
    (3, 16, 4)
    >>> block.output_shape((16, 2)), len(block.parameters()), len(block.state())
    ((16, 4), 16, 8)
    """

    def __init__(self, main: Iterable[Layer], shortcut: Iterable[Layer] | None = None):
        super().__init__()
        self.main = _layer_list(main, "main")
        self.shortcut = _layer_list(shortcut, "shortcut")

    @property
    def layers(self) -> list[Layer]:
        """The main path's layers, then the shortcut's."""
        return self.main + self.shortcut

    def forward(self, X, training=False):
        main, shortcut = X, X
        for layer in self.main:
            main = layer.forward(main, training=training)
        for layer in self.shortcut:
            shortcut = layer.forward(shortcut, training=training)
        if not training:
            return np.add(main, shortcut)
        out = self._buffer("out", main.shape, np.result_type(main, shortcut))
        return np.add(main, shortcut, out=out)

    def backward(self, dY, need_input_grad=True):
        # Each path's first layer computes dX only when it is wanted; every
        # other layer must pass its gradient on. No layer writes into dY, so
        # both paths can start from it.
        d_main = _backward(self.main, dY, need_input_grad)
        d_shortcut = _backward(self.shortcut, dY, need_input_grad)
        if not need_input_grad:
            return None
        return np.add(d_main, d_shortcut, out=self._buffer("dX", d_main.shape, d_main.dtype))

    def parameters(self) -> list[Parameter]:
        return [p for layer in self.layers for p in layer.parameters()]

    def state(self) -> list[np.ndarray]:
        return [a for layer in self.layers for a in layer.state()]

    def output_shape(self, input_shape):
        main, shortcut = tuple(input_shape), tuple(input_shape)
        for layer in self.main:
            main = tuple(layer.output_shape(main))
        for layer in self.shortcut:
            shortcut = tuple(layer.output_shape(shortcut))
        if main != shortcut:
            raise ValueError(
                f"Residual's paths must give outputs of one shape: for input shape "
                f"{tuple(input_shape)}, the main path gives {main}, the shortcut {shortcut}"
            )
        return main

    def __repr__(self):
        main = ", ".join(repr(layer) for layer in self.main)
        if not self.shortcut:
            return f"Residual([{main}])"
        shortcut = ", ".join(repr(layer) for layer in self.shortcut)
        return f"Residual([{main}], shortcut=[{shortcut}])"


def _backward(layers, dY, need_input_grad):
    """``dL/dX`` through ``layers`` in reverse (``dY`` itself for none)."""
    for i in range(len(layers) - 1, -1, -1):
        dY = layers[i].backward(dY, need_input_grad=need_input_grad or i > 0)
    return dY
