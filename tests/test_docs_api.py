"""The API reference documents every public name, and each estimator's HTML
repr links to its own page there (issue 17)."""

import re
from pathlib import Path

import pytest

import lucidnet
import lucidnet.engine
import lucidnet.io
from lucidnet.estimators.base import docs_version

ROOT = Path(__file__).resolve().parents[1]
INDEX = ROOT / "docs" / "api" / "index.rst"
ESTIMATORS = [name for name, home in lucidnet._HOMES.items() if home == "estimators"]


@pytest.mark.parametrize("name", ESTIMATORS)
def test_html_repr_links_to_the_estimators_own_page(name):
    version = docs_version(lucidnet.__version__)
    url = f"https://lucidnet.readthedocs.io/en/{version}/api/generated/lucidnet.{name}.html"
    html = getattr(lucidnet, name)()._repr_html_()
    assert f'href="{url}"' in html


def test_docs_version_is_latest_for_development_versions_and_the_release_otherwise():
    assert docs_version("0.2.0.dev0") == "latest"
    assert docs_version("0.1.0+g1234abc") == "latest"
    assert docs_version("0.1.0") == "0.1.0"
    assert docs_version("0.2.0rc1") == "0.2.0rc1"


@pytest.mark.parametrize(
    "module, names",
    [(m.__name__, m.__all__) for m in (lucidnet, lucidnet.engine, lucidnet.io)],
)
def test_every_public_name_is_in_the_api_reference(module, names):
    listed = set(re.findall(r"\w+", INDEX.read_text(encoding="utf-8")))
    assert [name for name in names if name not in listed] == []


def test_the_repr_link_check_finds_a_missing_page(tmp_path):
    import runpy

    check = runpy.run_path(str(ROOT / "docs" / "check_repr_links.py"))
    assert len(check["missing_pages"](tmp_path)) == len(ESTIMATORS)
    generated = tmp_path / "api" / "generated"
    generated.mkdir(parents=True)
    for name in ESTIMATORS:
        (generated / f"lucidnet.{name}.html").write_text("<html></html>")
    assert check["missing_pages"](tmp_path) == []
