"""Model files: ``save`` and ``load`` (JSON metadata and float arrays in an
``.npz``, never pickle), the codec between models and that metadata, atomic
writing and JSON-safe values."""

__all__ = ["load", "save"]


def __getattr__(name):
    # Imported on first use: model files need the estimators, and so scikit-learn,
    # which the command's data reading (io.archive) must not wait for.
    if name in __all__:
        from . import model_file

        return getattr(model_file, name)
    raise AttributeError(f"module 'lucidnet.io' has no attribute {name!r}")
