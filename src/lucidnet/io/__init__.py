"""Model files: ``save`` and ``load`` (JSON metadata and float arrays in an
``.npz``, never pickle), the codec between models and that metadata, atomic
writing and JSON-safe values."""

from .model_file import load, save

__all__ = ["load", "save"]
