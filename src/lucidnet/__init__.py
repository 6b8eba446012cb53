"""lucidnet: neural networks in plain NumPy that a person can read end to end."""

__version__ = "0.1.0"

from .activations import ACTIVATIONS, ActivationFunction, get_activation
from .classic import NeuralNetwork
from .estimators import MLPClassifier, MLPRegressor
from .exceptions import ModelFileError, TrainingDivergedError
from .layers import Activation, Dense, Dropout, Layer
from .losses import (
    PoissonLoss,
    SigmoidBinaryCrossEntropy,
    SoftmaxCrossEntropy,
    SquaredError,
    get_loss,
)
from .network import Sequential
from .optimizers import SGD, Adam, lbfgs
from .parameters import Parameter
from .persistence import load, save

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "ActivationFunction",
    "Adam",
    "Dense",
    "Dropout",
    "Layer",
    "MLPClassifier",
    "MLPRegressor",
    "ModelFileError",
    "NeuralNetwork",
    "Parameter",
    "PoissonLoss",
    "SGD",
    "Sequential",
    "SigmoidBinaryCrossEntropy",
    "SoftmaxCrossEntropy",
    "SquaredError",
    "TrainingDivergedError",
    "get_activation",
    "get_loss",
    "lbfgs",
    "load",
    "save",
]
