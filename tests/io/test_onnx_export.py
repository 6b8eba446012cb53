"""lucidnet.to_onnx and the skl2onnx converters: onnxruntime's outputs equal
lucidnet's (labels identical, numbers within a relative 1e-5 in float32 and
1e-12 in float64), in the shapes lucidnet's methods return."""

import sys
import warnings

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
onnxruntime = pytest.importorskip("onnxruntime")
skl2onnx = pytest.importorskip("skl2onnx")

from sklearn.exceptions import NotFittedError  # noqa: E402

import lucidnet  # noqa: E402
from lucidnet import (  # noqa: E402
    ConvNetClassifier,
    MLPClassifier,
    MLPRegressor,
    NeuralNetwork,
    to_onnx,
)
from lucidnet.engine.activations import HIDDEN_ACTIVATIONS  # noqa: E402
from lucidnet.io.onnx_graph import DEFAULT_OPSET  # noqa: E402

from .onnx_runs import assert_close, run  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    return rng.normal(size=(200, 5))


def targets(X, kind):
    """Labels (or numbers) of each kind the MLPs take, from the features."""
    bins = np.digitize(X[:, 1], [-0.5, 0.5])
    return {
        "binary": (X[:, 0] > 0).astype(int),
        "multiclass": bins * 3 - 2,  # -2, 1, 4: integers that are not indices
        "strings": np.array(["low", "mid", "high"])[bins],
        "two-label": (X[:, :2] > 0).astype(int),
        "three-label": (X[:, :3] > 0).astype(int),
        "one output": X[:, 0] - 2 * X[:, 1],
        "two outputs": np.c_[X[:, 0] + X[:, 2], X[:, 1] * X[:, 3]],
    }[kind]


CLASSIFICATIONS = ["binary", "multiclass", "strings", "two-label", "three-label"]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
@pytest.mark.parametrize("kind", CLASSIFICATIONS)
def test_classifier_labels_and_probabilities_are_lucidnets(data, kind, activation, dtype):
    X = data.astype(dtype)
    clf = MLPClassifier((7, 4), activation=activation, max_iter=40, random_state=0)
    clf.fit(X, targets(data, kind))
    label, probabilities = run(to_onnx(clf, dtype=dtype), X)
    expected = clf.predict(X)
    assert label.shape == expected.shape
    assert label.tolist() == expected.tolist()
    assert_close(probabilities, clf.predict_proba(X), dtype)


@pytest.mark.parametrize(
    "y, label_type",
    [
        (targets, np.int64),  # -2, 1, 4
        (lambda X, kind: targets(X, kind).astype(str), object),
        (lambda X, kind: targets(X, kind) > 0, np.int64),  # False, True as 0, 1
        (lambda X, kind: targets(X, kind).astype(float), np.int64),  # -2.0 ... as -2 ...
    ],
    ids=["integers", "strings", "booleans", "whole floats"],
)
def test_labels_are_int64_or_strings_equal_to_predicts(data, y, label_type):
    X = data.astype(np.float32)
    clf = MLPClassifier((4,), max_iter=5, random_state=0).fit(X, y(data, "multiclass"))
    label, _ = run(to_onnx(clf), X)
    assert label.dtype == label_type
    assert label.tolist() == clf.predict(X).tolist()


def test_weights_assigned_by_hand_are_exported(data):
    reg = MLPRegressor(hidden_layer_sizes=(4,), max_iter=5, random_state=0)
    reg.fit(data, targets(data, "one output"))
    reg.coefs_ = [2 * c for c in reg.coefs_]  # as scikit-learn allows
    (values,) = run(to_onnx(reg, dtype=np.float64), data)
    assert_close(values, reg.predict(data), np.float64)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
@pytest.mark.parametrize("kind", ["one output", "two outputs"])
def test_regressor_values_are_lucidnets_in_predicts_shape(data, kind, activation, dtype):
    X = data.astype(dtype)
    reg = MLPRegressor(hidden_layer_sizes=(7, 4), activation=activation, max_iter=40)
    reg.set_params(random_state=0).fit(X, targets(data, kind))
    (values,) = run(to_onnx(reg, dtype=dtype), X)
    assert values.shape == ((len(X),) if kind == "one output" else (len(X), 2))
    assert_close(values, reg.predict(X), dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_poisson_regressor_exponentiates(data, dtype):
    X = data.astype(dtype)
    reg = MLPRegressor("poisson", hidden_layer_sizes=(6,), max_iter=40, random_state=0)
    reg.fit(X, np.abs(targets(data, "two outputs")))
    (values,) = run(to_onnx(reg, dtype=dtype), X)
    assert_close(values, reg.predict(X), dtype)


@pytest.mark.parametrize("activation", [*HIDDEN_ACTIVATIONS, "exp"])
def test_classic_network_predicts_as_lucidnet(data, activation):
    network = NeuralNetwork([5, 6, 2], activation, random_state=0)
    network.fit(data, (targets(data, "two-label") - 0.5) * 0.8, learning_rate=0.05, epochs=500)
    (output,) = run(to_onnx(network, dtype=np.float64), data)
    assert_close(output, network.predict(data), np.float64)
    # In float32 the weights are rounded: 1e-5 of the largest output still holds.
    (output,) = run(to_onnx(network), data.astype(np.float32))
    np.testing.assert_allclose(output, network.predict(data), rtol=0, atol=1e-5)


def test_a_float64_model_exported_in_float32_predicts_float32_inputs(data):
    clf = MLPClassifier((6,), max_iter=40, random_state=0).fit(data, targets(data, "multiclass"))
    exported = to_onnx(clf)
    assert exported.graph.input[0].type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    X = data.astype(np.float32)
    label, probabilities = run(exported, X)
    np.testing.assert_array_equal(label, clf.predict(X))
    assert_close(probabilities, clf.predict_proba(X), np.float32)


def test_the_graph_passes_the_full_check_and_states_its_opset(data):
    clf = MLPClassifier((6,), max_iter=5, random_state=0).fit(data, targets(data, "strings"))
    exported = to_onnx(clf)
    onnx.checker.check_model(exported, full_check=True)
    assert [(o.domain, o.version) for o in exported.opset_import] == [("", DEFAULT_OPSET)]
    assert [i.name for i in exported.graph.input] == ["X"]
    assert [o.name for o in exported.graph.output] == ["label", "probabilities"]
    assert {p.key: p.value for p in exported.metadata_props} == {"lucidnet.model": "MLPClassifier"}
    older = to_onnx(clf, target_opset=13)
    assert exported.ir_version >= older.ir_version
    label, _ = run(older, data.astype(np.float32))
    np.testing.assert_array_equal(label, clf.predict(data.astype(np.float32)))


def test_refusals_say_what_is_wrong(data):
    with pytest.raises(NotFittedError):
        to_onnx(MLPClassifier())
    with pytest.raises(NotFittedError):
        to_onnx(ConvNetClassifier())
    with pytest.raises(TypeError, match="got a StandardScaler"):
        to_onnx(StandardScaler().fit(data))
    reg = MLPRegressor(hidden_layer_sizes=(3,), max_iter=2).fit(data, targets(data, "one output"))
    with pytest.raises(ValueError, match="float32 or float64"):
        to_onnx(reg, dtype=np.int64)
    with pytest.raises(ValueError, match="target_opset=12"):
        to_onnx(reg, target_opset=12)
    with pytest.raises(ValueError, match="method='transform'"):
        to_onnx(reg, method="transform")


def test_without_onnx_the_error_says_how_to_install_it(data, monkeypatch):
    reg = MLPRegressor(hidden_layer_sizes=(3,), max_iter=2).fit(data, targets(data, "one output"))
    monkeypatch.setitem(sys.modules, "onnx", None)  # "import onnx" now raises ImportError
    with pytest.raises(ImportError, match=r"pip install 'lucidnet\[onnx\]'"):
        to_onnx(reg)


# ------------------------------------------------------------------ skl2onnx
from sklearn.neural_network import MLPClassifier as SklearnMLPClassifier  # noqa: E402
from sklearn.neural_network import MLPRegressor as SklearnMLPRegressor  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402


def test_skl2onnx_gets_two_outputs_wrong_and_to_onnx_right():
    """onnx/sklearn-onnx#474: skl2onnx 1.20's converter reshapes a 2-output
    regressor's (400, 2) predictions to (800, 1)."""
    X = np.random.default_rng(1).normal(size=(400, 4)).astype(np.float32)
    y = np.c_[X[:, 0], X[:, 1] - X[:, 2]]
    sklearns = SklearnMLPRegressor(hidden_layer_sizes=(5,), max_iter=20, random_state=0)
    (theirs,) = run(skl2onnx.to_onnx(sklearns.fit(X, y), X[:1]), X)
    assert theirs.shape == (800, 1)
    ours = MLPRegressor(hidden_layer_sizes=(5,), max_iter=20, random_state=0).fit(X, y)
    (values,) = run(to_onnx(ours), X)
    assert values.shape == (400, 2)
    assert_close(values, ours.predict(X), np.float32)


def test_skl2onnx_gets_two_labels_wrong_and_to_onnx_right():
    """skl2onnx 1.20 takes two labels for two classes and writes 1 - p beside
    p: four probability columns instead of two (and its default ZipMap fails
    in onnxruntime); its labels come out right."""
    X = np.random.default_rng(1).normal(size=(400, 4)).astype(np.float32)
    y = (X[:, :2] > 0).astype(int)
    sklearns = SklearnMLPClassifier((5,), max_iter=20, random_state=0).fit(X, y)
    label, theirs = run(skl2onnx.to_onnx(sklearns, X[:1], options={"zipmap": False}), X)
    assert label.shape == (400, 2) and theirs.shape == (400, 4)
    ours = MLPClassifier((5,), max_iter=20, random_state=0).fit(X, y)
    label, probabilities = run(to_onnx(ours), X)
    assert label.shape == probabilities.shape == (400, 2)
    np.testing.assert_array_equal(label, ours.predict(X))
    assert_close(probabilities, ours.predict_proba(X), np.float32)


@pytest.fixture(scope="module")
def registered():
    lucidnet.register_skl2onnx_converters()


def scaled_pipeline(mlp, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Pipeline([("scale", StandardScaler()), ("mlp", mlp)]).fit(X, y)


@pytest.mark.parametrize("kind", CLASSIFICATIONS)
def test_skl2onnx_converts_a_pipeline_with_a_classifier(registered, data, kind):
    X = (data * 5 + 3).astype(np.float32)
    pipe = scaled_pipeline(MLPClassifier((6,), max_iter=40, random_state=0), X, targets(data, kind))
    exported = skl2onnx.to_onnx(pipe, X[:1], options={"zipmap": False})
    onnx.checker.check_model(exported, full_check=True)
    label, probabilities = run(exported, X)
    assert label.tolist() == pipe.predict(X).tolist()
    assert_close(probabilities, pipe.predict_proba(X), np.float32)


def test_zipmap_gives_a_map_per_row(registered, data):
    X = data.astype(np.float32)
    pipe = scaled_pipeline(MLPClassifier((6,), max_iter=40), X, targets(data, "strings"))
    label, maps = run(skl2onnx.to_onnx(pipe, X[:1]), X[:3])
    assert label.tolist() == pipe.predict(X[:3]).tolist()
    expected = pipe.predict_proba(X[:3])
    assert [sorted(m) for m in maps] == [sorted(pipe.classes_)] * 3
    for row, m in zip(expected, maps):
        np.testing.assert_allclose([m[c] for c in pipe.classes_], row, rtol=1e-5)
    exported = skl2onnx.to_onnx(pipe, X[:1], options={"zipmap": "columns"})
    label, *columns = run(exported, X[:3])
    np.testing.assert_allclose(np.column_stack(columns), expected, rtol=1e-5)


def test_nocl_gives_class_indices(registered, data):
    X = data.astype(np.float32)
    pipe = scaled_pipeline(MLPClassifier((6,), max_iter=40), X, targets(data, "strings"))
    options = {"zipmap": False, "nocl": True}
    label, _ = run(skl2onnx.to_onnx(pipe, X[:1], options=options), X)
    assert label.dtype == np.int64
    np.testing.assert_array_equal(pipe.classes_[label], pipe.predict(X))


@pytest.mark.parametrize("input_dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kind", ["one output", "two outputs"])
def test_skl2onnx_converts_a_pipeline_with_a_regressor(registered, data, kind, input_dtype):
    X = (data * 5 + 3).astype(input_dtype)
    mlp = MLPRegressor(hidden_layer_sizes=(6,), max_iter=40, random_state=0)
    pipe = scaled_pipeline(mlp, X, targets(data, kind))
    (values,) = run(skl2onnx.to_onnx(pipe, X[:1]), X)
    # scikit-learn's scaler computes in float64 whatever X is; ONNX's in X's type.
    assert_close(values, pipe.predict(X), np.float32)
