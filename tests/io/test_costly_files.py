"""Model files whose cost their own bytes do not justify: geometry that makes a
forward pass of one row take gigabytes, and weights that loading must not
draw at random before it reads them."""

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from lucidnet import (
    Autoencoder,
    ConvNetClassifier,
    ConvNetRegressor,
    MLPRegressor,
    ModelFileError,
    NeuralNetwork,
    load,
    save,
)
from lucidnet.cli.main import main

from .test_hostile_files import entries_of, metadata_of, quick_and_small, write_entries

pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning", "ignore:Got `batch_size`"
)
X64 = np.random.default_rng(0).standard_normal((40, 64))
Y = np.arange(40) % 2


@pytest.fixture(scope="module")
def conv_file(tmp_path_factory):
    """A one-filter-pair Conv1D classifier on 64 steps, padding 1: 64 output
    positions, which padding 2 * 10**8 with strides 6,300,000 keeps. In
    float64: the sizes below are of 8-byte values."""
    clf = ConvNetClassifier(conv_layers=(2,), kernel_size=3, padding=1, pool_size=None,
                            batch_norm=False, head="flatten", hidden_layer_sizes=(), max_iter=2,
                            random_state=0, dtype="float64").fit(X64, Y)  # fmt: skip
    path = tmp_path_factory.mktemp("models") / "conv.npz"
    save(clf, path)
    return path


@pytest.fixture(scope="module")
def autoencoder_file(tmp_path_factory):
    """A convolutional autoencoder whose pool (10**8, narrowed to the 64 steps)
    leaves one position: its arrays stay the same for any input length."""
    ae = Autoencoder(n_components=2, conv_layers=(2,), pool_size=10**8, input_shape=(64,),
                     hidden_layer_sizes=(), max_iter=2, random_state=0).fit(X64)  # fmt: skip
    path = tmp_path_factory.mktemp("models") / "autoencoder.npz"
    save(ae, path)
    return path


def edited(path, tmp_path, change, name="edited.npz"):
    metadata = metadata_of(path)
    change(metadata)
    entries = {k: v for k, v in entries_of(path).items() if k != "metadata"}
    return write_entries(tmp_path / name, entries, metadata)


def geometry(padding, strides):
    def change(metadata):
        metadata["params"]["padding"], metadata["params"]["strides"] = padding, strides

    return change


def test_padding_that_asks_gigabytes_for_one_row_is_refused(conv_file, tmp_path):
    path = edited(conv_file, tmp_path, geometry(2 * 10**8, 6_300_000))
    assert tmp_path.joinpath("edited.npz").stat().st_size < 16_000
    error = quick_and_small(lambda: load(path))
    message = str(error)
    # What it needs, the limit and its rule, and which layer.
    assert "needs 3 GiB for a forward pass of one row" in message
    assert "max(64 MiB, 100 x its" in message and "= 64 MiB" in message
    assert "layer 0, Conv1D" in message and "padding=200000000" in message


def test_padding_of_a_billion_is_refused_in_a_process_that_cannot_allocate(conv_file, tmp_path):
    """16 GB asked: the refusal must come without trying, here under a 1 GiB
    address-space limit (beyond what Python and NumPy take to start)."""
    path = edited(conv_file, tmp_path, geometry(10**9, 31_746_032))
    script = textwrap.dedent(f"""
        import resource
        import lucidnet
        resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))
        try:
            lucidnet.load({str(path)!r})
        except lucidnet.ModelFileError as error:
            print(error)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)  # fmt: skip
    assert "for a forward pass of one row" in done.stdout, done.stderr[-2000:]


def test_an_autoencoder_whose_input_shapes_were_enlarged_is_refused(autoencoder_file, tmp_path):
    def enlarge(metadata):
        metadata["params"]["input_shape"] = {"__tuple__": [10**8]}
        metadata["architecture"]["input_shape"] = [10**8, 1]

    assert metadata_of(autoencoder_file)["params"]["input_shape"] == {"__tuple__": [64]}
    path = edited(autoencoder_file, tmp_path, enlarge)
    message = str(quick_and_small(lambda: load(path)))
    # The decoder's convolution back to 10**8 positions is the biggest part:
    # inverse_transform's path is counted, not only transform's.
    assert "for a forward pass of one row" in message and "output shape (100000000, 1)" in message


def test_the_files_the_geometry_comes_from_load_and_run_every_path(conv_file, autoencoder_file):
    clf, ae = load(conv_file), load(autoencoder_file)
    assert clf.predict_proba(X64[:3]).shape == (3, 2) and clf.predict(X64[:1]).shape == (1,)
    codes = ae.transform(X64[:3])
    assert ae.inverse_transform(codes).shape == (3, 64) and ae.score_samples(X64[:3]).shape == (3,)


def test_info_shows_each_convolutions_padding_and_strides(conv_file, capsys):
    assert main(["info", str(conv_file)]) == 0
    assert "conv1d 3 padding 1 " in capsys.readouterr().out
    model = ConvNetClassifier(conv_layers=(2,), kernel_size=3, strides=2, pool_size=None,
                              hidden_layer_sizes=(), max_iter=1,
                              random_state=0).fit(X64, Y)  # fmt: skip
    path = conv_file.parent / "strided.npz"
    save(model, path)
    assert main(["info", str(path)]) == 0
    assert "conv1d 3 padding same strides 2 " in capsys.readouterr().out


# ---------------------------------------------------------------- no draws
PEAK_PROBE = """
import sys
from lucidnet import load
def high_water_mark():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
before = high_water_mark()
model = load(sys.argv[1])
print(high_water_mark() - before)
"""


def zero_weights_file(tmp_path, model, layer_sizes, dtype):
    """``model``'s file with its weights swapped for zeros of ``layer_sizes``
    (deflated: a few hundred KB declaring tens of MB)."""
    small = tmp_path / "small.npz"
    save(model, small)
    metadata = metadata_of(small)
    sizes = list(layer_sizes)
    metadata["architecture"]["layer_sizes"] = sizes
    if "layers" in metadata["params"]:
        metadata["params"]["layers"] = sizes
    else:
        metadata["params"]["hidden_layer_sizes"] = {"__tuple__": sizes[1:-1]}
        metadata["feature_names"] = None
    arrays = {}
    for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:])):
        arrays[f"coef_{i}"] = np.zeros((n_in, n_out), dtype)
        arrays[f"intercept_{i}"] = np.zeros(n_out, dtype)
    arrays["metadata"] = np.frombuffer(json.dumps(metadata).encode(), dtype=np.uint8)
    path = tmp_path / "zeros.npz"
    with open(path, "wb") as file:
        np.savez_compressed(file, **arrays)
    return path, sum(a.nbytes for name, a in arrays.items() if name != "metadata")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
@pytest.mark.parametrize(
    "kind", ["MLPRegressor float32", "NeuralNetwork float64", "ConvNetRegressor float32"]
)
def test_loading_draws_no_random_weights_and_keeps_memory_near_the_declared(tmp_path, kind):
    """Measured on 50 MB declared: the load's peak grew by 4.0x the declared
    size when the network was first filled with random weights (drawn in
    float64, their gradients zeroed, then packed into one buffer), and by
    2.0x to 2.12x now: the arrays read from the file (1x), the network's one
    buffer they are copied into (1x), and the finite check's mask of an array
    (1/8 of a float64 one, 1/4 of a float32 one), for a moment."""
    if kind.startswith("ConvNet"):  # 128 x 100,000 float32 weights in its dense layer
        X = np.zeros((10, 64), np.float32)
        model = ConvNetRegressor(conv_layers=(2,), kernel_size=3, pool_size=None,
                                 batch_norm=False, head="flatten", hidden_layer_sizes=(100_000,),
                                 max_iter=1).fit(X, np.arange(10.0))  # fmt: skip
        path = tmp_path / "conv.npz"
        save(model, path)
        declared = sum(a.nbytes for name, a in entries_of(path).items() if name != "metadata")
    elif kind.startswith("MLP"):
        X = np.zeros((10, 3), np.float32)
        model = MLPRegressor(hidden_layer_sizes=(2,), max_iter=1).fit(X, np.arange(10.0))
        path, declared = zero_weights_file(tmp_path, model, (1000, 12_500, 1), np.float32)
    else:
        model = NeuralNetwork([3, 2, 1], random_state=0)
        path, declared = zero_weights_file(tmp_path, model, (1000, 6_250, 1), np.float64)
    assert kind.startswith("ConvNet") or path.stat().st_size < declared / 50
    done = subprocess.run([sys.executable, "-c", PEAK_PROBE, str(path)], capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    growth = int(done.stdout) / declared
    assert growth < 2.3, f"the peak grew by {growth:.2f}x the declared {declared / 1e6:.0f} MB"


def test_a_loaded_network_holds_the_files_weights_not_drawn_ones(tmp_path):
    model = NeuralNetwork([3, 2, 1], random_state=0)
    path, _ = zero_weights_file(tmp_path, model, (3, 4, 1), np.float64)
    loaded = load(path)
    assert all(not w.any() for w in loaded.weights)
    assert loaded.predict([1.0, 2.0, 3.0]).tolist() == [0.0]


# A legitimate network can be large per row and small in weights: 16 filters
# over 300,000 steps with no dense layer but the output (a few KiB of weights,
# over 100 MiB a row in float64). Saving it warns; loading it needs the caller's say-so.
LONG = np.random.default_rng(1).standard_normal((4, 300_000))


@pytest.fixture(scope="module")
def long_signal_file(tmp_path_factory):
    clf = ConvNetClassifier(conv_layers=(16,), hidden_layer_sizes=(), pool_size=1000,
                            kernel_size=3, max_iter=1, random_state=0, dtype="float64")  # fmt: skip
    clf.fit(LONG, [0, 1, 0, 1])
    path = tmp_path_factory.mktemp("models") / "long.npz"
    with pytest.warns(UserWarning, match=r"load\(path, max_row_bytes=\d+\)") as caught:
        save(clf, path)
    return path, clf, str(caught[0].message)


def test_saving_a_model_that_load_refuses_by_default_warns_how_to_load_it(long_signal_file):
    path, clf, warned = long_signal_file
    assert "more than load accepts from a model file by default" in warned
    max_row_bytes = int(warned.split("max_row_bytes=")[1].split(")")[0])
    with pytest.raises(ModelFileError, match="if you trust the file") as refused:
        load(path)
    assert f"max_row_bytes={max_row_bytes}" in str(refused.value)
    loaded = load(path, max_row_bytes=max_row_bytes)
    assert np.array_equal(loaded.predict_proba(LONG), clf.predict_proba(LONG))
    with pytest.raises(
        ModelFileError, match=r"the limit given \(max_row_bytes, --max-row-memory\)"
    ):
        load(path, max_row_bytes=max_row_bytes // 4)


def test_the_command_loads_a_trusted_costly_model_with_max_row_memory(long_signal_file, capsys):
    path, _, warned = long_signal_file
    mib = warned.split("--max-row-memory ")[1].split("MiB")[0]
    assert main(["info", str(path)]) == 2
    assert f"--max-row-memory {mib}MiB" in capsys.readouterr().err
    assert main(["info", str(path), "--max-row-memory", f"{mib}MiB"]) == 0
    assert "ConvNetClassifier" in capsys.readouterr().out


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "64MiB"])
def test_max_row_bytes_must_be_a_positive_int(conv_file, bad):
    with pytest.raises(ValueError, match="max_row_bytes must be a positive int"):
        load(conv_file, max_row_bytes=bad)


def test_a_dense_autoencoder_file_with_an_input_shape_is_refused(tmp_path):
    ae = Autoencoder(n_components=2, hidden_layer_sizes=(), max_iter=2, random_state=0)
    path = tmp_path / "dense.npz"
    save(ae.fit(X64[:, :14]), path)

    def enlarge(metadata):
        metadata["params"]["input_shape"] = {"__tuple__": [10**8]}

    with pytest.raises(ModelFileError, match="input_shape is for convolutional networks"):
        load(edited(path, tmp_path, enlarge))


def test_max_row_memory_takes_sizes_with_units_and_refuses_others(conv_file, capsys):
    assert main(["info", str(conv_file), "--max-row-memory", "1.5GiB"]) == 0
    capsys.readouterr()
    assert main(["info", str(conv_file), "--max-row-memory", "1000"]) == 2  # bytes: too few
    assert "more than the limit given (max_row_bytes, --max-row-memory), 1,000 bytes" in (
        capsys.readouterr().err
    )
    for bad in ("lots", "-5MiB", "0", "12 parsecs"):
        with pytest.raises(SystemExit) as stopped:
            main(["info", str(conv_file), f"--max-row-memory={bad}"])
        assert stopped.value.code == 2
        assert "expected a size such as 512MiB" in capsys.readouterr().err
