"""The convolution, pooling, normalization and residual layers against PyTorch's, on random inputs.

Outputs and gradients (of the input and of every parameter) must agree; the
layouts differ (lucidnet is channels-last, PyTorch channels-first), which the
comparison converts. Skipped where PyTorch is not installed (`make bench`
installs its CPU build).
"""

import numpy as np
import pytest

from lucidnet.engine.conv import Conv1D, Conv2D
from lucidnet.engine.layers import Activation
from lucidnet.engine.network import Sequential
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
from lucidnet.engine.residual import Residual

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


def test_a_one_channel_convolution_over_many_windows_matches_pytorch():
    """Few inputs per window: the bias rides in the product, and the weight
    gradient's product runs over slices of the windows (conv.py's
    WEIGHT_GRAD_SLICE_BYTES), here more than three of them."""
    from lucidnet.engine import conv as conv_module

    rng = np.random.default_rng(1)
    X = rng.standard_normal((400, 10, 10, 1))
    layer = Conv2D(1, 5, 3, rng=rng)
    rows = X.shape[0] * 8 * 8
    assert rows > 3 * conv_module.WEIGHT_GRAD_SLICE_BYTES // (5 * X.itemsize)
    W = np.moveaxis(layer.W.value, (-1, -2), (0, 1)).copy()
    Y, R, dX, (dW, db) = run_torch(F.conv2d, X, W, layer.b.value)
    np.testing.assert_allclose(layer.forward(X, training=True), Y, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(layer.backward(R.copy()), dX, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(np.moveaxis(layer.W.grad, (-1, -2), (0, 1)), dW, rtol=1e-10)
    np.testing.assert_allclose(layer.b.grad, db, rtol=1e-10)


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


def _resnet_block(rng, n_in, n_out, shortcut):
    """The time-series ResNet's block (Wang et al., 2017) in lucidnet and in
    PyTorch, with the same weights: convolutions of kernels 8, 5, 3, each
    followed by batch norm (and a ReLU after the first two); the shortcut a 1x1
    convolution and batch norm ('conv'), or batch norm alone ('norm')."""

    def pair(n_in, kernel):
        conv = Conv1D(n_in, n_out, kernel, padding="same", rng=rng)
        norm = BatchNormalization(n_out)
        norm.gamma.value[...] = rng.uniform(0.5, 2, n_out)
        norm.beta.value[...] = rng.standard_normal(n_out)
        reference_conv = torch.nn.Conv1d(n_in, n_out, kernel, padding="same", dtype=torch.float64)
        reference_norm = torch.nn.BatchNorm1d(n_out, momentum=0.1, dtype=torch.float64)
        with torch.no_grad():
            reference_conv.weight.copy_(torch.tensor(np.moveaxis(conv.W.value, (-1, -2), (0, 1))))
            reference_conv.bias.copy_(torch.tensor(conv.b.value))
            reference_norm.weight.copy_(torch.tensor(norm.gamma.value))
            reference_norm.bias.copy_(torch.tensor(norm.beta.value))
        return [conv, norm], [reference_conv, reference_norm]

    (c1, r1), (c2, r2), (c3, r3) = pair(n_in, 8), pair(n_out, 5), pair(n_out, 3)
    main = [*c1, Activation("relu"), *c2, Activation("relu"), *c3]
    reference_main = torch.nn.Sequential(*r1, torch.nn.ReLU(), *r2, torch.nn.ReLU(), *r3)
    if shortcut == "conv":
        side, reference_side = pair(n_in, 1)
    else:
        side, reference_side = [BatchNormalization(n_out)], [torch.nn.BatchNorm1d(
            n_out, momentum=0.1, dtype=torch.float64)]  # fmt: skip
    return Residual(main, side), reference_main, torch.nn.Sequential(*reference_side)


@pytest.mark.parametrize("n_in, n_out, shortcut", [(2, 4, "conv"), (4, 4, "norm")])
def test_residual_block_matches_pytorch(n_in, n_out, shortcut):
    rng = np.random.default_rng(3)
    X = rng.standard_normal((5, 19, n_in))
    block, reference_main, reference_shortcut = _resnet_block(rng, n_in, n_out, shortcut)
    net = Sequential([block, Activation("relu")])

    def reference(x):
        return F.relu(reference_main(x) + reference_shortcut(x))

    Y, R, dX, _ = run_torch(reference, X)
    np.testing.assert_allclose(net.forward(X, training=True), Y, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(
        net.backward(R.copy(), need_input_grad=True), dX, rtol=1e-9, atol=1e-11
    )
    modules = [*reference_main, *reference_shortcut]
    ours = [layer for layer in block.layers if layer.parameters()]
    theirs = [m for m in modules if not isinstance(m, torch.nn.ReLU)]
    assert len(ours) == len(theirs)
    for layer, module in zip(ours, theirs):
        if isinstance(layer, Conv1D):
            dW = np.moveaxis(layer.W.grad, (-1, -2), (0, 1))
            np.testing.assert_allclose(dW, module.weight.grad.numpy(), rtol=1e-8, atol=1e-10)
            # 0 up to rounding: batch norm takes away whatever the bias adds
            np.testing.assert_allclose(layer.b.grad, module.bias.grad.numpy(), atol=1e-10)
        else:
            np.testing.assert_allclose(layer.gamma.grad, module.weight.grad.numpy(), rtol=1e-9)
            np.testing.assert_allclose(layer.beta.grad, module.bias.grad.numpy(), rtol=1e-9)
            np.testing.assert_allclose(layer.running_var, module.running_var.numpy(), rtol=1e-12)
    reference_main.eval()
    reference_shortcut.eval()
    expected = channels_last(reference(torch.tensor(channels_first(X))).detach().numpy())
    np.testing.assert_allclose(net.forward(X), expected, rtol=1e-10, atol=1e-12)
