"""Sphinx configuration of lucidnet's documentation site (``make docs``).

The build is offline (no intersphinx inventories are downloaded) and strict:
``-W --keep-going`` turns every warning into a failure, and ``nitpicky``
makes every cross-reference that points nowhere a warning. The few targets
that are allowed to point nowhere are listed in ``nitpick_ignore`` with the
reason each is there.
"""

import os
import shutil
import sys

import lucidnet
import lucidnet.engine

HERE = os.path.abspath(os.path.dirname(__file__))

# Pages show the output of real commands (sphinxcontrib-programoutput): the
# `lucidnet` of this environment must be the one found, also when the build
# runs as .venv/bin/sphinx-build without an activated environment.
os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"]
# L-BFGS fits in the examples call SciPy, whose BLAS threads fight each other on
# a loaded 2-core machine (84 s instead of 2 s seen here); one thread each.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

# Commands on the pages read and write files: they run in a fresh copy of
# docs/data (``:cwd: /_build/data``), so a build never changes the sources.
DATA_COPY = os.path.join(HERE, "_build", "data")
shutil.rmtree(DATA_COPY, ignore_errors=True)
shutil.copytree(os.path.join(HERE, "data"), DATA_COPY)

project = "lucidnet"
author = "the lucidnet developers"
copyright = "2026, the lucidnet developers"
version = release = lucidnet.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "sphinxcontrib.programoutput",
    "sphinx_copybutton",
]

exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py", "**.zip"]
templates_path = ["_templates"]
html_static_path = ["_static"]
html_css_files = ["lucidnet.css"]

# --- strictness -----------------------------------------------------------
# Each entry says why its target may point nowhere. Cross-references to names
# re-exported by ``lucidnet`` (``lucidnet.Dense``) are not ignored: they are
# resolved to their one page by _resolve_re_exported_name below.
nitpicky = True
nitpick_ignore = []
nitpick_ignore_regex = []

# --- API reference ----------------------------------------------------------
# docs/api/index.rst lists every public name; autosummary writes one page each
# (docs/_templates/autosummary: docstring, members, "Examples using X").
autosummary_generate = True
# Members inherited from lucidnet's own bases are documented (MLPClassifier's
# fit comes from a mixin); those of scikit-learn and Python are left out by
# _skip_foreign_members below.
autodoc_default_options = {"members": True, "inherited-members": True}
autodoc_typehints = "none"  # numpydoc's Parameters/Returns say the types, once
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

# Each object has ONE page: engine names under lucidnet.engine, the rest under
# lucidnet (lucidnet.io's save and load are lucidnet.save and lucidnet.load).
# lucidnet's own table of where each name lives (_HOMES) says which.
CANONICAL = {name: f"lucidnet.engine.{name}" for name in lucidnet.engine.__all__}
CANONICAL.update(
    (name, f"lucidnet.engine.{name}" if home == "engine" else f"lucidnet.{name}")
    for name, home in lucidnet._HOMES.items()
)


def _resolve_re_exported_name(app, env, node, contnode):
    """Resolve ``lucidnet.Dense`` (or ``lucidnet.engine.layers.Dense.forward``,
    ``lucidnet.io.save``) to the page of the canonical name, instead of a
    broken link: the same object is reachable under several names."""
    if node.get("refdomain") != "py":
        return None
    parts = node["reftarget"].split(".")
    if parts[0] != "lucidnet":
        return None
    for i, part in enumerate(parts[1:], start=1):
        if part in CANONICAL:
            target = ".".join([CANONICAL[part], *parts[i + 1 :]])
            break
    else:
        return None
    if target == node["reftarget"]:
        return None
    return env.domains["py"].resolve_xref(
        env, node["refdoc"], app.builder, node["reftype"], target, node, contnode
    )


def _skip_foreign_members(app, what, name, obj, skip, options):
    """Leave out the members a class inherits from outside lucidnet: those of
    scikit-learn (get_params, score, set_fit_request, ...), whose docstrings
    are scikit-learn's, full of references to its glossary and user guide that
    an offline build cannot resolve (docs/api/index.rst says where they are),
    and those of Python's exceptions (args, with_traceback, add_note)."""
    if what not in ("class", "exception"):
        return None
    function = getattr(obj, "fget", obj)
    module = getattr(function, "__module__", None) or getattr(
        getattr(function, "__objclass__", None), "__module__", ""
    )
    if isinstance(module, str) and module and not module.startswith("lucidnet"):
        return True
    return None


def setup(app):
    app.connect("missing-reference", _resolve_re_exported_name)
    app.connect("autodoc-skip-member", _skip_foreign_members)


# --- gallery ----------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": os.path.join("..", "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "abort_on_example_error": True,
    "backreferences_dir": os.path.join("api", "generated", "backreferences"),
    "doc_module": ("lucidnet",),
    "download_all_examples": False,
    "subsection_order": [
        os.path.join("..", "examples", name)
        for name in ("classic", "mlp", "convnet", "autoencoder", "engine", "files")
    ],
    "within_subsection_order": "FileNameSortKey",
    # A cell's last value is not printed: the examples print what they mean to
    # (else every title set last shows up as a stray ``Text(...)``).
    "capture_repr": (),
    "matplotlib_animations": False,
}

# --- theme ------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"lucidnet {version}"
html_theme_options = {
    "github_url": "https://github.com/lucidnet/lucidnet",
    "navigation_with_keys": False,
    "show_toc_level": 2,
    # The examples' code is written at 100 columns: on their pages the column
    # on the right would make readers scroll sideways at 1280 pixels, so it is
    # shown everywhere but there (a page that matches no pattern gets none).
    "secondary_sidebar_items": {
        pattern: ["page-toc", "sourcelink"]
        for pattern in ("index", "getting_started", "tutorial/*", "guide/*", "api/**",
                        "auto_examples/index", "auto_examples/*/index")
    },
}

# Pages of prose and command output read better wide: the left column (the
# section's pages, which the top bar and "next" links also give) is left out.
html_sidebars = {"getting_started": [], "tutorial/*": [], "guide/*": []}

# --- pages ------------------------------------------------------------------
# ``>>>`` prompts and command prompts are left out when a reader copies a block.
copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True
