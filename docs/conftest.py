"""The pages' ``>>>`` examples run in ``make test`` (pytest's --doctest-glob).

Each page runs in a fresh copy of docs/data, so the files a page writes
(models, predictions) never land in the sources and one page cannot see
another's. The built site and the generated pages are not collected: they
are copies of what is tested here or in the examples.
"""

import shutil
from pathlib import Path

import pytest
from threadpoolctl import threadpool_limits

DATA = Path(__file__).parent / "data"
collect_ignore_glob = ["_build/*", "auto_examples/*", "api/generated/*", "conf.py", "data/*.py"]


@pytest.fixture(autouse=True)
def _in_a_copy_of_the_data(tmp_path, monkeypatch):
    shutil.copytree(DATA, tmp_path / "data")
    monkeypatch.chdir(tmp_path / "data")


@pytest.fixture(autouse=True)
def _one_blas_thread():
    """The pages' networks are small: BLAS threads only wait for each other,
    and on a loaded machine a page took 136 s with two against 26 s with one
    (the build does the same, docs/conf.py). Results are the same either way."""
    with threadpool_limits(limits=1):
        yield
