"""scikit-learn estimators built on the engine: the only part of lucidnet that
knows scikit-learn's estimator API. ``base.py`` holds what every estimator
shares (validation, the training loops, early stopping, progress); each
estimator family has a file of its own."""

# Each name is imported from its file when first used (PEP 562): a script
# that uses MLPClassifier does not wait for the convolutional estimators.
_HOMES = {
    "Autoencoder": "autoencoder",
    "ConvNetClassifier": "convnet",
    "ConvNetRegressor": "convnet",
    "MLPClassifier": "mlp",
    "MLPRegressor": "mlp",
}


def __getattr__(name):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted([*globals(), *_HOMES])


__all__ = sorted(_HOMES)
