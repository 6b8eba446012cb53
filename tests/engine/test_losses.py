import warnings

import numpy as np
import pytest

from lucidnet.engine.losses import (
    PoissonLoss,
    SigmoidBinaryCrossEntropy,
    SoftmaxCrossEntropy,
    SquaredError,
    get_loss,
)


def test_cross_entropies_never_take_log_of_zero():
    out = np.array([[1000.0, -1000.0], [-1000.0, 1000.0]])
    y = np.array([[0.0, 1.0], [1.0, 0.0]])  # confidently wrong
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(divide="raise", over="raise", invalid="raise"):
            softmax = SoftmaxCrossEntropy().value(y, out)
            binary = SigmoidBinaryCrossEntropy().value(y, out)
    assert softmax == pytest.approx(2000.0)
    assert binary == pytest.approx(2000.0)


def test_values_against_definitions():
    rng = np.random.default_rng(0)
    out = rng.standard_normal((5, 3))
    y = np.eye(3)[[0, 2, 1, 1, 0]]
    p = np.exp(out) / np.exp(out).sum(1, keepdims=True)
    assert SoftmaxCrossEntropy().value(y, out) == pytest.approx(-np.mean(np.log(p[y == 1])))
    s = 1 / (1 + np.exp(-out))
    bce = -np.mean(np.sum(y * np.log(s) + (1 - y) * np.log(1 - s), axis=1))
    assert SigmoidBinaryCrossEntropy().value(y, out) == pytest.approx(bce)
    assert SquaredError().value(y, out) == pytest.approx(0.5 * np.mean(np.sum((out - y) ** 2, 1)))
    counts = np.array([[0.0, 1.0, 3.0]] * 5)
    mu = np.exp(out)
    with np.errstate(divide="ignore", invalid="ignore"):
        dev = np.where(counts > 0, counts * np.log(counts / mu), 0) - counts + mu
    assert PoissonLoss().value(counts, out) == pytest.approx(np.mean(dev.sum(1)))


def test_sample_weight_is_a_weighted_mean():
    out = np.array([[0.0], [2.0]])
    y = np.zeros((2, 1))
    loss = SquaredError()
    assert loss.value(y, out, np.array([1.0, 3.0])) == pytest.approx((0 + 3 * 2.0) / 4)
    np.testing.assert_allclose(loss.gradient(y, out, np.array([1.0, 3.0])), [[0.0], [1.5]])


def test_float32_stays_float32():
    out = np.ones((4, 3), dtype=np.float32)
    y = np.eye(3)[[0, 1, 2, 0]]  # float64 targets must not upcast the gradient
    for loss in (SquaredError(), SoftmaxCrossEntropy(), SigmoidBinaryCrossEntropy()):
        assert loss.gradient(y, out).dtype == np.float32
        assert loss.value_and_gradient(y, out)[1].dtype == np.float32


def test_unknown_loss_lists_names():
    with pytest.raises(ValueError, match="'squared_error'"):
        get_loss("hinge")


def test_integer_labels_for_softmax_say_one_hot_is_expected():
    out = np.zeros((128, 10))
    labels = np.arange(128) % 10
    for call in (
        SoftmaxCrossEntropy().value,
        SoftmaxCrossEntropy().gradient,
        SoftmaxCrossEntropy().value_and_gradient,
    ):
        with pytest.raises(ValueError) as error:
            call(labels, out)
        message = str(error.value)
        assert "one-hot targets of shape (n_samples, n_classes) = (128, 10)" in message
        assert "got y of shape (128,)" in message
        assert "np.eye(10)[labels]" in message
    # ... and the encoding it suggests is accepted
    SoftmaxCrossEntropy().value_and_gradient(np.eye(10)[labels], out)


def test_targets_of_another_shape_are_refused_not_broadcast():
    out = np.zeros((5, 1))
    with pytest.raises(ValueError, match=r"output's shape \(5, 1\); got y of shape \(5,\)"):
        SquaredError().value_and_gradient(np.ones(5), out)  # would broadcast to (5, 5)
    with pytest.raises(ValueError, match=r"y.reshape\(-1, 1\)"):
        SigmoidBinaryCrossEntropy().gradient(np.ones(5), out)
    with pytest.raises(ValueError, match=r"\(5, 3\)"):
        PoissonLoss().value(np.ones((5, 3)), out)


def test_train_step_with_integer_labels_names_the_fix():
    from lucidnet import Adam, Dense, Sequential

    rng = np.random.default_rng(0)
    net = Sequential([Dense(4, 3, rng=rng)])
    X, labels = rng.standard_normal((8, 4)), np.arange(8) % 3
    with pytest.raises(ValueError, match="one-hot"):
        net.train_step(X, labels, SoftmaxCrossEntropy(), Adam(net.parameters()))
    assert net.train_step(X, np.eye(3)[labels], SoftmaxCrossEntropy(), Adam(net.parameters())) > 0
