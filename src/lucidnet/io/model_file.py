"""Model files: ``save(model, path)`` and ``load(path)``, without pickle.

A model file is an ``.npz`` (a zip of ``.npy`` arrays) holding

* ``metadata``: UTF-8 JSON as a uint8 array: the format name and version, the
  lucidnet version that wrote it, the class and its parameters, the
  architecture, the classes, the feature names, the training record and, for
  models made by the ``lucidnet`` command, the preprocessing of the columns;
* ``coef_0, intercept_0, coef_1, ...``: the weights, float32 or float64.

Everything is read with ``np.load(allow_pickle=False)`` and checked before a
model is built from it (see :mod:`lucidnet.io.codec`), so a file can never
run code, and any problem raises :class:`~lucidnet.ModelFileError` naming the
file and the problem.
"""

from __future__ import annotations

import json
import os
import zipfile
import zlib
from dataclasses import dataclass

import numpy as np

from .._version import __version__
from ..exceptions import ModelFileError
from .atomic import atomic_write
from .codec import MODEL_CLASSES, array_names, decode_model, encode_model
from .json_values import MAX_NESTING, nesting_depth

__all__ = ["FORMAT_NAME", "FORMAT_VERSION", "LoadedModel", "load", "read_model_file", "save"]

FORMAT_NAME = "lucidnet-model"
FORMAT_VERSION = 1
METADATA_ENTRY = "metadata"
MAX_METADATA_BYTES = 64 * 1024 * 1024

# Every way a damaged or foreign file can fail inside np.load / zipfile / json.
_READ_ERRORS = (
    OSError,
    EOFError,
    ValueError,
    KeyError,
    zipfile.BadZipFile,
    zlib.error,
    MemoryError,
    OverflowError,
)


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
    model : MLPClassifier, MLPRegressor or NeuralNetwork
        Fitted estimators only (a ``NeuralNetwork`` always has weights).
    path : str or os.PathLike
        Written atomically: a temporary file in the same folder is flushed to
        disk and renamed over ``path``, so a failure leaves any existing file
        untouched and never a half-written one.
    preprocessing : dict, optional
        Plain JSON data stored with the model (the ``lucidnet`` command keeps
        its column scaling and encoding here).

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
    if nesting_depth(text) > MAX_NESTING:
        raise too_deep
    entries = {METADATA_ENTRY: np.frombuffer(text.encode("utf-8"), dtype=np.uint8)}
    entries.update(arrays)
    # Writing to an open file (not a name) keeps np.savez from adding ".npz".
    with atomic_write(path) as file:
        np.savez(file, **entries)


def load(path):
    """Read a model written by :func:`save`; raises ``ModelFileError`` when the
    file is missing, damaged, tampered with, or not a lucidnet model."""
    return read_model_file(path).model


def read_model_file(path) -> LoadedModel:
    """Like :func:`load`, and also return the file's metadata."""
    path = os.fspath(path)
    if os.path.isdir(path):
        raise ModelFileError(path, "is a folder, not a model file")
    if not os.path.exists(path):
        raise ModelFileError(path, "no such file")
    try:
        loaded = np.load(path, allow_pickle=False)
    except _READ_ERRORS as exc:
        raise ModelFileError(path, _unreadable(path, exc)) from None
    if not isinstance(loaded, np.lib.npyio.NpzFile):
        raise ModelFileError(path, "is a single .npy array, not a lucidnet model file")
    with loaded as npz:
        try:
            metadata = _read_metadata(path, npz)
            expected = {METADATA_ENTRY, *array_names(path, metadata)}
            _check_entries(path, set(npz.files), expected)
            arrays = {name: npz[name] for name in sorted(expected - {METADATA_ENTRY})}
        except _READ_ERRORS as exc:
            if isinstance(exc, ModelFileError):
                raise
            problem = f"is damaged or not a lucidnet model file ({_describe(exc)})"
            raise ModelFileError(path, problem) from None
    return LoadedModel(decode_model(path, metadata, arrays), metadata, path)


def _read_metadata(path, npz) -> dict:
    if METADATA_ENTRY not in npz.files:
        raise ModelFileError(
            path, f"is an .npz file but not a lucidnet model (no '{METADATA_ENTRY}' entry)"
        )
    raw = npz[METADATA_ENTRY]
    if raw.dtype != np.uint8 or raw.ndim != 1 or raw.size > MAX_METADATA_BYTES:
        raise ModelFileError(path, "its metadata entry is not UTF-8 JSON bytes")
    try:
        text = raw.tobytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ModelFileError(path, f"its metadata is not UTF-8 text ({exc})") from None
    # The parser recurses once per level: measure the nesting before parsing.
    depth = nesting_depth(text)
    if depth > MAX_NESTING:
        raise ModelFileError(
            path,
            f"its metadata nests lists and objects {depth} levels deep; model files use "
            f"at most {MAX_NESTING}",
        )
    try:
        metadata = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ModelFileError(path, f"its metadata is not valid JSON ({_describe(exc)})") from None
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT_NAME:
        raise ModelFileError(path, f"is not a lucidnet model file (format is not {FORMAT_NAME!r})")
    version = metadata.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ModelFileError(path, f"has an invalid format version {version!r}")
    if version > FORMAT_VERSION:
        raise ModelFileError(
            path,
            f"was written in model file format version {version} (by lucidnet "
            f"{metadata.get('lucidnet_version', '?')}), but lucidnet {__version__} reads up to "
            f"version {FORMAT_VERSION}: upgrade lucidnet (pip install -U lucidnet)",
        )
    if metadata.get("class") not in MODEL_CLASSES:
        raise ModelFileError(
            path,
            f"holds an unknown model class {metadata.get('class')!r} "
            f"(expected one of {', '.join(MODEL_CLASSES)})",
        )
    return metadata


def _check_entries(path, found: set, expected: set) -> None:
    missing, unexpected = sorted(expected - found), sorted(found - expected)
    if missing:
        raise ModelFileError(path, f"is missing the array(s) {', '.join(missing)}")
    if unexpected:
        raise ModelFileError(path, f"has unexpected entries {', '.join(unexpected)}")


def _unreadable(path, exc) -> str:
    """Why np.load could not even open the file, in the user's terms."""
    if os.path.getsize(path) == 0:
        return "is empty, not a lucidnet model file"
    if isinstance(exc, zipfile.BadZipFile):
        return "is not a complete .npz (zip) archive: truncated, or another kind of file"
    # np.load's own message here suggests loading with pickle: not advice to pass on.
    return "is not a lucidnet model file (neither an .npz archive nor a NumPy array)"


def _describe(exc) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
