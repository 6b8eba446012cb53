"""The package version, in a module of its own so that model files and the
command can read it without importing the whole package."""

__version__ = "0.1.0"
