"""ConvNetClassifier and ConvNetRegressor: shapes in, the shared training, scikit-learn's tools."""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from lucidnet import ConvNetClassifier, ConvNetRegressor, TrainingDivergedError
from lucidnet.engine.conv import Conv1D, Conv2D
from lucidnet.engine.normalization import BatchNormalization
from lucidnet.engine.pooling import MaxPool1D, MaxPool2D

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
# The image defaults, spelled out: signals' 'auto' is the FCN
# (test_convnet_architectures.py), which these tests of shapes and training do not need.
POOLED = dict(
    kernel_size=3, pool_size=2, batch_norm=False, head="flatten", learning_rate="constant"
)
SMALL = dict(conv_layers=(8, 16), hidden_layer_sizes=(32,), **POOLED, random_state=0)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return train_test_split(X / 16, y, test_size=0.25, random_state=0, stratify=y)


@pytest.fixture(scope="module")
def signals():
    """Two classes of 1-D signals of 40 steps: a bump early or late, with noise."""
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, size=300)
    t = np.arange(40)
    centers = np.where(y == 1, 28, 12) + rng.integers(-3, 4, size=300)
    X = np.exp(-0.5 * ((t - centers[:, None]) / 2.5) ** 2) + 0.3 * rng.standard_normal((300, 40))
    return X, y


def test_digits_as_8x8_images_learn(digits):
    X_train, X_test, y_train, y_test = digits
    clf = ConvNetClassifier(input_shape=(8, 8), max_iter=15, batch_size=64, **SMALL)
    clf.fit(X_train, y_train)
    assert clf.input_shape_ == (8, 8, 1)
    assert clf.score(X_test, y_test) > 0.95
    kinds = [type(layer) for layer in clf._network.layers]
    assert kinds.count(Conv2D) == 2 and kinds.count(MaxPool2D) == 2


def test_images_given_flat_or_shaped_give_the_same_model(digits):
    X_train, X_test, y_train, _ = digits
    flat = ConvNetClassifier(input_shape=(8, 8), max_iter=3, **SMALL).fit(X_train, y_train)
    shaped = ConvNetClassifier(max_iter=3, **SMALL).fit(X_train.reshape(-1, 8, 8), y_train)
    assert shaped.input_shape_ == (8, 8, 1) and shaped.n_features_in_ == 64
    np.testing.assert_array_equal(flat.predict_proba(X_test), shaped.predict_proba(X_test))
    np.testing.assert_array_equal(
        flat.predict_proba(X_test.reshape(-1, 8, 8, 1)), shaped.predict_proba(X_test)
    )


def test_signals_are_one_dimensional_by_default(signals):
    X, y = signals
    clf = ConvNetClassifier(max_iter=40, **SMALL).fit(X[:200], y[:200])
    assert clf.input_shape_ == (40, 1)
    assert any(isinstance(layer, Conv1D) for layer in clf._network.layers)
    assert clf.score(X[200:], y[200:]) > 0.9


def test_channels_come_from_the_width_or_the_last_axis(signals):
    X, y = signals
    three = np.stack([X, X[:, ::-1], X * 2], axis=-1)  # (300, 40, 3)
    flat = ConvNetClassifier(input_shape=(40,), max_iter=3, **SMALL).fit(three.reshape(300, -1), y)
    shaped = ConvNetClassifier(input_shape=(40,), max_iter=3, **SMALL).fit(three, y)
    assert flat.input_shape_ == shaped.input_shape_ == (40, 3)
    np.testing.assert_array_equal(flat.predict_proba(three), shaped.predict_proba(three))


@pytest.mark.parametrize(
    "input_shape, X_shape, match",
    [
        ((7,), (10, 40), "does not divide into channels"),
        ((4, 4, 3), (10, 40), "makes 48 values per sample"),
        ((4, 16), (10, 8, 8), "samples of shape \\(8, 8\\), but input_shape says"),
        ((0, 8), (10, 64), "input_shape must be"),
    ],
)
def test_an_input_shape_that_does_not_fit_x_says_so(input_shape, X_shape, match):
    X = np.zeros(X_shape)
    with pytest.raises(ValueError, match=match):
        ConvNetClassifier(input_shape=input_shape, max_iter=1).fit(X, np.arange(10) % 2)


def test_predicting_on_other_shapes_is_refused(digits):
    X_train, _, y_train, _ = digits
    clf = ConvNetClassifier(input_shape=(8, 8), max_iter=1, **SMALL).fit(X_train, y_train)
    with pytest.raises(ValueError, match="fitted on samples of shape \\(8, 8, 1\\)"):
        clf.predict(np.zeros((2, 4, 16)))
    with pytest.raises(ValueError, match="X has 63 features"):
        clf.predict(np.zeros((2, 63)))


def test_per_layer_settings_and_no_pooling(signals):
    X, y = signals
    clf = ConvNetClassifier(
        conv_layers=(4, 6, 8), kernel_size=[5, 3, 3], strides=[2, 1, 1],
        padding=[1, "same", "valid"], pool_size=[None, 2, None], hidden_layer_sizes=(),
        batch_norm=False, head="flatten", max_iter=2, random_state=0,
    ).fit(X, y)  # fmt: skip
    convs = [layer for layer in clf._network.layers if isinstance(layer, Conv1D)]
    assert [c.kernel_size for c in convs] == [(5,), (3,), (3,)]
    assert [c.strides for c in convs] == [(2,), (1,), (1,)]
    assert sum(isinstance(layer, MaxPool1D) for layer in clf._network.layers) == 1
    # 40 -> (40 + 2 - 5) // 2 + 1 = 19 -> 19 -> pool 9 -> valid 3: 7 positions x 8 filters
    assert clf._network.layers[-1].n_in == 7 * 8
    with pytest.raises(ValueError, match="kernel_size has 2 entries but there are 3"):
        ConvNetClassifier(conv_layers=(4, 6, 8), kernel_size=[5, 3], max_iter=1).fit(X, y)


def test_a_pool_narrows_to_a_short_axis_and_vanishes_on_a_single_position():
    X, y = np.random.default_rng(0).standard_normal((30, 3)), np.arange(30) % 2
    clf = ConvNetClassifier(conv_layers=(2, 2, 2), **POOLED, max_iter=1, random_state=0).fit(X, y)
    pools = [layer.pool_size for layer in clf._network.layers if isinstance(layer, MaxPool1D)]
    assert pools == [(2,)]  # 3 -> 1, after which no pool is left to take


def test_batch_norm_running_statistics_come_back_with_the_best_weights(signals):
    X, y = signals
    clf = ConvNetClassifier(
        early_stopping=True, n_iter_no_change=2, max_iter=30, **{**SMALL, "batch_norm": True}
    ).fit(X, y)
    norms = [layer for layer in clf._network.layers if isinstance(layer, BatchNormalization)]
    assert len(norms) == 3
    best = int(np.argmax(clf.validation_scores_))
    assert best < clf.n_iter_ - 1  # the last epochs were worse: the best ones came back
    copy = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(copy.predict_proba(X), clf.predict_proba(X))
    np.testing.assert_array_equal(copy._network.layers[1].running_var, norms[0].running_var)


def test_training_parameters_are_the_mlps(signals):
    X, y = signals
    clf = ConvNetClassifier(solver="sgd", dropout=0.3, class_weight={0: 2.0}, **SMALL)
    for _ in range(2):
        clf.partial_fit(X, y, classes=[0, 1])
    assert clf.n_iter_ == 1 and clf.t_ == 600
    clf = ConvNetClassifier(max_iter=3, warm_start=True, **SMALL).fit(X, y)
    first = clf.loss_curve_[:]
    clf.fit(X, y, X_val=X[:50], y_val=y[:50])
    assert clf.loss_curve_[:3] == first and len(clf.validation_scores_) == 3


def test_divergence_is_an_error_that_restores_the_weights(signals):
    X, _ = signals
    reg = ConvNetRegressor(learning_rate_init=1e4, max_iter=5, **SMALL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(TrainingDivergedError, match="learning_rate_init"):
            reg.fit(X * 1e3, X.sum(axis=1) * 1e3)
    assert all(np.isfinite(a).all() for a in reg._network.state_arrays())


@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
def test_regressor_learns_from_signals(signals, loss):
    X, _ = signals
    y = X[:, 10:20].mean(axis=1) + 1  # positive, for the Poisson loss
    reg = ConvNetRegressor(loss=loss, max_iter=60, batch_size=32, **SMALL)
    reg.fit(X[:200], y[:200])
    assert reg.score(X[200:], y[200:]) > 0.5


def test_sparse_input_is_taken(signals):
    X, y = signals
    dense = ConvNetClassifier(max_iter=2, **SMALL).fit(X, y)
    sparse = ConvNetClassifier(max_iter=2, **SMALL).fit(sp.csr_matrix(X), y)
    np.testing.assert_allclose(dense.predict_proba(X), sparse.predict_proba(sp.csr_matrix(X)))


def test_grid_search_in_parallel_pipeline_clone_and_pickle(digits):
    X_train, X_test, y_train, y_test = digits
    pipeline = make_pipeline(
        FunctionTransformer(),
        ConvNetClassifier(input_shape=(8, 8), max_iter=10, batch_size=32, random_state=0),
    )
    search = GridSearchCV(
        pipeline,
        {"convnetclassifier__conv_layers": [(4,), (8,)], "convnetclassifier__kernel_size": [2, 3]},
        cv=2,
        n_jobs=2,
    ).fit(X_train[:300], y_train[:300])
    assert search.best_score_ > 0.5
    model = clone(search.best_estimator_).fit(X_train, y_train)
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(again.predict(X_test), model.predict(X_test))


def test_a_training_epoch_allocates_nothing_proportional_to_the_data():
    """Batches are gathered into buffers kept between steps and each layer copies
    its windows once per batch: four times the rows cost no more than the labels."""
    import tracemalloc

    rng = np.random.default_rng(0)
    peaks = {}
    for n in (1000, 4000):
        # float32, the network's dtype: float64 rows would be copied to it once.
        X, y = rng.standard_normal((n, 8, 8), dtype=np.float32), rng.integers(0, 3, size=n)
        model = ConvNetClassifier(max_iter=1, batch_size=100, **SMALL)
        tracemalloc.start()
        model.fit(X, y)
        peaks[n] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    extra_data = 3000 * 64 * 4  # bytes of the 3,000 extra rows of X
    assert peaks[4000] - peaks[1000] < 0.1 * extra_data, peaks


def test_a_tuple_is_one_size_per_axis_and_a_list_one_per_layer():
    X, y = np.random.default_rng(0).standard_normal((30, 64)), np.arange(30) % 2
    settings = dict(conv_layers=(4, 8), input_shape=(8, 8), max_iter=1, random_state=0)
    clf = ConvNetClassifier(kernel_size=(3, 5), strides=(2, 1), pool_size=None, **settings)
    convs = [layer for layer in clf.fit(X, y)._network.layers if isinstance(layer, Conv2D)]
    assert [c.kernel_size for c in convs] == [(3, 5), (3, 5)]
    assert [c.strides for c in convs] == [(2, 1), (2, 1)]
    clf = ConvNetClassifier(pool_size=(2, 1), **settings).fit(X, y)
    pools = [layer.pool_size for layer in clf._network.layers if isinstance(layer, MaxPool2D)]
    assert pools == [(2, 1), (2, 1)]
    one = ConvNetClassifier(conv_layers=(4,), pool_size=(2, 2), input_shape=(8, 8), max_iter=1)
    assert one.fit(X, y).n_iter_ == 1  # a tuple is not a list of one per layer
    listed = ConvNetClassifier(kernel_size=[5, 3], **settings).fit(X, y)
    assert [c.kernel_size for c in listed._network.layers if isinstance(c, Conv2D)] == [
        (5, 5),
        (3, 3),
    ]


def test_changing_the_architecture_under_warm_start_is_refused(signals):
    X, y = signals
    clf = ConvNetClassifier(max_iter=1, warm_start=True, **SMALL).fit(X, y)
    clf.set_params(conv_layers=(16,))
    with pytest.raises(
        ValueError, match="conv_layers is \\(16,\\), but .* fitted with \\(8, 16\\)"
    ):
        clf.fit(X, y)
    clf.set_params(conv_layers=[8, 16])  # the same network, written as a list
    clf.fit(X, y)


def test_input_shape_of_numpy_ints_is_saved(tmp_path, signals):
    from lucidnet import load, save

    X, y = signals
    clf = ConvNetClassifier(input_shape=(np.int64(40),), max_iter=1, **SMALL).fit(X, y)
    save(clf, tmp_path / "m.npz")
    assert load(tmp_path / "m.npz").input_shape_ == (40, 1)


def test_unusable_shapes_and_dropout_without_dense_layers_say_so(signals):
    X, y = signals
    with pytest.raises(ValueError, match="samples of shape \\(2, 2, 2, 5\\); without input_shape"):
        ConvNetClassifier(max_iter=1).fit(np.zeros((4, 2, 2, 2, 5)), [0, 1, 0, 1])
    with pytest.raises(ValueError, match="hidden_layer_sizes=\\(\\) has none"):
        ConvNetClassifier(hidden_layer_sizes=(), dropout=0.5, max_iter=1).fit(X, y)


def test_samples_of_four_axes_are_refused_with_the_shapes_that_work():
    """(n, h, w) is one-channel images, so (length, channels) is not among the
    sample shapes taken as they come; the message says how signals get channels."""
    X = np.zeros((10, 2, 3, 4, 5))
    with pytest.raises(ValueError, match="samples of shape \\(2, 3, 4, 5\\)") as info:
        ConvNetClassifier(max_iter=1).fit(X, np.arange(10) % 2)
    message = str(info.value)
    assert "(length, channels)" not in message  # that would be a one-channel image
    assert "input_shape=(length,)" in message and "(n_samples, length, channels)" in message


@pytest.mark.parametrize(
    "pool_size, input_shape",
    [(257, (600,)), ((17, 17), (34, 34))],
    ids=["1d-257", "2d-17x17"],
)
def test_a_pool_of_more_than_256_positions_trains_and_predicts(pool_size, input_shape):
    # The offset of each window's maximum once overflowed a byte here.
    rng = np.random.default_rng(0)
    X = rng.standard_normal((12, int(np.prod(input_shape))))
    y = np.arange(12) % 2
    clf = ConvNetClassifier(
        conv_layers=(4,), pool_size=pool_size, hidden_layer_sizes=(), input_shape=input_shape,
        max_iter=2, random_state=0,
    ).fit(X, y)  # fmt: skip
    assert clf.predict(X).shape == (12,) and len(clf.loss_curve_) == 2


@pytest.mark.parametrize(
    "params, n_features, layer",
    [
        (dict(conv_layers=(2,), kernel_size=9, padding="valid", input_shape=(8, 8)), 64, 1),
        (dict(conv_layers=(2, 2), kernel_size=5, padding="valid", input_shape=(8, 8)), 64, 2),
        (dict(conv_layers=(2, 2, 2), strides=3, padding=0, input_shape=(20,)), 20, 3),
    ],
    ids=["kernel-wider-than-input", "after-a-pool", "after-strides"],
)
def test_a_network_that_shrinks_to_nothing_names_the_layer_and_what_to_change(
    params, n_features, layer
):
    X, y = np.zeros((6, n_features)), np.arange(6) % 2
    with pytest.raises(ValueError) as info:
        ConvNetClassifier(hidden_layer_sizes=(), max_iter=1, **params).fit(X, y)
    message = str(info.value)
    assert f"convolutional layer {layer} of {len(params['conv_layers'])}" in message
    assert "shrinks" in message
    for parameter in ("padding", "strides", "kernel_size", "input_shape"):
        assert parameter in message, parameter
    assert ("pool_size" in message) == (layer > 1)  # pools before the layer shrank its input
