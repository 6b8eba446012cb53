"""The engine: layers, activations, losses, optimizers and ``Sequential``.

It knows NumPy (and SciPy's L-BFGS and special functions), never
scikit-learn, so it can be read, tested and reused on its own. One training
step runs ``Sequential.train_step`` -> each layer's ``forward`` -> the loss's
value and gradient -> each layer's ``backward`` in reverse -> the optimizer's
``step``.
"""

from .activations import ACTIVATIONS, ActivationFunction, get_activation
from .conv import Conv1D, Conv2D
from .layers import Activation, Dense, Dropout, Layer
from .losses import (
    Loss,
    PoissonLoss,
    SigmoidBinaryCrossEntropy,
    SoftmaxCrossEntropy,
    SquaredError,
    get_loss,
)
from .network import Sequential
from .noise import GaussianNoise, Masking
from .normalization import BatchNormalization
from .optimizers import SGD, Adam, Optimizer, lbfgs
from .parameters import Parameter
from .pooling import (
    AvgPool1D,
    AvgPool2D,
    Flatten,
    GlobalAvgPool,
    MaxPool1D,
    MaxPool2D,
    Reshape,
    UpSampling1D,
    UpSampling2D,
)
from .residual import Residual
from .schedules import CosineSchedule, ReduceOnPlateau
from .testing import check_gradients, check_loss_gradient

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "ActivationFunction",
    "Adam",
    "AvgPool1D",
    "AvgPool2D",
    "BatchNormalization",
    "Conv1D",
    "CosineSchedule",
    "Conv2D",
    "Dense",
    "Dropout",
    "Flatten",
    "GaussianNoise",
    "GlobalAvgPool",
    "Layer",
    "Loss",
    "Masking",
    "MaxPool1D",
    "MaxPool2D",
    "Optimizer",
    "Parameter",
    "PoissonLoss",
    "ReduceOnPlateau",
    "Reshape",
    "Residual",
    "SGD",
    "Sequential",
    "SigmoidBinaryCrossEntropy",
    "SoftmaxCrossEntropy",
    "SquaredError",
    "UpSampling1D",
    "UpSampling2D",
    "check_gradients",
    "check_loss_gradient",
    "get_activation",
    "get_loss",
    "lbfgs",
]
