"""Autoencoder: a transformer where PCA stands, with codes, reconstructions and scores."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline

from lucidnet import Autoencoder, ModelFileError, load, save
from lucidnet.engine.conv import Conv1D
from lucidnet.engine.noise import GaussianNoise, Masking
from lucidnet.engine.pooling import UpSampling1D, UpSampling2D

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
QUICK = dict(hidden_layer_sizes=(32,), max_iter=60, random_state=0)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return train_test_split(X / 16, y, test_size=0.25, random_state=0)


def test_codes_and_reconstructions_have_pcas_shapes_and_beat_it(digits):
    X_train, X_test, _, _ = digits
    ae = Autoencoder(n_components=8, **QUICK).fit(X_train)
    codes = ae.transform(X_test)
    assert codes.shape == (len(X_test), 8) and ae.n_components_ == 8
    back = ae.inverse_transform(codes)
    assert back.shape == X_test.shape
    pca = PCA(8).fit(X_train)
    pca_error = np.mean((pca.inverse_transform(pca.transform(X_test)) - X_test) ** 2)
    ae_error = np.mean((back - X_test) ** 2)
    assert ae_error < pca_error
    # float32 weights: inverse_transform decodes in float32, score in float64.
    np.testing.assert_allclose(-ae.score(X_test), ae_error, rtol=1e-6)
    assert 0 < ae.reconstruction_error_ < pca_error
    np.testing.assert_array_equal(ae.fit_transform(X_train), ae.transform(X_train))


def test_score_samples_ranks_noise_below_digits(digits):
    X_train, X_test, _, _ = digits
    ae = Autoencoder(n_components=8, **QUICK).fit(X_train)
    noise = np.random.default_rng(0).uniform(0, 1, size=(50, 64))
    assert ae.score_samples(noise).max() < np.median(ae.score_samples(X_test))
    assert ae.score_samples(X_test).shape == (len(X_test),)


def test_feature_names_and_pandas_output(digits):
    pd = pytest.importorskip("pandas")
    X_train, X_test, _, _ = digits
    ae = Autoencoder(n_components=3, **QUICK).fit(X_train)
    assert ae.get_feature_names_out().tolist() == ["autoencoder0", "autoencoder1", "autoencoder2"]
    frame = ae.set_output(transform="pandas").transform(pd.DataFrame(X_test))
    assert list(frame.columns) == ["autoencoder0", "autoencoder1", "autoencoder2"]


def test_pipeline_grid_search_clone_and_pickle(digits):
    X_train, X_test, y_train, y_test = digits
    pipeline = make_pipeline(Autoencoder(**QUICK), LogisticRegression(max_iter=500))
    search = GridSearchCV(pipeline, {"autoencoder__n_components": [2, 8]}, cv=2, n_jobs=2)
    search.fit(X_train, y_train)
    assert search.best_params_ == {"autoencoder__n_components": 8}
    model = clone(search.best_estimator_).fit(X_train, y_train)
    assert model.score(X_test, y_test) > 0.85
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(again.predict_proba(X_test), model.predict_proba(X_test))


def test_denoising_corrupts_in_training_only(digits):
    X_train, X_test, _, _ = digits
    ae = Autoencoder(n_components=8, noise=0.2, masking=0.25, **QUICK).fit(X_train)
    kinds = [type(layer) for layer in ae._network.layers[:2]]
    assert kinds == [GaussianNoise, Masking]
    np.testing.assert_array_equal(ae.transform(X_test), ae.transform(X_test))
    with pytest.raises(ValueError, match="need a stochastic solver"):
        Autoencoder(noise=0.1, solver="lbfgs").fit(X_train)


def test_logistic_output_for_pixels_and_lbfgs(digits):
    X_train, X_test, _, _ = digits
    ae = Autoencoder(n_components=8, output_activation="logistic", solver="lbfgs", **QUICK)
    back = ae.fit(X_train).inverse_transform(ae.transform(X_test))
    assert back.min() >= 0 and back.max() <= 1
    assert ae.out_activation_ == "logistic" and not hasattr(ae, "loss_curve_")


def test_convolutional_autoencoder_on_images(digits):
    X_train, X_test, _, _ = digits
    ae = Autoencoder(
        n_components=8, conv_layers=(8, 16), input_shape=(8, 8), **QUICK | {"max_iter": 20}
    )
    ae.fit(X_train)
    assert ae.input_shape_ == (8, 8, 1)
    assert sum(isinstance(layer, UpSampling2D) for layer in ae._network.layers) == 2
    assert ae.transform(X_test).shape == (len(X_test), 8)
    assert ae.inverse_transform(ae.transform(X_test)).shape == X_test.shape
    assert -ae.score(X_test) < np.var(X_test)  # better than predicting the mean


def test_convolutional_autoencoder_lands_on_an_odd_length():
    X = np.random.default_rng(0).standard_normal((40, 21))
    ae = Autoencoder(n_components=4, conv_layers=(4, 4), max_iter=3, random_state=0).fit(X)
    ups = [layer for layer in ae._network.layers if isinstance(layer, UpSampling1D)]
    assert [u.output_size for u in ups] == [(10,), (21,)]  # 21 -> 10 -> 5 -> 10 -> 21
    assert ae.inverse_transform(ae.transform(X)).shape == (40, 21)


def test_training_parameters_are_the_other_estimators(digits):
    X_train, X_test, _, _ = digits
    ae = Autoencoder(n_components=4, early_stopping=True, n_iter_no_change=3, **QUICK)
    ae.fit(X_train, X_val=X_test)
    assert ae.best_validation_score_ == max(ae.validation_scores_)
    assert ae.validation_scores_[-1] <= 0  # minus an error
    ae = Autoencoder(n_components=4, dropout=0.1, **QUICK).partial_fit(X_train)
    ae.partial_fit(X_train)
    assert ae.t_ == 2 * len(X_train)


def test_inverse_transform_wants_codes_of_n_components(digits):
    X_train, _, _, _ = digits
    ae = Autoencoder(n_components=4, **QUICK).fit(X_train)
    with pytest.raises(ValueError, match="takes codes of 4"):
        ae.inverse_transform(np.zeros((2, 5)))


@pytest.mark.parametrize("conv", [(), (4,)])
def test_a_saved_autoencoder_transforms_the_same(digits, tmp_path, conv):
    X_train, X_test, _, _ = digits
    shape = (8, 8) if conv else None
    ae = Autoencoder(n_components=4, conv_layers=conv, input_shape=shape, noise=0.1, **QUICK)
    ae.fit(X_train)
    save(ae, tmp_path / "ae.npz")
    loaded = load(tmp_path / "ae.npz")
    np.testing.assert_array_equal(loaded.transform(X_test), ae.transform(X_test))
    np.testing.assert_array_equal(loaded.score_samples(X_test), ae.score_samples(X_test))
    assert loaded.reconstruction_error_ == ae.reconstruction_error_
    assert loaded.get_params() == ae.get_params()


def test_a_tampered_autoencoder_file_is_refused(digits, tmp_path):
    import json

    from tests.io.test_hostile_files import entries_of, write_entries

    X_train, _, _, _ = digits
    ae = Autoencoder(n_components=4, **QUICK).fit(X_train)
    save(ae, tmp_path / "ae.npz")
    entries = entries_of(tmp_path / "ae.npz")
    metadata = json.loads(entries.pop("metadata").tobytes())
    metadata["params"]["n_components"] = 5
    with pytest.raises(ModelFileError, match="its layer 2 holds arrays"):
        load(write_entries(tmp_path / "bad.npz", entries, metadata))


def test_partial_fit_is_only_for_stochastic_solvers_as_in_scikit_learn(digits):
    from sklearn.neural_network import MLPClassifier

    X_train, _, _, _ = digits
    assert not hasattr(Autoencoder(solver="lbfgs"), "partial_fit")
    assert hasattr(Autoencoder(solver="sgd"), "partial_fit")
    errors = []
    for estimator, args in [
        (Autoencoder(solver="lbfgs"), ()),
        (MLPClassifier(solver="lbfgs"), ([0] * len(X_train), [0, 1])),
    ]:
        with pytest.raises(AttributeError) as info:
            estimator.partial_fit(X_train, *args)
        errors.append(info.value)
    ours, theirs = errors
    assert str(ours) == str(theirs).replace("MLPClassifier", "Autoencoder")
    assert str(ours.__cause__) == str(theirs.__cause__)


@pytest.mark.parametrize("fit", ["fit", "partial_fit"])
def test_logistic_output_refuses_X_outside_0_1(digits, fit):
    X_train, _, _, _ = digits
    shifted = X_train * 2 - 0.5  # values from -0.5 to 1.5
    ae = Autoencoder(n_components=4, output_activation="logistic", **QUICK)
    with pytest.raises(ValueError, match=r"X must lie in \[0, 1\]") as info:
        getattr(ae, fit)(shifted)
    message = str(info.value)
    assert f"{shifted.min():g}" in message and f"{shifted.max():g}" in message
    assert "MinMaxScaler" in message and "output_activation='identity'" in message
    assert not hasattr(ae, "n_iter_")  # refused before any training
    Autoencoder(n_components=4, output_activation="identity", **QUICK).partial_fit(shifted)


def test_hidden_layer_sizes_may_be_an_int_as_in_the_mlps(digits):
    X_train, X_test, _, _ = digits
    settings = dict(n_components=4, max_iter=3, random_state=0)
    one_int = Autoencoder(hidden_layer_sizes=16, **settings).fit(X_train)
    one_tuple = Autoencoder(hidden_layer_sizes=(16,), **settings).fit(X_train)
    np.testing.assert_array_equal(one_int.transform(X_test), one_tuple.transform(X_test))


@pytest.mark.parametrize(
    "n_components, settings",
    [
        (64, {"hidden_layer_sizes": ()}),
        (100, {}),
        (64, {"conv_layers": (2,), "input_shape": (8, 8)}),
    ],
)
def test_a_code_as_wide_as_the_input_is_refused(digits, n_components, settings):
    X_train, _, _, _ = digits
    ae = Autoencoder(n_components, max_iter=1, **settings)
    with pytest.raises(ValueError, match=f"n_components={n_components} must be less than") as info:
        ae.fit(X_train)
    assert f"n_features={X_train.shape[1]}" in str(info.value)
    Autoencoder(X_train.shape[1] - 1, max_iter=1, **settings).fit(X_train)


def test_input_shape_without_conv_layers_is_refused(digits):
    X_train, _, _, _ = digits
    with pytest.raises(ValueError, match=r"input_shape=\(8, 8\) is for convolutional") as info:
        Autoencoder(4, input_shape=(8, 8), max_iter=1).fit(X_train)
    assert "conv_layers" in str(info.value)


def test_signals_of_several_channels_by_the_documented_route():
    """X of shape (n, length, channels) with input_shape=(length,): 1-D signals
    with channels, as the docstring says (not one-channel length x channels images)."""
    rng = np.random.default_rng(0)
    signals = rng.standard_normal((60, 30, 3))
    assert "input_shape=(length,)" in " ".join(Autoencoder.__doc__.split())
    ae = Autoencoder(4, conv_layers=(4,), input_shape=(30,), max_iter=2, random_state=0)
    ae.fit(signals)
    assert ae.input_shape_ == (30, 3)
    first = next(layer for layer in ae._network.layers if hasattr(layer, "W"))
    assert isinstance(first, Conv1D) and first.in_channels == 3
    flat = signals.reshape(60, -1)  # each step's channels next to each other
    np.testing.assert_array_equal(ae.transform(signals), ae.transform(flat))
    assert ae.inverse_transform(ae.transform(signals)).shape == (60, 90)


@pytest.mark.parametrize("conv", [False, True])
def test_score_samples_checks_its_input_once(digits, conv):
    pd = pytest.importorskip("pandas")
    X_train, X_test, _, _ = digits
    params = dict(conv_layers=(4,), input_shape=(8, 8)) if conv else {}
    columns = [f"pixel{i}" for i in range(64)]
    quick = dict(QUICK, max_iter=5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        frame = pd.DataFrame(X_train, columns=columns)
        ae = Autoencoder(n_components=4, **params, **quick).fit(frame)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scores = ae.score_samples(X_test)  # no feature names: scikit-learn warns, once
    assert [str(w.message).count("feature names") > 0 for w in caught] == [True]
    np.testing.assert_array_equal(scores, ae.score_samples(pd.DataFrame(X_test, columns=columns)))
    bad = X_test.copy()
    bad[3, 5] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        ae.score_samples(bad)


def test_inverse_transform_names_nan_as_pca_does(digits):
    X_train, _, _, _ = digits
    ae = Autoencoder(n_components=2, **QUICK).fit(X_train)
    codes = np.array([[0.5, np.nan]])
    with pytest.raises(ValueError) as ours:
        ae.inverse_transform(codes)
    with pytest.raises(ValueError) as pcas:
        PCA(2).fit(X_train).inverse_transform(codes)
    assert str(ours.value).splitlines()[0] == str(pcas.value).splitlines()[0]


def test_score_refuses_samples_of_the_wrong_shape_as_transform_does():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, 9, 5))
    ae = Autoencoder(3, conv_layers=(2,), hidden_layer_sizes=(), max_iter=2, random_state=0)
    ae.fit(X)
    wrong = X.reshape(20, 5, 9)  # as many values per sample, on other axes
    for method in (ae.transform, ae.score_samples, ae.score):
        with pytest.raises(ValueError, match="samples of shape \\(5, 9\\).*fitted on"):
            method(wrong)
    assert ae.score_samples(X).shape == (20,)


@pytest.mark.parametrize("n_components", [True, False, 2.0, "2"])
def test_n_components_that_is_not_an_int_is_refused_by_parameter_validation(n_components):
    from sklearn.utils._param_validation import InvalidParameterError

    X = np.random.default_rng(0).standard_normal((10, 4))
    with pytest.raises(InvalidParameterError, match="'n_components' parameter of Autoencoder"):
        Autoencoder(n_components=n_components, max_iter=1).fit(X)


@pytest.mark.parametrize(
    "sample_weight, match",
    [
        (np.ones(3), "sample_weight.shape == \\(3,\\), expected \\(20,\\)"),
        (np.zeros(20), "sample_weight sums to zero|at least one non-zero"),
        (-np.ones(20), "sample_weight must be non-negative"),
    ],
    ids=["wrong-length", "all-zero", "negative"],
)
def test_score_refuses_sample_weights_as_fit_does(sample_weight, match):
    X = np.random.default_rng(0).standard_normal((20, 4))
    ae = Autoencoder(2, hidden_layer_sizes=(), max_iter=2, random_state=0).fit(X)
    with pytest.raises(ValueError, match=match):
        ae.score(X, sample_weight=sample_weight)
    with pytest.raises(ValueError, match=match):
        Autoencoder(2, hidden_layer_sizes=(), max_iter=1).fit(X, sample_weight=sample_weight)
    weights = np.arange(20.0)
    expected = np.average(ae.score_samples(X), weights=weights)
    assert ae.score(X, sample_weight=weights) == pytest.approx(expected)


def test_the_default_batch_size_is_clipped_silently_on_few_samples():
    X = np.random.default_rng(0).standard_normal((20, 4))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning at all, the convergence one aside
        warnings.simplefilter("ignore", ConvergenceWarning)
        ae = Autoencoder(2, hidden_layer_sizes=(), max_iter=3, random_state=0).fit(X)
    assert ae.t_ == 3 * 20
    # A batch size the user set and the data cannot fill is clipped with
    # scikit-learn's warning, as in the MLPs.
    with pytest.warns(UserWarning, match="larger than sample size"):
        Autoencoder(2, hidden_layer_sizes=(), batch_size=64, max_iter=1).fit(X)
    # The default still means batches of 64 from 640 rows up, a tenth below.
    ae = Autoencoder(2, hidden_layer_sizes=(), max_iter=1, random_state=0)
    assert [ae._batch_size(n) for n in (20, 200, 640, 5000)] == [16, 20, 64, 64]
