"""Inputs on which the fuzz target (fuzz/fuzz_load.py) once found
``lucidnet.load`` raising something else than ModelFileError. Each file in
fuzz_crashes/ is named after what it broke."""

from pathlib import Path

import pytest

from lucidnet import ModelFileError, load

CRASHES = sorted((Path(__file__).parent / "fuzz_crashes").glob("*.npz"))


def test_there_are_crash_inputs():
    assert CRASHES


@pytest.mark.parametrize("path", CRASHES, ids=[path.stem for path in CRASHES])
def test_fuzz_crash_is_a_model_file_error(path):
    with pytest.raises(ModelFileError) as info:
        load(path)
    assert str(path) in str(info.value)
