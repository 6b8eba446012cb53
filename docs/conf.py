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
html_static_path = []

# --- strictness -----------------------------------------------------------
nitpicky = True
nitpick_ignore = []
nitpick_ignore_regex = []

# --- API reference ----------------------------------------------------------
autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

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
    "matplotlib_animations": False,
}

# --- theme ------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"lucidnet {version}"
html_theme_options = {
    "github_url": "https://github.com/lucidnet/lucidnet",
    "navigation_with_keys": False,
    "show_toc_level": 2,
}

# --- pages ------------------------------------------------------------------
# ``>>>`` prompts and command prompts are left out when a reader copies a block.
copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True
