"""Writing a file so that readers see either the old file or the whole new one."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from typing import IO


@contextlib.contextmanager
def atomic_write(path, mode: str = "wb", **open_options) -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success, flush it to disk and
    rename it over ``path``. On any error the temporary file is removed and an
    existing ``path`` is left as it was. ``open_options`` go to ``open``
    (``newline=""`` for CSV, say).

    The temporary file is in the target's folder because a rename is only
    atomic within one file system. When ``path`` is a symbolic link, the file
    it points to is the target: the new content goes there and the link stays
    a link (renaming over the link itself would replace it by a plain file).
    Errors name ``path`` as given, never the temporary file.
    """
    path = os.fspath(path)
    target = os.path.realpath(path)
    folder = os.path.dirname(target)
    if os.path.isdir(target):
        raise IsADirectoryError(errno.EISDIR, "Is a directory", path)
    try:
        fd, temporary = tempfile.mkstemp(
            dir=folder, prefix=f".{os.path.basename(target)}.", suffix=".tmp"
        )
    except OSError as exc:
        # OSError(errno, ...) builds the matching subclass (FileNotFoundError...).
        raise OSError(exc.errno, exc.strerror, path) from None
    try:
        with os.fdopen(fd, mode, **open_options) as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        # mkstemp makes the file private (0600); give it the mode the old file
        # had, or the usual one for a new file.
        os.chmod(temporary, _mode_of(target))
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _sync_folder(folder)


def _mode_of(path) -> int:
    try:
        return os.stat(path).st_mode & 0o777
    except FileNotFoundError:
        return 0o644


def _sync_folder(folder) -> None:
    """Make the rename itself durable (POSIX); harmless where unsupported."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
