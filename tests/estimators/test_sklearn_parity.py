"""Same random_state, same model: lucidnet's MLPs against scikit-learn's, to the last bit.

Each setting is fitted by both libraries side by side; the weights, the loss
curve, the number of iterations and the predictions must be *equal*, not
close. The cases named after issue 9 are the reproductions it reported.
"""

import warnings

import numpy as np
import pytest
import sklearn.neural_network as sk
from sklearn.datasets import (
    load_breast_cancer,
    load_iris,
    load_wine,
    make_circles,
    make_classification,
    make_moons,
    make_regression,
)
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import lucidnet

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def standardized(loader):
    X, y = loader(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def fit_both(kind, X, y, fit_params=None, **params):
    fit_params = fit_params or {}
    ours = getattr(lucidnet, kind)(**params).fit(X, y, **fit_params)
    theirs = getattr(sk, kind)(**params).fit(X, y, **fit_params)
    return ours, theirs


def assert_same_model(ours, theirs, X=None):
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.loss_ == theirs.loss_
    assert type(ours.loss_) is type(theirs.loss_)
    for name in ("loss_curve_", "validation_scores_", "best_loss_", "best_validation_score_"):
        assert hasattr(ours, name) == hasattr(theirs, name), name
        if hasattr(theirs, name):
            np.testing.assert_array_equal(getattr(ours, name), getattr(theirs, name), name)
    for a, b in zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    if X is not None:
        predict = "predict_proba" if hasattr(theirs, "predict_proba") else "predict"
        np.testing.assert_array_equal(getattr(ours, predict)(X), getattr(theirs, predict)(X))


SETTINGS = [
    dict(solver="adam"),
    dict(solver="adam", alpha=0.1, batch_size=16),
    dict(solver="adam", activation="tanh", early_stopping=True, n_iter_no_change=3),
    dict(solver="sgd", activation="logistic", learning_rate="adaptive", tol=1e-2),
    dict(solver="sgd", learning_rate="invscaling", nesterovs_momentum=False, momentum=0.5),
    dict(solver="sgd", momentum=0, shuffle=False, batch_size=7),
    dict(solver="sgd", activation="identity", alpha=1.0, early_stopping=True),
    dict(solver="lbfgs", activation="tanh", alpha=1e-3),
    dict(solver="lbfgs", activation="logistic", hidden_layer_sizes=(8, 5)),
    dict(solver="lbfgs", activation="relu", alpha=0.5, max_fun=40),
]


def wine(dtype, weighted):
    X, y = load_wine(return_X_y=True)
    X = StandardScaler().fit_transform(X).astype(dtype)
    weights = np.random.RandomState(1).uniform(0.2, 3, len(y)) if weighted else None
    return X, y, {"sample_weight": weights}


@pytest.mark.parametrize(
    "dtype, weighted", [(np.float64, False), (np.float64, True), (np.float32, False)]
)
@pytest.mark.parametrize(
    "setting", SETTINGS, ids=lambda s: ",".join(f"{k}={v}" for k, v in s.items())
)
def test_classifier_is_scikit_learns_model_in_every_setting(setting, weighted, dtype):
    X, y, fit_params = wine(dtype, weighted)
    params = dict(hidden_layer_sizes=(12,), max_iter=60, random_state=3) | setting
    ours, theirs = fit_both("MLPClassifier", X, y, fit_params, **params)
    assert_same_model(ours, theirs, X)


@pytest.mark.parametrize("setting", SETTINGS[:7], ids=str)
def test_float32_with_sample_weights_agrees_to_float32_rounding(setting):
    """scikit-learn's float64 sample weights turn its bias gradients and their
    optimizer state float64 (NumPy's promotion) in a float32 model; lucidnet
    stays float32 (the README's differences)."""
    X, y, fit_params = wine(np.float32, weighted=True)
    params = dict(hidden_layer_sizes=(12,), max_iter=60, random_state=3) | setting
    ours, theirs = fit_both("MLPClassifier", X, y, fit_params, **params)
    assert ours.n_iter_ == theirs.n_iter_
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-5)


@pytest.mark.parametrize("setting", SETTINGS[:3] + SETTINGS[5:8], ids=str)
@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
def test_regressor_is_scikit_learns_model_in_every_setting(setting, loss):
    X, y = make_regression(150, 4, n_targets=2, noise=5, random_state=0)
    X = StandardScaler().fit_transform(X)
    y = np.abs(y) / 100 if loss == "poisson" else y / 100
    params = dict(loss=loss, hidden_layer_sizes=(10,), max_iter=60, random_state=0) | setting
    ours, theirs = fit_both("MLPRegressor", X, y, **params)
    assert_same_model(ours, theirs, X)


def test_issue9_l2_term_per_batch_wine_stops_where_scikit_learn_stops():
    X, y = standardized(load_wine)
    ours, theirs = fit_both(
        "MLPClassifier", X, y, alpha=0.1, batch_size=5, max_iter=500, random_state=0
    )
    assert ours.n_iter_ == theirs.n_iter_ == 95
    assert_same_model(ours, theirs, X)


def test_issue9_l2_term_per_batch_make_circles_pipeline():
    X, y = make_circles(random_state=0)
    models = [
        make_pipeline(
            StandardScaler(), module.MLPClassifier(alpha=1, max_iter=1000, random_state=42)
        ).fit(X, y)
        for module in (lucidnet, sk)
    ]
    assert_same_model(models[0][-1], models[1][-1])
    np.testing.assert_array_equal(models[0].predict_proba(X), models[1].predict_proba(X))


def test_issue9_partial_fit_loss_carries_the_l2_term_per_batch():
    X, y = standardized(load_iris)
    ours = lucidnet.MLPClassifier(alpha=0.5, batch_size=10, random_state=0)
    theirs = sk.MLPClassifier(alpha=0.5, batch_size=10, random_state=0)
    for _ in range(3):
        ours.partial_fit(X, y, classes=[0, 1, 2])
        theirs.partial_fit(X, y, classes=[0, 1, 2])
        assert ours.loss_ == theirs.loss_
    assert_same_model(ours, theirs, X)


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_issue9_multioutput_regression(solver):
    X, y = make_regression(200, 5, n_targets=3, random_state=0)
    ours, theirs = fit_both("MLPRegressor", X, y / 100, solver=solver, max_iter=300, random_state=0)
    assert_same_model(ours, theirs, X)


def test_issue9_log_loss_is_clipped_as_scikit_learn_clips_it():
    X, y = load_breast_cancer(return_X_y=True)
    ours = lucidnet.MLPClassifier(solver="lbfgs", warm_start=True, max_iter=50, random_state=0)
    theirs = sk.MLPClassifier(solver="lbfgs", warm_start=True, max_iter=50, random_state=0)
    for _ in range(4):  # unscaled features: probabilities saturate
        ours.fit(X, y)
        theirs.fit(X, y)
    assert_same_model(ours, theirs, X)


def test_issue9_saturated_log_loss_is_reported_not_called_divergence():
    X, y = load_iris(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ours, theirs = fit_both("MLPClassifier", X * 1e300, y, max_iter=5, random_state=0)
    assert ours.loss_ == theirs.loss_ < 40  # -log(eps) is 36: a clipped, finite loss
    assert_same_model(ours, theirs)


def plot_mlp_alpha_fits():
    """The 15 fits of scikit-learn's gallery example plot_mlp_alpha.py (1.9)."""
    X, y = make_classification(
        n_features=2, n_redundant=0, n_informative=2, random_state=0, n_clusters_per_class=1
    )
    X += 2 * np.random.RandomState(2).uniform(size=X.shape)
    datasets = [
        make_moons(noise=0.3, random_state=0),
        make_circles(noise=0.2, factor=0.5, random_state=1),
        (X, y),
    ]
    for X, y in datasets:
        X_train, X_test, y_train, _ = train_test_split(X, y, test_size=0.4, random_state=42)
        for alpha in np.logspace(-1, 1, 5):
            yield alpha, X_train, y_train, X_test


@pytest.mark.parametrize("case", range(15))
def test_issue9_lbfgs_long_runs_gallery_plot_mlp_alpha(case):
    alpha, X_train, y_train, X_test = list(plot_mlp_alpha_fits())[case]
    params = dict(
        solver="lbfgs",
        alpha=alpha,
        random_state=1,
        max_iter=2000,
        early_stopping=True,
        hidden_layer_sizes=[10, 10],
    )
    models = [
        make_pipeline(StandardScaler(), module.MLPClassifier(**params)).fit(X_train, y_train)
        for module in (lucidnet, sk)
    ]
    assert_same_model(models[0][-1], models[1][-1])
    grid = np.mgrid[-3:3:0.05, -3:3:0.05].reshape(2, -1).T
    np.testing.assert_array_equal(models[0].predict_proba(grid), models[1].predict_proba(grid))


def test_issue9_multiclass_early_stopping_splits_as_scikit_learn_does():
    X, y = standardized(load_iris)
    ours, theirs = fit_both("MLPClassifier", X, y, early_stopping=True, random_state=0)
    assert ours.best_loss_ is None and theirs.best_loss_ is None
    assert_same_model(ours, theirs, X)


def test_issue9_binary_early_stopping_stratifies_and_says_why_it_cannot():
    X, y = [[1, 2], [2, 3], [3, 4], [4, 5]], [0, 0, 0, 1]
    with pytest.raises(ValueError, match=r"least populated classes.*\['True'\]"):
        lucidnet.MLPClassifier(early_stopping=True).fit(X, y)


def test_issue9_lbfgs_fits_set_scikit_learns_attributes_only():
    X, y = standardized(load_iris)
    ours, theirs = fit_both("MLPClassifier", X, y, solver="lbfgs", random_state=0)
    for name in ("loss_curve_", "best_loss_", "validation_scores_", "best_validation_score_"):
        assert not hasattr(ours, name) and not hasattr(theirs, name)
    assert_same_model(ours, theirs, X)


def test_issue9_fitted_attributes_have_scikit_learns_types():
    X, y = standardized(load_iris)
    ours, theirs = fit_both("MLPClassifier", X, y, max_iter=20, random_state=0)
    assert ours.loss == theirs.loss == "log_loss"
    assert "loss" not in ours.get_params()
    assert type(ours.loss_) is type(theirs.loss_) is np.float64
    assert [type(v) for v in ours.loss_curve_] == [type(v) for v in theirs.loss_curve_]


def test_issue9_regressor_lbfgs_partial_fit_exists_as_in_scikit_learn_19():
    X, y = make_regression(100, 3, random_state=0)
    ours = lucidnet.MLPRegressor(solver="lbfgs", max_iter=30, random_state=0)
    theirs = sk.MLPRegressor(solver="lbfgs", max_iter=30, random_state=0)
    for _ in range(2):
        ours.partial_fit(X, y / 100)
        theirs.partial_fit(X, y / 100)
    assert_same_model(ours, theirs, X)
    assert not hasattr(lucidnet.MLPClassifier(solver="lbfgs"), "partial_fit")


def test_issue9_validation_fraction_zero_with_early_stopping_is_scikit_learns_error():
    X, y = load_iris(return_X_y=True)
    messages = []
    for module in (lucidnet, sk):
        with pytest.raises(ValueError) as info:
            module.MLPClassifier(early_stopping=True, validation_fraction=0).fit(X, y)
        messages.append(str(info.value))
    assert messages[0] == messages[1]


@pytest.mark.parametrize(
    "params",
    [
        dict(solver="sgd", max_iter=15),
        dict(solver="sgd", early_stopping=True, n_iter_no_change=2, tol=0.5),
        dict(solver="sgd", learning_rate="adaptive", n_iter_no_change=1, tol=0.5, max_iter=30),
        dict(solver="adam", max_iter=5),
    ],
    ids=str,
)
def test_issue9_verbose_prints_scikit_learns_lines(params, capsys):
    X, y = standardized(load_iris)
    outputs = []
    for module in (lucidnet, sk):
        module.MLPClassifier(verbose=True, random_state=0, **params).fit(X, y)
        outputs.append(capsys.readouterr().out)
    assert "Iteration 1, loss = " in outputs[0]
    assert outputs[0] == outputs[1]


def test_issue9_non_finite_weights_raise_a_value_error_with_scikit_learns_sentence():
    rng = np.random.RandomState(0)
    X = np.finfo(np.float64).max * rng.uniform(size=(10, 2))
    y = rng.standard_normal(size=10)
    model = lucidnet.MLPRegressor()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(ValueError, match="Solver produced non-finite parameter weights") as e:
            model.fit(X, y)
    assert isinstance(e.value, lucidnet.TrainingDivergedError)
    assert "learning_rate_init" in str(e.value)  # and our advice


def test_issue9_early_stopping_survives_divergence_as_in_scikit_learn():
    X, y = load_iris(return_X_y=True)
    params = dict(
        activation="identity", solver="sgd", learning_rate_init=1, max_iter=20,
        early_stopping=True, random_state=0,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ours, theirs = fit_both("MLPRegressor", X, y, **params)
    assert np.isnan(ours.validation_scores_[-1])
    assert ours.n_iter_ == theirs.n_iter_
    assert all(np.isfinite(c).all() for c in ours.coefs_)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))


def test_issue9_weights_assigned_by_hand_are_trained_on():
    X, y = standardized(load_iris)
    ours, theirs = fit_both("MLPClassifier", X, y, max_iter=5, random_state=0)
    start = [np.full_like(c, 0.01) for c in theirs.coefs_]
    for model in (ours, theirs):
        model.coefs_ = [c.copy() for c in start]
        model.partial_fit(X, y)
    assert_same_model(ours, theirs, X)


def test_issue9_html_repr_links_to_lucidnets_documentation():
    model = lucidnet.MLPClassifier()
    link = model._get_doc_link()
    assert link.startswith("https://lucidnet.readthedocs.io/en/")
    assert link.endswith("/api/generated/lucidnet.MLPClassifier.html")
    assert link in model._repr_html_()
