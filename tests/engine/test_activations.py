import warnings

import numpy as np
import pytest

from lucidnet.engine.activations import ACTIVATIONS, get_activation

Z = np.array([[-1000.0, -30.0, -1.5, 0.0, 0.7, 30.0, 1000.0]])


def test_logistic_is_exact_and_silent_at_extremes():
    logistic = get_activation("logistic")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            a = logistic.value(Z)
    assert a[0, 0] == 0.0 and a[0, -1] == 1.0
    assert np.all(np.isfinite(a))
    np.testing.assert_allclose(a[0, 2:5], 1 / (1 + np.exp(-Z[0, 2:5])))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activations_keep_dtype_and_stay_finite(name, dtype):
    f = get_activation(name)
    z = Z.astype(dtype) if name != "exp" else Z.clip(-30, 30).astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = f.value(z)
        grad = f.backward(a, np.ones_like(a))
    assert a.dtype == dtype and grad.dtype == dtype
    assert np.all(np.isfinite(a)) and np.all(np.isfinite(grad))


@pytest.mark.parametrize("name", ["identity", "logistic", "tanh", "relu", "leaky_relu", "exp"])
def test_derivative_from_output_matches_slope(name):
    f = get_activation(name)
    z = np.linspace(-3, 3, 13).reshape(1, -1) + 0.05  # avoid relu's kink at 0
    h = 1e-6
    slope = (f.value(z + h) - f.value(z - h)) / (2 * h)
    np.testing.assert_allclose(f.derivative(f.value(z)), slope, rtol=1e-6, atol=1e-9)


def test_in_place_value_writes_into_out():
    z = np.array([[-1.0, 2.0]])
    out = np.empty_like(z)
    assert get_activation("tanh").value(z, out=out) is out
    np.testing.assert_allclose(out, np.tanh(z))


def test_softmax_rows_sum_to_one_without_overflow():
    a = get_activation("softmax").value(np.array([[1000.0, 1000.0, -1000.0]]))
    np.testing.assert_allclose(a, [[0.5, 0.5, 0.0]])


def test_unknown_activation_lists_valid_names():
    with pytest.raises(ValueError, match="'tanh'.*") as info:
        get_activation("sigmoid")
    for name in ACTIVATIONS:
        assert repr(name) in str(info.value)
