"""``Sequential``: layers applied in order, trained by backpropagation."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from . import kernels
from .cost import forward_costs
from .layers import Activation, Dense, Layer
from .losses import Loss
from .optimizers import Optimizer
from .parameters import Parameter, pack
from .pooling import _MaxPool

__all__ = ["NonFiniteInput", "Sequential"]


class NonFiniteInput(ValueError):
    """Raised by a prediction asked to check its input (``check_finite``): the
    first layer's output held a NaN or an infinity."""


def _owned(array, network_input) -> bool:
    """Whether ``array`` is a dense array that no caller can hold: not the
    network's input nor a view of it."""
    if not isinstance(array, np.ndarray):
        return False
    return not isinstance(network_input, np.ndarray) or not np.may_share_memory(
        array, network_input
    )


PREDICT_CHUNK = 4096  # rows per chunk when predicting on many samples
# ... and at most this many bytes of arrays per chunk, by engine/cost.py's rule:
# a network that needs megabytes a row (convolutions over large images, or a
# model file's geometry just inside its bound) predicts fewer rows at once,
# rather than 4096 times what one row needs.
PREDICT_CHUNK_BYTES = 256 * 2**20


def _bias_relu_fused(layer, following, X) -> bool:
    """Whether prediction runs ``layer`` (Dense) and ``following`` (ReLU) as a
    product then one compiled pass for the bias and the ReLU (kernels.py)."""
    return (
        isinstance(layer, Dense)
        and isinstance(following, Activation)
        and following.function.name == "relu"
        and type(X) is np.ndarray
        and X.ndim == 2
        and np.result_type(X.dtype, layer.W.value.dtype) == layer.W.value.dtype
        and kernels.fused(X.shape[0] * layer.n_out)
    )


def _training_order(layers) -> list[int]:
    """The order training runs ``layers`` in (their indices): the list's, but
    a ReLU followed by a max pooling runs after it, on the pooled array (a
    quarter of the size for 2x2 windows; on 28x28 images 9% of a step).

    The two commute: ``maximum(max(x), 0)`` is ``max(maximum(x, 0))``, value
    for value, and the gradients are the same too: where a window's maximum
    is positive, the ReLU keeps every value at least as large (the same first
    maximum); where it is not, the ReLU's mask makes the window's gradient
    zero either way (tests/engine/test_network.py checks the bits)."""
    order = list(range(len(layers)))
    for i in range(len(layers) - 1):
        if (
            order[i] == i
            and isinstance(layers[i], Activation)
            and layers[i].function.name == "relu"
            and isinstance(layers[i + 1], _MaxPool)
        ):
            order[i], order[i + 1] = i + 1, i
    return order


class Sequential:
    """A stack of layers, applied in order, trained by backpropagation.

    One training step (:meth:`train_step`) runs each layer's ``forward`` in
    training mode, the loss's value and gradient, each layer's ``backward`` in
    reverse order, then the optimizer's ``step``.

    Parameters
    ----------
    layers : iterable of Layer
        The layers, first to last.

    Attributes
    ----------
    layers : list of Layer

    Raises
    ------
    TypeError
        When an element of ``layers`` is not a :class:`Layer`.

    See Also
    --------
    lucidnet.MLPClassifier : An estimator that builds and trains a Sequential.

    Examples
    --------
    >>> import numpy as np
    >>> from lucidnet import Sequential, Dense, Activation, SGD, SquaredError
    >>> rng = np.random.default_rng(0)
    >>> net = Sequential([Dense(2, 3, rng=rng), Activation("tanh"), Dense(3, 1, rng=rng)])
    >>> net.forward(np.zeros((4, 2))).shape
    (4, 1)
    >>> sgd = SGD(net.parameters(), learning_rate=0.1)
    >>> loss = net.train_step(np.ones((4, 2)), np.ones((4, 1)), SquaredError(), sgd)
    >>> bool(loss >= 0)
    True
    """

    def __init__(self, layers: Iterable[Layer]):
        self.layers = list(layers)
        for layer in self.layers:
            if not isinstance(layer, Layer):
                raise TypeError(f"Sequential takes Layer objects, got {type(layer).__name__}")
        # One contiguous buffer for all the weights, so that an optimizer's step
        # is a few passes over it rather than a few per parameter array.
        self.buffers = pack(self.parameters())
        self._chunks: dict = {}  # rows per prediction chunk, by sample shape

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k not in ("buffers", "_chunks")}

    def __setstate__(self, state):
        # A copy's parameters come back as separate arrays (see Parameter):
        # lay them out in one buffer again.
        self.__dict__.update(state)
        self.buffers = pack(self.parameters())
        self._chunks = {}

    def forward(
        self, X: np.ndarray, training: bool = False, check_finite: bool = False
    ) -> np.ndarray:
        """Run ``X`` through every layer.

        For prediction (``training=False``), more than ``PREDICT_CHUNK`` rows
        go through in chunks: the intermediate arrays of a chunk stay in
        cache and their memory is reused, where whole-data intermediates would
        be fresh memory the system must map page by page (that alone made
        predicting on 60,000 x 784 inputs 2.5 times slower).

        ``check_finite`` (prediction, a Dense first layer): raise
        ``NonFiniteInput`` when the first layer's output ``X @ W + b`` holds a
        NaN or an infinity, as it does wherever a row of ``X`` does (NaN * w
        is NaN, inf * w is an infinity or NaN). That costs a pass over the
        chunk just computed, still in cache, instead of one over all of ``X``
        before it; the caller then tells bad input from mere overflow.

        Parameters
        ----------
        X : ndarray of shape (n_samples, ...)
            The batch, of the shape the first layer takes.
        training : bool, default=False
            Training mode: each layer keeps what its backward needs (and
            dropout and noise layers draw their masks).
        check_finite : bool, default=False
            See above.

        Returns
        -------
        out : ndarray of shape (n_samples, ...)
            The last layer's output (for a classifier, logits: the loss's
            ``predict`` turns them into probabilities).

        Raises
        ------
        ValueError
            With ``check_finite`` when the first layer is not Dense.
        """
        n = X.shape[0]
        if training:
            return self._train_forward(X)
        if check_finite and not isinstance(self.layers[0], Dense):
            raise ValueError("check_finite needs a network whose first layer is Dense")
        buffers = {}  # this call's: each chunk reuses the memory of the one before
        chunk = self._chunk_rows(X) if n > 1 else 1
        if n <= chunk:
            return self._predict_forward(X, check_finite, buffers)
        first = self._predict_forward(X[:chunk], check_finite, buffers)
        out = np.empty((n, *first.shape[1:]), dtype=first.dtype)
        out[:chunk] = first
        for start in range(chunk, n, chunk):
            out[start : start + chunk] = self._predict_forward(
                X[start : start + chunk], check_finite, buffers
            )
        return out

    def _chunk_rows(self, X) -> int:
        """Rows per prediction chunk: ``PREDICT_CHUNK``, fewer when that many
        would need more than ``PREDICT_CHUNK_BYTES`` (at least one). Kept per
        sample shape: working it out takes longer than a small prediction."""
        key = (X.shape[1:], X.dtype, len(self.layers))
        rows = self._chunks.get(key)
        if rows is None:
            try:
                values = sum(c.values for c in forward_costs(self.layers, X.shape[1:]))
            except ValueError:
                return PREDICT_CHUNK  # the layers say what is wrong as they run
            row_bytes = max(1, values * max(np.dtype(X.dtype).itemsize, self.dtype.itemsize))
            rows = self._chunks[key] = int(
                min(PREDICT_CHUNK, max(1, PREDICT_CHUNK_BYTES // row_bytes))
            )
        return rows

    def _train_forward(self, X):
        out = X
        for i in _training_order(self.layers):
            out = self.layers[i].forward(out, training=True)
        return out

    def _predict_forward(self, X, check_finite, buffers):
        out, i = X, 0
        if check_finite:
            # An infinity in X makes NumPy warn (inf - inf) before the check
            # can say what is wrong: the caller's error must come first.
            with np.errstate(invalid="ignore", over="ignore"):
                out, i, not_finite = self._predict_step(X, X, 0, buffers, True)
            if not_finite:
                raise NonFiniteInput("the first layer's output is not finite")
        while i < len(self.layers):
            out, step, _ = self._predict_step(out, X, i, buffers, False)
            i += step
        return out

    def _predict_step(self, out, X, i, buffers, check):
        """Layer ``i`` in prediction (with the ReLU after it, when fused):
        ``(its output, the number of layers it took, whether check found a
        NaN or an infinity in the layer's output)``."""
        layer = self.layers[i]
        following = self.layers[i + 1] if i + 1 < len(self.layers) else None
        if _bias_relu_fused(layer, following, out):
            # A Dense layer's bias and the ReLU after it in one compiled pass,
            # into memory the chunk before used (fresh memory is mapped page
            # by page: 0.2 ms a chunk).
            W = layer.W.value
            if i not in buffers:
                buffers[i] = np.empty((out.shape[0], W.shape[1]), W.dtype)
            out = np.matmul(out, W, out=buffers[i][: out.shape[0]])
            return out, 2, kernels.bias_relu(out, layer.b.value)
        if isinstance(layer, Activation) and _owned(out, X):
            # A prediction's intermediate array is this pass's own: the
            # activation overwrites it instead of filling a new one (a fresh
            # array per layer made predict 20% slower).
            return layer.function.value(out, out=out), 1, False
        out = layer.forward(out)
        return out, 1, check and not np.isfinite(out.sum())

    def backward(self, dY: np.ndarray, need_input_grad: bool = False) -> np.ndarray | None:
        """Propagate ``dL/dY`` back through the layers, setting every gradient.

        The gradient with respect to the network's input is only computed
        (and returned) when ``need_input_grad`` is True: training never needs
        it, and for the first Dense layer it is a whole matrix product.

        Parameters
        ----------
        dY : ndarray of the shape of the last training forward's output
            ``dL/dY``, the loss's gradient.
        need_input_grad : bool, default=False
            Also compute ``dL/dX`` for the network's input.

        Returns
        -------
        dX : ndarray or None
            ``dL/dX`` with ``need_input_grad``, else None.
        """
        order = _training_order(self.layers)  # as the training forward ran them
        for position in range(len(order) - 1, -1, -1):
            layer = self.layers[order[position]]
            dY = layer.backward(dY, need_input_grad=need_input_grad or position > 0)
        return dY

    def parameters(self) -> list[Parameter]:
        """Every layer's parameters, in layer order: what an optimizer is built on.

        Returns
        -------
        parameters : list of Parameter
        """
        return [p for layer in self.layers for p in layer.parameters()]

    def state_arrays(self) -> list[np.ndarray]:
        """Every parameter's value, then every layer's other state (running
        statistics): what a copy must hold to restore the network.

        Returns
        -------
        arrays : list of ndarray
        """
        return [p.value for p in self.parameters()] + [
            a for layer in self.layers for a in layer.state()
        ]

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        """One sample's output shape for one sample's ``input_shape``, through
        every layer.

        Parameters
        ----------
        input_shape : tuple of int
            One sample's shape, without the n_samples axis.

        Returns
        -------
        output_shape : tuple of int

        Raises
        ------
        ValueError
            Naming the first layer that cannot take what the one before it gives.

        Examples
        --------
        >>> from lucidnet.engine import Conv2D, Dense, Flatten, MaxPool2D, Sequential
        >>> net = Sequential([Conv2D(1, 8, 3), MaxPool2D(2), Flatten(), Dense(72, 10)])
        >>> net.output_shape((8, 8, 1))
        (10,)
        """
        shape = tuple(input_shape)
        for layer in self.layers:
            shape = layer.output_shape(shape)
        return shape

    def loss_and_gradients(self, X, y, loss: Loss, sample_weight=None) -> float:
        """Forward in training mode, then backward: returns the loss and
        leaves ``d loss / d parameter`` in every ``Parameter.grad``.

        Parameters
        ----------
        X : ndarray of shape (n_samples, ...)
            The batch, of the shape the first layer takes.
        y : ndarray of shape (n_samples, n_outputs)
            The targets, as the loss takes them: one-hot rows for
            :class:`SoftmaxCrossEntropy` (not integer labels), a column per
            output for :class:`SquaredError`.
        loss : Loss
        sample_weight : array-like of shape (n_samples,) or None, default=None

        Returns
        -------
        loss : float
            The batch's loss.
        """
        out = self.forward(X, training=True)
        value, dY = loss.value_and_gradient(y, out, sample_weight)
        self.backward(dY)
        return value

    def train_step(self, X, y, loss: Loss, optimizer: Optimizer, sample_weight=None) -> float:
        """One update on the batch ``(X, y)``: :meth:`loss_and_gradients`, then
        the optimizer's step.

        Parameters
        ----------
        X : ndarray of shape (n_samples, ...)
            The batch, of the shape the first layer takes.
        y : ndarray of shape (n_samples, n_outputs)
            The targets, as the loss takes them: one-hot rows for
            :class:`SoftmaxCrossEntropy` (not integer labels), a column per
            output for :class:`SquaredError`.
        loss : Loss
        optimizer : Optimizer
            Built on this network's :meth:`parameters`.
        sample_weight : array-like of shape (n_samples,) or None, default=None

        Returns
        -------
        loss : float
            The batch's loss before the update.

        Examples
        --------
        A classifier's targets are one-hot rows:

        >>> import numpy as np
        >>> from lucidnet.engine import Adam, Dense, Sequential, SoftmaxCrossEntropy
        >>> net = Sequential([Dense(4, 3, rng=0)])
        >>> X, labels = np.random.default_rng(0).standard_normal((8, 4)), np.arange(8) % 3
        >>> Y = np.eye(3)[labels]  # (8, 3)
        >>> adam = Adam(net.parameters(), learning_rate=0.01)
        >>> losses = [net.train_step(X, Y, SoftmaxCrossEntropy(), adam) for _ in range(50)]
        >>> bool(losses[-1] < losses[0])
        True
        """
        value = self.loss_and_gradients(X, y, loss, sample_weight)
        optimizer.step()
        return value

    @property
    def dtype(self):
        """The parameters' dtype (float64 for a network without parameters)."""
        params = self.parameters()
        return params[0].value.dtype if params else np.dtype(np.float64)

    def __repr__(self):
        inner = ",\n  ".join(repr(layer) for layer in self.layers)
        return f"Sequential([\n  {inner}\n])"
