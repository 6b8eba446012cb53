"""Model files of ConvNets with global average pooling and residual blocks:
the same model back, and lies about the nested layers refused."""

import json

import numpy as np
import pytest

from lucidnet import ConvNetClassifier, ModelFileError, load, save
from lucidnet.engine import Residual

from .test_hostile_files import entries_of, metadata_of, quick_and_small, write_entries

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

# The reference FCN and ResNet (see tests/estimators/test_convnet_architectures.py)
# with fewer filters.
FCN = dict(conv_layers=(6, 8, 6), kernel_size=[8, 5, 3], pool_size=None, batch_norm=True,
           head="global_avg", hidden_layer_sizes=())  # fmt: skip
RESNET = dict(conv_layers=(4, 6, 6), kernel_size=[8, 5, 3], pool_size=None, batch_norm=True,
              residual=True, head="global_avg", hidden_layer_sizes=())  # fmt: skip


@pytest.fixture(scope="module")
def signals():
    rng = np.random.default_rng(0)
    y = np.arange(40) % 3
    X = np.sin(np.arange(32) * (0.2 + 0.3 * y[:, None])) + 0.3 * rng.standard_normal((40, 32))
    return X, y


@pytest.fixture(scope="module")
def saved_resnet(signals, tmp_path_factory):
    X, y = signals
    clf = ConvNetClassifier(input_shape=(32,), max_iter=3, random_state=0, **RESNET).fit(X, y)
    path = tmp_path_factory.mktemp("models") / "resnet.npz"
    save(clf, path)
    return clf, path


@pytest.mark.parametrize("architecture", [FCN, RESNET], ids=["fcn", "resnet"])
def test_a_saved_fcn_or_resnet_predicts_the_same_and_trains_on(signals, tmp_path, architecture):
    X, y = signals
    clf = ConvNetClassifier(input_shape=(32,), max_iter=3, random_state=0, **architecture)
    clf.fit(X, y)
    save(clf, tmp_path / "model.npz")
    loaded = load(tmp_path / "model.npz")
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    ours, theirs = loaded._network.state_arrays(), clf._network.state_arrays()
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b)  # running statistics included
    assert loaded.get_params() == clf.get_params()
    loaded.partial_fit(X, y)
    assert loaded.t_ == clf.t_ + len(X)


def test_a_residual_blocks_arrays_are_named_by_their_place(saved_resnet):
    clf, path = saved_resnet
    names = set(entries_of(path)) - {"metadata"}
    assert {"layer0.main0.W", "layer0.main7.running_var", "layer0.shortcut0.W",
            "layer4.shortcut0.gamma"} <= names  # fmt: skip
    n_arrays = sum(len(layer.parameters()) + len(layer.state()) for layer in clf._network.layers)
    assert len(names) == n_arrays  # nothing stored twice (the block and its layers)
    first = metadata_of(path)["architecture"]["layers"][0]
    assert first["kind"] == "Residual" and "arrays" not in first
    assert [e["kind"] for e in first["shortcut"]] == ["Conv1D", "BatchNormalization"]
    assert isinstance(load(path)._network.layers[0], Residual)


def tampered(path, tmp_path, change):
    metadata = metadata_of(path)
    change(metadata)
    entries = {k: v for k, v in entries_of(path).items() if k != "metadata"}
    return write_entries(tmp_path / "tampered.npz", entries, metadata)


def block(metadata, i=0):
    return metadata["architecture"]["layers"][i]


@pytest.mark.parametrize(
    "change, match",
    [
        (
            lambda m: m["params"].update(kernel_size=[7, 5, 3]),
            r"its layer 0, main path's layer 0 holds arrays",
        ),
        (lambda m: m["params"].update(kernel_size=[8, 5]), "its layers are"),
        (lambda m: m["params"].update(residual=False), "its layer 0 holds arrays None"),
        (lambda m: m["params"].update(head="flatten"), r"its layer 7 holds arrays \{'W': \[6, 3\]"),
        (lambda m: m["params"].update(batch_norm=False), "holds arrays|its layers are"),
        (
            lambda m: block(m)["main"][2].update(kind="Softmax"),
            "main path's layer 2 is of an unknown",
        ),
        (
            lambda m: block(m)["shortcut"][1].update(kind="Dropout"),
            "shortcut path's layer 1 .* lists",
        ),
        (lambda m: block(m).pop("main"), "its layer 0 has no 'main'"),
        (lambda m: block(m).update(shortcut={"kind": "Flatten"}), "field 'shortcut' is"),
        (lambda m: block(m)["main"].append({"kind": "Flatten"}), "its layers are"),
        (lambda m: block(m, 2).update(shortcut=[]), "has unexpected entries layer2.shortcut0.W"),
        (lambda m: block(m).update(arrays={"W": [1]}), "is missing array"),
    ],  # fmt: skip
)
def test_nested_layers_that_do_not_make_their_arrays_are_refused(
    saved_resnet, tmp_path, change, match
):
    _, path = saved_resnet
    with pytest.raises(ModelFileError, match=match):
        load(tampered(path, tmp_path, change))


def test_residual_blocks_nested_deeper_than_the_bound_are_refused(saved_resnet, tmp_path):
    _, path = saved_resnet

    def nest(metadata):
        entry = {"kind": "Flatten"}
        for _ in range(5):  # within the 32 levels any metadata may nest
            entry = {"kind": "Residual", "main": [entry], "shortcut": []}
        metadata["architecture"]["layers"].insert(0, entry)

    with pytest.raises(ModelFileError, match="nests residual blocks more than 3 deep"):
        load(tampered(path, tmp_path, nest))


def test_a_huge_block_is_refused_before_anything_is_allocated(saved_resnet, tmp_path):
    _, path = saved_resnet

    def huge_block(metadata):
        metadata["params"]["conv_layers"] = [4, 10**6, 6]

    error = quick_and_small(lambda: load(tampered(path, tmp_path, huge_block)))
    assert "main path's layer 0 holds arrays" in str(error) and "1000000" in str(error)


def test_a_nested_running_variance_that_is_not_positive_is_refused(saved_resnet, tmp_path):
    _, path = saved_resnet
    entries = entries_of(path)
    metadata = json.loads(entries.pop("metadata").tobytes())
    entries["layer2.shortcut1.running_var"] = -entries["layer2.shortcut1.running_var"]
    with pytest.raises(ModelFileError, match="layer2.shortcut1.running_var is not positive"):
        load(write_entries(tmp_path / "var.npz", entries, metadata))


def test_the_command_shows_a_residual_network(saved_resnet, capsys):
    from lucidnet.cli.main import main

    _, path = saved_resnet
    assert main(["info", str(path)]) == 0
    out = capsys.readouterr().out
    assert "residual conv 8/5/3 + batch norm, shortcut conv 1 + batch norm" in out
    assert "shortcut batch norm" in out and "global avg pool" in out
