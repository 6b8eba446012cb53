"""Training that would need more memory than there is: refused before the
network is made, fast, naming the parameters to change."""

import sys
import time

import numpy as np
import pytest
from sklearn.datasets import load_digits

from lucidnet import (
    Autoencoder,
    ConvNetClassifier,
    ConvNetRegressor,
    MLPClassifier,
    NetworkTooLargeError,
)
from lucidnet.engine.conv import Conv1D
from lucidnet.engine.cost import forward_costs
from lucidnet.estimators import memory

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
X, y = load_digits(return_X_y=True)
X, y = X[:200] / 16, y[:200]


def high_water_mark() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


CASES = {
    # The issue's: 19 GiB asked; 30 s then 2 GiB; 6 GiB for a few positions.
    "kernel_size=1000": (ConvNetClassifier(kernel_size=1000, input_shape=(8, 8)), "kernel_size"),
    "padding=3000": (ConvNetClassifier(padding=3000, input_shape=(8, 8)), "padding"),
    "padding=strides=10**7": (ConvNetClassifier(padding=10**7, strides=10**7), "strides"),
    "hidden_layer_sizes=(10**9,)": (MLPClassifier(hidden_layer_sizes=(10**9,)), "hidden"),
    "conv_layers=(10**9,)": (ConvNetClassifier(conv_layers=(10**9,)), "conv_layers"),
    "autoencoder": (Autoencoder(hidden_layer_sizes=(10**9,)), "hidden_layer_sizes"),
}


@pytest.mark.parametrize("case", CASES)
def test_a_network_too_large_for_memory_is_refused_at_once(case):
    model, parameter = CASES[case]
    before, start = sys.platform.startswith("linux") and high_water_mark(), time.perf_counter()
    with pytest.raises(NetworkTooLargeError, match=parameter) as info:
        model.fit(X, y)
    elapsed = time.perf_counter() - start
    assert elapsed < 0.5, f"took {elapsed:.2f} s"
    if before:
        grown = high_water_mark() - before
        assert grown < 100 * 2**20, f"the peak memory grew by {grown / 2**20:.0f} MiB"
    message = str(info.value)
    assert "of memory, and" in message and "is available" in message and "smaller" in message
    assert isinstance(info.value, ValueError)  # scikit-learn's kind of error for a bad parameter
    assert not hasattr(model, "_network")


def test_the_estimate_counts_weights_copies_and_a_batch(monkeypatch):
    """What it refuses follows the rule in memory.py: with the memory there is
    set just below and just above the estimate, it refuses, then fits."""
    model = ConvNetRegressor(
        conv_layers=(4,),
        hidden_layer_sizes=(8,),
        batch_norm=False,
        batch_size=50,
        max_iter=2,
        dtype="float64",
    )
    target = y.astype(float)
    trial = model._build_network((64, 1), 1, np.float64, None)
    n_weights = sum(p.value.size for p in trial.parameters())
    per_row = sum(c.values for c in forward_costs(trial.layers, (64, 1)))
    copies = 4 + 2  # value, gradient, two copies; Adam's two moments
    needed = (n_weights * copies + max(2 * 50, 200) * per_row) * 8
    monkeypatch.setattr(memory, "available_memory", lambda: needed - 1)
    with pytest.raises(NetworkTooLargeError, match="batch_size"):
        model.fit(X, target)
    monkeypatch.setattr(memory, "available_memory", lambda: needed)
    model.fit(X, target)


def test_without_a_figure_for_available_memory_nothing_is_refused(monkeypatch):
    monkeypatch.setattr(memory, "available_memory", lambda: None)
    MLPClassifier(hidden_layer_sizes=(5,), max_iter=2).fit(X, y)


def test_the_cost_rule_counts_a_convolutions_padding_and_window_copy():
    layer = Conv1D(2, 3, 5, strides=2, padding=10)
    (cost,) = forward_costs([layer], (100, 2))
    positions = (100 + 20 - 5) // 2 + 1
    assert cost.output_shape == (positions, 3) and cost.output == positions * 3
    # the padded input, and a window of 5 x 2 values per position plus the
    # column of ones that carries the bias in the product (K = 10 < 64)
    assert cost.workspace == (100 + 20) * 2 + positions * (5 * 2 + 1)
