"""The contract every layer keeps, checked for every layer by one parametrized test.

A new layer joins by adding one line to LAYERS: a builder ``(rng, dtype) ->
layer`` and the shape of one input sample. Each layer is then checked for
- gradients of the input and of every parameter against central differences,
  in float64, on a batch and on a single sample;
- float32: a float32 layer computes, and keeps its gradients, in float32, and
  agrees with the float64 layer built from the same seed;
- shapes: the output has ``output_shape``'s shape, every gradient its array's;
  a shorter batch after a longer one (reused buffers) gives the same rows;
- pickling: a copy predicts the same and trains on from the same state.
Losses have their own gradient check below (LOSSES).
"""

import pickle
from typing import NamedTuple

import numpy as np
import pytest

from lucidnet import Activation, Dense, Dropout, Sequential
from lucidnet.engine.activations import ACTIVATIONS
from lucidnet.engine.conv import Conv1D, Conv2D
from lucidnet.engine.layers import Layer
from lucidnet.engine.losses import (
    PoissonLoss,
    SigmoidBinaryCrossEntropy,
    SoftmaxCrossEntropy,
    SquaredError,
)
from lucidnet.engine.noise import GaussianNoise, Masking
from lucidnet.engine.normalization import BatchNormalization
from lucidnet.engine.pooling import (
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
from lucidnet.engine.residual import Residual
from lucidnet.engine.testing import check_gradients, check_loss_gradient

RTOL = 1e-6


class NetworkAsLayer(Layer):
    """A whole Sequential seen through the layer interface, to check chaining."""

    def __init__(self, layers):
        super().__init__()
        self.net = Sequential(layers)

    def forward(self, X, training=False):
        return self.net.forward(X, training=training)

    def backward(self, dY, need_input_grad=True):
        return self.net.backward(dY, need_input_grad=need_input_grad)

    def parameters(self):
        return self.net.parameters()

    def output_shape(self, input_shape):
        return self.net.output_shape(input_shape)

    @property
    def rng(self):  # the dropout layer's generator, restored by check_gradients
        return self.net.layers[2].rng


def _network(rng, dtype):
    return NetworkAsLayer(
        [
            Dense(5, 4, rng=rng, dtype=dtype),
            Activation("tanh"),
            Dropout(0.2, rng=rng),
            Dense(4, 3, rng=rng, dtype=dtype),
        ]
    )


def _residual_identity(rng, dtype):
    return Residual([Dense(4, 4, rng=rng, dtype=dtype), Activation("tanh"),
                     Dense(4, 4, rng=rng, dtype=dtype)])  # fmt: skip


def _residual_projection(rng, dtype):
    """Convolutions and batch norm on both paths, the channel count changing
    from 2 to 3. (In the time-series ResNet batch norm follows every
    convolution, which makes the convolution's bias gradient exactly 0:
    central differences cannot check that, so here it follows the activation,
    and comes first on the shortcut.)"""
    return Residual(
        [Conv1D(2, 3, 5, padding="same", rng=rng, dtype=dtype), Activation("relu"),
         BatchNormalization(3, dtype=dtype), Conv1D(3, 3, 3, padding="same", rng=rng, dtype=dtype)],
        shortcut=[BatchNormalization(2, dtype=dtype), Conv1D(2, 3, 1, rng=rng, dtype=dtype)],
    )  # fmt: skip


def _residual_normalized_shortcut(rng, dtype):
    return Residual([Conv2D(3, 3, 3, padding="same", rng=rng, dtype=dtype), Activation("tanh")],
                    [BatchNormalization(3, dtype=dtype)])  # fmt: skip


class Case(NamedTuple):
    build: object  # (rng, dtype) -> Layer
    input_shape: tuple  # one sample's
    batch_statistics: bool = False  # training output of a row depends on the other rows


LAYERS = {
    "dense": Case(lambda rng, dtype: Dense(5, 3, rng=rng, dtype=dtype), (5,)),
    "dense_classic_init": Case(
        lambda rng, dtype: Dense(4, 6, init="classic", rng=rng, dtype=dtype), (4,)
    ),
    "dense_he": Case(lambda rng, dtype: Dense(4, 2, init="he_normal", rng=rng, dtype=dtype), (4,)),
    **{
        f"activation_{name}": Case(lambda rng, dtype, n=name: Activation(n), (4,))
        for name in ACTIVATIONS
    },
    "dropout": Case(lambda rng, dtype: Dropout(0.3, rng=rng), (4,)),
    "sequential": Case(_network, (5,)),
    "conv2d": Case(lambda rng, dtype: Conv2D(3, 4, 3, rng=rng, dtype=dtype), (7, 6, 3)),
    "conv2d_stride_2": Case(
        lambda rng, dtype: Conv2D(2, 3, 3, strides=2, rng=rng, dtype=dtype), (7, 8, 2)
    ),
    "conv2d_same": Case(
        lambda rng, dtype: Conv2D(2, 3, (3, 2), padding="same", rng=rng, dtype=dtype), (5, 6, 2)
    ),
    "conv2d_padding_1_dilation_2": Case(
        lambda rng, dtype: Conv2D(2, 2, 3, padding=1, dilation=2, rng=rng, dtype=dtype), (7, 6, 2)
    ),
    "conv2d_same_stride_2_1_dilation_1_2": Case(
        lambda rng, dtype: Conv2D(
            1, 2, 3, strides=(2, 1), padding="same", dilation=(1, 2), rng=rng, dtype=dtype
        ),
        (7, 6, 1),
    ),
    "conv2d_glorot_init": Case(
        lambda rng, dtype: Conv2D(2, 2, 2, init="glorot_uniform", rng=rng, dtype=dtype), (4, 4, 2)
    ),
    "conv1d": Case(lambda rng, dtype: Conv1D(2, 3, 5, rng=rng, dtype=dtype), (12, 2)),
    "conv1d_stride_2_padding_1": Case(
        lambda rng, dtype: Conv1D(2, 3, 5, strides=2, padding=1, rng=rng, dtype=dtype), (13, 2)
    ),
    "conv1d_same_dilation_3": Case(
        lambda rng, dtype: Conv1D(1, 2, 3, padding="same", dilation=3, rng=rng, dtype=dtype),
        (10, 1),
    ),
    "max_pool2d": Case(lambda rng, dtype: MaxPool2D(2), (6, 5, 3)),
    "max_pool2d_3_stride_2": Case(lambda rng, dtype: MaxPool2D(3, strides=2), (7, 7, 2)),
    "avg_pool2d": Case(lambda rng, dtype: AvgPool2D((2, 3)), (6, 7, 2)),
    "max_pool1d": Case(lambda rng, dtype: MaxPool1D(3), (10, 2)),
    "avg_pool1d_stride_1": Case(lambda rng, dtype: AvgPool1D(2, strides=1), (9, 3)),
    # Windows of more than 256 positions: the offset of a maximum needs more than a byte.
    "max_pool1d_257": Case(lambda rng, dtype: MaxPool1D(257), (260, 1)),
    "max_pool2d_17x17": Case(lambda rng, dtype: MaxPool2D(17), (35, 18, 1)),
    "global_avg_pool_2d": Case(lambda rng, dtype: GlobalAvgPool(), (4, 5, 3)),
    "global_avg_pool_1d": Case(lambda rng, dtype: GlobalAvgPool(), (6, 2)),
    "up_sampling2d": Case(lambda rng, dtype: UpSampling2D(2), (3, 2, 2)),
    "up_sampling2d_to_7x5": Case(lambda rng, dtype: UpSampling2D(2, output_size=(7, 5)), (3, 3, 2)),
    "up_sampling1d_3_cut_to_8": Case(lambda rng, dtype: UpSampling1D(3, output_size=8), (3, 2)),
    "gaussian_noise": Case(lambda rng, dtype: GaussianNoise(0.4, rng=rng), (5,)),
    "masking": Case(lambda rng, dtype: Masking(0.3, rng=rng), (4, 3, 2)),
    "flatten": Case(lambda rng, dtype: Flatten(), (3, 4, 2)),
    "reshape": Case(lambda rng, dtype: Reshape((4, 3, 1)), (12,)),
    "residual_identity": Case(_residual_identity, (4,)),
    "residual_conv1d_projection": Case(_residual_projection, (10, 2), True),
    "residual_conv2d_normalized_shortcut": Case(_residual_normalized_shortcut, (5, 4, 3), True),
    "batch_norm_features": Case(lambda rng, dtype: BatchNormalization(5, dtype=dtype), (5,), True),
    "batch_norm_channels": Case(
        lambda rng, dtype: BatchNormalization(3, dtype=dtype), (4, 5, 3), True
    ),
}


def build(name, dtype=np.float64, seed=42):
    """The layer, and a batch of 7 inputs of its dtype, from one seed."""
    case = LAYERS[name]
    rng = np.random.default_rng(seed)
    layer = case.build(rng, dtype)
    X = rng.standard_normal((7, *case.input_shape)).astype(dtype)
    return layer, X


def forward(layer, X, training, rng_state=None):
    """``layer.forward``, with its random generator (if any) put back to
    ``rng_state`` first, so two passes draw the same dropout mask."""
    if rng_state is not None:
        layer.rng.bit_generator.state = rng_state
    return layer.forward(X, training=training)


def rng_state(layer):
    rng = getattr(layer, "rng", None)
    return None if rng is None else rng.bit_generator.state


@pytest.mark.parametrize("n_samples", [7, 1])  # one sample takes its own path in Dense
@pytest.mark.parametrize("name", sorted(LAYERS))
def test_gradients_match_central_differences_in_float64(name, n_samples):
    layer, X = build(name)
    errors = check_gradients(layer, X[:n_samples], rtol=RTOL)
    assert max(errors.values()) < RTOL


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_float32_layer_computes_in_float32_and_agrees_with_float64(name):
    layer32, X32 = build(name, np.float32)
    layer64, X64 = build(name, np.float64)
    predicted32 = forward(layer32, X32, training=False)  # before training moves any state
    assert predicted32.dtype == np.float32
    predicted64 = forward(layer64, X64, training=False)
    np.testing.assert_allclose(predicted32, predicted64, rtol=1e-4, atol=1e-5)
    state = rng_state(layer32)
    out = forward(layer32, X32, training=True, rng_state=state)
    assert out.dtype == np.float32
    dX = layer32.backward(np.ones_like(out))
    assert dX.dtype == np.float32
    for p in layer32.parameters():
        assert p.value.dtype == np.float32 and p.grad.dtype == np.float32, p
    if state is None:  # random layers draw float32 and float64 numbers differently
        trained64 = forward(layer64, X64, training=True)
        np.testing.assert_allclose(out, trained64, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_shapes_and_reused_buffers(name):
    layer, X = build(name)
    expected = (X.shape[0], *layer.output_shape(X.shape[1:]))
    state = rng_state(layer)
    assert forward(layer, X, training=False).shape == expected
    out = forward(layer, X, training=True, rng_state=state).copy()
    assert out.shape == expected
    dX = layer.backward(np.ones_like(out))
    assert dX.shape == X.shape
    for p in layer.parameters():
        assert p.grad.shape == p.value.shape, p
    # A shorter batch after a longer one (the last batch of an epoch) reuses
    # the layer's buffers: its rows must come out as in the longer batch.
    part = forward(layer, X[:3], training=True, rng_state=state)
    assert part.shape == (3, *expected[1:])
    if state is None and not LAYERS[name].batch_statistics:  # else other rows matter
        np.testing.assert_allclose(part, out[:3], rtol=1e-12)


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_pickled_copy_predicts_the_same_and_trains_on(name):
    layer, X = build(name)
    out = forward(layer, X, training=True)
    layer.backward(np.ones_like(out))  # buffers and kept inputs exist: not pickled
    copy = pickle.loads(pickle.dumps(layer))
    np.testing.assert_array_equal(copy.forward(X), layer.forward(X))
    for p, q in zip(layer.parameters(), copy.parameters()):
        np.testing.assert_array_equal(p.value, q.value)
        assert not np.shares_memory(p.value, q.value)
    # The same random state and weights: the next training pass is the same too.
    np.testing.assert_array_equal(copy.forward(X, training=True), forward(layer, X, training=True))
    np.testing.assert_array_equal(
        copy.backward(np.ones_like(out)), layer.backward(np.ones_like(out))
    )


def test_output_shape_refuses_an_input_the_layer_cannot_take():
    with pytest.raises(ValueError, match="expects 4 input features, got input shape \\(5,\\)"):
        Sequential([Dense(3, 5), Activation("relu"), Dense(4, 2)]).output_shape((3,))


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
