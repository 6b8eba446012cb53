import numpy as np
import pytest

from lucidnet import (
    SGD,
    Activation,
    Adam,
    Dense,
    Dropout,
    Sequential,
    SoftmaxCrossEntropy,
)


def make_net(dtype, seed=0, dropout=0.0):
    rng = np.random.default_rng(seed)
    layers = [Dense(4, 8, rng=rng, dtype=dtype), Activation("relu")]
    if dropout:
        layers.append(Dropout(dropout, rng=rng))
    layers += [Dense(8, 3, rng=rng, dtype=dtype)]
    return Sequential(layers)


def blobs(n=60, seed=1):
    rng = np.random.default_rng(seed)
    y = rng.integers(3, size=n)
    X = rng.standard_normal((n, 4)) + 2.0 * np.eye(4)[y]
    return X, np.eye(3)[y]


def test_batch_forward_is_the_per_sample_forward():
    net = make_net(np.float64)
    X, _ = blobs()
    batch = net.forward(X)
    rows = np.vstack([net.forward(X[i : i + 1]) for i in range(len(X))])
    np.testing.assert_allclose(batch, rows, rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_training_lowers_the_loss_and_keeps_the_dtype(dtype):
    net = make_net(dtype, dropout=0.1)
    X, Y = blobs()
    X, Y = X.astype(dtype), Y.astype(dtype)
    loss, opt = SoftmaxCrossEntropy(), Adam(net.parameters(), learning_rate=0.01)
    first = net.train_step(X, Y, loss, opt)
    for _ in range(200):
        last = net.train_step(X, Y, loss, opt)
    assert last < 0.5 * first
    for p in net.parameters():
        assert p.value.dtype == dtype and p.grad.dtype == dtype
    assert net.forward(X, training=True).dtype == dtype
    assert net.forward(X).dtype == dtype


def test_float32_and_float64_networks_agree():
    X, Y = blobs()
    nets = {dt: make_net(dt, seed=5) for dt in (np.float32, np.float64)}
    for dt, net in nets.items():
        opt = SGD(net.parameters(), learning_rate=0.1, momentum=0.9)
        for _ in range(50):
            net.train_step(X.astype(dt), Y.astype(dt), SoftmaxCrossEntropy(), opt)
    out32 = nets[np.float32].forward(X.astype(np.float32))
    out64 = nets[np.float64].forward(X)
    np.testing.assert_allclose(out32, out64, rtol=1e-3, atol=1e-3)


def test_same_seed_same_weights_different_seed_different_weights():
    a, b, c = make_net(np.float64, 7), make_net(np.float64, 7), make_net(np.float64, 8)
    for pa, pb in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(pa.value, pb.value)
    assert not np.array_equal(a.parameters()[0].value, c.parameters()[0].value)


def test_dropout_is_identity_at_prediction_and_scaled_in_training():
    layer = Dropout(0.5, rng=0)
    X = np.ones((1000, 10))
    np.testing.assert_array_equal(layer.forward(X), X)
    out = layer.forward(X, training=True)
    assert set(np.unique(out)) == {0.0, 2.0}
    assert abs(out.mean() - 1.0) < 0.05


def test_a_short_last_batch_reuses_the_buffers_correctly():
    net = make_net(np.float64)
    X, _ = blobs(10)
    full = net.forward(X, training=True).copy()
    part = net.forward(X[:3], training=True)
    np.testing.assert_allclose(part, full[:3])
    np.testing.assert_allclose(net.forward(X[:3]), full[:3])


def test_sequential_refuses_non_layers():
    with pytest.raises(TypeError, match="Layer objects"):
        Sequential([Dense(2, 2), "relu"])


def test_prediction_in_chunks_is_prediction_in_one_piece(monkeypatch):
    import lucidnet.engine.network

    net = make_net(np.float64)
    X, _ = blobs(n=50)
    whole = net.forward(X, training=True).copy()  # training mode never chunks
    monkeypatch.setattr(lucidnet.engine.network, "PREDICT_CHUNK", 7)
    chunked = net.forward(X)
    np.testing.assert_allclose(chunked, whole, rtol=1e-12)
    assert chunked.shape == (50, 3)


def test_sequential_packs_its_parameters_into_one_buffer():
    net = make_net(np.float32)
    (buffer,) = net.buffers
    assert buffer.value.size == sum(p.value.size for p in net.parameters())
    first = net.layers[0].W
    first.value[0, 0] = 123.0
    assert buffer.value[0] == 123.0


def test_a_second_network_over_shared_layers_leaves_the_first_one_training():
    net = make_net(np.float64)
    opt = SGD(net.parameters(), learning_rate=0.1)
    encoder = Sequential(net.layers[:2])  # shares the first Dense layer
    assert encoder.buffers == []
    before = net.layers[0].W.value.copy()
    X, Y = blobs()
    net.train_step(X, Y, SoftmaxCrossEntropy(), opt)
    assert not np.allclose(net.layers[0].W.value, before)
    np.testing.assert_array_equal(
        encoder.forward(X), np.maximum(X @ net.layers[0].W.value + net.layers[0].b.value, 0)
    )


@pytest.mark.parametrize("name", ["relu", "tanh", "logistic", "identity", "leaky_relu"])
def test_activation_backward_may_write_into_its_gradient(name):
    from lucidnet import get_activation

    f = get_activation(name)
    rng = np.random.default_rng(0)
    a = f.value(rng.standard_normal((5, 4)))
    grad = rng.standard_normal((5, 4))
    expected = f.backward(a, grad.copy())
    result = f.backward(a, grad, out=grad)
    np.testing.assert_allclose(grad, expected)
    np.testing.assert_allclose(result, expected)


def test_batch_normalization_of_one_sample_uses_the_running_statistics():
    from lucidnet import BatchNormalization

    layer = BatchNormalization(3)
    layer.running_mean[...] = [1.0, 2.0, 3.0]
    layer.running_var[...] = [4.0, 4.0, 4.0]
    out = layer.forward(np.array([[3.0, 2.0, 1.0]]), training=True)
    np.testing.assert_allclose(out, [[1.0, 0.0, -1.0]], atol=1e-5)  # not all zeros
    np.testing.assert_array_equal(layer.running_var, [4.0, 4.0, 4.0])  # left alone
    np.testing.assert_allclose(layer.backward(np.ones((1, 3))), 0.5 * np.ones((1, 3)), rtol=1e-5)


def test_reshape_refuses_sizes_that_are_not_positive():
    from lucidnet import Reshape

    with pytest.raises(ValueError, match="Reshape needs positive sizes, got \\(-1, 4\\)"):
        Reshape((-1, 4))


def test_a_network_that_needs_much_per_row_predicts_fewer_rows_at_once(monkeypatch):
    """PREDICT_CHUNK rows at once, unless that many would need more than
    PREDICT_CHUNK_BYTES by engine/cost.py's rule (a padded convolution)."""
    import lucidnet.engine.network
    from lucidnet import Conv1D, Flatten

    seen = []

    class Spy(Flatten):
        def forward(self, X, training=False):
            seen.append(X.shape[0])
            return super().forward(X, training)

    rng = np.random.default_rng(0)
    net = Sequential([Conv1D(1, 2, 3, padding=1000, rng=rng), Spy()])
    X = rng.standard_normal((50, 8, 1))
    whole = net.forward(X)
    assert seen == [50]
    # output, padded input, windows of 3 and the bias's column of ones, Flatten's output
    per_row = 2 * (8 + 2000 - 2) + (8 + 2000) + (8 + 2000 - 2) * 4 + 2 * (8 + 2000 - 2)
    monkeypatch.setattr(lucidnet.engine.network, "PREDICT_CHUNK_BYTES", 8 * per_row * 20)
    seen.clear()
    chunked = Sequential(net.layers).forward(X)
    assert seen == [20, 20, 10]
    np.testing.assert_allclose(chunked, whole, rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("relu_first", [False, True])
def test_a_relu_before_a_max_pooling_trains_after_it_with_the_same_bits(dtype, relu_first):
    """Training runs ReLU -> MaxPool as MaxPool -> ReLU (on the smaller array):
    the output, the input gradient and every parameter's gradient equal, bit
    for bit, those of the layers run in their listed order, on inputs with
    ties, zeros and windows holding no positive value."""
    import copy

    from lucidnet import Conv2D, Flatten, MaxPool1D, MaxPool2D
    from lucidnet.engine.network import _training_order

    rng = np.random.default_rng(0)
    if relu_first:  # the network's input gradient comes out of the pooling
        layers = [Activation("relu"), MaxPool1D(2), Flatten(), Dense(12, 3, rng=rng, dtype=dtype)]
        X = rng.integers(-3, 3, size=(5, 8, 3)).astype(dtype)
    else:
        layers = [Conv2D(2, 4, 3, padding="same", rng=rng, dtype=dtype), Activation("relu"),
                  MaxPool2D(2), Activation("relu"), MaxPool2D(2, strides=1), Flatten(),
                  Dense(36, 3, rng=rng, dtype=dtype)]  # fmt: skip
        layers[0].W.value[...] = rng.integers(-2, 3, size=layers[0].W.value.shape)
        X = rng.integers(-2, 3, size=(6, 8, 8, 2)).astype(dtype)
    in_order = copy.deepcopy(layers)
    net = Sequential(layers)
    assert _training_order(layers) != list(range(len(layers)))
    out = net.forward(X, training=True)
    dY = rng.integers(-2, 3, size=out.shape).astype(dtype)
    dX = net.backward(dY, need_input_grad=True)
    expected = X
    for layer in in_order:
        expected = layer.forward(expected, training=True)
    np.testing.assert_array_equal(out, expected)
    grad = dY
    for layer in reversed(in_order):
        grad = layer.backward(grad)
    np.testing.assert_array_equal(dX, grad)
    assert np.signbit(dX).tolist() == np.signbit(grad).tolist()  # zeros of the same sign
    for p, q in zip(net.parameters(), [q for layer in in_order for q in layer.parameters()]):
        np.testing.assert_array_equal(p.grad, q.grad)
