"""to_onnx of convolutional networks: onnxruntime's labels are lucidnet's and
its probabilities and values within a relative 1e-5 in float32 (1e-12 in
float64), for each setting of the network (1-D and 2-D, strides, padding,
dilation, max and average pooling, batch norm, global pooling, residual
blocks, a dense head) and for each way lucidnet takes the input."""

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


def assert_classifier_exported(clf, X, **kwargs):
    label, probabilities = run(to_onnx(clf, **kwargs), X)
    expected = clf.predict(X)
    assert label.shape == expected.shape and label.tolist() == expected.tolist()
    assert_close(probabilities, clf.predict_proba(X), np.float32)


@pytest.mark.parametrize("settings", IMAGE_SETTINGS.values(), ids=IMAGE_SETTINGS.keys())
def test_image_classifier(images, settings):
    X, y = images
    clf = ConvNetClassifier(**{**IMAGE, **settings}).fit(X, y)
    assert_classifier_exported(clf, X)


@pytest.mark.parametrize("settings", SIGNAL_SETTINGS.values(), ids=SIGNAL_SETTINGS.keys())
def test_signal_classifier(signals, settings):
    X, y = signals
    clf = ConvNetClassifier(**{**SIGNAL, **settings}).fit(X, y)
    assert_classifier_exported(clf, X)


def test_string_labels_and_multilabel(images):
    X, y = images
    words = np.array(["low", "mid", "high"])[y]
    clf = ConvNetClassifier(**IMAGE).fit(X, words)
    assert_classifier_exported(clf, X)
    two_labels = np.c_[y > 0, y > 1].astype(int)
    assert_classifier_exported(ConvNetClassifier(**IMAGE).fit(X, two_labels), X)


@pytest.mark.parametrize("pool", [MaxPool2D, AvgPool2D])
@pytest.mark.parametrize("dilation", [1, 2])
def test_dilation_and_average_pooling(images, dilation, pool):
    """The estimators build neither (no dilation parameter, max pools only):
    set them in a fitted network, whose predict then uses them."""
    X, y = images
    clf = ConvNetClassifier(**{**IMAGE, "head": "global_avg", "pool_size": 2}).fit(X, y)
    layers = clf.network_.layers
    layers[0].dilation = (dilation, dilation)
    index = next(i for i, layer in enumerate(layers) if isinstance(layer, MaxPool2D))
    layers[index] = pool(layers[index].pool_size, strides=1)  # overlapping windows
    assert_classifier_exported(clf, X)


def test_signal_average_pooling(signals):
    X, y = signals
    clf = ConvNetClassifier(**{**SIGNAL, "pool_size": 3}).fit(X, y)
    layers = clf.network_.layers
    index = next(i for i, layer in enumerate(layers) if isinstance(layer, MaxPool1D))
    layers[index] = AvgPool1D(3, strides=2)
    assert_classifier_exported(clf, X)


@pytest.mark.parametrize("n_outputs", [1, 2])
def test_regressor(images, n_outputs):
    X, y = images
    Y = np.c_[y, X[:, :3].sum(axis=1)][:, :n_outputs].squeeze()
    reg = ConvNetRegressor(**{**IMAGE, "batch_norm": True, "residual": True}).fit(X, Y)
    (values,) = run(to_onnx(reg), X)
    assert_close(values, reg.predict(X), np.float32)


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


def test_float64_is_refused_as_onnxruntime_has_no_float64_convolution(images):
    X, y = images
    clf = ConvNetClassifier(**{**IMAGE, "dtype": "float64"}).fit(X.astype(np.float64), y)
    with pytest.raises(ValueError, match="no float64 convolution"):
        to_onnx(clf, dtype=np.float64)
    # In float32, the float64 weights rounded: labels still lucidnet's.
    label, _ = run(to_onnx(clf), X)
    np.testing.assert_array_equal(label, clf.predict(X))


def test_shaped_input_is_refused_for_rows_of_features(images):
    from lucidnet import MLPClassifier

    X, y = images
    clf = MLPClassifier((3,), max_iter=2).fit(X, y)
    with pytest.raises(ValueError, match="shaped_input=True is for convolutional models"):
        to_onnx(clf, shaped_input=True)
