"""Fuzz target: the command's data reader ``read_table(path)`` on any bytes
must return a table or raise ``DataError``; any other exception, a timeout or
running out of memory is a crash.

    make fuzz                                                # both targets
    .venv/bin/python fuzz/fuzz_read_table.py CORPUS_DIR ... [libFuzzer flags]
"""

from __future__ import annotations

import os
import shlex
import sys
import tempfile
import warnings

import atheris

with atheris.instrument_imports(include=["lucidnet"]):
    from lucidnet.cli.data_files import DataError, read_table

PATH = os.path.join(tempfile.mkdtemp(prefix="fuzz-read-table-"), "data.csv")


def test_one_input(data: bytes) -> None:
    with open(PATH, "wb") as file:
        file.write(data)
    try:
        read_table(PATH)
    except DataError:
        pass


def main() -> None:
    warnings.simplefilter("ignore")  # a warning is not a crash
    # libFuzzer runs argv[0] again for -merge=1 (and -fork): as this
    # interpreter on this script, the file need not be executable.
    command = f"{shlex.quote(sys.executable)} {shlex.quote(os.path.abspath(__file__))}"
    atheris.Setup([command, *sys.argv[1:]], test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
