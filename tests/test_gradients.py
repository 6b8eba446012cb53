"""Every layer, activation and loss against central differences, in float64.

A new layer is checked by adding one line to LAYERS (or a loss to LOSSES).
"""

import numpy as np
import pytest

from lucidnet import Activation, Dense, Dropout, Sequential
from lucidnet.activations import ACTIVATIONS
from lucidnet.losses import (
    PoissonLoss,
    SigmoidBinaryCrossEntropy,
    SoftmaxCrossEntropy,
    SquaredError,
)
from lucidnet.testing import check_gradients, check_loss_gradient

RTOL = 1e-6

LAYERS = {
    "dense": lambda rng: Dense(5, 3, rng=rng),
    "dense_classic_init": lambda rng: Dense(4, 6, init="classic", rng=rng),
    "dense_he": lambda rng: Dense(4, 2, init="he_normal", rng=rng),
    **{f"activation_{name}": (lambda rng, n=name: Activation(n)) for name in ACTIVATIONS},
    "dropout": lambda rng: Dropout(0.3, rng=rng),
    "sequential": lambda rng: _NetworkAsLayer(
        [Dense(5, 4, rng=rng), Activation("tanh"), Dropout(0.2, rng=rng), Dense(4, 3, rng=rng)]
    ),
}


class _NetworkAsLayer(Dense):
    """A whole Sequential seen through the layer interface, to check chaining."""

    def __init__(self, layers):
        self.net = Sequential(layers)
        self._buffers = {}

    def forward(self, X, training=False):
        return self.net.forward(X, training=training)

    def backward(self, dY, need_input_grad=True):
        return self.net.backward(dY, need_input_grad=need_input_grad)

    def parameters(self):
        return self.net.parameters()

    @property
    def rng(self):  # the dropout layer's generator, restored by check_gradients
        return self.net.layers[2].rng


@pytest.mark.parametrize("n_samples", [7, 1])  # one sample takes its own path in Dense
@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layer_gradients_match_central_differences(name, n_samples):
    rng = np.random.default_rng(42)
    layer = LAYERS[name](rng)
    n_features = 5 if name in ("dense", "sequential") else 4
    X = rng.standard_normal((n_samples, n_features))
    errors = check_gradients(layer, X, rtol=RTOL)
    assert max(errors.values()) < RTOL


def _targets(kind, rng, shape):
    if kind == "onehot":
        return np.eye(shape[1])[rng.integers(shape[1], size=shape[0])]
    if kind == "binary":
        return rng.integers(0, 2, size=shape).astype(float)
    if kind == "counts":
        return rng.poisson(2.0, size=shape).astype(float)
    return rng.standard_normal(shape)


LOSSES = {
    "squared_error": (SquaredError(), "real"),
    "binary_cross_entropy": (SigmoidBinaryCrossEntropy(), "binary"),
    "softmax_cross_entropy": (SoftmaxCrossEntropy(), "onehot"),
    "poisson": (PoissonLoss(), "counts"),
}


@pytest.mark.parametrize("name", sorted(LOSSES))
@pytest.mark.parametrize("weighted", [False, True])
def test_loss_gradients_match_central_differences(name, weighted):
    rng = np.random.default_rng(3)
    loss, kind = LOSSES[name]
    out = rng.standard_normal((6, 4))
    y = _targets(kind, rng, out.shape)
    weights = rng.uniform(0.1, 3.0, size=6) if weighted else None
    assert check_loss_gradient(loss, y, out, weights, rtol=RTOL) < RTOL


def test_check_gradients_catches_a_wrong_backward():
    class WrongTanh(Activation):
        def backward(self, dY, need_input_grad=True):
            return dY * (1 - np.tanh(self._output) ** 2)  # the post's bug

    rng = np.random.default_rng(0)
    with pytest.raises(AssertionError, match="differs from central differences"):
        check_gradients(WrongTanh("tanh"), rng.standard_normal((5, 3)) * 2)


def test_check_gradients_refuses_float32_layers():
    layer = Dense(3, 2, dtype=np.float32, rng=0)
    with pytest.raises(TypeError, match="float64"):
        check_gradients(layer, np.ones((2, 3)))
