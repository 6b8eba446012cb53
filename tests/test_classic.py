import numpy as np
import pytest

from lucidnet import Dense, NeuralNetwork, TrainingDivergedError
from lucidnet.cli.demos import XOR_X, XOR_Y, load_scaled_digits, solve_xor
from lucidnet.engine.testing import numerical_gradient


@pytest.mark.parametrize("layers", [[3, 1], [2, 2, 1], [4, 5, 6, 2], [3, 4, 4, 4, 1]])
def test_any_depth_builds_one_weight_matrix_per_pair(layers):
    nn = NeuralNetwork(layers, random_state=0)
    shapes = [w.shape for w in nn.weights]
    assert shapes == [(n_in + 1, n_out) for n_in, n_out in zip(layers[:-1], layers[1:])]
    for w in nn.weights:
        assert np.all(np.abs(w) <= 0.25)
    assert nn.predict(np.zeros(layers[0])).shape == (layers[-1],)
    assert nn.predict(np.zeros((5, layers[0]))).shape == (5, layers[-1])


def test_it_is_built_from_the_engine():
    nn = NeuralNetwork([3, 4, 2], "logistic", random_state=0)
    assert sum(isinstance(layer, Dense) for layer in nn.network.layers) == 2


@pytest.mark.parametrize("activation", ["tanh", "logistic"])
def test_one_update_is_a_gradient_step_of_the_squared_error(activation):
    """The post's derivative bug (1 - tanh(tanh(z))^2) would fail this."""
    rng = np.random.default_rng(0)
    nn = NeuralNetwork([3, 5, 4, 2], activation, random_state=1)
    x, y = rng.standard_normal((1, 3)), rng.uniform(size=(1, 2))
    params = nn.network.parameters()

    def loss():
        return 0.5 * float(np.sum((nn.predict(x) - y) ** 2))

    expected = [p.value - 0.1 * numerical_gradient(loss, p.value) for p in params]
    nn.fit(x, y, learning_rate=0.1, epochs=1)
    for p, e in zip(params, expected):
        np.testing.assert_allclose(p.value, e, rtol=1e-6, atol=1e-9)


def test_xor_is_solved():
    nn = NeuralNetwork([2, 2, 1], "tanh", random_state=0).fit(XOR_X, XOR_Y)
    assert np.array_equal(nn.predict(XOR_X)[:, 0] > 0.5, XOR_Y == 1)
    for seed in (1, 3):  # seeds whose first attempt gets stuck: the restart rule helps
        nn, attempts = solve_xor(seed)
        assert np.array_equal(nn.predict(XOR_X)[:, 0] > 0.5, XOR_Y == 1)


def test_digits_short_run_is_accurate():
    from sklearn.model_selection import train_test_split

    X, y = load_scaled_digits()
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    nn = NeuralNetwork([64, 100, 10], random_state=0)
    nn.fit(X_train, np.eye(10)[y_train], learning_rate=0.02, epochs=8000)
    accuracy = np.mean(nn.predict(X_test).argmax(axis=1) == y_test)
    assert accuracy > 0.88


def test_one_hot_and_1d_targets():
    X = np.array([[0.0, 1.0], [1.0, 0.0]])
    one = NeuralNetwork([2, 3, 1], random_state=0).fit(X, [0, 1], epochs=50)
    two = NeuralNetwork([2, 3, 1], random_state=0).fit(X, [[0], [1]], epochs=50)
    np.testing.assert_array_equal(one.predict(X), two.predict(X))


def test_same_random_state_same_weights():
    a = NeuralNetwork([4, 3, 2], random_state=5).fit(np.eye(4), np.eye(4)[:, :2], epochs=100)
    b = NeuralNetwork([4, 3, 2], random_state=5).fit(np.eye(4), np.eye(4)[:, :2], epochs=100)
    for wa, wb in zip(a.weights, b.weights):
        np.testing.assert_array_equal(wa, wb)


@pytest.mark.parametrize(
    "layers, activation, error, message",
    [
        ([3], "tanh", ValueError, "at least two"),
        ([], "tanh", ValueError, "at least two"),
        ([2, 0, 1], "tanh", ValueError, "positive integer, got 0"),
        ([2, 1.5, 1], "tanh", ValueError, "positive integer, got 1.5"),
        ([2, "3", 1], "tanh", ValueError, "positive integer, got '3'"),
        (3, "tanh", TypeError, "list of layer sizes"),
        ([2, 2, 1], "sigmoid", ValueError, "'tanh', 'logistic'|'logistic'.*'tanh'"),
    ],
)
def test_bad_construction(layers, activation, error, message):
    with pytest.raises(error, match=message):
        NeuralNetwork(layers, activation)


def test_unknown_activation_lists_every_valid_name():
    with pytest.raises(ValueError) as info:
        NeuralNetwork([2, 1], "sigmoid")
    for name in ("identity", "logistic", "tanh", "relu", "leaky_relu"):
        assert repr(name) in str(info.value)


@pytest.mark.parametrize(
    "X, y, kwargs, message",
    [
        (np.zeros((4, 2)), np.zeros(3), {}, "different lengths: 4 samples in X, 3 in y"),
        ([[0, np.nan], [1, 1]], [0, 1], {}, "X contains 1 NaN or infinite"),
        ([[0, 0], [1, 1]], [0, np.inf], {}, "y contains 1 NaN or infinite"),
        (np.zeros((2, 3)), [0, 1], {}, "X has 3 features, but the network takes 2"),
        (np.zeros((2, 2)), np.zeros((2, 2)), {}, "y has 2 output column"),
        (np.zeros((2, 2)), [0, 1], {"epochs": 0}, "epochs must be a positive integer"),
        (np.zeros((2, 2)), [0, 1], {"epochs": 2.5}, "epochs must be a positive integer"),
        (np.zeros((2, 2)), [0, 1], {"learning_rate": 0}, "learning_rate must be a positive"),
        (np.zeros((2, 2)), [0, 1], {"learning_rate": -0.1}, "learning_rate must be a positive"),
    ],
)
def test_bad_fit_input(X, y, kwargs, message):
    with pytest.raises(ValueError, match=message):
        NeuralNetwork([2, 2, 1]).fit(X, y, **kwargs)


def test_non_numeric_input_is_a_type_error():
    with pytest.raises(TypeError, match="X must be numeric"):
        NeuralNetwork([2, 2, 1]).fit([["a", "b"]], [1])


def test_predict_with_wrong_feature_count_names_both_numbers():
    nn = NeuralNetwork([64, 10, 10])
    with pytest.raises(ValueError, match="x has 8 features, but the network takes 64"):
        nn.predict(np.zeros(8))
    with pytest.raises(ValueError, match="NaN"):
        nn.predict(np.full(64, np.nan))


@pytest.mark.parametrize("activation", ["tanh", "logistic", "relu", "identity"])
def test_divergence_stops_with_a_clear_error_and_clean_weights(activation):
    nn = NeuralNetwork([2, 2, 1], activation, random_state=0)
    before = [w.copy() for w in nn.weights]
    with pytest.raises(TrainingDivergedError, match=r"update \d+ of 10000.*smaller learning_rate"):
        nn.fit(XOR_X, XOR_Y, learning_rate=1e6)
    for w, b in zip(nn.weights, before):
        np.testing.assert_array_equal(w, b)


def test_a_deep_copy_trains_exactly_like_the_original():
    import copy

    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    y = np.array([0, 1, 1, 0])
    nn = NeuralNetwork([2, 3, 1], random_state=0)
    twin = copy.deepcopy(nn)
    before = twin.weights[0].copy()
    nn.fit(X, y, epochs=200)
    twin.fit(X, y, epochs=200)
    assert not np.allclose(twin.weights[0], before)
    for a, b in zip(nn.weights, twin.weights):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "X, match",
    [
        (np.array([[1 + 2j, 0.0], [0.0, 1.0]]), "X has complex numbers"),
        (None, "X is None"),
        ("sparse", "X is a sparse csr_matrix"),
    ],
)
def test_fit_refuses_complex_sparse_and_none_naming_them(X, match):
    import scipy.sparse as sp

    if isinstance(X, str):
        X = sp.csr_matrix(np.eye(2))
    nn = NeuralNetwork([2, 2, 1], random_state=0)
    with pytest.raises(TypeError, match=match):
        nn.fit(X, [0, 1])
    with pytest.raises(TypeError, match=match.replace("X ", "x ")):
        nn.predict(X)
