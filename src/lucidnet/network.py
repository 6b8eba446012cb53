"""``Sequential``: layers applied in order, trained by backpropagation."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from .layers import Layer, Parameter
from .losses import Loss
from .optimizers import Optimizer

__all__ = ["Sequential"]


class Sequential:
    """A stack of layers.

    >>> import numpy as np
    >>> from lucidnet import Sequential, Dense, Activation, SGD, SquaredError
    >>> rng = np.random.default_rng(0)
    >>> net = Sequential([Dense(2, 3, rng=rng), Activation("tanh"), Dense(3, 1, rng=rng)])
    >>> net.forward(np.zeros((4, 2))).shape
    (4, 1)
    >>> sgd = SGD(net.parameters(), learning_rate=0.1)
    >>> loss = net.train_step(np.ones((4, 2)), np.ones((4, 1)), SquaredError(), sgd)
    >>> bool(loss >= 0)
    True
    """

    def __init__(self, layers: Iterable[Layer]):
        self.layers = list(layers)
        for layer in self.layers:
            if not isinstance(layer, Layer):
                raise TypeError(f"Sequential takes Layer objects, got {type(layer).__name__}")

    def forward(self, X: np.ndarray, training: bool = False) -> np.ndarray:
        """Run ``X`` (n_samples, n_features) through every layer."""
        for layer in self.layers:
            X = layer.forward(X, training=training)
        return X

    def backward(self, dY: np.ndarray, need_input_grad: bool = False) -> np.ndarray | None:
        """Propagate ``dL/dY`` back through the layers, setting every gradient.

        The gradient with respect to the network's input is only computed
        (and returned) when ``need_input_grad`` is True: training never needs
        it, and for the first Dense layer it is a whole matrix product.
        """
        last = len(self.layers) - 1
        for i in range(last, -1, -1):
            dY = self.layers[i].backward(dY, need_input_grad=need_input_grad or i > 0)
        return dY

    def parameters(self) -> list[Parameter]:
        return [p for layer in self.layers for p in layer.parameters()]

    def loss_and_gradients(self, X, y, loss: Loss, sample_weight=None) -> float:
        """Forward in training mode, then backward: returns the loss and
        leaves ``d loss / d parameter`` in every ``Parameter.grad``."""
        out = self.forward(X, training=True)
        value, dY = loss.value_and_gradient(y, out, sample_weight)
        self.backward(dY)
        return value

    def train_step(self, X, y, loss: Loss, optimizer: Optimizer, sample_weight=None) -> float:
        """One update on the batch ``(X, y)``; returns the batch loss before it."""
        value = self.loss_and_gradients(X, y, loss, sample_weight)
        optimizer.step()
        return value

    @property
    def dtype(self):
        params = self.parameters()
        return params[0].value.dtype if params else np.dtype(np.float64)

    def __repr__(self):
        inner = ",\n  ".join(repr(layer) for layer in self.layers)
        return f"Sequential([\n  {inner}\n])"
