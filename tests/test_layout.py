"""The package's architecture, read from its import statements.

Imports run one way: cli -> io -> estimators / classic -> engine (and any part
may use the shared exceptions, version and byte counts). The engine knows NumPy and SciPy,
never scikit-learn; nothing imports the package's ``__init__``, which only
re-exports the public names.
"""

import ast
from pathlib import Path

import pytest

import lucidnet

PACKAGE = Path(lucidnet.__file__).parent
SHARED = {"exceptions", "_version", "_bytes"}
# Which parts each part may import from (besides itself and SHARED).
ALLOWED = {
    "engine": set(),
    "classic": {"engine"},
    "estimators": {"engine"},
    "io": {"estimators", "classic", "engine"},
    "cli": {"io", "estimators", "classic", "engine"},
    "__main__": {"cli"},
    "exceptions": set(),
    "_version": set(),
    "_bytes": set(),
}
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent != PACKAGE)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, source_text: str | None = None):
    """Every module ``path`` imports, as absolute dotted names, with the line.

    ``from X import name`` counts as importing ``X.name`` when that is a
    module (``from . import commands``), else as importing ``X`` itself.
    """
    this = module_name(path)
    package = this if path.name == "__init__.py" else this.rpartition(".")[0]
    text = path.read_text() if source_text is None else source_text
    for node in ast.walk(ast.parse(text, str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module
            for alias in node.names:
                candidate = f"{source}.{alias.name}"
                yield (candidate if _is_our_module(candidate) else source), node.lineno


def _is_our_module(dotted: str) -> bool:
    if not dotted.startswith("lucidnet."):
        return False
    relative = PACKAGE.joinpath(*dotted.split(".")[1:])
    return relative.with_suffix(".py").exists() or relative.is_dir()


def part_of(dotted: str) -> str:
    return dotted.split(".")[1]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_run_one_way(path):
    part = part_of(module_name(path))
    allowed = ALLOWED[part] | SHARED | {part}
    for imported, line in imported_modules(path):
        if imported == "lucidnet":
            pytest.fail(f"{path.name}:{line} imports the package's __init__")
        if imported.startswith("lucidnet."):
            assert part_of(imported) in allowed, (
                f"{path.relative_to(PACKAGE)}:{line} imports {imported}: {part} may only "
                f"import from {sorted(allowed)}"
            )


@pytest.mark.parametrize("path", sorted((PACKAGE / "engine").glob("*.py")), ids=lambda p: p.name)
def test_the_engine_never_imports_scikit_learn(path):
    for imported, line in imported_modules(path):
        assert imported.split(".")[0] != "sklearn", f"engine/{path.name}:{line} imports {imported}"


def test_the_reader_resolves_what_the_checks_need():
    """Upward and sibling imports, the package's __init__ and scikit-learn, as
    the checks above see them, from a module that would sit in the engine."""
    text = (
        "from ..io import save\n"
        "import sklearn.base\n"
        "from .. import __version__\n"
        "from . import layers\n"
        "from ..cli import commands\n"
    )
    found = list(imported_modules(PACKAGE / "engine" / "probe.py", text))
    assert found == [
        ("lucidnet.io", 1),
        ("sklearn.base", 2),
        ("lucidnet", 3),
        ("lucidnet.engine.layers", 4),
        ("lucidnet.cli.commands", 5),
    ]


def _our_file(dotted: str) -> Path | None:
    """The file a dotted name of ours is, or None (a package's ``__init__``
    re-exports lazily and is no file of its own concepts)."""
    path = PACKAGE.joinpath(*dotted.split(".")[1:]).with_suffix(".py")
    return path if path.exists() else None


def test_no_two_files_import_each_other():
    """Not even inside a function: when two files need each other, what they
    share belongs in a third (DESIGN.md)."""
    imports = {
        path: {_our_file(name) for name, _ in imported_modules(path)} - {None, path}
        for path in MODULES
    }
    pairs = sorted(
        f"{a.relative_to(PACKAGE)} <-> {b.relative_to(PACKAGE)}"
        for a in MODULES
        for b in imports[a]
        if a < b and a in imports.get(b, ())
    )
    assert not pairs, f"files that import each other: {pairs}"


def test_the_pair_check_sees_a_lazy_import():
    text = "def f():\n    from .kernels import fused\n"
    found = {name for name, _ in imported_modules(PACKAGE / "engine" / "activations.py", text)}
    assert "lucidnet.engine.kernels" in found
