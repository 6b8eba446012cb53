"""The estimators' objective: its gradient against central differences of its value."""

import numpy as np
import pytest

from lucidnet import Activation, Dense, Sequential
from lucidnet.engine.testing import numerical_gradient, relative_error
from lucidnet.estimators.objective import Objective


def network(n_in, n_out, rng):
    return Sequential([Dense(n_in, 6, rng=rng), Activation("tanh"), Dense(6, n_out, rng=rng)])


def targets(loss, rng, n, n_out):
    if loss == "log_loss":
        return np.eye(n_out, dtype=bool)[rng.integers(n_out, size=n)]
    if loss == "binary_log_loss":
        return rng.integers(0, 2, size=(n, n_out)).astype(bool)
    if loss == "poisson":
        return rng.poisson(2.0, size=(n, n_out)).astype(float)
    return rng.standard_normal((n, n_out))


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize(
    "loss, n_out",
    [("log_loss", 3), ("binary_log_loss", 1), ("binary_log_loss", 2), ("squared_error", 1),
     ("poisson", 2)],
)  # fmt: skip
def test_gradient_is_the_gradient_of_the_value(loss, n_out, weighted):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((7, 4))
    Y = targets(loss, rng, 7, n_out)
    weights = rng.uniform(0.5, 2, size=7) if weighted else None
    objective = Objective(network(4, n_out, rng), loss, alpha=0.3)

    for p in objective.network.parameters():
        objective.loss_and_gradients(X, Y, weights)  # at the unperturbed weights
        analytic = p.grad.copy()
        numeric = numerical_gradient(lambda: objective.loss_and_gradients(X, Y, weights), p.value)
        assert relative_error(analytic, numeric) < 1e-6, p


def test_several_squared_error_outputs_average_the_value_and_sum_the_gradient():
    """scikit-learn's pairing, kept on purpose: the value averages over the 3
    outputs, the gradient (p - y) sums over them, so it is 3 times the value's."""
    rng = np.random.default_rng(1)
    X, Y = rng.standard_normal((9, 4)), rng.standard_normal((9, 3))
    objective = Objective(network(4, 3, rng), "squared_error", alpha=0.0)
    for p in objective.network.parameters():
        objective.loss_and_gradients(X, Y)  # at the unperturbed weights
        analytic = p.grad.copy()
        numeric = numerical_gradient(lambda: objective.loss_and_gradients(X, Y), p.value)
        assert relative_error(analytic, 3 * numeric) < 1e-6, p


def test_a_saturated_probability_costs_minus_log_eps_not_infinity():
    objective = Objective(network(2, 1, np.random.default_rng(0)), "binary_log_loss", 0.0)
    P = np.array([[0.0], [1.0]])
    Y = np.array([[True], [False]])
    value = objective.value(Y, P)
    assert value == pytest.approx(-np.log(np.finfo(np.float64).eps))
