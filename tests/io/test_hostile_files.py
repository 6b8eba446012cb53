"""Model files crafted to exhaust the machine: deep nesting, huge declared
sizes, lying zip entries. Each must be a quick, small ModelFileError."""

import json
import struct
import time
import tracemalloc
import zipfile

import numpy as np
import pytest
from sklearn.datasets import load_iris

from lucidnet import MLPClassifier, ModelFileError, load, save
from lucidnet.io.json_values import MAX_NESTING, from_json, nesting_depth, to_json

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def iris_model_file(tmp_path_factory):
    X, y = load_iris(return_X_y=True)
    clf = MLPClassifier(hidden_layer_sizes=(6,), max_iter=5, random_state=0).fit(X, y)
    path = tmp_path_factory.mktemp("models") / "iris.npz"
    save(clf, path)
    return path


def entries_of(path) -> dict:
    with np.load(path, allow_pickle=False) as npz:
        return {name: npz[name] for name in npz.files}


def metadata_of(path) -> dict:
    return json.loads(entries_of(path)["metadata"].tobytes().decode())


def json_bytes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode(), dtype=np.uint8)


def write_entries(path, entries: dict, metadata=None):
    entries = dict(entries)
    if metadata is not None:
        entries["metadata"] = json_bytes(json.dumps(metadata))
    with open(path, "wb") as file:
        np.savez(file, **entries)
    return path


def npy_header(dtype: str, shape: tuple) -> bytes:
    """A hand-made .npy 1.0 header, declaring whatever it is told to."""
    text = f"{{'descr': '{dtype}', 'fortran_order': False, 'shape': {shape!r}, }}"
    text += " " * (-(len(text) + 11) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text.encode("latin1")


def write_members(path, members: dict):
    """A zip of raw members: {name: bytes}, names taken as they are."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def members_of(path) -> dict:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def patch_central_directory(path, name: str, offset: int, fmt: str, value):
    """Overwrite one field of ``name``'s central directory record (what zipfile
    believes), leaving the data as it is."""
    data = bytearray(path.read_bytes())
    record = data.index(b"PK\x01\x02")
    while True:
        name_length = struct.unpack_from("<H", data, record + 28)[0]
        if data[record + 46 : record + 46 + name_length].decode() == name:
            break
        record = data.index(b"PK\x01\x02", record + 4)
    struct.pack_into(fmt, data, record + offset, value)
    path.write_bytes(bytes(data))


def quick_and_small(call, seconds=1.0, megabytes=20):
    """Run ``call``, which must raise ModelFileError, within the given time and
    peak of traced allocations (NumPy reports its arrays to tracemalloc)."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(ModelFileError) as info:
            call()
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < seconds, f"took {elapsed:.2f} s"
    assert peak < megabytes * 2**20, f"allocated {peak / 2**20:.0f} MiB at the peak"
    return info.value


def nested_list(depth: int, leaf=1):
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


# ------------------------------------------------------------------ nesting
def test_deeply_nested_metadata_is_a_model_file_error(iris_model_file, tmp_path):
    entries = entries_of(iris_model_file)
    entries["metadata"] = json_bytes("[" * 100_000)
    path = write_entries(tmp_path / "deep.npz", entries)
    error = quick_and_small(lambda: load(path))
    assert "100000 levels deep" in str(error)


def nested_text(depth: int, leaf="6") -> str:
    return "[" * depth + leaf + "]" * depth


@pytest.mark.parametrize(
    "field, value",
    [
        pytest.param(("params", "hidden_layer_sizes"), nested_text(900), id="list-900-deep"),
        pytest.param(("params", "hidden_layer_sizes"), nested_text(100_000), id="list-100000"),
        pytest.param(
            ("params", "class_weight"),
            '{"__items__": [[0, {"__items__": [[0, {"__items__": [[0, X]]}]]}]]}'.replace(
                "X", nested_text(30)
            ),
            id="dict-of-dicts",
        ),
        pytest.param(("preprocessing",), '{"s": X}'.replace("X", nested_text(40)), id="steps"),
    ],
)
def test_deeply_nested_parameter_is_a_model_file_error(iris_model_file, tmp_path, field, value):
    metadata = metadata_of(iris_model_file)
    target = metadata
    for key in field[:-1]:
        target = target[key]
    target[field[-1]] = "MARKER"
    # Written by hand: json.dumps itself would recurse once per level.
    text = json.dumps(metadata).replace('"MARKER"', value)
    entries = entries_of(iris_model_file)
    entries["metadata"] = json_bytes(text)
    path = write_entries(tmp_path / "nested.npz", entries)
    error = quick_and_small(lambda: load(path))
    assert f"at most {MAX_NESTING}" in str(error)


def test_nesting_limit_is_exactly_where_it_says(iris_model_file, tmp_path):
    metadata = metadata_of(iris_model_file)
    # The metadata object is level 1, so preprocessing may add MAX_NESTING - 1 levels.
    for levels, loads in ((MAX_NESTING - 1, True), (MAX_NESTING, False)):
        metadata["preprocessing"] = nested_list(levels)
        path = tmp_path / f"nested-{levels}.npz"
        write_entries(path, entries_of(iris_model_file), metadata)
        if loads:
            assert load(path).n_features_in_ == 4
        else:
            with pytest.raises(ModelFileError, match=f"{MAX_NESTING + 1} levels deep"):
                load(path)


def test_save_refuses_nesting_that_load_would_refuse(iris_model_file, tmp_path):
    model = load(iris_model_file)
    with pytest.raises(TypeError, match="levels deep"):
        save(model, tmp_path / "deep.npz", preprocessing={"x": nested_list(100_000)})
    # The metadata object and the preprocessing dict are two levels already.
    save(model, tmp_path / "deepest.npz", preprocessing={"x": nested_list(MAX_NESTING - 2)})
    assert load(tmp_path / "deepest.npz").n_features_in_ == 4
    with pytest.raises(TypeError, match="levels deep"):
        save(model, tmp_path / "deep.npz", preprocessing={"x": nested_list(MAX_NESTING - 1)})
    model.class_weight = {0: nested_list(100_000)}
    with pytest.raises(TypeError, match="class_weight.*levels deep"):
        save(model, tmp_path / "deep.npz")
    assert not (tmp_path / "deep.npz").exists()


def test_json_value_converters_bound_their_recursion():
    deep = nested_list(100_000)
    with pytest.raises(ValueError, match="nested more than"):
        from_json(deep)
    with pytest.raises(TypeError, match="levels deep"):
        to_json(deep, "x")
    assert from_json(nested_list(MAX_NESTING - 1)) == nested_list(MAX_NESTING - 1)


@pytest.mark.parametrize(
    "text, depth",
    [
        ("{}", 1),
        ('{"a": "[[[[{{{{"}', 1),  # brackets in strings are not structure
        (r'["\"[[[", [[1]], "\\", {"b": []}]', 3),  # nor after escaped quotes
        ("[" * 50 + "]" * 50, 50),
        ("3", 0),
    ],
)
def test_nesting_depth_counts_structure_only(text, depth):
    assert nesting_depth(text) == depth
