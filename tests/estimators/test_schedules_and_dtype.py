"""Issue 18: learning-rate schedules in the estimators ('plateau', 'cosine',
seen in ``learning_rate_curve_``), 'auto' batches that take several steps per
epoch on small data (convolutional networks, autoencoders), and float32 by
default for those, float64 on request."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning

from lucidnet import (
    Autoencoder,
    ConvNetClassifier,
    ConvNetRegressor,
    MLPClassifier,
    MLPRegressor,
    load,
    save,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

SMALL_CONV = dict(conv_layers=(4,), hidden_layer_sizes=(8,), input_shape=(8, 8), random_state=0)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:200] / 16, y[:200]


# A tol no epoch can beat: every epoch after the first is a bad one, so the
# plateau rule fires after every n_iter_no_change + 1 epochs, like clockwork.
NEVER_IMPROVES = dict(tol=1e6, n_iter_no_change=2)


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_plateau_halves_the_rate_when_the_loss_stops_improving_down_to_the_minimum(digits, solver):
    X, y = digits
    clf = MLPClassifier(
        hidden_layer_sizes=(8,), solver=solver, learning_rate="plateau", learning_rate_init=1e-3,
        learning_rate_min=3e-4, max_iter=50, random_state=0, **NEVER_IMPROVES,
    ).fit(X, y)  # fmt: skip
    # 1 improving epoch + 3 bad ones, halved; 3 more, halved but held at the
    # minimum; 3 more at the minimum, and nothing left to lower: stop.
    assert clf.learning_rate_curve_ == [1e-3] * 4 + [5e-4] * 3 + [3e-4] * 3
    assert clf.n_iter_ == 10 == len(clf.loss_curve_)
    assert clf._optimizer.learning_rate == 3e-4


def test_plateau_follows_the_validation_score_with_early_stopping(digits):
    X, y = digits
    clf = ConvNetClassifier(
        early_stopping=True, learning_rate="plateau", learning_rate_factor=0.1, max_iter=50,
        **NEVER_IMPROVES, **SMALL_CONV,
    ).fit(X, y)  # fmt: skip
    # The validation score decides (the training loss would too, with this tol:
    # what tells them apart is that the best weights come back).
    assert clf.learning_rate_curve_[:5] == [1e-3] * 4 + [1e-4]
    assert min(clf.learning_rate_curve_) == 1e-6
    assert len(clf.validation_scores_) == clf.n_iter_
    assert clf.best_validation_score_ == max(clf.validation_scores_)


def test_plateau_leaves_an_improving_loss_alone(digits):
    X, y = digits
    clf = MLPClassifier(hidden_layer_sizes=(16,), learning_rate="plateau", learning_rate_init=0.01,
                        max_iter=8, random_state=0).fit(X, y)  # fmt: skip
    assert clf.learning_rate_curve_ == [0.01] * 8
    assert np.all(np.diff(clf.loss_curve_) < 0)


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_cosine_goes_from_the_initial_rate_to_the_minimum_over_max_iter(digits, solver):
    X, y = digits
    reg = MLPRegressor(
        hidden_layer_sizes=(8,), solver=solver, learning_rate="cosine", learning_rate_init=0.01,
        learning_rate_min=1e-4, max_iter=12, n_iter_no_change=np.inf, random_state=0,
    ).fit(X, y)  # fmt: skip
    rates = reg.learning_rate_curve_
    assert len(rates) == 12 and rates[0] == 0.01 and rates[-1] == pytest.approx(1e-4)
    assert np.all(np.diff(rates) < 0)


def test_a_minimum_above_the_initial_rate_leaves_the_rate_where_it_starts(digits):
    X, y = digits
    clf = MLPClassifier(hidden_layer_sizes=(8,), learning_rate="cosine", learning_rate_init=1e-5,
                        learning_rate_min=1e-3, max_iter=4, random_state=0).fit(X, y)  # fmt: skip
    assert clf.learning_rate_curve_ == [1e-5] * 4


def test_cosine_in_partial_fit_counts_the_calls(digits):
    X, y = digits
    clf = MLPClassifier(hidden_layer_sizes=(8,), learning_rate="cosine", learning_rate_min=0.0,
                        max_iter=3, random_state=0)  # fmt: skip
    for _ in range(4):
        clf.partial_fit(X, y, classes=np.unique(y))
    assert clf.learning_rate_curve_ == pytest.approx([1e-3, 5e-4, 0.0, 0.0])


def test_scikit_learns_schedules_keep_their_meaning_and_show_in_the_curve(digits):
    X, y = digits
    # 'adaptive' is for SGD: Adam stops where SGD would slow down, its rate untouched.
    adam = MLPClassifier(hidden_layer_sizes=(8,), learning_rate="adaptive", max_iter=30,
                         random_state=0, **NEVER_IMPROVES).fit(X, y)  # fmt: skip
    assert adam.learning_rate_curve_ == [1e-3] * 4 and adam.n_iter_ == 4
    sgd = MLPClassifier(hidden_layer_sizes=(8,), solver="sgd", learning_rate="adaptive",
                        max_iter=6, random_state=0, **NEVER_IMPROVES).fit(X, y)  # fmt: skip
    assert sgd.learning_rate_curve_ == [1e-3] * 4 + [2e-4] * 2  # divided by 5
    inv = MLPClassifier(hidden_layer_sizes=(8,), solver="sgd", learning_rate="invscaling",
                        max_iter=3, random_state=0).fit(X, y)  # fmt: skip
    assert inv.learning_rate_curve_ == pytest.approx(
        [1e-3, 1e-3 / (len(X) + 1) ** 0.5, 1e-3 / (2 * len(X) + 1) ** 0.5]
    )


@pytest.mark.parametrize(
    "value",
    [dict(learning_rate="step"), dict(learning_rate_factor=1.0), dict(learning_rate_min=-1.0),
     dict(dtype="float16")],
)  # fmt: skip
def test_bad_schedule_or_dtype_settings_are_refused(digits, value):
    X, y = digits
    with pytest.raises(ValueError, match=next(iter(value))):
        ConvNetClassifier(max_iter=1, **{**SMALL_CONV, **value}).fit(X, y)


# ------------------------------------------------------------- 'auto' batches
@pytest.mark.parametrize(
    "n_samples, signals, images, autoencoder, mlp",
    [(1, 1, 1, 1, 1), (10, 2, 10, 10, 10), (50, 5, 16, 16, 50), (300, 16, 30, 30, 200),
     (1000, 16, 100, 64, 200), (60000, 16, 200, 64, 200)],
)  # fmt: skip
def test_auto_batches_take_several_steps_on_small_data_except_in_the_mlps(
    n_samples, signals, images, autoencoder, mlp
):
    for cls in (ConvNetClassifier, ConvNetRegressor):
        model = cls()
        model.input_shape_ = (150, 1)  # as fit sets it: signals
        assert model._batch_size(n_samples) == signals  # Ismail Fawaz et al.'s FCN batch
        model.input_shape_ = (28, 28, 1)
        assert model._batch_size(n_samples) == images
    assert Autoencoder()._batch_size(n_samples) == autoencoder
    assert MLPClassifier()._batch_size(n_samples) == mlp  # scikit-learn's min(200, n)
    assert MLPRegressor()._batch_size(n_samples) == mlp


def test_the_docstrings_say_what_auto_means():
    words = " ".join(ConvNetClassifier.__doc__.split())
    assert "for signals, n_samples // 10 clipped to [2, 16]" in words
    assert "for images, n_samples // 10 clipped to [16, 200]" in words
    assert "'auto': 'plateau' for signals, 'constant' for images" in words
    assert "n_samples // 10 clipped to [16, 64]" in " ".join(Autoencoder.__doc__.split())
    assert "'auto' is min(200, n_samples)" in MLPClassifier.__doc__


# ---------------------------------------------------------------------- dtype
def test_convolutional_networks_and_autoencoders_train_in_float32_unless_told(digits):
    X, y = digits  # float64
    for model in (ConvNetClassifier(max_iter=2, **SMALL_CONV),
                  ConvNetRegressor(max_iter=2, **SMALL_CONV), Autoencoder(max_iter=2)):  # fmt: skip
        assert model.dtype == "float32"
        target = X if isinstance(model, Autoencoder) else y
        assert model.fit(X, target)._network.dtype == np.float32
        assert model.set_params(dtype="float64").fit(X, target)._network.dtype == np.float64
        assert "dtype : {'float32', 'float64'}, default='float32'" in type(model).__doc__


def test_the_mlps_follow_the_dtype_of_x_as_scikit_learn(digits):
    X, y = digits
    assert not hasattr(MLPClassifier(), "dtype")
    assert MLPClassifier(max_iter=2).fit(X, y)._network.dtype == np.float64
    assert MLPClassifier(max_iter=2).fit(X.astype(np.float32), y)._network.dtype == np.float32


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_a_model_file_keeps_the_dtype_and_the_learning_rate_curve(digits, tmp_path, dtype):
    X, y = digits
    clf = ConvNetClassifier(max_iter=3, dtype=dtype, learning_rate="cosine", **SMALL_CONV)
    clf.fit(X, y)
    save(clf, tmp_path / "model.npz")
    loaded = load(tmp_path / "model.npz")
    assert loaded.dtype == dtype and loaded._network.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    assert loaded.learning_rate_curve_ == clf.learning_rate_curve_


def test_float32_training_reaches_float64_accuracy(digits):
    X, y = digits
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        scores = [
            ConvNetClassifier(**{**SMALL_CONV, "hidden_layer_sizes": (32,)}, dtype=dtype,
                              learning_rate_init=0.01, max_iter=20).fit(X, y).score(X, y)
            for dtype in ("float32", "float64")
        ]  # fmt: skip
    assert scores[0] > 0.95 and abs(scores[0] - scores[1]) < 0.03


def test_a_schedule_chosen_between_partial_fits_takes_over(digits):
    X, y = digits
    clf = MLPClassifier(hidden_layer_sizes=(8,), max_iter=2, learning_rate="plateau",
                        random_state=0)  # fmt: skip
    clf.partial_fit(X, y, classes=np.unique(y))
    clf.set_params(learning_rate="cosine", learning_rate_min=0.0).partial_fit(X, y)
    clf.set_params(learning_rate="constant").partial_fit(X, y)
    assert clf.learning_rate_curve_ == [1e-3, 0.0, 0.0]  # cosine's second epoch is its last


def test_auto_learning_rate_halves_on_plateaus_for_signals_and_stays_for_images():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((40, 12)), np.arange(40) % 2
    # A tol far above any improvement: every epoch after the first is a bad one.
    common = dict(conv_layers=(2,), hidden_layer_sizes=(), tol=1e9, n_iter_no_change=1,
                  max_iter=12, random_state=0)  # fmt: skip
    signals = ConvNetClassifier(**common).fit(X, y)
    assert signals.n_iter_ == 12  # lowered, not stopped
    assert signals.learning_rate_curve_[:7] == [1e-3] * 3 + [5e-4] * 2 + [2.5e-4] * 2
    images = ConvNetClassifier(input_shape=(3, 4), **common).fit(X, y)
    assert images.n_iter_ == 3 and set(images.learning_rate_curve_) == {1e-3}  # stopped
    assert ConvNetClassifier(learning_rate="plateau", input_shape=(3, 4), **common).fit(
        X, y
    ).n_iter_ == 12  # fmt: skip


def test_dropout_without_hidden_layers_says_what_auto_gave():
    X, y = np.zeros((20, 12)), np.arange(20) % 2
    with pytest.raises(ValueError, match=r"hidden_layer_sizes='auto' means \(\) for signals"):
        ConvNetClassifier(dropout=0.5, max_iter=1).fit(X, y)
