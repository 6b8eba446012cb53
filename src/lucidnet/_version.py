"""The package version, in a module of its own so that model files and the
command can read it without importing the whole package.

A development version until 0.1.0 is tagged: the documentation links of a
development version go to the site's "latest" pages (estimators/base.py)."""

__version__ = "0.1.0.dev0"
