"""lucidnet: neural networks in plain NumPy that a person can read end to end.

The package has four parts, and imports run one way between them:
``cli`` -> ``io`` -> ``estimators`` / ``classic`` -> ``engine``.

- ``engine``: layers, activations, losses, optimizers, ``Sequential`` (NumPy only);
- ``classic``: the post's ``NeuralNetwork``, on top of the engine;
- ``estimators``: scikit-learn drop-ins (``MLPClassifier``, ``MLPRegressor``);
- ``io``: model files (``save``, ``load``) and ONNX export (``to_onnx``);
- ``cli``: the ``lucidnet`` command.

This module only re-exports the public names; nothing inside the package
imports from it.
"""

from ._version import __version__ as __version__

# Where each public name lives. They are imported when first used (PEP 562),
# so that ``import lucidnet`` and the command's start-up cost almost nothing:
# the estimators import scikit-learn, which takes a second or more.
_ENGINE = [
    "ACTIVATIONS", "SGD", "Activation", "ActivationFunction", "Adam", "AvgPool1D",
    "AvgPool2D", "BatchNormalization", "Conv1D", "Conv2D", "Dense", "Dropout", "Flatten",
    "GaussianNoise", "GlobalAvgPool", "Layer", "Masking", "MaxPool1D", "MaxPool2D",
    "Parameter", "PoissonLoss", "Reshape", "Residual", "Sequential", "SigmoidBinaryCrossEntropy",
    "SoftmaxCrossEntropy", "SquaredError", "UpSampling1D", "UpSampling2D", "get_activation",
    "get_loss", "lbfgs",
    "CosineSchedule", "ReduceOnPlateau",
]  # fmt: skip
_ESTIMATORS = [
    "Autoencoder", "ConvNetClassifier", "ConvNetRegressor", "MLPClassifier", "MLPRegressor"
]  # fmt: skip
_HOMES = {
    **dict.fromkeys(_ENGINE, "engine"),
    **dict.fromkeys(_ESTIMATORS, "estimators"),
    "NeuralNetwork": "classic",
    "ModelFileError": "exceptions",
    "NetworkTooLargeError": "exceptions",
    "TrainingDivergedError": "exceptions",
    "load": "io",
    "save": "io",
    "to_onnx": "io.onnx_export",
    "register_skl2onnx_converters": "io.skl2onnx_converters",
}


def __getattr__(name):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'lucidnet' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value  # imported once
    return value


def __dir__():
    return sorted([*globals(), *_HOMES])


__all__ = sorted(_HOMES)
