"""The function the estimators minimize: scikit-learn's, computed as scikit-learn computes it.

For the same ``random_state`` to give the same model in every setting, the
estimators must minimize the very function scikit-learn's MLP minimizes, and
round it the same way. L-BFGS makes the second point matter: it keeps a
history of gradients and steps, so last-bit differences in the gradient grow
until, after a hundred or so iterations, the two fits end in different
places. The engine's losses find the same minimizer but are another
function to the last bit: they start from logits (never taking the log of a
probability), and fold ``1 / n`` into the output error.

So here, as in scikit-learn:

* the *value* is computed from the probabilities, which the log-loss clips to
  ``[eps, 1 - eps]`` (a saturated output costs ``-log(eps)``, about 36, not
  infinity); the squared error is averaged over outputs; the L2 term
  ``alpha / 2 * sum ||W||^2`` is divided by the batch's weight ``sum(w)``
  (its number of samples when unweighted) and taken at the weights before
  the update;
* the *gradient* propagates the unscaled output error ``delta = p - y``
  (``(p - y) * w`` with sample weights) through the network, then each weight
  gradient becomes ``(X^T delta + alpha * W) / sum(w)`` and each bias
  gradient ``sum(delta) / sum(w)``, in that order.

With several regression outputs the value averages the squared error over
them while the gradient sums it; scikit-learn pairs them so and both are kept,
because the value is what ``tol`` and L-BFGS's line search see, and the
gradient is what moves the weights.
"""

from __future__ import annotations

import numpy as np
from scipy.special import xlogy

from ..engine.activations import ACTIVATIONS

__all__ = ["LOSS_VALUES", "Objective"]


def log_loss(Y, P, sample_weight=None):
    """Cross-entropy of one-hot ``Y`` against softmax probabilities ``P``."""
    eps = np.finfo(P.dtype).eps
    P = np.clip(P, eps, 1 - eps)
    return -np.average(xlogy(Y, P), weights=sample_weight, axis=0).sum()


def binary_log_loss(Y, P, sample_weight=None):
    """Cross-entropy of 0/1 ``Y`` against sigmoid probabilities ``P``, summed over outputs."""
    eps = np.finfo(P.dtype).eps
    P = np.clip(P, eps, 1 - eps)
    return -np.average(xlogy(Y, P) + xlogy(1 - Y, 1 - P), weights=sample_weight, axis=0).sum()


def squared_error(Y, P, sample_weight=None):
    """Half the squared error, averaged over samples and over outputs."""
    return 0.5 * np.average((Y - P) ** 2, weights=sample_weight, axis=0).mean()


def summed_squared_error(Y, P, sample_weight=None):
    """Half the squared error summed over outputs, averaged over samples: an
    autoencoder's reconstruction loss, whose gradient is exactly ``p - y``."""
    return 0.5 * np.average(((Y - P) ** 2).sum(axis=1), weights=sample_weight)


def poisson_deviance(Y, P, sample_weight=None):
    """Half the Poisson deviance of counts ``Y`` against means ``P``, summed over outputs."""
    return np.average(xlogy(Y, Y / P) - Y + P, weights=sample_weight, axis=0).sum()


# loss name -> (value function, output activation whose error p - y is its gradient)
LOSS_VALUES = {
    "log_loss": (log_loss, "softmax"),
    "binary_log_loss": (binary_log_loss, "logistic"),
    "squared_error": (squared_error, "identity"),
    "summed_squared_error": (summed_squared_error, "identity"),
    "poisson": (poisson_deviance, "exp"),
}


class Objective:
    """Loss value and gradients of an estimator's network on a batch.

    Parameters
    ----------
    network : Sequential
        Ends in the output layer's raw values (logits for classifiers).
    loss : str
        A key of ``LOSS_VALUES``.
    alpha : float
        Strength of the L2 penalty on the weights (not the biases).
    """

    def __init__(self, network, loss: str, alpha: float):
        self.network = network
        self.loss = loss
        self.value_function, self.output_activation = LOSS_VALUES[loss]
        self.alpha = alpha
        self._activation = ACTIVATIONS[self.output_activation]
        self._weights = [p for p in network.parameters() if p.regularize]

    def predict(self, X) -> np.ndarray:
        """Outputs after the output activation: (n_samples, n_outputs)."""
        out = self.network.forward(X)
        return self._activation.value(out, out=out)

    def value(self, Y, P, sample_weight=None):
        """The loss of predictions ``P`` without the L2 term (validation data)."""
        return self.value_function(Y, P, sample_weight)

    def penalty(self, weight_sum):
        """``alpha / 2 * sum ||W||^2 / weight_sum``, summed as scikit-learn sums it."""
        squares = 0
        for W in self._weights:
            s = W.value.ravel()
            squares += np.dot(s, s)
        return (0.5 * self.alpha) * squares / weight_sum

    def loss_and_gradients(self, X, Y, sample_weight=None, finish=True):
        """The loss on the batch ``(X, Y)`` at the current weights; leaves the
        gradient of that loss in every parameter's ``grad``.

        ``Y`` is as scikit-learn holds it: booleans for classifiers (which
        decides the dtype of the binary log-loss), numbers for regressors.
        With ``finish=False`` the last pass, ``(g + alpha * W) / sum(w)``, is
        left to the optimizer, which fuses it into its update: returns
        ``(loss, (alpha, sum(w)))`` for ``optimizer.step``.
        """
        out = self.network.forward(X, training=True)
        P = self._activation.value(out, out=out)
        loss = self.value_function(Y, P, sample_weight)
        weight_sum = X.shape[0] if sample_weight is None else sample_weight.sum()
        loss += self.penalty(weight_sum)
        # The output error overwrites P: the output layer's backward needs its
        # input, not its output.
        delta = np.subtract(P, Y, out=P)
        if sample_weight is not None:
            delta *= sample_weight.reshape(-1, 1)
        self.network.backward(delta)
        if not finish:
            return loss, (self.alpha, weight_sum)
        if self.alpha:
            for W in self._weights:
                W.grad += self.alpha * W.value
        for buffer in self.network.buffers:
            buffer.grad /= weight_sum
        return loss
