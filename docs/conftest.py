"""The pages' ``>>>`` examples run in ``make test`` (pytest's --doctest-glob).

Each page runs in a fresh copy of docs/data, so the files a page writes
(models, predictions) never land in the sources and one page cannot see
another's. The built site and the generated pages are not collected: they
are copies of what is tested here or in the examples.
"""

import shutil
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
collect_ignore_glob = ["_build/*", "auto_examples/*", "api/generated/*", "conf.py", "data/*.py"]


@pytest.fixture(autouse=True)
def _in_a_copy_of_the_data(tmp_path, monkeypatch):
    shutil.copytree(DATA, tmp_path / "data")
    monkeypatch.chdir(tmp_path / "data")
