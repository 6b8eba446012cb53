"""Model files of convolutional estimators: the same model back, and every lie refused."""

import json
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits

from lucidnet import ConvNetClassifier, ConvNetRegressor, ModelFileError, load, save

from .test_hostile_files import entries_of, metadata_of, quick_and_small, write_entries

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:400] / 16, y[:400]


@pytest.fixture(scope="module")
def saved_convnet(digits, tmp_path_factory):
    X, y = digits
    clf = ConvNetClassifier(
        conv_layers=(4, 6), hidden_layer_sizes=(16,), batch_norm=True, dropout=0.2,
        input_shape=(8, 8), max_iter=3, random_state=0,
    ).fit(X, y)  # fmt: skip
    path = tmp_path_factory.mktemp("models") / "cnn.npz"
    save(clf, path)
    return clf, path


def test_a_saved_convnet_predicts_the_same_and_trains_on(saved_convnet, digits):
    X, y = digits
    clf, path = saved_convnet
    loaded = load(path)
    assert type(loaded) is ConvNetClassifier and loaded.input_shape_ == (8, 8, 1)
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    for ours, theirs in zip(loaded._network.state_arrays(), clf._network.state_arrays()):
        np.testing.assert_array_equal(ours, theirs)  # running statistics included
    assert loaded.get_params() == clf.get_params()
    assert loaded.loss_curve_ == clf.loss_curve_
    loaded.partial_fit(X, y)
    assert loaded.t_ == clf.t_ + len(X)


def test_a_one_dimensional_regressor_round_trips(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 20, 2)).astype(np.float32)
    y = X[:, 5:10, 0].mean(axis=1)
    reg = ConvNetRegressor(conv_layers=(3,), kernel_size=5, strides=2, padding=1, pool_size=None,
                           input_shape=(20,), max_iter=2, random_state=0).fit(X, y)  # fmt: skip
    save(reg, tmp_path / "reg.npz")
    loaded = load(tmp_path / "reg.npz")
    assert loaded.input_shape_ == (20, 2) and loaded._network.dtype == np.float32
    np.testing.assert_array_equal(loaded.predict(X), reg.predict(X))


@pytest.mark.parametrize("residual", [False, True])
def test_the_auto_signal_network_round_trips_as_auto(tmp_path, residual):
    """'auto' is stored as 'auto' and means the same network on load: the FCN
    (or ResNet) for signals, its 'plateau' schedule carried on by partial_fit."""
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((20, 16)).astype(np.float32), np.arange(20) % 2
    clf = ConvNetClassifier(residual=residual, max_iter=2, random_state=0).fit(X, y)
    save(clf, tmp_path / "fcn.npz")
    loaded = load(tmp_path / "fcn.npz")
    assert loaded.get_params()["conv_layers"] == "auto"
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    sizes = [p.value.size for p in loaded.network_.parameters()]
    assert sizes == [p.value.size for p in clf.network_.parameters()]
    assert sum(sizes) == (504_129 if residual else 264_833)  # 2 classes: one logistic output
    assert loaded._learning_rate_name() == "plateau"


def test_a_file_from_before_head_existed_flattens_as_it_did(tmp_path):
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((20, 16)).astype(np.float32), np.arange(20) % 2
    clf = ConvNetClassifier(conv_layers=(4,), kernel_size=3, head="flatten", batch_norm=False,
                            max_iter=1, random_state=0).fit(X, y)  # fmt: skip
    save(clf, tmp_path / "new.npz")

    def written_before_head(metadata):
        del metadata["params"]["head"]

    old = tampered(tmp_path / "new.npz", tmp_path, written_before_head)
    loaded = load(old)
    assert loaded.head == "flatten"
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))


def tampered(path, tmp_path, change):
    metadata = metadata_of(path)
    change(metadata)
    entries = {k: v for k, v in entries_of(path).items() if k != "metadata"}
    return write_entries(tmp_path / "tampered.npz", entries, metadata)


def test_a_huge_parameter_is_refused_before_anything_is_allocated(saved_convnet, tmp_path):
    _, path = saved_convnet

    def huge_layer(metadata):
        metadata["params"]["conv_layers"] = [4, 10**7]

    bad = tampered(path, tmp_path, huge_layer)
    error = quick_and_small(lambda: load(bad))
    assert "its layer 4 holds arrays" in str(error) and "10000000" in str(error)


@pytest.mark.parametrize(
    "change, match",
    [
        (lambda m: m["params"].update(kernel_size=5), "its layer 0 holds arrays"),
        (lambda m: m["params"].update(batch_norm=False), "holds arrays|its layers are"),
        (lambda m: m["params"].update(pool_size=None), "its layer 3 holds arrays None"),
        (lambda m: m["architecture"].update(input_shape=[8, 16, 1]), "its layer 9 holds"),
        (lambda m: m["architecture"]["layers"][2].update(kind="Softmax"), "unknown kind"),
        (lambda m: m["architecture"]["layers"][1].update(kind="Dropout"), "lists arrays"),
        (lambda m: m["architecture"]["layers"][3].update(kind="AvgPool2D"), "unknown kind"),
        (lambda m: m.update({"class": "ConvNetRegressor"}), "unknown ConvNetRegressor param"),
        (
            lambda m: m["params"].update(class_weight={"__items__": [[10, 2.0]]}),
            "class_weight has the key 10, which is not a class",
        ),
    ],
)
def test_metadata_that_does_not_make_its_arrays_is_refused(saved_convnet, tmp_path, change, match):
    _, path = saved_convnet
    with pytest.raises(ModelFileError, match=match):
        load(tampered(path, tmp_path, change))


def test_a_non_finite_weight_is_refused(saved_convnet, tmp_path):
    _, path = saved_convnet
    entries = entries_of(path)
    entries["layer0.W"] = entries["layer0.W"].copy()
    entries["layer0.W"][0, 0, 0, 0] = np.nan
    metadata = json.loads(entries.pop("metadata").tobytes())
    with pytest.raises(ModelFileError, match="layer0.W has NaN"):
        load(write_entries(tmp_path / "nan.npz", entries, metadata))


def test_the_command_reads_a_saved_convnet(saved_convnet, capsys):
    from lucidnet.cli.main import main

    _, path = saved_convnet
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["info", str(path)]) == 0
    out = capsys.readouterr().out
    assert "conv2d 3x3" in out and "(n, 8, 8, 4)" in out and "max pool 2x2" in out
    assert "batch norm" in out and "dropout 0.2" in out


@pytest.mark.parametrize("value", [-1.0, 0.0])
def test_a_running_variance_that_is_not_positive_is_refused(saved_convnet, tmp_path, value):
    _, path = saved_convnet
    entries = entries_of(path)
    metadata = json.loads(entries.pop("metadata").tobytes())
    entries["layer1.running_var"] = entries["layer1.running_var"].copy()
    entries["layer1.running_var"][0] = value
    with pytest.raises(ModelFileError, match="layer1.running_var is not positive"):
        load(write_entries(tmp_path / "var.npz", entries, metadata))


def test_an_input_shape_parameter_that_disagrees_with_the_architecture_is_refused(
    saved_convnet, tmp_path
):
    _, path = saved_convnet

    def other_shape(metadata):
        metadata["params"]["input_shape"] = {"__tuple__": [4, 16]}

    with pytest.raises(ModelFileError, match="input_shape parameter makes \\[4, 16, 1\\]"):
        load(tampered(path, tmp_path, other_shape))
