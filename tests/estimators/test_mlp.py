import inspect
import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.neural_network as sk
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_iris, make_multilabel_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, cross_val_score, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from lucidnet import MLPClassifier, MLPRegressor, TrainingDivergedError

SCHEDULE = ("learning_rate_factor", "learning_rate_min")  # of 'plateau' and 'cosine'
EXTRAS = {
    "MLPClassifier": {"dropout", "class_weight", "progress_bar", *SCHEDULE},
    "MLPRegressor": {"dropout", "progress_bar", *SCHEDULE},
}


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.mark.parametrize(
    "ours, theirs", [(MLPClassifier, sk.MLPClassifier), (MLPRegressor, sk.MLPRegressor)]
)
def test_same_parameters_and_defaults_as_scikit_learn(ours, theirs):
    mine = inspect.signature(ours.__init__).parameters
    other = inspect.signature(theirs.__init__).parameters
    assert set(mine) - set(other) == EXTRAS[ours.__name__]
    for name, param in other.items():
        assert mine[name].default == param.default, name
        assert mine[name].kind == param.kind, name
    assert ours().get_params().keys() - theirs().get_params().keys() == EXTRAS[ours.__name__]


@pytest.mark.parametrize("solver", ["lbfgs", "sgd", "adam"])
def test_fitted_attributes_match_scikit_learn(iris, solver):
    X, y = iris
    kwargs = dict(hidden_layer_sizes=(7, 5), solver=solver, max_iter=30, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = MLPClassifier(**kwargs).fit(X, y)
        theirs = sk.MLPClassifier(**kwargs).fit(X, y)
    for name in ("n_features_in_", "n_layers_", "n_outputs_", "out_activation_", "t_", "n_iter_"):
        if name == "n_iter_" and solver == "lbfgs":
            continue  # lbfgs may stop early, when it does depends on the starting point
        assert getattr(ours, name) == getattr(theirs, name), name
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    assert [c.shape for c in ours.coefs_] == [c.shape for c in theirs.coefs_]
    assert [b.shape for b in ours.intercepts_] == [b.shape for b in theirs.intercepts_]
    assert isinstance(ours.loss_, float) and np.isfinite(ours.loss_)
    if solver != "lbfgs":
        assert len(ours.loss_curve_) == len(theirs.loss_curve_) == ours.n_iter_
        assert ours.best_loss_ == min(ours.loss_curve_)
        assert ours.validation_scores_ is None and ours.best_validation_score_ is None
    assert ours.predict_proba(X).shape == theirs.predict_proba(X).shape


def test_binary_multiclass_multilabel(iris):
    X, y = iris
    binary = MLPClassifier(max_iter=300, random_state=0).fit(X, y == 2)
    assert binary.out_activation_ == "logistic" and binary.n_outputs_ == 1
    assert binary.predict(X).dtype == bool and binary.score(X, y == 2) > 0.9
    np.testing.assert_allclose(binary.predict_proba(X).sum(axis=1), 1)

    multi = MLPClassifier(max_iter=300, random_state=0).fit(X, y)
    assert multi.out_activation_ == "softmax" and multi.score(X, y) > 0.9
    np.testing.assert_allclose(multi.predict_proba(X).sum(axis=1), 1, rtol=1e-6)
    np.testing.assert_allclose(np.exp(multi.predict_log_proba(X)), multi.predict_proba(X))

    Xm, Ym = make_multilabel_classification(n_samples=150, n_classes=4, random_state=0)
    ml = MLPClassifier(max_iter=400, random_state=0).fit(Xm, Ym)
    assert ml.out_activation_ == "logistic" and ml.predict(Xm).shape == Ym.shape
    assert ml.score(Xm, Ym) > 0.5


def test_string_labels_and_sparse_input(iris):
    X, y = iris
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    dense = MLPClassifier(max_iter=300, random_state=0).fit(X, names)
    sparse = MLPClassifier(max_iter=300, random_state=0).fit(sp.csr_matrix(X), names)
    assert set(dense.predict(X)) <= set(names)
    np.testing.assert_allclose(sparse.predict_proba(X), dense.predict_proba(X), rtol=1e-8)


def test_multi_output_regression_and_poisson():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(300, 3))
    Y = np.column_stack([X[:, 0] + X[:, 1], X[:, 2] ** 2])
    reg = MLPRegressor(hidden_layer_sizes=(20,), solver="lbfgs", random_state=0).fit(X, Y)
    assert reg.predict(X).shape == (300, 2) and reg.score(X, Y) > 0.9
    counts = rng.poisson(np.exp(X[:, 0]))
    pois = MLPRegressor(loss="poisson", solver="lbfgs", random_state=0).fit(X, counts)
    assert pois.out_activation_ == "exp" and np.all(pois.predict(X) > 0)
    with pytest.raises(ValueError, match="non-negative"):
        MLPRegressor(loss="poisson").fit(X, -counts - 1)


@pytest.mark.parametrize("solver", ["lbfgs", "sgd", "adam"])
def test_float32_dtypes_are_scikit_learns(iris, solver):
    """A float32 fit keeps float32 weights, except that L-BFGS (scipy's float64
    vector) leaves them float64; predictions come in the wider of the input's
    and the weights' dtypes. All as in scikit-learn."""
    X, y = iris
    X32 = X.astype(np.float32)
    params = dict(solver=solver, max_iter=20, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours, theirs = MLPClassifier(**params).fit(X32, y), sk.MLPClassifier(**params).fit(X32, y)
    expected = np.float64 if solver == "lbfgs" else np.float32
    assert all(c.dtype == expected for c in ours.coefs_ + ours.intercepts_)
    for data in (X32, X):
        assert ours.predict_proba(data).dtype == theirs.predict_proba(data).dtype
        np.testing.assert_array_equal(ours.predict_proba(data), theirs.predict_proba(data))


def test_convergence_warning_at_max_iter(iris):
    X, y = iris
    with pytest.warns(ConvergenceWarning, match="Maximum iterations"):
        MLPClassifier(max_iter=3).fit(X, y)
    with pytest.warns(ConvergenceWarning, match="lbfgs failed to converge"):
        MLPClassifier(solver="lbfgs", max_iter=3).fit(X, y)


def test_early_stopping_restores_the_best_weights():
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    X_train, X_val, y_train, y_val = train_test_split(X, y, random_state=0)
    clf = MLPClassifier(
        early_stopping=True,
        max_iter=200,
        random_state=0,
        n_iter_no_change=5,
        learning_rate_init=0.01,
    )
    clf.fit(X_train, y_train, X_val=X_val, y_val=y_val)
    assert clf.n_iter_ < 200
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert clf.score(X_val, y_val) == clf.best_validation_score_
    assert len(clf.validation_loss_curve_) == len(clf.loss_curve_)
    # without X_val, a stratified validation_fraction split is held out
    split = MLPClassifier(early_stopping=True, max_iter=200, random_state=0).fit(X, y)
    assert len(split.validation_scores_) == split.n_iter_


def test_validation_data_recorded_without_early_stopping(iris):
    X, y = iris
    clf = MLPClassifier(max_iter=15, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X[::2], y[::2], X_val=X[1::2], y_val=y[1::2])
    assert len(clf.validation_scores_) == len(clf.validation_loss_curve_) == 15
    assert clf.validation_loss_curve_[-1] < clf.validation_loss_curve_[0]
    with pytest.raises(ValueError, match="both X_val and y_val"):
        clf.fit(X, y, X_val=X)


def test_warm_start_and_partial_fit_continue(iris):
    X, y = iris
    clf = MLPClassifier(max_iter=5, warm_start=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
        first = [c.copy() for c in clf.coefs_]
        clf.fit(X, y)
    assert len(clf.loss_curve_) == 10 and clf.t_ == 10 * len(X)
    assert not np.allclose(first[0], clf.coefs_[0])

    online = MLPClassifier(random_state=0)
    with pytest.raises(ValueError, match="classes must be passed"):
        online.partial_fit(X[:10], y[:10])
    for start in range(0, 150, 30):
        online.partial_fit(X[start : start + 30], y[start : start + 30], classes=[0, 1, 2])
    assert online.t_ == 150 and len(online.loss_curve_) == 5
    with pytest.raises(ValueError, match="classes not in"):
        online.partial_fit(X[:3], [0, 1, 7])
    assert not hasattr(MLPClassifier(solver="lbfgs"), "partial_fit")
    assert hasattr(MLPRegressor(solver="sgd"), "partial_fit")


def test_dropout_and_per_layer_activations(iris):
    X, y = iris
    clf = MLPClassifier(
        hidden_layer_sizes=(20, 10),
        activation=["tanh", "leaky_relu"],
        dropout=[0.2, 0.0],
        max_iter=300,
        random_state=0,
    ).fit(X, y)
    names = [type(layer).__name__ for layer in clf._network.layers]
    assert names == ["Dense", "Activation", "Dropout", "Dense", "Activation", "Dense"]
    assert clf.score(X, y) > 0.9
    with pytest.raises(ValueError, match="activation has 1 entries but there are 2"):
        MLPClassifier(hidden_layer_sizes=(5, 5), activation=["relu"]).fit(X, y)
    with pytest.raises(ValueError, match="dropout"):
        MLPClassifier(dropout=1.5).fit(X, y)
    with pytest.raises(ValueError, match="stochastic solver"):
        MLPClassifier(solver="lbfgs", dropout=0.2).fit(X, y)


def test_class_weight_balanced_raises_minority_recall():
    from sklearn.metrics import recall_score

    rng = np.random.default_rng(0)
    X = rng.standard_normal((600, 2))
    y = (X[:, 0] + 0.5 * rng.standard_normal(600) > 1.6).astype(int)  # about 7% positives
    kwargs = dict(hidden_layer_sizes=(8,), max_iter=300, random_state=0)
    plain = MLPClassifier(**kwargs).fit(X, y)
    balanced = MLPClassifier(class_weight="balanced", **kwargs).fit(X, y)
    as_dict = MLPClassifier(class_weight={0: 1.0, 1: 10.0}, **kwargs).fit(X, y)
    assert recall_score(y, balanced.predict(X)) > recall_score(y, plain.predict(X)) + 0.1
    assert recall_score(y, as_dict.predict(X)) > recall_score(y, plain.predict(X)) + 0.1


def test_progress_bar_shows_epochs_loss_and_validation_score(iris, capsys):
    X, y = iris
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        MLPClassifier(
            max_iter=4, progress_bar=True, early_stopping=True, n_iter_no_change=50, random_state=0
        ).fit(X, y)
    captured = capsys.readouterr()
    assert "4/4" in captured.err and "loss=" in captured.err and "val_score=" in captured.err
    assert captured.out == ""  # the bar is not scikit-learn's verbose output


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_divergence_names_the_epoch_and_keeps_no_nan_model(solver):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((100, 5)) * 100
    y = X @ rng.standard_normal(5)
    reg = MLPRegressor(solver=solver, learning_rate_init=1e6, max_iter=20, random_state=0)
    with pytest.raises(TrainingDivergedError, match=r"epoch \d+.*smaller learning_rate_init"):
        reg.fit(X, y)
    assert all(np.all(np.isfinite(c)) for c in reg.coefs_ + reg.intercepts_)


def test_in_the_scikit_learn_ecosystem(iris):
    X, y = iris
    pipe = make_pipeline(StandardScaler(), MLPClassifier(max_iter=300, random_state=0))
    assert cross_val_score(pipe, X, y, cv=3).mean() > 0.85
    grid = GridSearchCV(
        MLPClassifier(max_iter=200, random_state=0),
        {"hidden_layer_sizes": [(5,), (20,)]},
        cv=2,
        n_jobs=2,
    ).fit(X, y)
    assert grid.best_params_["hidden_layer_sizes"] in [(5,), (20,)]
    fitted = MLPClassifier(max_iter=300, random_state=0).fit(X, y)
    copy = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(copy.predict_proba(X), fitted.predict_proba(X))
    assert copy.coefs_[0] is copy._network.layers[0].W.value  # still the network's arrays
    assert clone(fitted).get_params() == fitted.get_params()
    assert not hasattr(clone(fitted), "coefs_")


def test_same_random_state_same_model(iris):
    X, y = iris
    a = MLPClassifier(max_iter=20, random_state=3, dropout=0.1)
    b = clone(a)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        a.fit(X, y)
        b.fit(X, y)
    for ca, cb in zip(a.coefs_, b.coefs_):
        np.testing.assert_array_equal(ca, cb)


def test_sample_weight_zero_is_like_dropping_the_sample(iris):
    X, y = iris
    w = np.ones(len(y))
    w[::3] = 0
    kwargs = dict(solver="lbfgs", max_iter=50, random_state=0, hidden_layer_sizes=(5,))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        weighted = MLPClassifier(**kwargs).fit(X, y, sample_weight=w)
        dropped = MLPClassifier(**kwargs).fit(X[w > 0], y[w > 0])
    np.testing.assert_allclose(weighted.predict_proba(X), dropped.predict_proba(X), atol=1e-5)


@pytest.mark.parametrize(
    "estimator, check_params",
    [
        (MLPClassifier, dict(solver="lbfgs")),
        (MLPRegressor, dict(solver="sgd", tol=1e-2, random_state=42)),
    ],
)
def test_sample_weight_equivalence_with_scikit_learns_settings(estimator, check_params):
    from sklearn.utils.estimator_checks import check_sample_weight_equivalence_on_dense_data

    check_sample_weight_equivalence_on_dense_data(
        estimator.__name__, estimator(max_iter=100, **check_params)
    )


@pytest.mark.parametrize("solver", ["lbfgs", "sgd", "adam"])
def test_same_random_state_gives_scikit_learns_model(iris, solver):
    """Initial weights and shuffling follow scikit-learn's random stream, so one
    changed import line gives the same model, up to rounding."""
    X, y = iris
    kwargs = dict(hidden_layer_sizes=(10,), solver=solver, max_iter=50, random_state=4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = MLPClassifier(**kwargs).fit(X, y)
        theirs = sk.MLPClassifier(**kwargs).fit(X, y)
    for a, b in zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-8)
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.loss_ == pytest.approx(theirs.loss_, rel=1e-6)


@pytest.mark.parametrize("labels", [["setosa", "versicolor", "virginica"], [3, 7]])
def test_partial_fit_encodes_labels_as_scikit_learn_does(iris, labels):
    """partial_fit's fast label encoding gives scikit-learn's model, epoch by epoch."""
    X, y = iris
    y = np.asarray(labels, dtype=object if isinstance(labels[0], str) else None)[y % len(labels)]
    classes = np.unique(y)
    ours = MLPClassifier(hidden_layer_sizes=(6,), random_state=0)
    theirs = sk.MLPClassifier(hidden_layer_sizes=(6,), random_state=0)
    for start in (0, 50, 100):
        ours.partial_fit(X[start : start + 50], y[start : start + 50], classes=classes)
        theirs.partial_fit(X[start : start + 50], y[start : start + 50], classes=classes)
    for a, b in zip(ours.coefs_, theirs.coefs_):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-10)
    with pytest.raises(ValueError, match="not in `self.classes_`"):
        ours.partial_fit(X[:2], np.array([labels[0], "unknown" if len(labels) == 3 else 99]))


def test_partial_fit_checks_parameters_changed_between_calls(iris):
    X, y = iris
    clf = MLPClassifier(hidden_layer_sizes=(4,), random_state=0)
    clf.partial_fit(X, y, classes=np.unique(y))
    clf.partial_fit(X, y)
    clf.set_params(learning_rate_init=-1.0)
    with pytest.raises(ValueError, match="learning_rate_init"):
        clf.partial_fit(X, y)


def test_later_partial_fit_calls_still_refuse_bad_input(iris):
    """Later calls take a quick path for plain arrays; bad input must still get
    scikit-learn's checks and messages."""
    X, y = iris
    clf = MLPClassifier(hidden_layer_sizes=(4,), random_state=0)
    clf.partial_fit(X, y, classes=np.unique(y))
    bad = X.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        clf.partial_fit(bad, y)
    with pytest.raises(ValueError, match="features"):
        clf.partial_fit(X[:, :3], y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        clf.partial_fit(X, y[:-1])
    reg = MLPRegressor(hidden_layer_sizes=(4,), random_state=0).partial_fit(X, y.astype(float))
    with pytest.raises(ValueError, match="infinity|NaN"):
        reg.partial_fit(X, np.full(len(y), np.inf))


@pytest.mark.parametrize("copy", ["pickle", "deepcopy"])
def test_a_copied_model_goes_on_training_like_the_original(iris, copy):
    """Copies get their own arrays: the copy's network must lay them out in one
    buffer again, or its optimizer would update arrays that nothing reads."""
    import copy as copy_module
    import pickle

    X, y = iris
    original = MLPClassifier(hidden_layer_sizes=(5,), random_state=0)
    original.partial_fit(X, y, classes=np.unique(y))
    if copy == "pickle":
        twin = pickle.loads(pickle.dumps(original))
    else:
        twin = copy_module.deepcopy(original)
    before = [c.copy() for c in twin.coefs_]
    for model in (original, twin):
        model.partial_fit(X, y)
    assert not np.allclose(twin.coefs_[0], before[0])
    for a, b in zip(original.coefs_ + original.intercepts_, twin.coefs_ + twin.intercepts_):
        np.testing.assert_array_equal(a, b)
    assert twin.coefs_[0] is twin._network.layers[0].W.value


def test_partial_fit_refuses_a_2d_target_for_a_single_label_model(iris):
    X, y = iris
    clf = MLPClassifier(hidden_layer_sizes=(4,), random_state=0)
    clf.partial_fit(X, y, classes=np.unique(y))
    with pytest.raises(ValueError):
        clf.partial_fit(X[:3], np.eye(3, dtype=int))
    with pytest.raises(ValueError):
        clf.partial_fit(X[:1], np.zeros((1, 0), dtype=int))


@pytest.mark.parametrize(
    "class_weight, match",
    [
        ({0: -1.0, 1: 1.0, 2: 1.0}, r"class_weight\[0\] is -1.0"),
        ({0: 0, 1: 1}, r"class_weight\[0\] is 0;"),
        ({0: float("nan")}, r"class_weight\[0\] is nan"),
        ({1: float("inf")}, r"class_weight\[1\] is inf"),
        ({0: 1.0, 5: 2.0}, "the key 5, which is not a class of y; the classes are \\[0, 1, 2\\]"),
        ({"setosa": 2.0}, "the key 'setosa', which is not a class"),
        ({0: "heavy"}, r"class_weight\[0\] is 'heavy'"),
    ],
)
def test_bad_class_weight_is_refused_naming_the_key(iris, class_weight, match):
    X, y = iris
    with pytest.raises(ValueError, match=match):
        MLPClassifier(class_weight=class_weight, max_iter=5).fit(X, y)


@pytest.mark.parametrize(
    "first, then, match",
    [
        ("one", "three", "y has 3 output\\(s\\), but this MLPRegressor was fitted with 1"),
        ("three", "one", "y has 1 output\\(s\\), but this MLPRegressor was fitted with 3"),
    ],
)
@pytest.mark.parametrize("how", ["warm_start", "partial_fit"])
def test_changing_the_number_of_regression_outputs_says_so(first, then, match, how):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 3))
    targets = {"one": X[:, 0], "three": X}
    reg = MLPRegressor(max_iter=5, warm_start=how == "warm_start").fit(X, targets[first])
    with pytest.raises(ValueError, match=match + ".*start over"):
        getattr(reg, "fit" if how == "warm_start" else "partial_fit")(X, targets[then])


@pytest.mark.parametrize("how", ["warm_start", "partial_fit"])
def test_changing_the_number_of_labels_says_so(how):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 3))
    clf = MLPClassifier(max_iter=5, warm_start=how == "warm_start").fit(X, X > 0)
    with pytest.raises(ValueError, match="y has 2 label columns, but .* fitted with 3"):
        getattr(clf, "fit" if how == "warm_start" else "partial_fit")(X, X[:, :2] > 0)
    with pytest.raises(ValueError, match="y has one label per sample, but .* with 3 label"):
        getattr(clf, "fit" if how == "warm_start" else "partial_fit")(X, X[:, 0] > 0)


def test_a_convergence_warning_starts_on_a_line_of_its_own_after_the_progress_bar():
    import subprocess
    import sys

    script = (
        "from sklearn.datasets import load_iris\n"
        "from lucidnet import MLPClassifier\n"
        "X, y = load_iris(return_X_y=True)\n"
        "MLPClassifier(max_iter=3, progress_bar=True, random_state=0).fit(X, y)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    before, found, _ = done.stderr.partition("ConvergenceWarning")
    bar, _, warning_line = before.rpartition("\n")
    assert found and "3/3" in bar, done.stderr  # the finished bar, then
    assert warning_line.startswith("<string>:4: "), done.stderr  # the warning on a line of its own


def test_partial_fit_with_a_class_weight_dict_takes_batches_without_the_weighted_class():
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    clf = MLPClassifier(class_weight={1: 5.0}, random_state=0)
    clf.partial_fit(X[:100], y[:100], classes=[0, 1])
    zeros = y == 0
    clf.partial_fit(X[zeros][:10], y[zeros][:10])  # no sample of class 1 in this batch
    assert clf.t_ == 110


def test_changing_hidden_layers_under_warm_start_is_refused(iris):
    X, y = iris
    clf = MLPClassifier(hidden_layer_sizes=(5,), max_iter=2, warm_start=True).fit(X, y)
    clf.set_params(hidden_layer_sizes=(6,))
    with pytest.raises(ValueError, match="hidden_layer_sizes is \\(6,\\), but .* with \\(5,\\)"):
        clf.fit(X, y)
