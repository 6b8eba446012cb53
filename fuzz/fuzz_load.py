"""Fuzz target: ``lucidnet.load`` on any bytes must return a model or raise
``ModelFileError``, and a model it returns must predict one all-zero row
(an autoencoder: transform it, inverse_transform the code, score it)
without raising; any other exception, a timeout or running out of memory,
in loading or in that prediction, is a crash. So a file whose cost its
bytes do not justify (a padding of 10**9, an input_shape of 10**8) counts
as a crash when it loads, even if loading itself is cheap.

    make fuzz                                           # both targets, FUZZ_SECONDS each
    .venv/bin/python fuzz/fuzz_load.py CORPUS_DIR ... [libFuzzer flags]

Random bytes rarely get past a zip archive's checksums, so most mutations are
made inside the archive: one member (the JSON metadata, or an array's .npy
header or data) is changed, and the archive is written again with correct
checksums. The rest are libFuzzer's own byte mutations of the whole file.
"""

from __future__ import annotations

import io
import json
import math
import os
import random
import shlex
import sys
import tempfile
import warnings

import atheris
import numpy as np

with atheris.instrument_imports(include=["lucidnet", "zipfile", "json"]):
    import zipfile

    import lucidnet
    from lucidnet import ModelFileError

PATH = os.path.join(tempfile.mkdtemp(prefix="fuzz-load-"), "model.npz")
# Values that tend to break checks: wrong types, edges, huge sizes, deep nests.
ODD_VALUES = [
    None, True, False, 0, -1, 1, 2, 3, 2**31, 2**53 + 1, 10**30, -(10**30), 0.5, -0.0, 1e308,
    float("inf"), float("-inf"), float("nan"), "", "a", "relu", "binary", "multiclass",
    "multilabel-indicator", "<U500000000", "float16", "<i8", "|O", "|b1", "<f4", "O",
    "NeuralNetwork", "MLPClassifier", "MLPRegressor", "__items__", [], [0], [1, 2],
    [[1, 2]], {}, {"__items__": []}, {"__items__": [[0, 1]]}, {"__items__": [[[0], 1]]},
    list(range(40)),
]  # fmt: skip
ENTRY_NAMES = [
    f"{name}{suffix}"
    for name in ("metadata", "coef_0", "coef_1", "coef_2", "intercept_0", "intercept_1", "x")
    for suffix in (".npy", ".npy", "", "/")
]


def test_one_input(data: bytes) -> None:
    with open(PATH, "wb") as file:
        file.write(data)
    try:
        model = lucidnet.load(PATH)
    except ModelFileError:
        return
    predict_one_row(model)


def predict_one_row(model) -> None:
    """What a user does next with a loaded model, on one all-zero row of the
    shape it was fitted on: any exception is the model file's fault, as load
    checked it."""
    if isinstance(model, lucidnet.NeuralNetwork):
        model.predict(np.zeros(model.layers[0]))
        return
    row = np.zeros((1, model.n_features_in_))
    if isinstance(model, lucidnet.Autoencoder):
        model.inverse_transform(model.transform(row))
        model.score_samples(row)
    else:
        model.predict(row)


# ------------------------------------------------------------ the mutator
def mutate(data: bytes, max_size: int, seed: int) -> bytes:
    rng = random.Random(seed)
    members = _members(data)
    if not members or rng.random() < 0.2:
        return atheris.Mutate(data, max_size)
    try:
        return _mutate_members(data, members, max_size, rng)
    except Exception:  # the mutator's own slip must not stop the run
        return atheris.Mutate(data, max_size)


def _mutate_members(data: bytes, members: dict, max_size: int, rng: random.Random) -> bytes:
    name = rng.choice(sorted(members))
    if name == "metadata.npy" and rng.random() < 0.7:
        members[name] = _npy_bytes(_mutate_json(members[name], rng))
    elif rng.random() < 0.3:
        members[name] = _mutate_npy_header(members[name], rng)
    else:
        members[name] = atheris.Mutate(members[name], max(len(members[name]) * 2, 64))
    if rng.random() < 0.05:
        del members[name]
    elif rng.random() < 0.05:  # under another name: missing, extra, odd or doubled
        members[rng.choice(ENTRY_NAMES)] = members.pop(name)
    result = _zip(members, deflate=rng.random() < 0.2)
    return result if len(result) <= max_size else atheris.Mutate(data, max_size)


def crossover(data1: bytes, data2: bytes, max_size: int, seed: int) -> bytes:
    """The first file with one member of the second: the metadata of a
    classifier over a regressor's arrays, say."""
    rng = random.Random(seed)
    first, second = _members(data1), _members(data2)
    if not first or not second:
        return atheris.Mutate(data1, max_size)
    name = rng.choice(sorted(second))
    first[name] = second[name]
    try:
        result = _zip(first, deflate=rng.random() < 0.2)
    except Exception:  # an odd member name, say: the mutator's slip, not a finding
        return atheris.Mutate(data1, max_size)
    return result if len(result) <= max_size else data1[:max_size]


def _zip(members: dict, deflate: bool) -> bytes:
    out = io.BytesIO()
    compression = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
    with zipfile.ZipFile(out, "w", compression=compression) as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return out.getvalue()


def _members(data: bytes) -> dict | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {info.filename: archive.read(info) for info in archive.infolist()}
    except Exception:
        return None


def _npy_bytes(payload: bytes) -> bytes:
    header = f"{{'descr': '|u1', 'fortran_order': False, 'shape': ({len(payload)},), }}"
    header += " " * (-(len(header) + 11) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode() + payload


def _mutate_json(member: bytes, rng: random.Random) -> bytes:
    """Change one value somewhere in the metadata (or its text, byte-wise)."""
    payload = member[member.find(b"\n") + 1 :] if member.startswith(b"\x93NUMPY") else member
    try:
        metadata = json.loads(payload)
    except (ValueError, RecursionError):
        return atheris.Mutate(payload, len(payload) * 2 + 16)
    if rng.random() < 0.15:
        text = json.dumps(metadata).encode()
        return atheris.Mutate(text, len(text) * 2 + 16)
    containers = _containers(metadata)
    container = rng.choice(containers)
    keys = list(container) if isinstance(container, dict) else list(range(len(container)))
    action = rng.random()
    if not keys or action < 0.1:
        value = rng.choice(ODD_VALUES)
        if isinstance(container, dict):
            container[rng.choice(["extra", "dtype", "values", "__items__", *keys])] = value
        else:
            container.append(value)
    elif action < 0.2:
        del container[rng.choice(keys)]
    else:
        key = rng.choice(keys)
        container[key] = _odd_variant(container[key], rng)
    return json.dumps(metadata).encode()


def _containers(value) -> list:
    found, stack = [], [value]
    while stack:
        item = stack.pop()
        if isinstance(item, (dict, list)):
            found.append(item)
            stack.extend(item.values() if isinstance(item, dict) else item)
    return found


def _odd_variant(value, rng: random.Random):
    if isinstance(value, bool) or rng.random() < 0.5:
        return rng.choice(ODD_VALUES)
    if isinstance(value, int):
        return rng.choice([value + 1, value - 1, value * 1000, -value, float(value), str(value)])
    if isinstance(value, float):
        whole = round(value) if math.isfinite(value) else 0
        return rng.choice([value * 1e300, -value, whole, str(value)])
    if isinstance(value, str):
        return rng.choice([value[:-1], value + value[-1:], value.upper(), [value]])
    if isinstance(value, list):
        return rng.choice([value[:-1], value + value[-1:], [value], value * 3, value[::-1]])
    return rng.choice(ODD_VALUES)


def _mutate_npy_header(member: bytes, rng: random.Random) -> bytes:
    """A new header (dtype, shape, order) on the member's own data."""
    end = member.find(b"\n") + 1
    data = member[end:] if member.startswith(b"\x93NUMPY") and end else member
    dtype = rng.choice(["<f8", "<f4", ">f8", "|u1", "<i8", "|O", "<U5", "|V8", "<f8"])
    shape = tuple(rng.choice([0, 1, 2, 3, 4, 6, 10**6, 2**40]) for _ in range(rng.randint(0, 3)))
    fortran = rng.random() < 0.2
    header = f"{{'descr': '{dtype}', 'fortran_order': {fortran}, 'shape': {shape!r}, }}"
    header += " " * (-(len(header) + 11) % 64) + "\n"
    version = b"\x01\x00" if rng.random() < 0.9 else b"\x02\x00"
    length = len(header).to_bytes(2 if version == b"\x01\x00" else 4, "little")
    return b"\x93NUMPY" + version + length + header.encode() + data


def main() -> None:
    warnings.simplefilter("ignore")  # a warning is not a crash
    # libFuzzer runs argv[0] again for -merge=1 (and -fork): as this
    # interpreter on this script, the file need not be executable.
    command = f"{shlex.quote(sys.executable)} {shlex.quote(os.path.abspath(__file__))}"
    atheris.Setup(
        [command, *sys.argv[1:]],
        test_one_input,
        custom_mutator=mutate,
        custom_crossover=crossover,
    )
    atheris.Fuzz()


if __name__ == "__main__":
    main()
