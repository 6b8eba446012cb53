"""Reading an ``.npz`` (a zip of ``.npy`` arrays) without trusting it.

``np.load`` allocates whatever an array's header declares before reading a
byte of its data, so a 13 KB file can ask for 18 GiB. Here each member is
checked before it is read: its compression, its declared size against the
archive's own bytes, and its ``.npy`` header (dtype and shape, read without
the data) against what the caller expects. Only then is the data read, into
an array of exactly the size the header declared.
"""

from __future__ import annotations

import math
import struct
import zipfile
import zlib
from collections.abc import Callable

import numpy as np

from ..exceptions import ModelFileError

NPY_SUFFIX = ".npy"
# numpy's own bound on the text of an .npy header.
MAX_HEADER_CHARS = 10_000
# Magic string, version, header length and the header text, padded.
MAX_HEADER_BYTES = 16 + MAX_HEADER_CHARS
# The most a compressed member can expand: stored data not at all; deflate at
# most 1032 : 1 (one 258-byte match per two bits, plus a little for headers).
EXPANSION = {zipfile.ZIP_STORED: 1, zipfile.ZIP_DEFLATED: 1032}
HEADER_READERS = {
    (1, 0): np.lib.format.read_array_header_1_0,
    (2, 0): np.lib.format.read_array_header_2_0,
}

# Every way a damaged archive can fail inside zipfile, zlib or numpy's reader.
ARCHIVE_ERRORS = (
    OSError,
    EOFError,
    ValueError,
    KeyError,
    zipfile.BadZipFile,
    zlib.error,
    struct.error,
    NotImplementedError,
    OverflowError,
    SyntaxError,
    RecursionError,
    MemoryError,
)

# ``accept(name, dtype, shape)`` raises ModelFileError when an array of that
# dtype and shape is not what the caller expects under ``name``.
Acceptor = Callable[[str, np.dtype, tuple], None]


class Archive:
    """The ``.npy`` members of an open zip file, by name without ``.npy``."""

    def __init__(self, path, archive: zipfile.ZipFile, file_size: int):
        self.path = path
        self._zip = archive
        self._file_size = file_size
        self.members: dict[str, zipfile.ZipInfo] = {}
        for info in archive.infolist():
            name = info.filename.removesuffix(NPY_SUFFIX)
            if name in self.members:
                self._fail(f"has the entry {name!r} twice")
            self.members[name] = info

    def _fail(self, problem: str):
        raise ModelFileError(self.path, problem)

    def read(self, name: str, accept: Acceptor, max_data_bytes: int | None = None) -> np.ndarray:
        """The array stored as ``name`` (read-only), once its size and header pass.

        ``max_data_bytes``, when given, bounds the entry's declared size (less
        its ``.npy`` header) before a byte of it is decompressed."""
        info = self.members[name]
        self._check_declared_size(name, info)
        if max_data_bytes is not None and info.file_size > MAX_HEADER_BYTES + max_data_bytes:
            self._fail(
                f"its entry {name} declares {info.file_size} bytes, more than the "
                f"{max_data_bytes} bytes of data (and an .npy header) it may hold"
            )
        with self._zip.open(info) as member:
            dtype, shape, fortran_order = self._read_header(name, member)
            accept(name, dtype, shape)
            n_bytes = math.prod(shape) * dtype.itemsize
            if info.file_size != member.tell() + n_bytes:
                self._fail(
                    f"its entry {name} declares {info.file_size} bytes, but its header "
                    f"describes {member.tell() + n_bytes}"
                )
            data = member.read(n_bytes)  # reaching the end also checks the CRC
        if len(data) != n_bytes:
            self._fail(f"its entry {name} is truncated")
        # A read-only view of the bytes read: the model copies its weights in.
        return np.frombuffer(data, dtype=dtype).reshape(shape, order="F" if fortran_order else "C")

    def _check_declared_size(self, name: str, info: zipfile.ZipInfo) -> None:
        if not info.filename.endswith(NPY_SUFFIX):
            self._fail(f"its entry {info.filename!r} is not a NumPy array")
        if info.flag_bits & 0x1:
            self._fail(f"its entry {name} is encrypted")
        expansion = EXPANSION.get(info.compress_type)
        if expansion is None:
            self._fail(
                f"its entry {name} uses zip compression method {info.compress_type}; "
                "lucidnet reads stored or deflated entries only"
            )
        # What the archive's bytes can hold, whatever the entry claims.
        can_hold = info.compress_size * expansion + (1024 if expansion > 1 else 0)
        if info.compress_size > self._file_size or info.file_size > can_hold:
            self._fail(
                f"its entry {name} declares {info.file_size} bytes from "
                f"{info.compress_size} compressed, more than the file can hold"
            )

    def _read_header(self, name, member) -> tuple[np.dtype, tuple, bool]:
        version = np.lib.format.read_magic(member)
        reader = HEADER_READERS.get(version)
        if reader is None:
            self._fail(f"its entry {name} is an .npy array of version {version}, not 1.0 or 2.0")
        try:
            shape, fortran_order, dtype = reader(member, max_header_size=MAX_HEADER_CHARS)
        except Exception as exc:
            # numpy parses the header text with ast and, failing that, tokenize:
            # whatever those raise on garbage, the header is unreadable.
            problem = f"its entry {name} has an unreadable .npy header ({type(exc).__name__})"
            raise ModelFileError(self.path, problem) from None
        return dtype, shape, fortran_order
