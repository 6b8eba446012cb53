"""to_onnx of convolutional networks: onnxruntime's labels are lucidnet's and
its probabilities and values within a relative 1e-5 in float32 (1e-12 in
float64), for each setting of the network (1-D and 2-D, strides, padding,
dilation, max and average pooling, batch norm, global pooling, residual
blocks, a dense head), in both types (float64 graphs have no Conv: see
onnx_windows) and for each way lucidnet takes the input."""

import numpy as np
import pytest

pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

from lucidnet import ConvNetClassifier, ConvNetRegressor, to_onnx  # noqa: E402
from lucidnet.engine.pooling import AvgPool1D, AvgPool2D, MaxPool1D, MaxPool2D  # noqa: E402

from .onnx_runs import assert_close, run  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def images():
    """60 images of 7x6 pixels, 2 channels, as rows; labels from their regions
    (7 and 6: odd and even sizes, so 'same' padding and pools are uneven)."""
    X = np.random.default_rng(0).normal(size=(60, 7 * 6 * 2)).astype(np.float32)
    shaped = X.reshape(60, 7, 6, 2)
    y = np.digitize(shaped[:, :3, :, 0].mean(axis=(1, 2)) - shaped[:, 4:, :, 1].mean(axis=(1, 2)),
                    [-0.2, 0.2])  # fmt: skip
    return X, y


@pytest.fixture(scope="module")
def signals():
    """60 signals of 20 steps, 2 channels, as rows (each step's channels side by side)."""
    X = np.random.default_rng(1).normal(size=(60, 20 * 2)).astype(np.float32)
    y = (X[:, 0:20:2].sum(axis=1) > X[:, 21::2].sum(axis=1)).astype(int)
    return X, y


SMALL = dict(max_iter=3, random_state=0, batch_size=16)
IMAGE = dict(input_shape=(7, 6), conv_layers=(4, 3), hidden_layer_sizes=(5,), **SMALL)
SIGNAL = dict(input_shape=(20,), conv_layers=(4, 3), kernel_size=[5, 3], **SMALL)

IMAGE_SETTINGS = {
    "pool and flatten": dict(),
    "strides 2, same padding": dict(strides=2, pool_size=None),
    "valid padding": dict(padding="valid", kernel_size=(3, 2), pool_size=None),
    "padding of 1, strides per layer": dict(padding=1, strides=[(2, 1), 1], pool_size=None),
    "pools of 3 and 2": dict(pool_size=[3, (2, 1)]),
    "batch norm, dense head": dict(batch_norm=True, hidden_layer_sizes=(6, 4)),
    "global average pooling": dict(head="global_avg", batch_norm=True, pool_size=None),
    "residual blocks": dict(residual=True, pool_size=None),
    "residual blocks with batch norm and strides": dict(
        residual=True, batch_norm=True, strides=[2, 1], conv_layers=(3, 3)
    ),
    "tanh and leaky relu": dict(activation=["tanh", "leaky_relu", "logistic"]),
}
SIGNAL_SETTINGS = {
    "fully convolutional": dict(),
    "strides and max pooling": dict(strides=[2, 1], pool_size=2, batch_norm=False),
    "valid padding, flatten": dict(padding="valid", head="flatten", hidden_layer_sizes=(4,)),
    "residual network": dict(residual=True, kernel_size=[5, 3, 3]),
}


# Each model trained and exported in each type: a float64 model's float64 graph.
DTYPES = pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])


def fitted(estimator, X, y, dtype=np.float32):
    """``estimator`` fitted in ``dtype``, and ``X`` in it."""
    X = X.astype(dtype)
    return estimator.set_params(dtype=np.dtype(dtype).name).fit(X, y), X


def assert_classifier_exported(clf, X, dtype=np.float32, **kwargs):
    label, probabilities = run(to_onnx(clf, dtype=dtype, **kwargs), X.astype(dtype))
    expected = clf.predict(X)
    assert label.shape == expected.shape and label.tolist() == expected.tolist()
    assert probabilities.dtype == dtype
    assert_close(probabilities, clf.predict_proba(X), dtype)


@DTYPES
@pytest.mark.parametrize("settings", IMAGE_SETTINGS.values(), ids=IMAGE_SETTINGS.keys())
def test_image_classifier(images, settings, dtype):
    clf, X = fitted(ConvNetClassifier(**{**IMAGE, **settings}), *images, dtype)
    assert_classifier_exported(clf, X, dtype)


@DTYPES
@pytest.mark.parametrize("settings", SIGNAL_SETTINGS.values(), ids=SIGNAL_SETTINGS.keys())
def test_signal_classifier(signals, settings, dtype):
    clf, X = fitted(ConvNetClassifier(**{**SIGNAL, **settings}), *signals, dtype)
    assert_classifier_exported(clf, X, dtype)


@DTYPES
def test_string_labels_and_multilabel(images, dtype):
    X, y = images
    words = np.array(["low", "mid", "high"])[y]
    assert_classifier_exported(*fitted(ConvNetClassifier(**IMAGE), X, words, dtype), dtype)
    two_labels = np.c_[y > 0, y > 1].astype(int)
    assert_classifier_exported(*fitted(ConvNetClassifier(**IMAGE), X, two_labels, dtype), dtype)


@DTYPES
@pytest.mark.parametrize("pool", [MaxPool2D, AvgPool2D])
@pytest.mark.parametrize("dilation", [1, 2, (2, 1)])
def test_dilation_and_average_pooling(images, dilation, pool, dtype):
    """The estimators build neither (no dilation parameter, max pools only):
    set them in a fitted network, whose predict then uses them."""
    clf, X = fitted(ConvNetClassifier(**{**IMAGE, "head": "global_avg", "pool_size": 2}),
                    *images, dtype)  # fmt: skip
    layers = clf.network_.layers
    layers[0].dilation = (dilation, dilation) if isinstance(dilation, int) else dilation
    index = next(i for i, layer in enumerate(layers) if isinstance(layer, MaxPool2D))
    layers[index] = pool(layers[index].pool_size, strides=1)  # overlapping windows
    assert_classifier_exported(clf, X, dtype)


@DTYPES
def test_signal_dilation_and_average_pooling(signals, dtype):
    clf, X = fitted(ConvNetClassifier(**{**SIGNAL, "pool_size": 3}), *signals, dtype)
    layers = clf.network_.layers
    layers[0].dilation = (2,)
    index = next(i for i, layer in enumerate(layers) if isinstance(layer, MaxPool1D))
    layers[index] = AvgPool1D(3, strides=2)
    assert_classifier_exported(clf, X, dtype)


@DTYPES
@pytest.mark.parametrize("n_outputs", [1, 2])
def test_regressor(images, n_outputs, dtype):
    X, y = images
    Y = np.c_[y, X[:, :3].sum(axis=1)][:, :n_outputs].squeeze()
    reg = ConvNetRegressor(**{**IMAGE, "batch_norm": True, "residual": True})
    reg, X = fitted(reg, X, Y, dtype)
    (values,) = run(to_onnx(reg, dtype=dtype), X)
    assert values.dtype == dtype
    assert_close(values, reg.predict(X), dtype)


def test_shaped_input_as_lucidnet_takes_it(images, signals):
    X, y = images
    clf = ConvNetClassifier(**IMAGE).fit(X, y)
    exported = to_onnx(clf, shaped_input=True)
    dims = [d.dim_value for d in exported.graph.input[0].type.tensor_type.shape.dim[1:]]
    assert dims == [7, 6, 2]
    label, probabilities = run(exported, X.reshape(-1, 7, 6, 2))
    np.testing.assert_array_equal(label, clf.predict(X.reshape(-1, 7, 6, 2)))
    X, y = signals
    reg = ConvNetRegressor(**SIGNAL).fit(X.reshape(-1, 20, 2), y)
    (values,) = run(to_onnx(reg, shaped_input=True), X.reshape(-1, 20, 2))
    assert_close(values, reg.predict(X), np.float32)


def test_float64_graphs_have_no_conv_and_float32_ones_keep_it(images):
    """onnxruntime runs neither Conv nor AveragePool in double: float64 graphs
    gather windows instead (onnx_windows); float32 graphs keep the faster Conv."""
    X, y = images
    clf, X64 = fitted(ConvNetClassifier(**{**IMAGE, "head": "global_avg"}), X, y, np.float64)
    ops = {node.op_type for node in to_onnx(clf, dtype=np.float64).graph.node}
    assert not ops & {"Conv", "AveragePool", "GlobalAveragePool"}
    assert {"Gather", "MatMul", "MaxPool"} <= ops
    assert "Conv" in {node.op_type for node in to_onnx(clf).graph.node}
    # In float32, the float64 weights rounded: labels still lucidnet's.
    label, _ = run(to_onnx(clf), X)
    np.testing.assert_array_equal(label, clf.predict(X64))


@pytest.mark.parametrize("opset", [13, None])
def test_float64_shaped_input_at_the_lowest_opset_and_the_default(signals, opset):
    """Pad's pads, Gather, MatMul and Reshape mean the same from opset 13 on."""
    X, y = signals
    reg, X = fitted(ConvNetRegressor(**SIGNAL, pool_size=2), X.reshape(-1, 20, 2), y, np.float64)
    exported = to_onnx(reg, dtype=np.float64, shaped_input=True, target_opset=opset)
    (values,) = run(exported, X)
    assert_close(values, reg.predict(X), np.float64)


def test_shaped_input_is_refused_for_rows_of_features(images):
    from lucidnet import MLPClassifier

    X, y = images
    clf = MLPClassifier((3,), max_iter=2).fit(X, y)
    with pytest.raises(ValueError, match="shaped_input=True is for convolutional models"):
        to_onnx(clf, shaped_input=True)
