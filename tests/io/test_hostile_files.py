"""Model files crafted to exhaust the machine: deep nesting, huge declared
sizes, lying zip entries. Each must be a quick, small ModelFileError."""

import json
import struct
import subprocess
import sys
import time
import tracemalloc
import zipfile

import numpy as np
import pytest
from sklearn.datasets import load_iris, make_multilabel_classification

from lucidnet import MLPClassifier, ModelFileError, NeuralNetwork, load, save
from lucidnet.io.json_values import MAX_NESTING, from_json, json_extent, nesting_depth, to_json
from lucidnet.io.model_file import MAX_METADATA_BYTES, MAX_METADATA_VALUES

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


def quick_and_small(call, seconds=1.0, megabytes=20, tries=1):
    """Run ``call``, which must raise ModelFileError, within the given time (in
    one of ``tries`` runs: the fastest is the cost, the others a busy machine's
    noise), then again within the given peak of traced allocations (NumPy
    reports its arrays to tracemalloc; tracing slows Python down, so it is not
    timed)."""
    for _ in range(tries):
        start = time.perf_counter()
        with pytest.raises(ModelFileError) as info:
            call()
        elapsed = time.perf_counter() - start
        if elapsed < seconds:
            break
    assert elapsed < seconds, f"took {elapsed:.2f} s"
    tracemalloc.start()
    try:
        with pytest.raises(ModelFileError):
            call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
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


# ------------------------------------------------ declared sizes and dtypes
def test_huge_declared_string_dtype_is_refused_before_reading(iris_model_file, tmp_path):
    metadata = metadata_of(iris_model_file)
    metadata["classes"].update(dtype="<U500000000", values=["a", "b", "c"])
    path = write_entries(tmp_path / "wide.npz", entries_of(iris_model_file), metadata)
    assert path.stat().st_size < 20_000
    error = quick_and_small(lambda: load(path))
    assert "<U500000000" in str(error) and "1000 characters" in str(error)


def test_huge_array_header_is_refused_before_reading(iris_model_file, tmp_path):
    members = members_of(iris_model_file)
    # 50000 x 50000 float64 would be 18.6 GiB; the file is a few kilobytes.
    members["coef_0.npy"] = npy_header("<f8", (50_000, 50_000)) + bytes(64)
    path = write_members(tmp_path / "huge-coef.npz", members)
    error = quick_and_small(lambda: load(path))
    assert "coef_0 has shape (50000, 50000)" in str(error)


def test_array_header_agreeing_with_lying_metadata_is_refused(iris_model_file, tmp_path):
    metadata = metadata_of(iris_model_file)
    big = 30_000
    metadata["params"]["hidden_layer_sizes"] = [big]
    metadata["architecture"]["layer_sizes"] = [4, big, 3]
    members = members_of(iris_model_file)
    members["metadata.npy"] = (
        npy_header("|u1", (len(json.dumps(metadata)),)) + json.dumps(metadata).encode()
    )
    # Headers agree with the metadata, data is missing: 120000 + 720 KB declared.
    members["coef_0.npy"] = npy_header("<f8", (4, big))
    members["intercept_0.npy"] = npy_header("<f8", (big,))
    members["coef_1.npy"] = npy_header("<f8", (big, 3))
    path = write_members(tmp_path / "lying.npz", members)
    error = quick_and_small(lambda: load(path))
    assert "declares" in str(error) and "header describes" in str(error)


@pytest.mark.parametrize("deflated", [False, True], ids=["stored", "deflated"])
def test_declared_size_the_archive_cannot_hold_is_refused(iris_model_file, tmp_path, deflated):
    path = tmp_path / "bomb.npz"
    if deflated:  # deflate expands at most 1032 : 1
        np.savez_compressed(path, **entries_of(iris_model_file))
    else:
        path.write_bytes(iris_model_file.read_bytes())
    # The central directory says coef_0 unpacks to 3 GB (offset 24: uncompressed size).
    patch_central_directory(path, "coef_0.npy", 24, "<I", 3_000_000_000)
    error = quick_and_small(lambda: load(path))
    assert "more than the file can hold" in str(error)


def test_metadata_entry_declaring_too_many_bytes_is_refused(iris_model_file, tmp_path):
    members = members_of(iris_model_file)
    members["metadata.npy"] = npy_header("|u1", (10**10,)) + b"{}"
    path = write_members(tmp_path / "huge-metadata.npz", members)
    error = quick_and_small(lambda: load(path))
    assert f"not up to {MAX_METADATA_BYTES} bytes of UTF-8 JSON" in str(error)


def test_compressed_metadata_bomb_is_refused(iris_model_file, tmp_path):
    members = members_of(iris_model_file)
    # 100 MB of spaces deflate to about 100 KB: valid JSON, but over the bound.
    size = 100 * 2**20
    members["metadata.npy"] = npy_header("|u1", (size,)) + b" " * size
    path = tmp_path / "metadata-bomb.npz"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    del members
    assert path.stat().st_size < 1_000_000
    quick_and_small(lambda: load(path))


# ------------------------------------------- the metadata's size and values
def metadata_member(text: str) -> bytes:
    return npy_header("|u1", (len(text.encode()),)) + text.encode()


def write_deflated(path, members: dict):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def peak_rss_of_load(path) -> tuple[float, str]:
    """The growth of a fresh interpreter's peak resident memory (MB) while it
    loads ``path``, and the error it printed: all that parsing allocates,
    whether or not Python's allocator reports it to tracemalloc."""
    script = (
        "import resource, sys\n"
        "from lucidnet import ModelFileError, load\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "try:\n"
        "    load(sys.argv[1])\n"
        "    message = 'loaded'\n"
        "except ModelFileError as error:\n"
        "    message = str(error)\n"
        "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print((after - before) / 1024)\n"
        "print(message)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True
    )
    grown, message = done.stdout.split("\n", 1)
    return float(grown), message


def test_metadata_bomb_of_empty_lists_is_refused_quickly(iris_model_file, tmp_path):
    # 64 MiB of "[[],[],...]" deflate to about 65 KB; parsed, 22 million lists.
    count = (64 * 2**20 - 4) // 3
    bomb = "[" + "[]," * count + "[]]"
    members = members_of(iris_model_file)
    members["metadata.npy"] = metadata_member(bomb)
    path = write_deflated(tmp_path / "list-bomb.npz", members)
    del members, bomb
    assert path.stat().st_size < 200_000
    error = quick_and_small(lambda: load(path), seconds=0.5, megabytes=100, tries=3)
    assert "metadata" in str(error) and str(MAX_METADATA_BYTES) in str(error)
    grown, message = peak_rss_of_load(path)
    assert grown < 100, f"peak resident memory grew by {grown:.0f} MB"
    assert str(MAX_METADATA_BYTES) in message


@pytest.mark.parametrize("unit", ["[]", "{}", '"ab"', "1.5"])
def test_metadata_of_too_many_values_is_refused_before_parsing(iris_model_file, tmp_path, unit):
    # Within the byte bound, but millions of values: each would be a Python object.
    count = min(4 * MAX_METADATA_VALUES, (MAX_METADATA_BYTES - 20_000) // (len(unit) + 1))
    metadata = metadata_of(iris_model_file)
    metadata["preprocessing"] = "MARKER"
    text = json.dumps(metadata).replace('"MARKER"', "[" + ",".join([unit] * count) + "]")
    members = members_of(iris_model_file)
    members["metadata.npy"] = metadata_member(text)
    path = write_deflated(tmp_path / "value-bomb.npz", members)
    del members, text
    error = quick_and_small(lambda: load(path), seconds=0.5, megabytes=100, tries=3)
    assert f"at most {MAX_METADATA_VALUES}" in str(error)
    grown, message = peak_rss_of_load(path)
    assert grown < 100, f"peak resident memory grew by {grown:.0f} MB"
    assert f"at most {MAX_METADATA_VALUES}" in message


def test_metadata_value_limit_is_exactly_where_it_says(iris_model_file, tmp_path):
    metadata = metadata_of(iris_model_file)
    metadata["preprocessing"] = []
    base = json_extent(json.dumps(metadata))[1]
    # n empty lists add 2n - 1 values: n brackets and the commas between them.
    fits = (MAX_METADATA_VALUES - base + 1) // 2
    for n_lists, loads in ((fits, True), (fits + 1, False)):
        metadata["preprocessing"] = [[]] * n_lists
        path = write_entries(
            tmp_path / f"lists-{n_lists}.npz", entries_of(iris_model_file), metadata
        )
        if loads:
            # The most a file that passes may cost to parse (and load): 0.2 s
            # on a quiet machine; the bound leaves room for a busy one.
            start = time.perf_counter()
            assert load(path).n_features_in_ == 4
            assert time.perf_counter() - start < 2
            grown, message = peak_rss_of_load(path)
            assert message.strip() == "loaded" and grown < 100, grown
        else:
            with pytest.raises(ModelFileError, match=f"at most {MAX_METADATA_VALUES}"):
                load(path)


def test_metadata_entry_declared_size_is_checked_before_decompression(iris_model_file, tmp_path):
    # Valid JSON (spaces are), but more bytes than metadata may take: refused on
    # the zip entry's declared size, before its .npy header is read.
    text = json.dumps(metadata_of(iris_model_file)) + " " * (MAX_METADATA_BYTES + 20_000)
    members = members_of(iris_model_file)
    members["metadata.npy"] = metadata_member(text)
    path = write_deflated(tmp_path / "padded.npz", members)
    del members, text
    error = quick_and_small(lambda: load(path), seconds=0.5, tries=3)
    assert "entry metadata declares" in str(error)
    assert f"{MAX_METADATA_BYTES} bytes of data" in str(error)


def test_save_refuses_metadata_that_load_would_refuse(iris_model_file, tmp_path):
    model = load(iris_model_file)
    with pytest.raises(ValueError, match=f"{MAX_METADATA_VALUES} values"):
        save(model, tmp_path / "many.npz", preprocessing={"x": list(range(MAX_METADATA_VALUES))})
    with pytest.raises(ValueError, match=f"{MAX_METADATA_BYTES} bytes"):
        save(model, tmp_path / "long.npz", preprocessing={"x": "x" * MAX_METADATA_BYTES})
    assert not (tmp_path / "many.npz").exists() and not (tmp_path / "long.npz").exists()


@pytest.mark.parametrize(
    "text, values",
    [("{}", 1), ("[]", 1), ('{"a": "[,:{"}', 2), ("[[],[]]", 4), ("[1, 2, 3]", 3), ("3", 0)],
)
def test_json_extent_counts_values_outside_strings(text, values):
    assert json_extent(text)[1] == values


def test_single_npy_with_a_huge_header_is_refused_unread(tmp_path):
    path = tmp_path / "array.npy"
    path.write_bytes(npy_header("<f8", (10**10,)))
    error = quick_and_small(lambda: load(path))
    assert "single .npy array" in str(error)


def test_classic_layers_beyond_the_arrays_are_refused_before_allocating(tmp_path):
    path = tmp_path / "classic.npz"
    save(NeuralNetwork([2, 3, 1], random_state=0), path)
    metadata = metadata_of(path)
    metadata["params"]["layers"] = [2, 10**6, 10**6, 1]  # 7.3 TiB of weights
    write_entries(path, entries_of(path), metadata)
    error = quick_and_small(lambda: load(path))
    assert "layer_sizes [2, 3, 1]" in str(error) and "[2, 1000000, 1000000, 1]" in str(error)


def test_many_layer_sizes_are_refused_before_they_are_expanded(iris_model_file, tmp_path):
    metadata = metadata_of(iris_model_file)
    # 1.2 MB of JSON, within the metadata's bound on values.
    metadata["architecture"]["layer_sizes"] = [1] * 400_000
    path = write_entries(tmp_path / "layers.npz", entries_of(iris_model_file), metadata)
    error = quick_and_small(lambda: load(path), megabytes=60)
    assert "400000 layer sizes need 799998" in str(error) and len(str(error)) < 500


@pytest.mark.parametrize(
    "field, value",
    [
        (("class",), "x" * 5_000_000),
        (("architecture", "layer_sizes"), [3] * 1_000_000 + ["x"]),
        (("classes", "values"), list(range(1_000_000))),
        (("training", "loss_curve_"), ["x"] * 1_000_000),
    ],
    ids=["class-name", "layer-sizes", "class-values", "loss-curve"],
)
def test_messages_about_huge_values_stay_short(iris_model_file, tmp_path, field, value):
    metadata = metadata_of(iris_model_file)
    target = metadata
    for key in field[:-1]:
        target = target[key]
    target[field[-1]] = value
    path = write_entries(tmp_path / "huge.npz", entries_of(iris_model_file), metadata)
    with pytest.raises(ModelFileError) as info:
        load(path)
    assert len(str(info.value)) < 1000


@pytest.mark.parametrize(
    "damage, message",
    [
        pytest.param(
            lambda members: members.update({"metadata": members.pop("metadata.npy")}),
            "not a NumPy array",
            id="metadata-not-npy",
        ),
        pytest.param(
            lambda members: members.update({"coef_0": members["coef_0.npy"]}),
            "twice",
            id="entry-twice",
        ),
        pytest.param(
            lambda members: members.update(
                {"coef_0.npy": b"\x93NUMPY\x03\x00" + members["coef_0.npy"][8:]}
            ),
            "version",
            id="npy-version-3",
        ),
    ],
)
def test_odd_members_are_model_file_errors(iris_model_file, tmp_path, damage, message):
    members = members_of(iris_model_file)
    damage(members)
    path = write_members(tmp_path / "odd.npz", members)
    with pytest.raises(ModelFileError, match=message):
        load(path)


@pytest.mark.parametrize(
    "offset, fmt, value, message",
    [
        pytest.param(8, "<H", 0x1, "encrypted", id="encrypted"),
        pytest.param(10, "<H", 12, "compression method 12", id="bzip2"),
        pytest.param(10, "<H", 99, "compression method 99", id="unknown-method"),
    ],
)
def test_zip_flags_model_files_never_use_are_refused(
    iris_model_file, tmp_path, offset, fmt, value, message
):
    path = tmp_path / "flags.npz"
    path.write_bytes(iris_model_file.read_bytes())
    patch_central_directory(path, "coef_0.npy", offset, fmt, value)
    with pytest.raises(ModelFileError, match=message):
        load(path)


def test_wide_string_classes_are_narrowed_on_save_and_long_labels_refused(tmp_path):
    X, y = load_iris(return_X_y=True)
    labels = np.array(["setosa", "versicolor", "virginica"], dtype="U5000")[y]
    clf = MLPClassifier(hidden_layer_sizes=(3,), max_iter=3, random_state=0).fit(X, labels)
    loaded = load(save(clf, tmp_path / "m.npz") or tmp_path / "m.npz")
    assert loaded.classes_.dtype == np.dtype("U10")
    assert np.array_equal(loaded.predict(X), clf.predict(X))
    long_labels = np.array(["a" * 1001, "b"])[y % 2]
    clf.fit(X, long_labels)
    with pytest.raises(ValueError, match="1001 characters"):
        save(clf, tmp_path / "long.npz")


# --------------------------------------------------------------- label types
def binary_file(tmp_path):
    X, y = load_iris(return_X_y=True)
    clf = MLPClassifier(hidden_layer_sizes=(3,), max_iter=3, random_state=0).fit(X, y > 0)
    save(clf, tmp_path / "binary.npz")
    return tmp_path / "binary.npz"


def two_output_multiclass_file(tmp_path, iris_model_file):
    """The iris model cut to two outputs: 2 classes, 2 softmax units."""
    entries = entries_of(iris_model_file)
    metadata = metadata_of(iris_model_file)
    entries["coef_1"], entries["intercept_1"] = entries["coef_1"][:, :2], entries["intercept_1"][:2]
    metadata["architecture"]["layer_sizes"][-1] = 2
    metadata["classes"]["values"] = [0, 1]
    return write_entries(tmp_path / "two.npz", entries, metadata)


@pytest.mark.parametrize(
    "make, label_type, values, message",
    [
        pytest.param(
            lambda tmp, iris: binary_file(tmp),
            "binary",
            [0, 1, 2],
            "'binary' with 3 classes and 1 output unit",
            id="binary-3-classes",
        ),
        pytest.param(
            two_output_multiclass_file,
            "multiclass",
            [0, 1],
            "'multiclass' with 2 classes and 2 output unit",
            id="multiclass-2-classes",
        ),
        pytest.param(
            lambda tmp, iris: binary_file(tmp),
            "multilabel-indicator",
            [0],
            "'multilabel-indicator' with 1 classes and 1 output unit",
            id="multilabel-1-label",
        ),
    ],
)
def test_label_type_must_agree_with_the_classes(
    tmp_path, iris_model_file, make, label_type, values, message
):
    path = make(tmp_path, iris_model_file)
    metadata = metadata_of(path)
    metadata["classes"].update(label_type=label_type, values=values, dtype="<i8")
    write_entries(path, entries_of(path), metadata)
    with pytest.raises(ModelFileError, match=message):
        load(path)


@pytest.mark.parametrize("kind", ["one-class", "binary", "multiclass", "multilabel"])
def test_every_label_type_fit_makes_still_loads(tmp_path, kind):
    X, y = load_iris(return_X_y=True)
    targets = {
        "one-class": np.zeros(len(X)),
        "binary": y > 0,
        "multiclass": y,
        "multilabel": make_multilabel_classification(len(X), n_classes=3, random_state=0)[1],
    }
    clf = MLPClassifier(hidden_layer_sizes=(3,), max_iter=3, random_state=0)
    clf.fit(X, targets[kind])
    save(clf, tmp_path / "m.npz")
    assert np.array_equal(load(tmp_path / "m.npz").predict(X), clf.predict(X))
