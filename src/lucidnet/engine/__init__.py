"""The engine: layers, activations, losses, optimizers and ``Sequential``.

It knows NumPy (and SciPy's L-BFGS and special functions), never
scikit-learn, so it can be read, tested and reused on its own. One training
step runs ``Sequential.train_step`` -> each layer's ``forward`` -> the loss's
value and gradient -> each layer's ``backward`` in reverse -> the optimizer's
``step``.
"""

from .activations import ACTIVATIONS, ActivationFunction, get_activation
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
from .optimizers import SGD, Adam, Optimizer, lbfgs
from .parameters import Parameter
from .testing import check_gradients, check_loss_gradient

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "ActivationFunction",
    "Adam",
    "Dense",
    "Dropout",
    "Layer",
    "Loss",
    "Optimizer",
    "Parameter",
    "PoissonLoss",
    "SGD",
    "Sequential",
    "SigmoidBinaryCrossEntropy",
    "SoftmaxCrossEntropy",
    "SquaredError",
    "check_gradients",
    "check_loss_gradient",
    "get_activation",
    "get_loss",
    "lbfgs",
]
