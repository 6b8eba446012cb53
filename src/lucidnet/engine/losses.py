"""Loss functions: a value averaged over the batch, and its gradient.

Each loss takes the network's raw output ``out`` of shape (n_samples, n_outputs)
and targets ``y`` of the same shape. The value is a (weighted) mean over
samples of a per-sample loss summed over outputs; the gradient is
``d value / d out`` and so already includes the ``1 / n`` (or ``w_i / sum w``).

The cross-entropy losses take *logits* (the output before the final sigmoid or
softmax) because fusing the output activation into the loss gives the short,
exact gradient ``(p - y) / n`` and lets the value be computed with
``logsumexp``/``logaddexp``, which never takes the log of zero.
"""

from __future__ import annotations

import numpy as np

from .activations import ACTIVATIONS, ActivationFunction

__all__ = [
    "Loss",
    "SquaredError",
    "SigmoidBinaryCrossEntropy",
    "SoftmaxCrossEntropy",
    "PoissonLoss",
    "LOSSES",
    "get_loss",
]


def _check_targets(loss, y, out) -> None:
    """Raise a ``ValueError`` saying what ``y`` should be when its shape is not
    ``out``'s. NumPy would otherwise broadcast (n,) against (n, 1) into an
    (n, n) error, or fail later with a message about a reshape or a matmul."""
    shape = np.shape(y)
    if shape == out.shape:
        return
    name = type(loss).__name__
    if loss.output_activation == "softmax" and out.ndim == 2:
        n, k = out.shape
        message = (
            f"{name} expects one-hot targets of shape (n_samples, n_classes) = ({n}, {k}), "
            f"one row per sample with a 1 in its class's column; got y of shape {shape}."
        )
        if len(shape) == 1:
            message += f" One-hot encode integer class labels first: Y = np.eye({k})[labels]."
    else:
        message = (
            f"{name} expects targets y of the network output's shape {out.shape}; "
            f"got y of shape {shape}."
        )
        if len(shape) == 1 and out.ndim == 2 and out.shape[1] == 1:
            message += " Make a single target a column: y.reshape(-1, 1)."
    raise ValueError(message)


def _weights(sample_weight, n, dtype):
    """Per-sample weights as a column scaled to sum to one (or 1/n each)."""
    if sample_weight is None:
        return None, dtype.type(1.0 / n)
    w = np.asarray(sample_weight, dtype=dtype).reshape(-1, 1)
    return w / w.sum(), None


class Loss:
    """A loss on the network's raw output.

    ``output_activation`` names the activation that turns the raw output into
    a prediction (for example ``softmax`` for :class:`SoftmaxCrossEntropy`), so
    a model can predict without knowing about losses.

    Subclasses implement :meth:`per_sample` and :meth:`raw_gradient`; the mean
    over the batch (weighted or not) and its ``1 / n`` are done here.

    Attributes
    ----------
    name : str
        Its name for :func:`get_loss`.
    output_activation : str
        The activation of :data:`ACTIVATIONS` that :meth:`predict` applies.

    See Also
    --------
    lucidnet.engine.check_loss_gradient : Check a loss's gradient against
        finite differences.

    Examples
    --------
    The absolute error, whose gradient is ``sign(out - y) / n``:

    >>> import numpy as np
    >>> from lucidnet.engine import Loss
    >>> class AbsoluteError(Loss):
    ...     name = "absolute_error"
    ...     def per_sample(self, y, out):
    ...         return np.abs(out - y).sum(axis=1)
    ...     def raw_gradient(self, y, out):
    ...         return np.sign(out - y)
    >>> y, out = np.array([[1.0], [2.0]]), np.array([[1.5], [1.0]])
    >>> AbsoluteError().value(y, out), AbsoluteError().gradient(y, out)
    (0.75, array([[ 0.5],
           [-0.5]]))
    """

    name: str = ""
    output_activation: str = "identity"

    def per_sample(self, y: np.ndarray, out: np.ndarray) -> np.ndarray:
        """Loss of each sample, summed over outputs.

        Parameters
        ----------
        y : ndarray of shape (n_samples, n_outputs)
            The targets (one-hot for the cross-entropies).
        out : ndarray of shape (n_samples, n_outputs)
            The network's raw output (logits for the cross-entropies).

        Returns
        -------
        losses : ndarray of shape (n_samples,)
        """
        raise NotImplementedError

    def raw_gradient(self, y: np.ndarray, out: np.ndarray) -> np.ndarray:
        """``d per_sample / d out``, before averaging.

        Parameters
        ----------
        y : ndarray of shape (n_samples, n_outputs)
            The targets (one-hot for the cross-entropies).
        out : ndarray of shape (n_samples, n_outputs)
            The network's raw output (logits for the cross-entropies).

        Returns
        -------
        gradient : ndarray of shape (n_samples, n_outputs)
        """
        raise NotImplementedError

    def value(self, y, out, sample_weight=None) -> float:
        """The mean loss over samples (weighted mean with ``sample_weight``).

        Parameters
        ----------
        y : ndarray of shape (n_samples, n_outputs)
            The targets (one-hot for the cross-entropies).
        out : ndarray of shape (n_samples, n_outputs)
            The network's raw output (logits for the cross-entropies).
        sample_weight : array-like of shape (n_samples,) or None, default=None
            Weights of the samples; None: each counts 1 / n.

        Returns
        -------
        value : float

        Raises
        ------
        ValueError
            When ``y``'s shape is not ``out``'s (integer class labels for
            :class:`SoftmaxCrossEntropy`: one-hot encode them first).
        """
        _check_targets(self, y, out)
        losses = self.per_sample(y, out)
        if sample_weight is None:
            return float(np.mean(losses))
        w = np.asarray(sample_weight, dtype=np.float64)
        return float(np.dot(losses, w) / w.sum())

    def gradient(self, y, out, sample_weight=None) -> np.ndarray:
        """``d value / d out``, the ``1 / n`` (or the weights) included.

        Parameters
        ----------
        y : ndarray of shape (n_samples, n_outputs)
            The targets (one-hot for the cross-entropies).
        out : ndarray of shape (n_samples, n_outputs)
            The network's raw output (logits for the cross-entropies).
        sample_weight : array-like of shape (n_samples,) or None, default=None
            Weights of the samples; None: each counts 1 / n.

        Returns
        -------
        gradient : ndarray of shape (n_samples, n_outputs), dtype of ``out``

        Raises
        ------
        ValueError
            When ``y``'s shape is not ``out``'s (integer class labels for
            :class:`SoftmaxCrossEntropy`: one-hot encode them first).
        """
        _check_targets(self, y, out)
        grad = self.raw_gradient(y, out).astype(out.dtype, copy=False)
        column, scale = _weights(sample_weight, out.shape[0], grad.dtype)
        if column is None:
            grad *= scale
        else:
            grad *= column
        return grad

    def value_and_gradient(self, y, out, sample_weight=None) -> tuple[float, np.ndarray]:
        """:meth:`value` and :meth:`gradient` together (some losses share the work).

        Parameters
        ----------
        y : ndarray of shape (n_samples, n_outputs)
            The targets (one-hot for the cross-entropies).
        out : ndarray of shape (n_samples, n_outputs)
            The network's raw output (logits for the cross-entropies).
        sample_weight : array-like of shape (n_samples,) or None, default=None
            Weights of the samples; None: each counts 1 / n.

        Returns
        -------
        value : float
        gradient : ndarray of shape (n_samples, n_outputs)
        """
        return self.value(y, out, sample_weight), self.gradient(y, out, sample_weight)

    def predict(self, out: np.ndarray) -> np.ndarray:
        """Apply the output activation to a raw output.

        Parameters
        ----------
        out : ndarray of shape (n_samples, n_outputs)

        Returns
        -------
        prediction : ndarray of shape (n_samples, n_outputs)
            Probabilities for the cross-entropies, ``exp(out)`` for Poisson.
        """
        return ACTIVATIONS[self.output_activation].value(out)

    def __repr__(self):
        return f"{type(self).__name__}()"


class SquaredError(Loss):
    """Half the squared error, summed over outputs: ``0.5 * sum_j (out_j - y_j)^2``.

    Gradient: ``(out - y) / n``. (scikit-learn reports this value divided by
    the number of outputs, with the same gradient; for one output they agree.)

    Examples
    --------
    >>> import numpy as np
    >>> from lucidnet.engine import SquaredError
    >>> y, out = np.array([[1.0], [2.0]]), np.array([[1.5], [1.0]])
    >>> SquaredError().value(y, out)  # (0.5 * 0.25 + 0.5 * 1) / 2
    0.3125
    >>> SquaredError().gradient(y, out)
    array([[ 0.25],
           [-0.5 ]])
    """

    name = "squared_error"

    def per_sample(self, y, out):
        diff = out - y
        return 0.5 * np.einsum("ij,ij->i", diff, diff)

    def raw_gradient(self, y, out):
        return out - y

    def value_and_gradient(self, y, out, sample_weight=None):
        _check_targets(self, y, out)
        if sample_weight is not None:
            return super().value_and_gradient(y, out, sample_weight)
        grad = np.subtract(out, y, dtype=out.dtype)
        n = out.shape[0]
        # 0.5 * sum(diff^2) / n over the flattened batch: one dot product.
        flat = grad.reshape(-1)
        value = 0.5 * float(np.dot(flat, flat)) / n
        grad *= 1.0 / n
        return value, grad


class SigmoidBinaryCrossEntropy(Loss):
    """Binary cross-entropy on logits, one independent sigmoid per output.

    Per sample: ``sum_j log(1 + exp(z_j)) - y_j z_j``, computed with
    ``logaddexp(0, z)`` so it never overflows nor takes ``log(0)``.
    Gradient: ``(sigmoid(z) - y) / n``.

    Examples
    --------
    >>> import numpy as np
    >>> from lucidnet.engine import SigmoidBinaryCrossEntropy
    >>> loss = SigmoidBinaryCrossEntropy()
    >>> y, z = np.array([[1.0], [0.0]]), np.array([[0.0], [0.0]])
    >>> round(loss.value(y, z), 4)  # log 2
    0.6931
    >>> loss.gradient(y, z), loss.predict(z)
    (array([[-0.25],
           [ 0.25]]), array([[0.5],
           [0.5]]))
    """

    name = "binary_cross_entropy"
    output_activation = "logistic"

    def per_sample(self, y, out):
        return np.sum(np.logaddexp(0, out) - y * out, axis=1)

    def raw_gradient(self, y, out):
        from scipy.special import expit  # imported on first use: slow to load

        return np.subtract(expit(out), y)


class SoftmaxCrossEntropy(Loss):
    """Categorical cross-entropy fused with softmax, on logits.

    Per sample: ``logsumexp(z) - sum_j y_j z_j`` (``y`` one-hot or a
    distribution). Gradient: ``(softmax(z) - y) / n``, which is why softmax and
    cross-entropy are fused: the Jacobian of softmax cancels against the
    derivative of the log.

    Examples
    --------
    >>> import numpy as np
    >>> from lucidnet.engine import SoftmaxCrossEntropy
    >>> loss = SoftmaxCrossEntropy()
    >>> y, z = np.array([[0.0, 1.0]]), np.array([[0.0, 0.0]])
    >>> round(loss.value(y, z), 4), loss.gradient(y, z)  # log 2, p - y
    (0.6931, array([[ 0.5, -0.5]]))
    """

    name = "cross_entropy"
    output_activation = "softmax"

    def per_sample(self, y, out):
        from scipy.special import logsumexp

        return logsumexp(out, axis=1) - np.einsum("ij,ij->i", y, out)

    def raw_gradient(self, y, out):
        p = ACTIVATIONS["softmax"].value(out)
        p -= y
        return p

    def value_and_gradient(self, y, out, sample_weight=None):
        _check_targets(self, y, out)
        # One softmax serves both: log p = z - max - log(sum exp(z - max)).
        shifted = out - out.max(axis=1, keepdims=True)
        p = np.exp(shifted)
        norm = p.sum(axis=1, keepdims=True)
        if sample_weight is None:
            # The mean of log(norm_i) - y_i . shifted_i, in three calls (this runs
            # every step, and for a small batch the calls are the cost).
            value = (float(np.log(norm).sum()) - float(np.vdot(y, shifted))) / out.shape[0]
        else:
            losses = np.log(norm[:, 0]) - np.einsum("ij,ij->i", y, shifted)
            w = np.asarray(sample_weight, dtype=np.float64)
            value = float(np.dot(losses, w) / w.sum())
        p /= norm
        p -= y  # in out's dtype: a float64 y does not upcast p
        column, scale = _weights(sample_weight, out.shape[0], p.dtype)
        p *= scale if column is None else column
        return value, p


class PoissonLoss(Loss):
    """Poisson deviance with the log link: the output is ``mu = exp(z)``.

    Per sample: ``sum_j y_j log(y_j / mu_j) - y_j + mu_j`` (zero at a perfect
    fit; ``0 log 0 = 0``). Gradient w.r.t. ``z``: ``(mu - y) / n``.
    Targets must be non-negative.

    Examples
    --------
    >>> import numpy as np
    >>> from lucidnet.engine import PoissonLoss
    >>> y = np.array([[2.0], [0.0]])
    >>> PoissonLoss().value(y, np.log([[2.0], [1.0]]))  # exact for the first sample
    0.5
    """

    name = "poisson"
    output_activation = "exp"

    def per_sample(self, y, out):
        mu = np.exp(out)
        from scipy.special import xlogy

        return np.sum(xlogy(y, y) - y * out - y + mu, axis=1)

    def raw_gradient(self, y, out):
        return np.exp(out) - y


LOSSES: dict[str, type[Loss]] = {
    cls.name: cls
    for cls in (SquaredError, SigmoidBinaryCrossEntropy, SoftmaxCrossEntropy, PoissonLoss)
}


def get_loss(name: str | Loss) -> Loss:
    """Look a loss up by name; a :class:`Loss` passes through.

    Parameters
    ----------
    name : {'squared_error', 'binary_cross_entropy', 'cross_entropy', 'poisson'} or Loss
        A loss's name, or a loss.

    Returns
    -------
    loss : Loss
        A new instance for a name; ``name`` itself for a loss.

    Raises
    ------
    ValueError
        When no loss has that name.

    Examples
    --------
    >>> from lucidnet.engine import get_loss
    >>> get_loss("cross_entropy")
    SoftmaxCrossEntropy()
    >>> get_loss("cross_entropy").output_activation
    'softmax'
    """
    if isinstance(name, Loss):
        return name
    if name not in LOSSES:
        valid = ", ".join(repr(n) for n in LOSSES)
        raise ValueError(f"Unknown loss {name!r}; expected one of {valid}.")
    return LOSSES[name]()


def loss_for_output(activation: str | ActivationFunction) -> Loss:
    """The loss that pairs canonically with an output activation."""
    name = activation if isinstance(activation, str) else activation.name
    pairs = {
        "softmax": SoftmaxCrossEntropy,
        "logistic": SigmoidBinaryCrossEntropy,
        "exp": PoissonLoss,
    }
    return pairs.get(name, SquaredError)()
