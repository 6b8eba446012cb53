"""The fused optimizer kernels against the NumPy form they compile: equal to the last bit."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lucidnet.engine.kernels as kernels
from lucidnet import SGD, Adam, Dense, Sequential

pytest.importorskip("numba")


def network(sizes, dtype, seed):
    rng = np.random.default_rng(seed)
    return Sequential([Dense(a, b, rng=rng, dtype=dtype) for a, b in zip(sizes[:-1], sizes[1:])])


def run_steps(make_optimizer, sizes, dtype, seed, finish, steps, fused):
    """The weights after ``steps`` updates from the same gradients, with the
    kernels on (``fused``) or off."""
    net = network(sizes, dtype, seed)
    optimizer = make_optimizer(net.parameters())
    rng = np.random.default_rng(seed + 1)
    old = kernels.MIN_FUSED
    kernels.MIN_FUSED = 0 if fused else 10**12
    try:
        for _ in range(steps):
            for p in net.parameters():
                p.grad[...] = rng.standard_normal(p.grad.shape) * 10.0 ** rng.integers(-3, 3)
            optimizer.step(finish)
    finally:
        kernels.MIN_FUSED = old
    return [p.value.copy() for p in net.parameters()]


OPTIMIZERS = {
    "adam": lambda ps: Adam(ps, learning_rate=0.01),
    "adam_odd_betas": lambda ps: Adam(ps, learning_rate=0.3, beta_1=0.5, beta_2=0.7, epsilon=1e-3),
    "sgd": lambda ps: SGD(ps, learning_rate=0.1),
    "sgd_momentum": lambda ps: SGD(ps, learning_rate=0.05, momentum=0.9),
    "sgd_nesterov": lambda ps: SGD(ps, learning_rate=0.05, momentum=0.8, nesterov=True),
}


@settings(max_examples=25, deadline=None)
@given(
    name=st.sampled_from(sorted(OPTIMIZERS)),
    sizes=st.lists(st.integers(1, 9), min_size=2, max_size=4),
    dtype=st.sampled_from([np.float32, np.float64]),
    seed=st.integers(0, 1000),
    alpha=st.sampled_from([0.0, 1e-4, 0.5]),
    divisor=st.sampled_from([None, 1, 7, 128]),
    steps=st.integers(1, 4),
)
def test_a_fused_step_equals_the_numpy_step_to_the_last_bit(
    name, sizes, dtype, seed, alpha, divisor, steps
):
    finish = None if divisor is None else (alpha, divisor)
    numpy_form = run_steps(OPTIMIZERS[name], sizes, dtype, seed, finish, steps, fused=False)
    fused_form = run_steps(OPTIMIZERS[name], sizes, dtype, seed, finish, steps, fused=True)
    for a, b in zip(numpy_form, fused_form):
        assert a.dtype == b.dtype == dtype
        np.testing.assert_array_equal(a, b)


def test_kernels_stay_out_of_small_work_and_float64_divisors_of_float32():
    assert not kernels.fused(kernels.MIN_FUSED - 1)
    assert kernels.exact_in(np.dtype(np.float32), (0.1, 128))
    assert not kernels.exact_in(np.dtype(np.float32), (0.1, np.float64(3.5)))
    assert kernels.exact_in(np.dtype(np.float64), (0.1, np.float64(3.5)))


def test_an_estimator_through_the_kernels_is_still_scikit_learns_model(monkeypatch):
    import sklearn.neural_network as sk
    from sklearn.datasets import load_wine
    from sklearn.preprocessing import StandardScaler

    import lucidnet

    monkeypatch.setattr(kernels, "MIN_FUSED", 0)
    X, y = load_wine(return_X_y=True)
    X = StandardScaler().fit_transform(X).astype(np.float32)
    for params in (dict(solver="adam", alpha=0.1, batch_size=16), dict(solver="sgd")):
        params |= dict(hidden_layer_sizes=(12,), max_iter=30, random_state=3)
        with pytest.warns(Warning):
            ours = lucidnet.MLPClassifier(**params).fit(X, y)
            theirs = sk.MLPClassifier(**params).fit(X, y)
        assert ours.n_iter_ == theirs.n_iter_
        for a, b in zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_):
            np.testing.assert_array_equal(a, b)
