"""Model files: ``save(model, path)`` and ``load(path)``, without pickle.

A model file is an ``.npz`` (a zip of ``.npy`` arrays) holding

* ``metadata``: UTF-8 JSON as a uint8 array: the format name and version, the
  lucidnet version that wrote it, the class and its parameters, the
  architecture, the classes, the feature names, the training record and, for
  models made by the ``lucidnet`` command, the preprocessing of the columns;
* ``coef_0, intercept_0, coef_1, ...``: the weights, float32 or float64.

Nothing is unpickled, and nothing is read before it is checked: each array's
header (dtype, shape) against what the metadata implies before its data (see
:mod:`lucidnet.io.archive`), every field before a model is built (see
:mod:`lucidnet.io.codec`). So a file can never run code or exhaust the
machine, and any problem raises :class:`~lucidnet.ModelFileError` naming the
file and the problem.
"""

from __future__ import annotations

import json
import os
import warnings
import zipfile
from dataclasses import dataclass

import numpy as np

from .._version import __version__
from ..exceptions import ModelFileError
from .archive import ARCHIVE_ERRORS, Archive
from .atomic import atomic_write
from .codec import MODEL_CLASSES, decode_model, encode_model, expected_arrays, shown
from .json_values import MAX_NESTING, json_extent
from .layered_codec import LAYERED_CLASSES, check_saved_row_cost

__all__ = ["FORMAT_NAME", "FORMAT_VERSION", "LoadedModel", "load", "read_model_file", "save"]

FORMAT_NAME = "lucidnet-model"
# 1: MLPs and NeuralNetwork; 2: tuples in parameters kept as tuples (a kernel
# size (3, 3) is not one size per layer), convolutional networks, autoencoders.
FORMAT_VERSION = 2
METADATA_ENTRY = "metadata"
# Bounds on the metadata, checked before it is parsed: json.loads of 64 MiB of
# "[[],[],...]" built 22 million lists (1.8 GB, 10-26 s). Real metadata is far
# smaller: 8.7 KB and 626 values for digits trained by the command, 175 KB
# and 8,828 values with 26,000 one-hot categories. At the bounds, parsing
# takes at most about 0.2 s and 35 MB (half a million empty lists).
MAX_METADATA_BYTES = 8 * 1024 * 1024
MAX_METADATA_VALUES = 500_000

ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")  # an archive; an empty one
NPY_MAGIC = b"\x93NUMPY"


@dataclass
class LoadedModel:
    """What :func:`read_model_file` returns: the model and the file's metadata."""

    model: object
    metadata: dict
    path: str

    @property
    def preprocessing(self) -> dict | None:
        return self.metadata.get("preprocessing")


def save(model, path, *, preprocessing: dict | None = None) -> None:
    """Write a fitted model to ``path`` (any name; ``.npz`` is customary).

    Parameters
    ----------
    model : MLPClassifier, MLPRegressor, ConvNet*, Autoencoder or NeuralNetwork
        Fitted estimators only (a ``NeuralNetwork`` always has weights).
    path : str or os.PathLike
        Written atomically: a temporary file in the same folder is flushed to
        disk and renamed over ``path``, so a failure leaves any existing file
        untouched and never a half-written one.
    preprocessing : dict, optional
        Plain JSON data stored with the model (the ``lucidnet`` command keeps
        its column scaling and encoding here).

    Warns
    -----
    UserWarning
        When a forward pass of one row of a convolutional model or autoencoder
        needs more than :func:`load` accepts from a file by default (see its
        ``max_row_bytes``): the file is written, and the warning says which
        ``max_row_bytes`` loads it.

    Raises
    ------
    TypeError
        When the model or ``preprocessing`` cannot be stored as JSON metadata.
    ValueError
        When the metadata would be larger than :func:`load` accepts.

    See Also
    --------
    load : Read the model back.

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> from lucidnet import MLPRegressor, save, load
    >>> X = np.arange(20.0).reshape(10, 2)
    >>> reg = MLPRegressor(hidden_layer_sizes=(5,), solver="lbfgs", random_state=0)
    >>> reg = reg.fit(X, X.sum(axis=1))
    >>> path = os.path.join(tempfile.mkdtemp(), "model.npz")
    >>> save(reg, path)
    >>> bool(np.array_equal(load(path).predict(X), reg.predict(X)))
    True
    """
    metadata, arrays = encode_model(model)
    metadata = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "lucidnet_version": __version__,
        **metadata,
        "preprocessing": preprocessing,
    }
    too_deep = TypeError(
        f"cannot store the model's metadata: it nests lists and dicts more than "
        f"{MAX_NESTING} levels deep, which load refuses"
    )
    try:
        text = json.dumps(metadata, allow_nan=True)
    except RecursionError:
        raise too_deep from None
    except (TypeError, ValueError) as exc:
        raise TypeError(f"cannot store the model's metadata as JSON: {exc}") from None
    depth, values = json_extent(text)
    if depth > MAX_NESTING:
        raise too_deep
    encoded = text.encode("utf-8")
    if len(encoded) > MAX_METADATA_BYTES or values > MAX_METADATA_VALUES:
        raise ValueError(
            f"cannot store the model's metadata: it takes {len(encoded)} bytes and "
            f"{values} JSON values, and load refuses more than {MAX_METADATA_BYTES} bytes "
            f"or {MAX_METADATA_VALUES} values"
        )
    if type(model).__name__ in LAYERED_CLASSES:
        costly = check_saved_row_cost(model, metadata["architecture"], arrays)
        if costly:
            warnings.warn(costly, UserWarning, stacklevel=2)
    entries = {METADATA_ENTRY: np.frombuffer(encoded, dtype=np.uint8)}
    entries.update(arrays)
    # Writing to an open file (not a name) keeps np.savez from adding ".npz".
    with atomic_write(path) as file:
        np.savez(file, **entries)


def load(path, *, max_row_bytes=None):
    """Read a model written by :func:`save`.

    Parameters
    ----------
    path : str or os.PathLike
        The model file.
    max_row_bytes : int or None, default=None
        The most memory, in bytes, a forward pass of one row may need. None:
        ``max(64 MiB, 100 x the bytes of the file's arrays)``, so that a file
        whose geometry (padding, strides, input shape: numbers no array
        backs) was edited cannot take gigabytes per row. Raise it for a file
        you trust whose network is large per row (``save`` warns of those).

    Returns
    -------
    model
        The estimator or ``NeuralNetwork`` that was saved, ready to predict.

    Raises
    ------
    ModelFileError
        When the file is missing, damaged, tampered with, needs more than
        ``max_row_bytes`` a row, or is not a lucidnet model.
    ValueError
        When ``max_row_bytes`` is not a positive int or None.

    See Also
    --------
    save : Write a model file.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from lucidnet import NeuralNetwork, load, save
    >>> path = os.path.join(tempfile.mkdtemp(), "xor.npz")
    >>> save(NeuralNetwork([2, 2, 1], random_state=0), path)
    >>> load(path).layers
    [2, 2, 1]
    >>> load(os.path.join(tempfile.mkdtemp(), "missing.npz"))
    Traceback (most recent call last):
    ...
    lucidnet.exceptions.ModelFileError: ...missing.npz: no such file
    """
    return read_model_file(path, max_row_bytes=max_row_bytes).model


def read_model_file(path, *, max_row_bytes=None) -> LoadedModel:
    """Like :func:`load`, and also return the file's metadata."""
    if max_row_bytes is not None and (
        isinstance(max_row_bytes, bool)
        or not isinstance(max_row_bytes, (int, np.integer))
        or max_row_bytes < 1
    ):
        raise ValueError(f"max_row_bytes must be a positive int or None, got {max_row_bytes!r}")
    path = os.fspath(path)
    if os.path.isdir(path):
        raise ModelFileError(path, "is a folder, not a model file")
    if not os.path.exists(path):
        raise ModelFileError(path, "no such file")
    try:
        with open(path, "rb") as file:
            file_size = os.fstat(file.fileno()).st_size
            head = file.read(len(NPY_MAGIC))
            if head[: len(ZIP_MAGICS[0])] not in ZIP_MAGICS:
                raise ModelFileError(path, _not_a_zip(head))
            file.seek(0)
            with zipfile.ZipFile(file) as opened:
                metadata, arrays = _read_entries(path, Archive(path, opened, file_size))
    except ARCHIVE_ERRORS as exc:
        if isinstance(exc, ModelFileError):
            raise
        raise ModelFileError(path, _damaged(exc)) from None
    return LoadedModel(decode_model(path, metadata, arrays, max_row_bytes), metadata, path)


def _read_entries(path, archive: Archive) -> tuple[dict, dict]:
    """The metadata, then the arrays it implies, each checked before it is read."""
    if METADATA_ENTRY not in archive.members:
        raise ModelFileError(
            path, f"is an .npz file but not a lucidnet model (no '{METADATA_ENTRY}' entry)"
        )
    raw = archive.read(METADATA_ENTRY, _accept_metadata(path), MAX_METADATA_BYTES)
    metadata = _parse_metadata(path, raw)
    entries = set(archive.members) - {METADATA_ENTRY}
    expected = expected_arrays(path, metadata, n_entries=len(entries))
    _check_entries(path, entries, set(expected))
    accept = _accept_expected(path, expected)
    return metadata, {name: archive.read(name, accept) for name in sorted(expected)}


def _accept_metadata(path):
    def accept(name, dtype, shape):
        n_bytes = shape[0] if len(shape) == 1 else -1
        if dtype != np.uint8 or not 0 <= n_bytes <= MAX_METADATA_BYTES:
            raise ModelFileError(
                path,
                f"is damaged or not a lucidnet model file: its {name} entry is an array of "
                f"{dtype} with shape {shape}, not up to {MAX_METADATA_BYTES} bytes of UTF-8 JSON",
            )

    return accept


def _accept_expected(path, expected: dict):
    def accept(name, dtype, shape):
        want_dtype, want_shape = expected[name]
        if dtype != want_dtype:
            raise ModelFileError(path, f"array {name} has dtype {dtype}, expected {want_dtype}")
        if shape != want_shape:
            raise ModelFileError(
                path,
                f"array {name} has shape {shape}, but the layer sizes need {want_shape}",
            )

    return accept


def _parse_metadata(path, raw: np.ndarray) -> dict:
    try:
        text = raw.tobytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ModelFileError(path, f"its metadata is not UTF-8 text ({exc})") from None
    # The parser recurses once per level and builds an object per value:
    # measure both before parsing.
    depth, values = json_extent(text)
    if depth > MAX_NESTING:
        raise ModelFileError(
            path,
            f"its metadata nests lists and objects {depth} levels deep; model files use "
            f"at most {MAX_NESTING}",
        )
    if values > MAX_METADATA_VALUES:
        raise ModelFileError(
            path,
            f"its metadata holds up to {values} JSON values (counted by their brackets, "
            f"commas and colons); model files hold at most {MAX_METADATA_VALUES}",
        )
    try:
        metadata = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ModelFileError(path, f"its metadata is not valid JSON ({_describe(exc)})") from None
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT_NAME:
        raise ModelFileError(path, f"is not a lucidnet model file (format is not {FORMAT_NAME!r})")
    version = metadata.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ModelFileError(path, f"has an invalid format version {shown(version)}")
    if version > FORMAT_VERSION:
        raise ModelFileError(
            path,
            f"was written in model file format version {version} (by lucidnet "
            f"{shown(metadata.get('lucidnet_version', '?'))}), but lucidnet {__version__} reads "
            f"up to version {FORMAT_VERSION}: upgrade lucidnet (pip install -U lucidnet)",
        )
    if not isinstance(metadata.get("class"), str) or metadata["class"] not in MODEL_CLASSES:
        raise ModelFileError(
            path,
            f"holds an unknown model class {shown(metadata.get('class'))} "
            f"(expected one of {', '.join(MODEL_CLASSES)})",
        )
    return metadata


def _check_entries(path, found: set, expected: set) -> None:
    missing, unexpected = sorted(expected - found), sorted(found - expected)
    if missing:
        raise ModelFileError(path, f"is missing the array(s) {_some(missing)}")
    if unexpected:
        raise ModelFileError(path, f"has unexpected entries {_some(unexpected)}")


def _some(names: list, count: int = 5) -> str:
    """A few names: a tampered file can imply a million missing arrays."""
    more = f" and {len(names) - count} more" if len(names) > count else ""
    return ", ".join(names[:count]) + more


def _not_a_zip(head: bytes) -> str:
    """Why a file that does not start as a zip archive is no model file, in the
    user's terms. A single .npy is not read: its header may ask for gigabytes."""
    if not head:
        return "is empty, not a lucidnet model file"
    if head == NPY_MAGIC:
        return "is a single .npy array, not a lucidnet model file"
    return "is not a lucidnet model file (neither an .npz archive nor a NumPy array)"


def _damaged(exc) -> str:
    if isinstance(exc, zipfile.BadZipFile) and "File is not a zip file" in str(exc):
        return "is not a complete .npz (zip) archive: truncated, or another kind of file"
    return f"is damaged or not a lucidnet model file ({_describe(exc)})"


def _describe(exc) -> str:
    text = str(exc).strip()
    if len(text) > 200:  # numpy quotes a whole bad header, up to 10,000 characters
        text = text[:200] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
