"""Sphinx configuration of lucidnet's documentation site (``make docs``).

The build is offline (no intersphinx inventories are downloaded) and strict:
``-W --keep-going`` turns every warning into a failure, and ``nitpicky``
makes every cross-reference that points nowhere a warning. The few targets
that are allowed to point nowhere are listed in ``nitpick_ignore`` with the
reason each is there.
"""

import os
import sys

import lucidnet

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
]

exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py", "**.zip"]
templates_path = ["_templates"]
html_static_path = ["_static"]

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
sys.path.insert(0, os.path.abspath(os.path.dirname(__file__)))
