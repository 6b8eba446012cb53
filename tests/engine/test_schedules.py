"""Learning-rate schedules: the plateau rule lowers the rate when the loss
stops improving, and only then; the cosine reaches its end value."""

import math

import numpy as np
import pytest

from lucidnet.engine import (
    Adam,
    CosineSchedule,
    Dense,
    ReduceOnPlateau,
    Sequential,
    SoftmaxCrossEntropy,
)


def test_plateau_halves_the_rate_after_patience_bad_epochs_and_no_sooner():
    schedule = ReduceOnPlateau(0.01, factor=0.5, patience=3, tol=1e-4)
    rates = [schedule.step(loss) for loss in [1.0, 0.9, 0.8]]
    assert rates == [0.01] * 3  # improving: untouched
    rates = [schedule.step(0.8) for _ in range(4)]
    assert rates == [0.01, 0.01, 0.01, 0.005]  # the 4th bad epoch is more than patience
    assert schedule.bad_epochs == 0


def test_an_improvement_smaller_than_tol_is_a_bad_epoch_and_nan_counts_as_no_worse():
    schedule = ReduceOnPlateau(1.0, patience=1, tol=0.1)
    assert schedule.step(1.0) == 1.0
    assert schedule.step(0.95) == 1.0  # better, but by less than tol: bad epoch 1
    assert schedule.step(math.nan) == 1.0  # as in scikit-learn's rule: the count restarts
    assert [schedule.step(0.95), schedule.step(0.95)] == [1.0, 0.5]
    assert schedule.best == 0.95


def test_plateau_never_goes_below_the_minimum_and_says_when_it_is_there():
    schedule = ReduceOnPlateau(1e-3, factor=0.5, patience=0, min_rate=1e-4)
    rates = [schedule.step(1.0) for _ in range(10)]
    assert min(rates) == 1e-4
    assert rates[:5] == [1e-3, 5e-4, 2.5e-4, 1.25e-4, 1e-4] and rates[-1] == 1e-4
    assert schedule.reduce() is False


@pytest.mark.parametrize(
    "kwargs",
    [dict(factor=1.0), dict(factor=0.0), dict(patience=-1), dict(min_rate=1.0)],
)
def test_plateau_refuses_settings_that_cannot_lower_the_rate(kwargs):
    with pytest.raises(ValueError):
        ReduceOnPlateau(0.1, **kwargs)


def test_cosine_starts_at_the_initial_rate_ends_at_the_final_one_and_only_falls():
    schedule = CosineSchedule(1e-3, 1e-5, n_epochs=50)
    rates = [schedule.rate(e) for e in range(60)]
    assert rates[0] == 1e-3
    assert rates[49] == pytest.approx(1e-5, rel=1e-12)
    assert rates[59] == rates[49]  # past the end: stays there
    assert np.all(np.diff(rates) <= 0)
    assert rates[24] > (1e-3 + 1e-5) / 2 > rates[25]  # halfway at the middle


def test_cosine_of_one_epoch_is_the_initial_rate():
    assert CosineSchedule(0.1, 0.0, n_epochs=1).rate(0) == 0.1


def test_a_schedule_drives_an_optimizer_training_a_sequential_by_hand():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 4))
    Y = np.eye(2)[(X[:, 0] > 0).astype(int)]
    network = Sequential([Dense(4, 2, rng=0)])
    adam = Adam(network.parameters(), learning_rate=0.05)
    schedule = CosineSchedule(adam.learning_rate, 0.0, n_epochs=20)
    losses = []
    for epoch in range(20):
        adam.learning_rate = schedule.rate(epoch)
        losses.append(network.train_step(X, Y, SoftmaxCrossEntropy(), adam))
    assert adam.learning_rate == 0.0
    assert losses[-1] < 0.75 * losses[0]
