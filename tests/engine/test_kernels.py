"""The fused optimizer kernels against the NumPy form they compile: equal to the last bit."""

import functools
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import lucidnet.engine.kernels as kernels
from lucidnet import SGD, Adam, Dense, Sequential
from lucidnet.engine.activations import get_activation
from lucidnet.engine.testing import kernels_forced as compiled

if not kernels.load():  # what follows compares the kernels with the NumPy form
    pytest.skip(
        "numba's kernels are not available (numba missing or LUCIDNET_NO_NUMBA set)",
        allow_module_level=True,
    )


def run_python(code, **env):
    """Run ``code`` in a fresh interpreter (environment plus ``env``); its stdout."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env={**os.environ, **env}, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip


def network(sizes, dtype, seed):
    rng = np.random.default_rng(seed)
    return Sequential([Dense(a, b, rng=rng, dtype=dtype) for a, b in zip(sizes[:-1], sizes[1:])])


def run_steps(make_optimizer, sizes, dtype, seed, finish, steps, fused):
    """The weights after ``steps`` updates from the same gradients, with the
    kernels on (``fused``) or off."""
    net = network(sizes, dtype, seed)
    optimizer = make_optimizer(net.parameters())
    rng = np.random.default_rng(seed + 1)
    with compiled(fused):
        for _ in range(steps):
            for p in net.parameters():
                p.grad[...] = rng.standard_normal(p.grad.shape) * 10.0 ** rng.integers(-3, 3)
            optimizer.step(finish)
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
    # a NumPy float64 alpha (a grid over np.logspace) makes NumPy compute a
    # float32 network's L2 term in float64: the kernel must then step aside
    alpha=st.sampled_from([0.0, 1e-4, 0.5, np.float64(0.0), np.float64(1e-4)]),
    divisor=st.sampled_from([None, 1, 7, 128, np.float64(7.0)]),
    steps=st.integers(1, 4),
)
@example(
    name="adam",
    sizes=[64, 64],
    dtype=np.float32,
    seed=0,
    alpha=np.float64(0.1),
    divisor=128,
    steps=4,
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


def test_kernels_stay_out_of_small_work_and_float64_divisors_of_float32(monkeypatch):
    assert not kernels.fused(kernels.MIN_FUSED - 1)
    # Before the kernels are loaded, large passes run in NumPy until their
    # work adds up to MIN_WORK; once loaded, every large pass takes them.
    unloaded = functools.cache(kernels._numba_kernels.__wrapped__)
    monkeypatch.setattr(kernels, "_numba_kernels", unloaded)
    monkeypatch.setattr(kernels, "_numpy_work", 0)
    monkeypatch.setattr(kernels, "MIN_WORK", 3 * kernels.MIN_FUSED)
    assert not kernels.fused(kernels.MIN_FUSED)
    assert not kernels.fused(kernels.MIN_FUSED)
    assert not kernels.per_sample_fused(kernels.MIN_PER_SAMPLE_UPDATES - 1, "tanh")
    assert unloaded.cache_info().currsize == 0  # nothing was imported to decide
    assert kernels.fused(kernels.MIN_FUSED)  # the third pass has paid for loading
    assert kernels.fused(kernels.MIN_FUSED)
    assert kernels.per_sample_fused(10, "tanh")
    assert kernels.exact_in(np.dtype(np.float32), (0.1, 128))
    assert not kernels.exact_in(np.dtype(np.float32), (0.1, np.float64(3.5)))
    assert kernels.exact_in(np.dtype(np.float64), (0.1, np.float64(3.5)))
    assert not kernels.exact_in(np.dtype(np.float32), (np.float64(1e-4), 128))
    assert kernels.exact_in(np.dtype(np.float32), (np.float64(0.0), 128))  # no L2 term at all


@pytest.mark.parametrize("name", ["adam", "sgd", "sgd_momentum"])
def test_without_l2_an_infinite_weight_stays_infinite_in_both_forms(name):
    def step(fused):
        net = network([3, 4], np.float32, 0)
        W = net.parameters()[0]
        W.value[0, 0], W.value[1, 1] = np.inf, -np.inf
        for p in net.parameters():
            p.grad[...] = 0.5
        with compiled(fused):
            OPTIMIZERS[name](net.parameters()).step((0.0, 4))
        return W.value.copy()

    numpy_form, fused_form = step(False), step(True)
    assert np.isposinf(numpy_form[0, 0]) and np.isneginf(numpy_form[1, 1])
    np.testing.assert_array_equal(numpy_form, fused_form)


def test_a_step_numpy_takes_wider_does_not_load_numba():
    # float32 weights, a float64 divisor (float64 sample weights): the NumPy
    # form runs, and the decision must not import numba to no use.
    out = run_python(
        """
        import sys
        import numpy as np
        from lucidnet import Adam, Dense, Sequential
        from lucidnet.engine import kernels
        kernels.MIN_WORK = 0
        net = Sequential([Dense(400, 200, dtype=np.float32, rng=np.random.default_rng(0))])
        Adam(net.parameters()).step((1e-4, np.float64(3.5)))
        print("numba" in sys.modules)
        """
    )
    assert out.split() == ["False"]


def test_kernels_compile_where_numba_cannot_write_its_cache():
    # A read-only install and home (some containers): numba finds no cache
    # directory and refuses cache=True; the kernels compile per process instead.
    out = run_python(
        """
        from numba.core import caching
        implementation = getattr(caching, "CacheImpl", None) or caching._CacheImpl
        implementation._locator_classes = []  # no directory to write to
        import numpy as np
        from lucidnet.engine import kernels
        assert kernels.load()
        a, g = np.linspace(-1, 1, 11), np.ones(11)
        out = np.empty(11)
        kernels.relu_backward(a, g, out)
        print((out == (a > 0) * g).all())
        """
    )
    assert out.split() == ["True"]


@pytest.mark.parametrize("value, loads", [("1", False), ("yes", False), ("0", True), ("", True)])
def test_lucidnet_no_numba_turns_the_kernels_off(value, loads):
    out = run_python(
        "from lucidnet.engine import kernels; print(kernels.load())", LUCIDNET_NO_NUMBA=value
    )
    assert out.split() == [str(loads)]


def test_an_estimator_through_the_kernels_is_still_scikit_learns_model(monkeypatch):
    import sklearn.neural_network as sk
    from sklearn.datasets import load_wine
    from sklearn.preprocessing import StandardScaler

    import lucidnet

    monkeypatch.setattr(kernels, "MIN_FUSED", 0)
    monkeypatch.setattr(kernels, "MIN_WORK", 0)
    X, y = load_wine(return_X_y=True)
    X = StandardScaler().fit_transform(X).astype(np.float32)
    grid_alpha = np.logspace(-1, 0, 2)[0]  # a NumPy float64, as a grid search passes it
    for params in (
        dict(solver="adam", alpha=0.1, batch_size=16),
        dict(solver="adam", alpha=grid_alpha, batch_size=16),
        dict(solver="sgd"),
    ):
        params |= dict(hidden_layer_sizes=(12,), max_iter=30, random_state=3)
        with pytest.warns(Warning):
            ours = lucidnet.MLPClassifier(**params).fit(X, y)
            theirs = sk.MLPClassifier(**params).fit(X, y)
        assert ours.n_iter_ == theirs.n_iter_
        for a, b in zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_):
            np.testing.assert_array_equal(a, b)


def per_sample_networks(sizes, activation, dtype, seed):
    """Two identical stacks of Dense layers, each followed by ``activation``."""
    from lucidnet import Activation

    stacks = []
    for _ in range(2):
        rng = np.random.default_rng(seed)
        layers = []
        for a, b in zip(sizes[:-1], sizes[1:]):
            layers += [Dense(a, b, rng=rng, dtype=dtype, init="classic"), Activation(activation)]
        stacks.append(Sequential(layers))
    return stacks


@settings(max_examples=30, deadline=None)
@given(
    activation=st.sampled_from(kernels.PER_SAMPLE_ACTIVATIONS),
    sizes=st.lists(st.integers(1, 12), min_size=2, max_size=4),
    dtype=st.sampled_from([np.float32, np.float64]),
    seed=st.integers(0, 1000),
    learning_rate=st.sampled_from([0.01, 0.2]),
    n_updates=st.integers(1, 30),
)
def test_the_per_sample_kernel_takes_the_engines_steps(
    activation, sizes, dtype, seed, learning_rate, n_updates
):
    """The compiled per-sample SGD against Sequential.train_step (SquaredError,
    SGD), one sample at a time: the same losses and weights, to rounding
    (the kernel sums its products in another order than BLAS)."""
    from lucidnet import SquaredError

    engine_net, kernel_net = per_sample_networks(sizes, activation, dtype, seed)
    rng = np.random.default_rng(seed + 1)
    X = rng.uniform(-1, 1, (7, sizes[0])).astype(dtype)
    Y = rng.uniform(0, 1, (7, sizes[-1])).astype(dtype)
    rows = rng.integers(7, size=n_updates)
    optimizer = SGD(engine_net.parameters(), learning_rate=learning_rate)
    expected = [
        engine_net.train_step(X[i : i + 1], Y[i : i + 1], SquaredError(), optimizer) for i in rows
    ]
    dense = [layer for layer in kernel_net.layers if isinstance(layer, Dense)]
    losses = kernels.PerSampleSGD(dense, get_activation(activation), learning_rate).run(X, Y, rows)
    tolerance = dict(rtol=2e-4, atol=2e-5) if dtype == np.float32 else dict(rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(losses, expected, **tolerance)
    for a, b in zip(engine_net.parameters(), kernel_net.parameters()):
        assert b.value.dtype == dtype
        np.testing.assert_allclose(b.value, a.value, **tolerance)


def test_neural_network_fit_is_the_same_network_through_the_kernel(monkeypatch):
    """NeuralNetwork.fit on digits with the kernel and without: the same
    samples in the same order give the same weights, to rounding."""
    from sklearn.datasets import load_digits

    import lucidnet

    X, y = load_digits(return_X_y=True)
    X, Y = X / 16, np.eye(10)[y]
    fits = {}
    monkeypatch.setattr(kernels, "MIN_PER_SAMPLE_UPDATES", 0)
    for compiled_fit in (True, False):
        if not compiled_fit:
            monkeypatch.setattr(kernels, "per_sample_fused", lambda *args: False)
        net = lucidnet.NeuralNetwork([64, 30, 10], random_state=4).fit(X, Y, 0.1, 2_000)
        fits[compiled_fit] = net.weights
    for a, b in zip(fits[True], fits[False]):
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-10)


def test_a_diverging_compiled_fit_restores_the_weights(monkeypatch):
    import lucidnet
    from lucidnet.exceptions import TrainingDivergedError

    monkeypatch.setattr(kernels, "MIN_PER_SAMPLE_UPDATES", 0)
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]) * 1e3
    net = lucidnet.NeuralNetwork([2, 8, 1], activation="relu", random_state=0)
    before = [w.copy() for w in net.weights]
    with pytest.raises(TrainingDivergedError, match="update"):
        net.fit(X, [0, 1, 1, 0], learning_rate=10.0, epochs=1_000)
    for a, b in zip(before, net.weights):
        np.testing.assert_array_equal(a, b)


def pool_both_ways(layer_class, X, pool, dY_seed):
    """Forward (training) and backward of a max pooling, NumPy form then kernel."""
    results = []
    for fused in (False, True):
        with compiled(fused):
            layer = layer_class(pool)
            out = layer.forward(X, training=True)
            dY = np.random.default_rng(dY_seed).standard_normal(out.shape).astype(X.dtype)
            dY.flat[::7] *= -0.0  # negative zeros, whose sign the product must keep
            dX = layer.backward(dY).copy()
            results.append((out.copy(), dX))
    return results


@settings(max_examples=40, deadline=None)
@given(
    two_d=st.booleans(),
    n=st.integers(1, 3),
    size=st.integers(2, 9),
    channels=st.integers(1, 5),
    pool=st.integers(2, 3),
    dtype=st.sampled_from([np.float32, np.float64]),
    levels=st.sampled_from([3, 1000]),  # few levels: many ties within a window
    nan=st.booleans(),
    seed=st.integers(0, 1000),
)
def test_the_max_pool_kernels_equal_the_numpy_form_to_the_last_bit(
    two_d, n, size, channels, pool, dtype, levels, nan, seed
):
    from lucidnet import MaxPool1D, MaxPool2D

    rng = np.random.default_rng(seed)
    shape = (n, size, size + 1, channels) if two_d else (n, size, channels)
    X = (rng.integers(levels, size=shape) - levels // 2).astype(dtype)
    if nan:
        X.flat[rng.integers(X.size)] = np.nan
    if size < pool:
        return
    (out_a, dX_a), (out_b, dX_b) = pool_both_ways(MaxPool2D if two_d else MaxPool1D, X, pool, seed)
    np.testing.assert_array_equal(out_a, out_b)
    assert np.array_equal(np.signbit(dX_a), np.signbit(dX_b))
    np.testing.assert_array_equal(dX_a, dX_b)


def max_pool_definition(X, pool):
    """Max pooling of non-overlapping windows as defined (the first maximum of
    each flattened window gets the gradient), with an upstream gradient of ones."""
    n_spatial = len(pool)
    view = np.lib.stride_tricks.sliding_window_view(X, pool, axis=tuple(range(1, n_spatial + 1)))
    windows = view[(slice(None), *(slice(None, None, p) for p in pool))]
    flat = windows.reshape(*windows.shape[: n_spatial + 2], -1)
    out, first = flat.max(axis=-1), flat.argmax(axis=-1)
    dX = np.zeros_like(X)
    for index in np.ndindex(first.shape):
        n, *position, c = index
        offset = np.unravel_index(first[index], pool)
        dX[(n, *(o * p + d for o, p, d in zip(position, pool, offset)), c)] = 1
    return out, dX


@pytest.mark.parametrize(
    "pool, shape",
    [
        ((257,), (2, 600, 3)),  # offsets beyond a byte
        ((17, 17), (2, 35, 36, 2)),
        ((70_000,), (1, 70_001, 1)),  # beyond two bytes
    ],
    ids=["1d-257", "2d-17x17", "1d-70000"],
)
def test_max_pool_of_any_window_size_equals_its_definition(pool, shape):
    from lucidnet import MaxPool1D, MaxPool2D

    X = np.random.default_rng(0).integers(5, size=shape).astype(float)  # ties everywhere
    expected_out, expected_dX = max_pool_definition(X, pool)
    for fused in (False, True):
        with compiled(fused):
            layer = (MaxPool1D if len(pool) == 1 else MaxPool2D)(pool)
            np.testing.assert_array_equal(layer.forward(X), expected_out)
            out = layer.forward(X, training=True)
            np.testing.assert_array_equal(out, expected_out)
            np.testing.assert_array_equal(layer.backward(np.ones_like(out)), expected_dX)
    # A NaN in a window: the NumPy form and the kernel still agree to the bit.
    X.flat[X.size // 2] = np.nan
    (out_a, dX_a), (out_b, dX_b) = pool_both_ways(type(layer), X, pool, 0)
    np.testing.assert_array_equal(out_a, out_b)
    np.testing.assert_array_equal(dX_a, dX_b)


@settings(max_examples=30, deadline=None)
@given(
    rows=st.integers(1, 40),
    units=st.integers(1, 70),
    dtypes=st.sampled_from(
        [(np.float32, np.float32), (np.float64, np.float64), (np.float64, np.float32)]
    ),  # fmt: skip
    seed=st.integers(0, 1000),
    specials=st.booleans(),
)
def test_the_bias_relu_kernel_equals_the_numpy_form(rows, units, dtypes, seed, specials):
    z_dtype, b_dtype = dtypes
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((rows, units)).astype(z_dtype)
    b = rng.standard_normal(units).astype(b_dtype)
    if specials:  # NaN, infinities and zeros of both signs, as an overflowing input gives
        values = np.array([np.inf, -np.inf, np.nan, -0.0, 0.0], dtype=z_dtype)
        Z.flat[rng.integers(0, Z.size, 3)] = rng.choice(values, 3)
        b[rng.integers(0, units)] = -0.0
    with np.errstate(invalid="ignore"):
        expected = Z + b  # Dense's prediction: out += b, then np.maximum(out, 0)
        expected_not_finite = not np.isfinite(expected).all()
        np.maximum(expected, 0, out=expected)
    fused = Z.copy()
    assert kernels.bias_relu(fused, b) == expected_not_finite
    np.testing.assert_array_equal(fused, expected)
    assert np.array_equal(np.signbit(fused), np.signbit(expected))


@settings(max_examples=20, deadline=None)
@given(
    size=st.integers(1, 300),
    dtype=st.sampled_from([np.float32, np.float64]),
    seed=st.integers(0, 1000),
    in_place=st.booleans(),
)
def test_the_relu_backward_kernel_equals_the_numpy_form(size, dtype, seed, in_place):
    from lucidnet import ACTIVATIONS

    rng = np.random.default_rng(seed)
    a = np.maximum(rng.standard_normal(size), 0).astype(dtype)
    grad = rng.standard_normal(size).astype(dtype)
    specials = np.array([np.inf, -np.inf, np.nan, -0.0], dtype=dtype)
    grad[::5] = np.resize(specials, grad[::5].shape)  # what a diverging step passes back
    with np.errstate(invalid="ignore"):
        grad[::3] = -grad[::3] * 0.0  # zeros of both signs
    results = []
    for fused in (False, True):
        with compiled(fused):
            g = grad.copy()
            with np.errstate(invalid="ignore"):
                out = ACTIVATIONS["relu"].backward(a, g, out=g if in_place else None)
            results.append(out.copy())
    np.testing.assert_array_equal(results[0], results[1])
    assert np.array_equal(np.signbit(results[0]), np.signbit(results[1]))


@settings(max_examples=40, deadline=None)
@given(
    two_d=st.booleans(),
    n=st.integers(1, 3),
    size=st.integers(3, 9),
    channels=st.integers(1, 4),
    filters=st.integers(1, 4),
    kernel=st.integers(1, 3),
    stride=st.integers(1, 2),
    dilation=st.integers(1, 2),
    padding=st.sampled_from(["valid", "same", 1, 2]),
    dtype=st.sampled_from([np.float32, np.float64]),
    seed=st.integers(0, 1000),
)
def test_the_convolution_kernels_equal_the_numpy_form_to_the_last_bit(
    two_d, n, size, channels, filters, kernel, stride, dilation, padding, dtype, seed
):
    """im2col (forward) and col2im (backward) against conv.py's NumPy form:
    the same outputs and input gradients, bit for bit."""
    from lucidnet import Conv1D, Conv2D

    if padding == "same" and stride > 1:
        return  # refused by the layer, as in PyTorch
    rng = np.random.default_rng(seed)
    shape = (n, size, size + 1, channels) if two_d else (n, size, channels)
    X = rng.standard_normal(shape).astype(dtype)
    results = []
    for fused in (False, True):
        layer_class = Conv2D if two_d else Conv1D
        rng = np.random.default_rng(seed)
        layer = layer_class(
            channels, filters, kernel, strides=stride, padding=padding, dilation=dilation,
            rng=rng, dtype=dtype,
        )  # fmt: skip
        with compiled(fused):
            try:
                out = layer.forward(X, training=True).copy()
            except ValueError:
                return  # an input too small for this kernel and dilation
            dY = np.random.default_rng(seed + 1).standard_normal(out.shape).astype(dtype)
            dX = layer.backward(dY).copy()
            results.append((out, dX, layer.W.grad.copy()))
    for a, b in zip(*results):
        assert a.dtype == b.dtype == dtype
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_convolution_by_slices_of_samples_is_the_convolution_at_once(
    monkeypatch, padding, channels, dtype
):
    """conv.SAMPLE_SLICE_BYTES cut to one sample a slice (and two): the output
    and the gradients are those of one slice, to rounding (BLAS may add a
    slice's products in another order), and the compiled kernels still equal
    the NumPy form to the bit."""
    from lucidnet import Conv2D
    from lucidnet.engine import conv

    X = np.random.default_rng(0).standard_normal((5, 7, 6, channels)).astype(dtype)
    dY, at_once = None, conv.SAMPLE_SLICE_BYTES
    results = {}
    for slice_bytes in (at_once, 1, 2 * 42 * 9 * channels * X.itemsize):
        monkeypatch.setattr(conv, "SAMPLE_SLICE_BYTES", slice_bytes)
        for fused in (False, True):
            layer = Conv2D(channels, 4, 3, padding=padding, rng=1, dtype=dtype)
            with compiled(fused):
                out = layer.forward(X, training=True).copy()
                if dY is None:
                    dY = np.random.default_rng(2).standard_normal(out.shape).astype(dtype)
                dX = layer.backward(dY).copy()
            results[slice_bytes, fused] = (out, dX, layer.W.grad.copy(), layer.b.grad.copy())
    tolerance = 1e-5 if dtype == np.float32 else 1e-12
    whole = results[at_once, False]
    for (slice_bytes, fused), arrays in results.items():
        for a, b, c in zip(arrays, whole, results[slice_bytes, not fused]):
            np.testing.assert_allclose(a, b, rtol=tolerance, atol=tolerance)
            np.testing.assert_array_equal(a, c)


@pytest.mark.parametrize(
    "layer, shape",
    [
        ("MaxPool2D", (3, 9, 7, 4)),  # a last row and column outside whole windows
        ("MaxPool2D", (2, 8, 8, 3)),
        ("MaxPool1D", (3, 11, 5)),
    ],
)
def test_the_max_pool_kernel_equals_the_numpy_loop_with_ties_and_nans(layer, shape):
    """The compiled forward keeps the same maximum and the same first offset
    as the NumPy loop: equal values (ReLU zeros) take the first, a NaN wins
    (and records offset 0), so backward routes every gradient the same way."""
    from lucidnet.engine import pooling

    rng = np.random.default_rng(0)
    X = np.maximum(rng.standard_normal(shape), 0).astype(np.float32)  # many ties at 0
    X[0, 1, 1] = np.nan
    dY = None
    results = []
    for on in (False, True):
        pool = getattr(pooling, layer)(2)
        with compiled(on):
            out = pool.forward(X.copy(), training=True)
            dY = rng.standard_normal(out.shape).astype(np.float32) if dY is None else dY
            results.append((out, pool._which.copy(), pool.backward(dY).copy()))
    (out0, which0, dX0), (out1, which1, dX1) = results
    np.testing.assert_array_equal(out1, out0)
    np.testing.assert_array_equal(which1, which0)
    np.testing.assert_array_equal(dX1, dX0)
    assert np.isnan(out1).any()
