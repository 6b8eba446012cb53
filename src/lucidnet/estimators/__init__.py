"""scikit-learn estimators built on the engine: the only part of lucidnet that
knows scikit-learn's estimator API. ``base.py`` holds what every estimator
shares (validation, the training loops, early stopping, progress); each
estimator family has a file of its own."""

from .autoencoder import Autoencoder
from .convnet import ConvNetClassifier, ConvNetRegressor
from .mlp import MLPClassifier, MLPRegressor

__all__ = ["Autoencoder", "ConvNetClassifier", "ConvNetRegressor", "MLPClassifier", "MLPRegressor"]
