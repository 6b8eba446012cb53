"""Each optimizer's first two steps against the formulas worked by hand."""

import numpy as np
import pytest

from lucidnet import SGD, Adam, Parameter, lbfgs
from lucidnet.engine.parameters import blocks, pack

W0 = np.array([1.0, -2.0])
G1 = np.array([0.5, 0.25])
G2 = np.array([-1.0, 2.0])


def two_steps(make_optimizer, regularize=True):
    p = Parameter(W0.copy(), regularize=regularize)
    opt = make_optimizer([p])
    history = []
    for g in (G1, G2):
        p.grad[...] = g
        opt.step()
        history.append(p.value.copy())
    return history


def test_plain_sgd():
    w1, w2 = two_steps(lambda ps: SGD(ps, learning_rate=0.1))
    np.testing.assert_allclose(w1, [1.0 - 0.05, -2.0 - 0.025])
    np.testing.assert_allclose(w2, [0.95 + 0.1, -2.025 - 0.2])


def test_sgd_momentum():
    w1, w2 = two_steps(lambda ps: SGD(ps, learning_rate=0.1, momentum=0.9))
    v1 = -0.1 * G1  # [-0.05, -0.025]
    v2 = 0.9 * v1 - 0.1 * G2  # [0.055, -0.2225]
    np.testing.assert_allclose(w1, W0 + v1)
    np.testing.assert_allclose(w2, W0 + v1 + v2)
    np.testing.assert_allclose(w2, [1.005, -2.2475])


def test_sgd_nesterov():
    w1, w2 = two_steps(lambda ps: SGD(ps, learning_rate=0.1, momentum=0.9, nesterov=True))
    v1 = -0.1 * G1
    step1 = 0.9 * v1 - 0.1 * G1  # [-0.095, -0.0475]
    v2 = 0.9 * v1 - 0.1 * G2
    step2 = 0.9 * v2 - 0.1 * G2  # [0.1495, -0.40025]
    np.testing.assert_allclose(w1, [0.905, -2.0475])
    np.testing.assert_allclose(w2, W0 + step1 + step2)


def test_adam():
    w1, w2 = two_steps(lambda ps: Adam(ps, learning_rate=0.01, beta_1=0.9, beta_2=0.999))
    m1, v1 = 0.1 * G1, 0.001 * G1**2
    lr1 = 0.01 * np.sqrt(1 - 0.999) / (1 - 0.9)
    expect1 = W0 - lr1 * m1 / (np.sqrt(v1) + 1e-8)
    m2, v2 = 0.9 * m1 + 0.1 * G2, 0.999 * v1 + 0.001 * G2**2
    lr2 = 0.01 * np.sqrt(1 - 0.999**2) / (1 - 0.9**2)
    expect2 = expect1 - lr2 * m2 / (np.sqrt(v2) + 1e-8)
    np.testing.assert_allclose(w1, expect1)
    np.testing.assert_allclose(w2, expect2)
    # The first Adam step moves every weight by about the learning rate.
    np.testing.assert_allclose(np.abs(w1 - W0), 0.01, rtol=1e-5)


def test_l2_adds_l2_times_weight_to_the_gradient():
    w1, _ = two_steps(lambda ps: SGD(ps, learning_rate=0.1, l2=0.5))
    np.testing.assert_allclose(w1, W0 - 0.1 * (G1 + 0.5 * W0))
    b1, _ = two_steps(lambda ps: SGD(ps, learning_rate=0.1, l2=0.5), regularize=False)
    np.testing.assert_allclose(b1, W0 - 0.1 * G1)


def test_float32_updates_stay_float32():
    p = Parameter(np.ones(3, dtype=np.float32))
    for opt in (SGD([p], 0.1, momentum=0.9, nesterov=True), Adam([p], 0.1, l2=0.1)):
        p.grad[...] = 1.0
        opt.step()
        assert p.value.dtype == np.float32


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda ps: SGD(ps, learning_rate=0), "learning_rate"),
        (lambda ps: SGD(ps, momentum=1.0), "momentum"),
        (lambda ps: Adam(ps, beta_1=1.0), "beta_1"),
        (lambda ps: Adam(ps, epsilon=0), "epsilon"),
    ],
)
def test_bad_settings_are_refused(make, message):
    with pytest.raises(ValueError, match=message):
        make([Parameter(np.zeros(2))])


def test_lbfgs_minimizes_a_quadratic():
    target = np.array([[3.0, -1.0], [0.5, 2.0]])
    p = Parameter(np.zeros((2, 2)))

    def loss_and_gradients():
        diff = p.value - target
        p.grad[...] = diff
        return 0.5 * float(np.sum(diff**2))

    result = lbfgs([p], loss_and_gradients, max_iter=50, tol=1e-10)
    assert result.success
    np.testing.assert_allclose(p.value, target, atol=1e-6)


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: SGD(ps, learning_rate=0.1, l2=0.01),
        lambda ps: SGD(ps, learning_rate=0.1, momentum=0.9, l2=0.01),
        lambda ps: SGD(ps, learning_rate=0.1, momentum=0.9, nesterov=True, l2=0.01),
        lambda ps: Adam(ps, learning_rate=0.1, l2=0.01),
    ],
)
def test_a_packed_buffer_takes_the_same_steps_as_separate_parameters(make):
    """Optimizers update a network's one contiguous buffer in a few passes; the
    result must be the per-parameter formulas, biases left unpenalized."""
    rng = np.random.default_rng(0)
    values = [rng.standard_normal((3, 4)), rng.standard_normal(4), rng.standard_normal((4, 2))]
    flags = [True, False, True]

    def run(packed):
        params = [Parameter(v.copy(), regularize=r) for v, r in zip(values, flags)]
        if packed:
            (buffer,) = pack(params)
            assert all(np.shares_memory(p.value, buffer.value) for p in params)
        opt = make(params)
        step_rng = np.random.default_rng(1)
        for _ in range(3):
            for p in params:
                p.grad[...] = step_rng.standard_normal(p.grad.shape)
            opt.step()
        return [p.value.copy() for p in params]

    for a, b in zip(run(packed=False), run(packed=True)):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_pack_keeps_values_and_makes_views():
    params = [Parameter(np.arange(6.0).reshape(2, 3)), Parameter(np.ones(3), regularize=False)]
    (buffer,) = pack(params)
    np.testing.assert_array_equal(buffer.value, [0, 1, 2, 3, 4, 5, 1, 1, 1])
    params[0].value[1, 2] = -7
    params[1].grad[0] = 3
    assert buffer.value[5] == -7 and buffer.grad[6] == 3
    assert buffer.regularized == [slice(0, 6)]
    assert blocks(params) == [buffer]
    assert len(blocks(params[:1])) == 1 and blocks(params[:1])[0] is not buffer


def test_a_parameter_that_cannot_be_updated_in_place_is_refused():
    transposed = Parameter(np.ones((3, 4)).T)  # not C-contiguous: flattening would copy
    with pytest.raises(ValueError, match="C-contiguous"):
        Adam([transposed])
