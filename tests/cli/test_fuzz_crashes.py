"""Inputs on which the CSV/.npz reader (fuzz/fuzz_read_table.py) once raised
something else than DataError, or allocated what the file does not hold.
Each file in fuzz_crashes/ is named after what it broke."""

import time
import tracemalloc
from pathlib import Path

import pytest

from lucidnet.cli.data_files import DataError, read_table

CRASHES = sorted((Path(__file__).parent / "fuzz_crashes").glob("*.npz"))


def test_there_are_crash_inputs():
    assert len(CRASHES) == 3


@pytest.mark.parametrize("path", CRASHES, ids=[path.stem for path in CRASHES])
def test_fuzz_crash_is_a_data_error_naming_the_file_quickly_and_in_little_memory(path):
    pytest.importorskip("pandas")
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(DataError, match="is not a readable .npz file") as info:
            read_table(str(path))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(path) in str(info.value)
    assert time.perf_counter() - start < 2 and peak < 20 * 2**20
