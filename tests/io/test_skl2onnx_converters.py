"""skl2onnx pipelines holding lucidnet's convolutional networks and
autoencoders: onnxruntime's outputs equal the pipeline's (labels identical,
numbers within a relative 1e-5 in float32). The MLPs' pipelines are in
test_onnx_export.py."""

import warnings

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")
skl2onnx = pytest.importorskip("skl2onnx")

from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import MinMaxScaler, StandardScaler  # noqa: E402

import lucidnet  # noqa: E402
from lucidnet import Autoencoder, ConvNetClassifier, ConvNetRegressor  # noqa: E402

from .onnx_runs import assert_close, run  # noqa: E402


@pytest.fixture(scope="module", autouse=True)
def registered():
    lucidnet.register_skl2onnx_converters()


@pytest.fixture(scope="module")
def images():
    """60 images of 6x5 pixels, 2 channels, as rows, not scaled; labels from a region."""
    X = np.random.default_rng(0).normal(size=(60, 6 * 5 * 2)) * 4 + 10
    y = np.digitize(X.reshape(60, 6, 5, 2)[:, :3, :, 0].mean(axis=(1, 2)), [9.5, 10.5])
    return X.astype(np.float32), y


CONV = dict(input_shape=(6, 5), conv_layers=(4,), max_iter=3, batch_size=16, random_state=0)


def fitted(steps, X, y=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Pipeline(steps).fit(X, y)


@pytest.mark.parametrize("labels", ["integers", "strings", "two labels"])
def test_a_pipeline_with_a_convnet_classifier(images, labels):
    X, y = images
    y = {"integers": y, "strings": np.array(["low", "mid", "high"])[y],
         "two labels": np.c_[y > 0, y > 1].astype(int)}[labels]  # fmt: skip
    pipe = fitted([("scale", StandardScaler()), ("conv", ConvNetClassifier(**CONV))], X, y)
    exported = skl2onnx.to_onnx(pipe, X[:1], options={"zipmap": False})
    onnx.checker.check_model(exported, full_check=True)
    label, probabilities = run(exported, X)
    assert label.tolist() == pipe.predict(X).tolist()
    assert_close(probabilities, pipe.predict_proba(X), np.float32)


def test_zipmap_and_nocl_apply_to_a_convnet_classifier(images):
    X, y = images
    pipe = fitted([("scale", StandardScaler()), ("conv", ConvNetClassifier(**CONV))], X, y)
    label, maps = run(skl2onnx.to_onnx(pipe, X[:1]), X[:3])
    assert label.tolist() == pipe.predict(X[:3]).tolist()
    np.testing.assert_allclose([[m[c] for c in pipe.classes_] for m in maps],
                               pipe.predict_proba(X[:3]), rtol=1e-5)  # fmt: skip
    options = {"zipmap": False, "nocl": True}
    label, _ = run(skl2onnx.to_onnx(pipe, X[:1], options=options), X)
    np.testing.assert_array_equal(pipe.classes_[label], pipe.predict(X))


@pytest.mark.parametrize("input_dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n_outputs", [1, 2])
def test_a_pipeline_with_a_convnet_regressor(images, n_outputs, input_dtype):
    """A double input is cast: the convolution computes in float32."""
    X, y = images
    Y = np.c_[y, X[:, :4].mean(axis=1)][:, :n_outputs].squeeze()
    reg = ConvNetRegressor(**{**CONV, "batch_norm": True, "residual": True})
    pipe = fitted([("scale", StandardScaler()), ("conv", reg)], X, Y)
    X = X.astype(input_dtype)
    exported = skl2onnx.to_onnx(pipe, X[:1])
    onnx.checker.check_model(exported, full_check=True)
    (values,) = run(exported, X)
    assert values.dtype == np.float32
    assert_close(values, pipe.predict(X), np.float32)


@pytest.mark.parametrize("settings", [dict(hidden_layer_sizes=(8,)), CONV], ids=["dense", "conv"])
def test_a_pipeline_with_an_autoencoder_then_a_classifier(images, settings):
    """The autoencoder as a transformer: its codes go on to the next step."""
    X, y = images
    ae = Autoencoder(n_components=3, **{"max_iter": 5, "random_state": 0, **settings})
    steps = [("scale", MinMaxScaler()), ("codes", ae), ("logistic", LogisticRegression())]
    pipe = fitted(steps, X, y)
    exported = skl2onnx.to_onnx(pipe, X[:1], options={"zipmap": False})
    onnx.checker.check_model(exported, full_check=True)
    label, probabilities = run(exported, X)
    assert label.tolist() == pipe.predict(X).tolist()
    assert_close(probabilities, pipe.predict_proba(X), np.float32)
    codes_only = fitted(steps[:2], X)
    (codes,) = run(skl2onnx.to_onnx(codes_only, X[:1]), X)
    assert codes.shape == (len(X), 3)
    assert_close(codes, codes_only.transform(X), np.float32)
