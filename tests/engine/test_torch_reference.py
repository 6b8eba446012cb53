"""The convolution, pooling and normalization layers against PyTorch's, on random inputs.

Outputs and gradients (of the input and of every parameter) must agree; the
layouts differ (lucidnet is channels-last, PyTorch channels-first), which the
comparison converts. Skipped where PyTorch is not installed (`make bench`
installs its CPU build).
"""

import numpy as np
import pytest

from lucidnet.engine.conv import Conv1D, Conv2D
from lucidnet.engine.normalization import BatchNormalization
from lucidnet.engine.pooling import (
    AvgPool1D,
    AvgPool2D,
    GlobalAvgPool,
    MaxPool1D,
    MaxPool2D,
    UpSampling1D,
    UpSampling2D,
)

torch = pytest.importorskip("torch")
F = torch.nn.functional


def channels_first(a):
    return np.moveaxis(a, -1, 1)


def channels_last(a):
    return np.moveaxis(a, 1, -1)


def run_torch(function, X, *params):
    """Output and gradients of ``sum(function(X, *params) * R)`` for a fixed R."""
    x = torch.tensor(channels_first(X), requires_grad=True)
    ps = [torch.tensor(p, requires_grad=True) for p in params]
    y = function(x, *ps)
    R = torch.tensor(np.random.default_rng(5).standard_normal(tuple(y.shape)))
    (y * R).sum().backward()
    return (channels_last(y.detach().numpy()), channels_last(R.numpy()),
            channels_last(x.grad.numpy()), [p.grad.numpy() for p in ps])  # fmt: skip


CONVOLUTIONS = [
    (2, dict(kernel_size=3)),
    (2, dict(kernel_size=3, strides=2)),
    (2, dict(kernel_size=(3, 2), padding="same")),
    (2, dict(kernel_size=3, padding=2, dilation=2)),
    (2, dict(kernel_size=(2, 3), strides=(1, 2), padding=1, dilation=(2, 1))),
    (1, dict(kernel_size=5, strides=2, padding=1)),
    (1, dict(kernel_size=3, padding="same", dilation=2)),
]


@pytest.mark.parametrize("n_spatial, settings", CONVOLUTIONS, ids=str)
def test_convolution_matches_pytorch(n_spatial, settings):
    rng = np.random.default_rng(0)
    spatial = (9, 8) if n_spatial == 2 else (17,)
    X = rng.standard_normal((3, *spatial, 4))
    layer = (Conv2D if n_spatial == 2 else Conv1D)(4, 5, rng=rng, **settings)
    conv = F.conv2d if n_spatial == 2 else F.conv1d
    # PyTorch's kernel is (filters, in_channels, *kernel); lucidnet's (*kernel, in, filters).
    W = np.moveaxis(layer.W.value, (-1, -2), (0, 1)).copy()

    options = dict(
        stride=settings.get("strides", 1),
        padding=settings.get("padding", "valid"),
        dilation=settings.get("dilation", 1),
    )

    def torch_conv(x, w, b):
        return conv(x, w, b, **options)

    Y, R, dX, (dW, db) = run_torch(torch_conv, X, W, layer.b.value)
    np.testing.assert_allclose(layer.forward(X, training=True), Y, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(layer.backward(R.copy()), dX, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(np.moveaxis(layer.W.grad, (-1, -2), (0, 1)), dW, rtol=1e-10)
    np.testing.assert_allclose(layer.b.grad, db, rtol=1e-10)
    np.testing.assert_allclose(layer.forward(X), Y, rtol=1e-10, atol=1e-12)


POOLS = [
    (MaxPool2D(2), lambda x: F.max_pool2d(x, 2)),
    (MaxPool2D(3, strides=2), lambda x: F.max_pool2d(x, 3, stride=2)),
    (AvgPool2D((2, 3)), lambda x: F.avg_pool2d(x, (2, 3))),
    (MaxPool1D(3), lambda x: F.max_pool1d(x, 3)),
    (AvgPool1D(2, strides=1), lambda x: F.avg_pool1d(x, 2, stride=1)),
    (GlobalAvgPool(), lambda x: x.mean(dim=tuple(range(2, x.ndim)))[..., None]),
    (UpSampling2D(2), lambda x: F.interpolate(x, scale_factor=2, mode="nearest")),
    (UpSampling1D(3), lambda x: F.interpolate(x, scale_factor=3, mode="nearest")),
]


@pytest.mark.parametrize("layer, reference", POOLS, ids=lambda p: repr(p)[:30])
def test_pooling_matches_pytorch(layer, reference):
    rng = np.random.default_rng(1)
    n_spatial = 1 if "1D" in type(layer).__name__ else 2
    X = rng.standard_normal((2, *((11, 9) if n_spatial == 2 else (13,)), 3))
    Y, R, dX, _ = run_torch(reference, X)
    if isinstance(layer, GlobalAvgPool):
        Y, R = Y[:, 0], R[:, 0]  # (n, 1, C) channels last -> (n, C)
    np.testing.assert_allclose(layer.forward(X, training=True), Y, rtol=1e-12)
    np.testing.assert_allclose(layer.backward(R.copy()), dX, rtol=1e-12)
    np.testing.assert_allclose(layer.forward(X), Y, rtol=1e-12)


@pytest.mark.parametrize("shape", [(8, 5), (4, 6, 7, 3)], ids=["features", "channels"])
def test_batch_normalization_matches_pytorch(shape):
    rng = np.random.default_rng(2)
    X = rng.standard_normal(shape) * 3 + 1
    layer = BatchNormalization(shape[-1])
    layer.gamma.value[...] = rng.uniform(0.5, 2, shape[-1])
    layer.beta.value[...] = rng.standard_normal(shape[-1])
    norm = torch.nn.BatchNorm1d if len(shape) == 2 else torch.nn.BatchNorm2d
    reference = norm(shape[-1], eps=1e-5, momentum=0.1, dtype=torch.float64)
    with torch.no_grad():
        reference.weight.copy_(torch.tensor(layer.gamma.value))
        reference.bias.copy_(torch.tensor(layer.beta.value))
    Y, R, dX, _ = run_torch(reference, X)
    np.testing.assert_allclose(layer.forward(X, training=True), Y, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(layer.backward(R.copy()), dX, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(layer.running_mean, reference.running_mean.numpy(), rtol=1e-12)
    np.testing.assert_allclose(layer.running_var, reference.running_var.numpy(), rtol=1e-12)
    reference.eval()
    expected = channels_last(reference(torch.tensor(channels_first(X))).detach().numpy())
    np.testing.assert_allclose(layer.forward(X), expected, rtol=1e-10, atol=1e-12)
