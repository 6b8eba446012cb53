import json
import os
import pickle
import warnings
import zipfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import load_iris, make_multilabel_classification
from sklearn.exceptions import ConvergenceWarning

import lucidnet.io.model_file as model_file
from lucidnet import MLPClassifier, MLPRegressor, ModelFileError, NeuralNetwork, load, save

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return (X - X.mean(axis=0)) / X.std(axis=0), y


@pytest.fixture(scope="module")
def saved_classifier(iris, tmp_path_factory):
    X, y = iris
    clf = MLPClassifier(hidden_layer_sizes=(6, 4), max_iter=15, random_state=0).fit(X, y)
    path = tmp_path_factory.mktemp("models") / "iris.npz"
    save(clf, path)
    return clf, path


def roundtrip(model, tmp_path, name="model.npz"):
    path = tmp_path / name
    save(model, path)
    return load(path)


def entries_of(path) -> dict:
    with np.load(path, allow_pickle=False) as npz:
        return {name: npz[name] for name in npz.files}


def metadata_of(entries) -> dict:
    return json.loads(entries["metadata"].tobytes().decode())


def rewrite(path, entries, metadata=None):
    if metadata is not None:
        entries = dict(entries)
        entries["metadata"] = np.frombuffer(json.dumps(metadata).encode(), dtype=np.uint8)
    with open(path, "wb") as file:
        np.savez(file, **entries)


@pytest.mark.parametrize(
    "labels", [["setosa", "versicolor", "virginica"], [10, 20, 30], [True, False, False]]
)
def test_classifier_roundtrip_is_exact_and_keeps_class_types(iris, tmp_path, labels):
    X, y = iris
    y = np.asarray(labels)[y]
    clf = MLPClassifier(hidden_layer_sizes=(5,), max_iter=10, random_state=0).fit(X, y)
    loaded = roundtrip(clf, tmp_path)
    assert np.array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    assert np.array_equal(loaded.predict(X), clf.predict(X))
    assert loaded.classes_.dtype == clf.classes_.dtype
    assert loaded.get_params() == clf.get_params()
    for name in ("n_iter_", "t_", "loss_", "best_loss_", "loss_curve_", "n_layers_", "n_outputs_"):
        assert getattr(loaded, name) == getattr(clf, name), name


def test_regressor_multioutput_float32_and_feature_names(tmp_path):
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(40, 3)).astype(np.float32), columns=["a", "b", "c"])
    Y = np.column_stack([X["a"] + X["b"], X["c"] ** 2])
    reg = MLPRegressor(hidden_layer_sizes=(4,), solver="adam", max_iter=20, random_state=0)
    reg.fit(X, Y)
    loaded = roundtrip(reg, tmp_path)
    assert loaded.coefs_[0].dtype == np.float32
    assert list(loaded.feature_names_in_) == ["a", "b", "c"]
    assert np.array_equal(loaded.predict(X), reg.predict(X))
    with pytest.raises(ValueError, match="feature names"):
        loaded.predict(X.rename(columns={"a": "z"}))


def test_multilabel_and_early_stopping_records(tmp_path):
    X, Y = make_multilabel_classification(n_samples=60, n_classes=3, random_state=0)
    clf = MLPClassifier(hidden_layer_sizes=(5,), max_iter=8, early_stopping=True, random_state=0)
    clf.fit(X, Y)
    loaded = roundtrip(clf, tmp_path)
    assert np.array_equal(loaded.predict(X), clf.predict(X))
    assert loaded.validation_scores_ == clf.validation_scores_
    assert loaded.best_validation_score_ == clf.best_validation_score_


def test_loaded_estimator_goes_on_training_with_partial_fit(saved_classifier, iris):
    clf, path = saved_classifier
    X, y = iris
    loaded = load(path)
    before = [c.copy() for c in loaded.coefs_]
    loaded.partial_fit(X, y)
    assert loaded.t_ == clf.t_ + len(X) and loaded.n_iter_ == 1
    assert not np.array_equal(before[0], loaded.coefs_[0])
    assert loaded.score(X, y) > 0.5


def test_classic_network_roundtrip_and_identical_further_training(tmp_path):
    X, y = load_iris(return_X_y=True)
    nn = NeuralNetwork([4, 5, 1], "logistic", random_state=3).fit(X, y / 2, epochs=200)
    loaded = roundtrip(nn, tmp_path)
    assert np.array_equal(loaded.predict(X), nn.predict(X)) and repr(loaded) == repr(nn)
    nn.fit(X, y / 2, epochs=100)
    loaded.fit(X, y / 2, epochs=100)
    assert np.array_equal(loaded.predict(X), nn.predict(X))


def test_class_weight_keys_stay_integers(iris, tmp_path):
    X, y = iris
    clf = MLPClassifier(hidden_layer_sizes=(3,), max_iter=3, class_weight={0: 1.0, 1: 2.0, 2: 1})
    loaded = roundtrip(clf.fit(X, y), tmp_path)
    assert loaded.class_weight == {0: 1.0, 1: 2.0, 2: 1}


def test_random_generator_state_is_saved_as_none_with_a_warning(iris, tmp_path):
    X, y = iris
    clf = MLPClassifier(hidden_layer_sizes=(3,), max_iter=3, random_state=np.random.RandomState(0))
    clf.fit(X, y)
    with pytest.warns(UserWarning, match="random_state"):
        loaded = roundtrip(clf, tmp_path)
    assert loaded.random_state is None


def test_save_refuses_what_it_cannot_store(iris, tmp_path):
    with pytest.raises(ValueError, match="not fitted"):
        save(MLPClassifier(), tmp_path / "m.npz")
    with pytest.raises(
        TypeError,
        match="MLPClassifier, MLPRegressor, ConvNetClassifier, ConvNetRegressor, Autoencoder, "
        "NeuralNetwork",
    ):
        save(object(), tmp_path / "m.npz")
    assert os.listdir(tmp_path) == []


def test_save_keeps_the_name_and_is_atomic(saved_classifier, tmp_path, monkeypatch):
    clf, _ = saved_classifier
    target = tmp_path / "model.bin"
    save(clf, target)
    assert os.listdir(tmp_path) == ["model.bin"]  # np.savez added no ".npz"
    good = target.read_bytes()

    def crash(file, **arrays):
        file.write(b"PK half a zip")
        raise OSError("disk full")

    monkeypatch.setattr(model_file.np, "savez", crash)
    with pytest.raises(OSError, match="disk full"):
        save(clf, target)
    assert target.read_bytes() == good  # the old model survived
    assert os.listdir(tmp_path) == ["model.bin"]  # and no temporary file is left


# ------------------------------------------------------------- broken files
def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ModelFileError, match="no such file"):
        load(tmp_path / "absent.npz")
    with pytest.raises(ModelFileError, match="folder"):
        load(tmp_path)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda good: good[: len(good) // 2], id="truncated"),
        pytest.param(lambda good: good[:-30], id="truncated-end"),
        pytest.param(lambda good: os.urandom(len(good)), id="random-bytes"),
        pytest.param(lambda good: pickle.dumps({"a": 1}), id="pickle"),
        pytest.param(lambda good: good[:200] + bytes(100) + good[300:], id="zeroed-bytes"),
    ],
)
def test_damaged_bytes_raise_model_file_error(saved_classifier, tmp_path, damage):
    _, good_path = saved_classifier
    path = tmp_path / "bad.npz"
    path.write_bytes(damage(good_path.read_bytes()))
    with pytest.raises(ModelFileError) as info:
        load(path)
    assert str(path) in str(info.value)


def test_foreign_files_raise_model_file_error(tmp_path):
    renamed_zip = tmp_path / "notes.npz"
    with zipfile.ZipFile(renamed_zip, "w") as archive:
        archive.writestr("notes.txt", "not a model")
    with pytest.raises(ModelFileError, match="no 'metadata' entry"):
        load(renamed_zip)
    other_npz = tmp_path / "data.npz"
    np.savez(other_npz, X=np.zeros((2, 2)), y=np.zeros(2))
    with pytest.raises(ModelFileError, match="not a lucidnet model"):
        load(other_npz)
    single = tmp_path / "array.npy"
    np.save(single, np.zeros(3))
    with pytest.raises(ModelFileError, match="single .npy array"):
        load(single)
    objects = tmp_path / "objects.npz"
    np.savez(objects, metadata=np.array([{"x": 1}], dtype=object))
    with pytest.raises(ModelFileError, match="damaged or not a lucidnet model"):
        load(objects)


def set_path(metadata, keys, value):
    target = metadata
    for key in keys[:-1]:
        target = target[key]
    target[keys[-1]] = value


@pytest.mark.parametrize(
    "keys, value, message",
    [
        (["format_version"], 99, "version 99.*upgrade lucidnet"),
        (["format"], "other", "format is not"),
        (["class"], "os.system", "unknown model class"),
        (["architecture", "layer_sizes"], [4, 7, 4, 3], r"coef_0 has shape \(4, 6\)"),
        (["architecture", "layer_sizes"], [4, 6, 4, 3, 3], "missing the array"),
        (["architecture", "dtype"], "int64", "float32 or float64"),
        (["params", "hidden_layer_sizes"], [6, 5], "parameters give"),
        (["params", "activation"], "sine", "invalid MLPClassifier parameters"),
        (["params", "evil"], 1, "unknown MLPClassifier parameters"),
        (["classes", "values"], [0, 1], "output unit"),
        (["classes", "values"], [0, 1, "x"], "distorts|not of dtype"),
        (["training", "loss_curve_"], [1.0, "x"], "loss_curve_"),
        (["training", "n_iter_"], -1, "n_iter_"),
        (["feature_names"], ["a"], "feature names"),
        # class_weight: a key that is no class, a weight fit refuses.
        (["params", "class_weight"], {"__items__": [[7, 2.0]]}, "key 7, which is not a class"),
        (["params", "class_weight"], {"__items__": [["0", 2.0]]}, "key '0', which is not"),
        (["params", "class_weight"], {"__items__": [[0, -1.0]]}, "must be positive"),
        (["params", "class_weight"], {"__items__": [[0, 0]]}, "must be positive"),
    ],
)
def test_tampered_metadata_raises_model_file_error(
    saved_classifier, tmp_path, keys, value, message
):
    _, good_path = saved_classifier
    entries = entries_of(good_path)
    metadata = metadata_of(entries)
    set_path(metadata, keys, value)
    path = tmp_path / "tampered.npz"
    rewrite(path, entries, metadata)
    with pytest.raises(ModelFileError, match=message):
        load(path)


def test_class_weight_on_a_multilabel_file_is_refused(tmp_path):
    X, Y = make_multilabel_classification(n_samples=30, n_classes=3, random_state=0)
    path = tmp_path / "multilabel.npz"
    save(MLPClassifier(hidden_layer_sizes=(3,), max_iter=2, random_state=0).fit(X, Y), path)
    entries = entries_of(path)
    metadata = metadata_of(entries)
    metadata["params"]["class_weight"] = "balanced"  # fit refuses it for multilabel targets
    rewrite(path, entries, metadata)
    with pytest.raises(ModelFileError, match="class_weight is not supported for multilabel"):
        load(path)


def test_invalid_json_raises_model_file_error(saved_classifier, tmp_path):
    entries = entries_of(saved_classifier[1])
    entries["metadata"] = entries["metadata"][:-5]
    path = tmp_path / "bad-json.npz"
    rewrite(path, entries)
    with pytest.raises(ModelFileError, match="not valid JSON"):
        load(path)


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda e: e.update(coef_1=e["coef_1"][:, :2]),
            r"coef_1 has shape \(6, 2\).*need \(6, 4\)",
        ),
        (lambda e: e.update(intercept_0=e["intercept_0"][:-1]), "intercept_0 has shape"),
        (lambda e: e["coef_0"].__setitem__((0, 0), np.nan), "NaN or infinite"),
        (lambda e: e.update(coef_0=e["coef_0"].astype(np.int64)), "dtype int64"),
        (lambda e: e.update(extra=np.zeros(1)), "unexpected entries extra"),
        (lambda e: e.pop("intercept_2"), "missing the array"),
    ],
)
def test_tampered_arrays_raise_model_file_error(saved_classifier, tmp_path, change, message):
    entries = entries_of(saved_classifier[1])
    change(entries)
    path = tmp_path / "tampered.npz"
    rewrite(path, entries)
    with pytest.raises(ModelFileError, match=message):
        load(path)


# ---------------------------------------------------------- property test
@settings(max_examples=25, deadline=None)
@given(
    kind=st.sampled_from(["classifier", "regressor", "classic"]),
    hidden=st.lists(st.integers(1, 6), min_size=1, max_size=3),
    activation=st.sampled_from(["relu", "tanh", "logistic", "identity", "leaky_relu"]),
    n_samples=st.integers(6, 30),
    n_features=st.integers(1, 5),
    n_classes=st.integers(2, 4),
    float32=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_save_load_predicts_identically(
    tmp_path_factory, kind, hidden, activation, n_samples, n_features, n_classes, float32, seed
):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, n_features)) * rng.uniform(0.1, 10)
    if float32:
        X = X.astype(np.float32)
    y = rng.integers(n_classes, size=n_samples)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        if kind == "classic":
            model = NeuralNetwork([n_features, *hidden, 1], activation, random_state=seed)
            model.fit(X, y, learning_rate=0.01, epochs=20)
        else:
            cls = MLPClassifier if kind == "classifier" else MLPRegressor
            model = cls(hidden_layer_sizes=hidden, activation=activation, max_iter=3)
            model.set_params(random_state=seed).fit(X, y)
    path = tmp_path_factory.mktemp("property") / "model.npz"
    save(model, path)
    loaded = load(path)
    assert np.array_equal(loaded.predict(X), model.predict(X))
    if kind == "classifier":
        assert np.array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_empty_file_says_so(tmp_path):
    path = tmp_path / "empty.npz"
    path.write_bytes(b"")
    with pytest.raises(ModelFileError, match="empty.npz: is empty"):
        load(path)


def test_a_version_1_file_with_tuples_written_as_lists_still_loads(saved_classifier, tmp_path):
    """Format 1 wrote tuples as JSON lists; format 2 tags them (kernel_size=(3, 5)
    must not come back as one size per layer). A format-1 file still loads."""
    from .test_hostile_files import entries_of, write_entries

    clf, path = saved_classifier
    entries = entries_of(path)
    metadata = json.loads(entries.pop("metadata").tobytes())
    assert metadata["params"]["hidden_layer_sizes"] == {"__tuple__": [6, 4]}
    metadata["format_version"] = 1
    metadata["params"]["hidden_layer_sizes"] = [6, 4]
    old = load(write_entries(tmp_path / "v1.npz", entries, metadata))
    assert old.hidden_layer_sizes == (6, 4)
    X = np.random.default_rng(0).standard_normal((5, 4))
    np.testing.assert_array_equal(old.predict_proba(X), clf.predict_proba(X))


def test_classes_out_of_their_sorted_order_are_refused(saved_classifier, tmp_path):
    from .test_hostile_files import entries_of, write_entries

    _, path = saved_classifier
    entries = entries_of(path)
    metadata = json.loads(entries.pop("metadata").tobytes())
    metadata["classes"]["values"] = metadata["classes"]["values"][::-1]
    with pytest.raises(ModelFileError, match="out of their sorted order"):
        load(write_entries(tmp_path / "unsorted.npz", entries, metadata))
