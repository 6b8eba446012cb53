"""Checking the files a command will write, before it does any work.

A command that trains for minutes and then cannot save, or that saves its
model over the data it was trained on, has wasted the user's time or
destroyed their file. So every output path is checked first: it must be a
file name in a folder that exists and can be written, and it must not be
(by name, symbolic link or hard link) one of the command's inputs or another
of its outputs.
"""

from __future__ import annotations

import os

from .data_files import DataError


def check_outputs(outputs: dict, inputs: dict) -> None:
    """DataError unless each output can be written without destroying a file.

    Parameters
    ----------
    outputs : dict
        Option name (``"--out"``) to the path given, or None when not given.
    inputs : dict
        What each input is (``"data file"``) to its path.
    """
    for option, path in outputs.items():
        if path is not None and not str(path).strip():
            raise DataError(f"{option} is empty; it needs a file name")
    given = {option: path for option, path in outputs.items() if path}
    for option, path in given.items():
        _require_writable(path, option)
        for what, source in inputs.items():
            if _same_file(path, source):
                raise DataError(
                    f"{path}: {option} is the same file as the {what} {source}; writing there "
                    "would overwrite it: choose another name"
                )
    options = list(given)
    for i, first in enumerate(options):
        for second in options[i + 1 :]:
            if _same_file(given[first], given[second]):
                raise DataError(
                    f"{given[second]}: {second} is the same file as {first}; one would "
                    "overwrite the other: choose two names"
                )


def _require_writable(path, option) -> None:
    # A symbolic link is written through (see io.atomic), so its target counts.
    target = os.path.realpath(path)
    if os.path.isdir(target):
        raise DataError(f"{path}: is a folder; {option} needs a file name")
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        if os.path.islink(path):
            link = os.readlink(path)
            raise DataError(f"{path}: is a link to {link}, whose folder does not exist")
        shown = os.path.dirname(os.path.abspath(path))
        raise DataError(f"{path}: the folder {shown} does not exist ({option})")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise DataError(f"{path}: cannot write in the folder {folder} (permission denied)")
    if os.path.exists(target) and not os.access(target, os.W_OK):
        raise DataError(f"{path}: the file is read-only; {option} would replace it")


def _same_file(first, second) -> bool:
    """The same file by any name: path, symbolic link or hard link."""
    try:
        return os.path.samefile(first, second)
    except OSError:  # one of them does not exist (yet)
        return os.path.realpath(first) == os.path.realpath(second)
