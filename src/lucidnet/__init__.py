"""lucidnet: neural networks in plain NumPy that a person can read end to end.

The package has four parts, and imports run one way between them:
``cli`` -> ``io`` -> ``estimators`` / ``classic`` -> ``engine``.

- ``engine``: layers, activations, losses, optimizers, ``Sequential`` (NumPy only);
- ``classic``: the post's ``NeuralNetwork``, on top of the engine;
- ``estimators``: scikit-learn drop-ins (``MLPClassifier``, ``MLPRegressor``);
- ``io``: model files (``save``, ``load``);
- ``cli``: the ``lucidnet`` command.

This module only re-exports the public names; nothing inside the package
imports from it.
"""

from ._version import __version__ as __version__
from .classic import NeuralNetwork
from .engine import (
    ACTIVATIONS,
    SGD,
    Activation,
    ActivationFunction,
    Adam,
    AvgPool1D,
    AvgPool2D,
    BatchNormalization,
    Conv1D,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    GaussianNoise,
    GlobalAvgPool,
    Layer,
    Masking,
    MaxPool1D,
    MaxPool2D,
    Parameter,
    PoissonLoss,
    Reshape,
    Sequential,
    SigmoidBinaryCrossEntropy,
    SoftmaxCrossEntropy,
    SquaredError,
    UpSampling1D,
    UpSampling2D,
    get_activation,
    get_loss,
    lbfgs,
)
from .estimators import (
    Autoencoder,
    ConvNetClassifier,
    ConvNetRegressor,
    MLPClassifier,
    MLPRegressor,
)
from .exceptions import ModelFileError, TrainingDivergedError
from .io import load, save

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "ActivationFunction",
    "Adam",
    "Autoencoder",
    "AvgPool1D",
    "AvgPool2D",
    "BatchNormalization",
    "Conv1D",
    "Conv2D",
    "ConvNetClassifier",
    "ConvNetRegressor",
    "Dense",
    "Dropout",
    "Flatten",
    "GaussianNoise",
    "GlobalAvgPool",
    "Layer",
    "MaxPool1D",
    "MaxPool2D",
    "MLPClassifier",
    "MLPRegressor",
    "Masking",
    "ModelFileError",
    "NeuralNetwork",
    "Parameter",
    "PoissonLoss",
    "Reshape",
    "SGD",
    "Sequential",
    "SigmoidBinaryCrossEntropy",
    "SoftmaxCrossEntropy",
    "SquaredError",
    "TrainingDivergedError",
    "UpSampling1D",
    "UpSampling2D",
    "get_activation",
    "get_loss",
    "lbfgs",
    "load",
    "save",
]
