"""Check that each estimator's HTML repr links to a page of the built site.

Run by ``make docs`` after sphinx-build: the "?" of an estimator's HTML repr
opens ``.../api/generated/lucidnet.<Name>.html`` on Read the Docs; this checks
that the page of that name exists in docs/_build/html (or the directory given
as the first argument), so a renamed page or estimator cannot break the link.
"""

import sys
from pathlib import Path
from urllib.parse import urlparse

import lucidnet

ESTIMATORS = sorted(name for name, home in lucidnet._HOMES.items() if home == "estimators")
PREFIX = "api/generated/"


def missing_pages(html_dir: Path) -> list[str]:
    """The estimators' links whose target page is not in ``html_dir``."""
    missing = []
    for name in ESTIMATORS:
        link = getattr(lucidnet, name)()._get_doc_link()
        path = urlparse(link).path
        page = path[path.index(PREFIX) :] if PREFIX in path else path
        if PREFIX not in path or not (html_dir / page).is_file():
            missing.append(f"{name}: {link} -> {html_dir / page} does not exist")
    return missing


def main(argv: list[str]) -> int:
    html_dir = Path(argv[1]) if len(argv) > 1 else Path(__file__).parent / "_build" / "html"
    missing = missing_pages(html_dir)
    for line in missing:
        print(line, file=sys.stderr)
    if not missing:
        print(f"check_repr_links: {len(ESTIMATORS)} estimators link to pages in {html_dir}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
