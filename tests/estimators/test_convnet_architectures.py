"""The reference architectures for time series as ConvNet parameters: the
fully convolutional network (FCN) and the ResNet of Wang et al. (2017), as
hfawaz/dl-4-tsc implements them; global average pooling and residual blocks."""

import numpy as np
import pytest

from lucidnet import ConvNetClassifier, ConvNetRegressor
from lucidnet.engine import (
    Activation,
    BatchNormalization,
    Conv1D,
    Conv2D,
    Residual,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

# The values the ConvNetClassifier docstring gives.
FCN = dict(conv_layers=(128, 256, 128), kernel_size=[8, 5, 3], padding="same",
           pool_size=None, batch_norm=True, activation="relu",
           head="global_avg", hidden_layer_sizes=())  # fmt: skip
RESNET = dict(conv_layers=(64, 128, 128), kernel_size=[8, 5, 3], padding="same",
              pool_size=None, batch_norm=True, activation="relu",
              residual=True, head="global_avg", hidden_layer_sizes=())  # fmt: skip


def test_the_docstring_gives_these_values():
    doc = " ".join(ConvNetClassifier.__doc__.split())
    for name, values in (("FCN", FCN), ("ResNet", RESNET)):
        given = ", ".join(f"{key}={value!r}".replace("'", '"') for key, value in values.items())
        assert f"{name} = dict({given})" in doc


def kinds(layers):
    return [type(layer).__name__ for layer in layers]


def trainable(network):
    return sum(p.value.size for p in network.parameters())


@pytest.fixture(scope="module")
def signals():
    """60 signals of 64 steps, 3 classes: sines of 3 frequencies, random phases, noise."""
    rng = np.random.default_rng(0)
    y = np.arange(60) % 3
    t = np.arange(64)
    phase = rng.uniform(0, 2 * np.pi, size=(60, 1))
    X = np.sin(t * (0.15 + 0.2 * y[:, None]) + phase) + 0.3 * rng.standard_normal((60, 64))
    return X.astype(np.float32), y  # float32 trains in float32: twice as fast


def test_the_fcn_parameters_make_the_reference_fcn():
    network = ConvNetClassifier(input_shape=(64,), **FCN)._build_network(
        (64, 1), 3, np.float64, None
    )
    block = ["Conv1D", "BatchNormalization", "Activation"]
    assert kinds(network.layers) == [*block * 3, "GlobalAvgPool", "Dense"]
    convs = [layer for layer in network.layers if isinstance(layer, Conv1D)]
    assert [(c.kernel_size, c.filters, c.padding) for c in convs] == [
        ((8,), 128, "same"), ((5,), 256, "same"), ((3,), 128, "same")
    ]  # fmt: skip
    # Keras's trainable parameters of dl-4-tsc's FCN for one channel and 3
    # classes, counted by hand from its layers: convolutions with biases,
    # batch norm's gamma and beta, the softmax layer.
    assert trainable(network) == 265_091


def test_the_resnet_parameters_make_the_reference_resnet():
    clf = ConvNetClassifier(input_shape=(64,), **RESNET)
    network = clf._build_network((64, 1), 3, np.float64, None)
    assert kinds(network.layers) == ["Residual", "Activation"] * 3 + ["GlobalAvgPool", "Dense"]
    main = ["Conv1D", "BatchNormalization", "Activation"] * 2 + ["Conv1D", "BatchNormalization"]
    blocks = network.layers[0:6:2]
    for block, filters in zip(blocks, (64, 128, 128)):
        assert kinds(block.main) == main
        assert [c.kernel_size for c in block.main if isinstance(c, Conv1D)] == [(8,), (5,), (3,)]
        assert {c.filters for c in block.layers if isinstance(c, Conv1D)} == {filters}
    # A 1x1 convolution and batch norm where the channels change, batch norm alone where not.
    assert (
        kinds(blocks[0].shortcut) == kinds(blocks[1].shortcut) == ["Conv1D", "BatchNormalization"]
    )
    assert blocks[0].shortcut[0].kernel_size == (1,) and blocks[1].shortcut[0].in_channels == 64
    assert kinds(blocks[2].shortcut) == ["BatchNormalization"]
    assert all(a.name == "relu" for a in network.layers if isinstance(a, Activation))
    assert trainable(network) == 504_387  # as for the FCN, by hand from dl-4-tsc's layers


@pytest.mark.parametrize(
    "architecture",
    [
        {**FCN, "conv_layers": (16, 32, 16)},
        {**RESNET, "conv_layers": (8, 16, 16)},
    ],
    ids=["fcn", "resnet"],
)
def test_fcn_and_resnet_with_fewer_filters_fit_a_small_set(signals, architecture):
    X, y = signals
    clf = ConvNetClassifier(input_shape=(64,), max_iter=15, batch_size=16, random_state=0,
                            learning_rate_init=0.003, **architecture)  # fmt: skip
    clf.fit(X, y)
    assert clf.predict(X).shape == (60,) and clf.predict_proba(X[:7]).shape == (7, 3)
    assert clf.loss_curve_[-1] < 0.5 * clf.loss_curve_[0]
    assert clf.score(X, y) > 0.9
    # Global average pooling: the model takes signals of another length.
    longer = np.repeat(X[:5], 2, axis=1)
    assert clf._network.forward(longer[..., None]).shape == (5, 3)


def test_global_avg_head_comes_before_the_hidden_layers():
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((20, 24)), rng.standard_normal(20)
    reg = ConvNetRegressor(conv_layers=(4, 6), kernel_size=3, pool_size=2, batch_norm=False,
                           head="global_avg", hidden_layer_sizes=(5,), max_iter=2,
                           random_state=0).fit(X, y)  # fmt: skip
    layers = reg.network_.layers
    assert kinds(layers) == ["Conv1D", "Activation", "MaxPool1D"] * 2 + [
        "GlobalAvgPool", "Dense", "Activation", "Dense"
    ]  # fmt: skip
    assert layers[-3].n_in == 6 and reg.predict(X).shape == (20,)


def test_residual_blocks_of_images_with_strides_and_pools():
    rng = np.random.default_rng(2)
    X, y = rng.standard_normal((16, 64)), np.arange(16) % 2
    clf = ConvNetClassifier(conv_layers=(4, 4), kernel_size=3, strides=[2, 1], residual=True,
                            input_shape=(8, 8), hidden_layer_sizes=(), max_iter=2,
                            random_state=0).fit(X, y)  # fmt: skip
    first, second = clf.network_.layers[0], clf.network_.layers[3]
    assert isinstance(first, Residual) and isinstance(second, Residual)
    # kernel_size an int: blocks of two convolutions; no batch norm on either path.
    assert kinds(first.main) == ["Conv2D", "Activation", "Conv2D"]
    # Strided blocks change the size: the shortcut is a 1x1 convolution of the same stride.
    assert [(c.kernel_size, c.strides) for c in second.shortcut] == [((1, 1), (2, 2))]
    assert first.output_shape((8, 8, 1)) == (4, 4, 4)  # then a 2x2 pool: 2x2, then 1x1
    assert kinds(clf.network_.layers)[4:] == ["Activation", "Flatten", "Dense"]
    assert not any(isinstance(layer, BatchNormalization) for layer in first.layers)
    assert isinstance(first.main[0], Conv2D) and clf.predict(X).shape == (16,)


def test_an_identity_shortcut_without_batch_norm():
    clf = ConvNetClassifier(conv_layers=(3,), kernel_size=[3, 3], residual=True, pool_size=2,
                            batch_norm=False, head="flatten", input_shape=(10,),
                            hidden_layer_sizes=())  # fmt: skip
    network = clf._build_network((10, 3), 2, np.float64, np.random.RandomState(0))
    assert network.layers[0].shortcut == [] and kinds(network.layers)[-2:] == ["Flatten", "Dense"]


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(padding="valid"), "residual block adds its input .* Use padding='same'"),
        (dict(strides=[1, 2]), "strides has 2 entries but there are 3 convolutions of a residual"),
        (dict(pool_size=[2]), "pool_size has 1 entries but there are 2 residual blocks"),
        (dict(activation=["relu"]), "activation has 1 entries but there are 2 residual blocks"),
        (dict(head="global"), "head"),
    ],
)
def test_residual_settings_that_do_not_fit_say_so(params, match):
    X, y = np.zeros((6, 20)), np.arange(6) % 2
    settings = dict(conv_layers=(2, 2), kernel_size=[3, 3, 3], residual=True,
                    hidden_layer_sizes=(), max_iter=1)  # fmt: skip
    with pytest.raises(ValueError, match=match):
        ConvNetClassifier(**{**settings, **params}).fit(X, y)


def layout(network, shape):
    """Each layer's kind, settings and output shape, for one sample of ``shape``."""
    rows = []
    for layer in network.layers:
        shape = layer.output_shape(shape)
        settings = [getattr(layer, name, None) for name in ("kernel_size", "pool_size")]
        paths = [layout_of(getattr(layer, name, [])) for name in ("main", "shortcut")]
        rows.append((type(layer).__name__, *settings, *paths, tuple(shape)))
    return rows


def layout_of(layers):
    return [(type(layer).__name__, getattr(layer, "kernel_size", None)) for layer in layers]


@pytest.mark.parametrize("reference, residual", [(FCN, False), (RESNET, True)])
def test_the_signal_defaults_are_the_reference_networks(reference, residual):
    auto = ConvNetClassifier(input_shape=(30,), residual=residual)
    spelled = ConvNetClassifier(input_shape=(30,), **reference)
    rng = np.random.RandomState(0)
    a = auto._build_network((30, 1), 3, np.float32, rng)
    b = spelled._build_network((30, 1), 3, np.float32, np.random.RandomState(0))
    assert layout(a, (30, 1)) == layout(b, (30, 1))
    assert sum(p.value.size for p in a.parameters()) == (504_387 if residual else 265_091)


def test_the_image_defaults_are_two_pooled_convolutions_and_a_dense_layer():
    network = ConvNetClassifier(input_shape=(8, 8))._build_network((8, 8, 1), 10, np.float32, None)
    assert [row[0] for row in layout(network, (8, 8, 1))] == [
        "Conv2D", "Activation", "MaxPool2D", "Conv2D", "Activation", "MaxPool2D",
        "Flatten", "Dense", "Activation", "Dense",
    ]  # fmt: skip
    assert [layer.kernel_size for layer in network.layers if isinstance(layer, Conv2D)] == [
        (3, 3), (3, 3)
    ]  # fmt: skip
    assert network.layers[-3].n_in == 2 * 2 * 64 and network.layers[-1].n_in == 128


def test_what_is_set_by_hand_stays_and_the_rest_follows_the_signal_defaults():
    clf = ConvNetClassifier(conv_layers=(16, 16, 16, 16), hidden_layer_sizes=(10,))
    network = clf._build_network((40, 2), 3, np.float32, None)
    convs = [layer for layer in network.layers if isinstance(layer, Conv1D)]
    assert [c.kernel_size for c in convs] == [(8,), (5,), (3,), (3,)]
    assert [c.filters for c in convs] == [16] * 4
    assert sum(isinstance(layer, BatchNormalization) for layer in network.layers) == 5
    assert kinds(network.layers)[-5:] == [
        "GlobalAvgPool", "Dense", "BatchNormalization", "Activation", "Dense"
    ]  # fmt: skip
    flat = ConvNetClassifier(head="flatten", pool_size=2, batch_norm=False)
    network = flat._build_network((40, 1), 3, np.float32, None)
    assert kinds(network.layers)[:3] == ["Conv1D", "Activation", "MaxPool1D"]
    assert network.layers[-1].n_in == 5 * 128  # 40 -> 20 -> 10 -> 5 positions, no dense layer
