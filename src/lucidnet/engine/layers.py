"""Layers: ``Parameter``, ``Layer``, ``Dense``, ``Activation``, ``Dropout``.

A layer's ``forward(X, training)`` keeps exactly what its ``backward`` needs;
``backward(dY)`` returns ``dX`` and writes each parameter's gradient into
its ``grad`` array, in place (``out=p.grad`` or ``p.grad[...] = ...``; the
array may be a view of a buffer that the optimizer reads). A layer knows
nothing of losses, optimizers or batch sizes.

In training mode a layer writes its outputs into buffers that it reuses from
one step to the next (allocating a fresh array for every matrix product costs
more than the product itself at small sizes). Those outputs are therefore only
valid until the next training step; ``training=False`` always returns fresh
arrays.
"""

from __future__ import annotations

import numpy as np

from .activations import ActivationFunction, get_activation
from .initializers import as_rng, get_initializer
from .parameters import Parameter

__all__ = ["Parameter", "Layer", "Dense", "Activation", "Dropout"]


class Layer:
    """Base class of the engine's layers: subclasses implement ``forward`` and
    ``backward``, and ``parameters`` when they have some.

    ``forward(X, training=True)`` keeps what ``backward`` needs; ``backward(dY)``
    writes each parameter's gradient and returns ``dX``. A layer knows nothing
    of losses, optimizers or batch sizes.

    See Also
    --------
    lucidnet.engine.check_gradients : Check a layer's backward against finite
        differences.

    Examples
    --------
    A layer without parameters that doubles its input:

    >>> import numpy as np
    >>> from lucidnet.engine import Layer
    >>> class Double(Layer):
    ...     def forward(self, X, training=False):
    ...         return 2 * X
    ...     def backward(self, dY, need_input_grad=True):
    ...         return 2 * dY if need_input_grad else None
    >>> Double().forward(np.array([[1.0, -3.0]]))
    array([[ 2., -6.]])
    """

    def __init__(self):
        self._buffers: dict[str, np.ndarray] = {}

    def forward(self, X: np.ndarray, training: bool = False) -> np.ndarray:
        """The layer's output for a batch.

        Parameters
        ----------
        X : ndarray of shape (n_samples, ...)
            The batch.
        training : bool, default=False
            In training, keep what ``backward`` needs (the output may then be a
            buffer reused by the next training step); otherwise return a fresh
            array and keep nothing.

        Returns
        -------
        Y : ndarray of shape (n_samples, ...)
        """
        raise NotImplementedError

    def backward(self, dY: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        """Write each parameter's gradient and return the input's.

        Parameters
        ----------
        dY : ndarray, the shape of the last training ``forward``'s output
            The loss's gradient with respect to the output, ``dL/dY``.
        need_input_grad : bool, default=True
            False for the first layer of a network: ``dL/dX`` is then not computed.

        Returns
        -------
        dX : ndarray, the shape of the last training ``forward``'s input, or None
            ``dL/dX``; None when ``need_input_grad`` is False.
        """
        raise NotImplementedError

    def parameters(self) -> list[Parameter]:
        """The layer's trainable parameters.

        Returns
        -------
        parameters : list of Parameter
            Empty for a layer without weights.
        """
        return []

    # Attributes holding arrays other than parameters that training changes and
    # prediction reads (batch normalization's running statistics).
    state_names: tuple[str, ...] = ()

    def state(self) -> list[np.ndarray]:
        """The arrays named by ``state_names``: restoring a copy of parameters
        and state restores the layer.

        Returns
        -------
        state : list of ndarray
            Empty for most layers; batch normalization's running statistics.
        """
        return [getattr(self, name) for name in self.state_names]

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        """The shape of one sample's output for one sample's input.

        Parameters
        ----------
        input_shape : tuple of int
            One sample's shape, without the leading n_samples axis.

        Returns
        -------
        output_shape : tuple of int
            One sample's output shape, without the n_samples axis.

        Raises
        ------
        ValueError
            When the layer cannot take an input of that shape.
        """
        return tuple(input_shape)

    def _buffer(self, key: str, shape: tuple[int, ...], dtype) -> np.ndarray:
        """A reusable array of ``shape``: the leading rows of one kept buffer.

        Rows are contiguous in C order, so a smaller last batch is a view of
        the same memory rather than a new allocation.
        """
        buf = self._buffers.get(key)
        if buf is not None and buf.shape == shape and (buf.dtype is dtype or buf.dtype == dtype):
            return buf
        fits = buf is not None and buf.dtype == dtype and buf.shape[1:] == shape[1:]
        if not fits or buf.shape[0] < shape[0]:
            buf = np.empty(shape, dtype=dtype)
            self._buffers[key] = buf
        return buf[: shape[0]]

    # What forward keeps for backward: scratch, not state, never pickled nor copied.
    _transient = ("_input", "_output", "_mask")

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_buffers"] = {}  # scratch space too
        for key in self._transient:
            state.pop(key, None)
        return state


class Dense(Layer):
    """A fully connected linear layer: ``Y = X @ W + b``.

    Parameters
    ----------
    n_in, n_out : int
        Input and output features; ``W`` has shape (n_in, n_out), ``b`` (n_out,).
    init : str or callable, default='glorot_uniform'
        How the weights are drawn: 'glorot_uniform', 'he_normal', 'he_uniform',
        'classic_uniform' (the post's, biases included) or 'empty'.
    rng : numpy.random.Generator, int or None, default=None
        Where the initial weights come from.
    dtype : float32 or float64, default=float64
    **init_kwargs
        Passed to the initializer.

    Attributes
    ----------
    W : Parameter
        The weights, shape (n_in, n_out).
    b : Parameter
        The biases, shape (n_out,); not L2-penalized.

    Notes
    -----
    Backward, with ``X`` kept from forward::

        dW = X.T @ dY        (n_in, n_out)
        db = dY.sum(axis=0)  (n_out,)
        dX = dY @ W.T        (n_samples, n_in)

    Examples
    --------
    >>> import numpy as np
    >>> from lucidnet.engine import Dense
    >>> layer = Dense(3, 2, rng=0)
    >>> layer.forward(np.ones((4, 3))).shape
    (4, 2)
    >>> layer.W.value.shape, layer.b.value.shape
    ((3, 2), (2,))
    """

    def __init__(
        self,
        n_in: int,
        n_out: int,
        *,
        init="glorot_uniform",
        rng=None,
        dtype=np.float64,
        **init_kwargs,
    ):
        super().__init__()
        rng = as_rng(rng)
        w, b = get_initializer(init)(n_in, n_out, rng, dtype=dtype, **init_kwargs)
        self.W = Parameter(np.ascontiguousarray(w, dtype=dtype), "W")
        self.b = Parameter(np.ascontiguousarray(b, dtype=dtype), "b", regularize=False)

    @property
    def n_in(self) -> int:
        """Input features."""
        return self.W.value.shape[0]

    @property
    def n_out(self) -> int:
        """Output features."""
        return self.W.value.shape[1]

    def forward(self, X, training=False):
        W, b = self.W.value, self.b.value
        if not training:
            out = X @ W
            out += b
            return np.asarray(out)
        self._input = X
        out = self._buffer("out", (X.shape[0], W.shape[1]), W.dtype)
        if isinstance(X, np.ndarray):  # a cheaper test than sp.issparse, per step
            np.matmul(X, W, out=out)
        else:
            out[...] = X @ W
        out += b
        return out

    def backward(self, dY, need_input_grad=True):
        X = self._input
        if not isinstance(X, np.ndarray):  # sparse: a cheaper test than sp.issparse
            self.W.grad[...] = X.T @ dY
        elif X.shape[0] == 1:
            # One sample (the classic per-sample SGD): an outer product, which
            # broadcasting computes in half the time BLAS takes for a k=1 product.
            np.multiply(X.T, dY, out=self.W.grad)
        else:
            np.matmul(X.T, dY, out=self.W.grad)
        np.add.reduce(dY, axis=0, out=self.b.grad)
        if not need_input_grad:
            return None
        W = self.W.value
        return np.matmul(dY, W.T, out=self._buffer("dX", (dY.shape[0], W.shape[0]), W.dtype))

    def parameters(self):
        return [self.W, self.b]

    def output_shape(self, input_shape):
        if tuple(input_shape) != (self.n_in,):
            raise ValueError(
                f"Dense layer expects {self.n_in} input features, got input shape "
                f"{tuple(input_shape)}"
            )
        return (self.n_out,)

    def __repr__(self):
        return f"Dense({self.n_in}, {self.n_out}, dtype={self.W.value.dtype})"


class Activation(Layer):
    """Applies an activation function element-wise (softmax: row-wise).

    Keeps its output ``a = f(z)`` for backward, where ``dZ = f'(z) * dA`` is
    computed from ``a`` (see :class:`ActivationFunction`).

    Parameters
    ----------
    activation : str or ActivationFunction
        A name of :data:`ACTIVATIONS` ('relu', 'tanh', 'logistic', ...) or a function.

    Examples
    --------
    >>> import numpy as np
    >>> from lucidnet.engine import Activation
    >>> Activation("relu").forward(np.array([[-1.0, 2.0]]))
    array([[0., 2.]])
    """

    def __init__(self, activation: str | ActivationFunction):
        super().__init__()
        self.function = get_activation(activation)

    @property
    def name(self) -> str:
        """The activation's name, e.g. 'relu'."""
        return self.function.name

    def forward(self, X, training=False):
        if not training:
            return self.function.value(X)
        a = self.function.value(X, out=self._buffer("out", X.shape, X.dtype))
        self._output = a
        return a

    def backward(self, dY, need_input_grad=True):
        if not need_input_grad:
            return None
        a = self._output
        return self.function.backward(a, dY, out=self._buffer("dX", a.shape, a.dtype))

    def __repr__(self):
        return f"Activation({self.function.name!r})"


class Dropout(Layer):
    """Inverted dropout: in training, zero each unit with probability ``rate``
    and scale the survivors by ``1 / (1 - rate)``, so that nothing changes at
    prediction time, where the layer is the identity.

    Parameters
    ----------
    rate : float in [0, 1)
        The probability that a unit is zeroed in training.
    rng : numpy.random.Generator, int or None, default=None
        Where the masks come from (kept as ``self.rng``).

    Raises
    ------
    ValueError
        When ``rate`` is not in [0, 1).

    Examples
    --------
    >>> import numpy as np
    >>> from lucidnet.engine import Dropout
    >>> layer = Dropout(0.5, rng=0)
    >>> X = np.ones((1000, 10))
    >>> float(layer.forward(X).mean())  # the identity when predicting
    1.0
    >>> out = layer.forward(X, training=True)
    >>> sorted(set(out.ravel().tolist()))  # zeros and survivors times 2
    [0.0, 2.0]
    """

    rescale = True  # survivors times 1 / (1 - rate); Masking (noise.py) keeps them as they are

    def __init__(self, rate: float, rng=None):
        super().__init__()
        if not 0 <= rate < 1:
            raise ValueError(f"{type(self).__name__} rate must be in [0, 1), got {rate!r}")
        self.rate = float(rate)
        self.rng = np.random.default_rng(rng)

    def forward(self, X, training=False):
        if not training or self.rate == 0:
            self._mask = None
            return X
        dtype = X.dtype if X.dtype in (np.float32, np.float64) else np.float64
        mask = self._buffer("mask", X.shape, dtype)
        self.rng.random(out=mask, dtype=dtype)
        # keep = (u >= rate), scaled by 1 / (1 - rate); computed in place.
        np.greater_equal(mask, self.rate, out=mask, casting="unsafe")
        if self.rescale:
            mask *= 1.0 / (1.0 - self.rate)
        self._mask = mask
        return np.multiply(X, mask, out=self._buffer("out", X.shape, dtype))

    def backward(self, dY, need_input_grad=True):
        if not need_input_grad:
            return None
        if self._mask is None:
            return dY
        return np.multiply(dY, self._mask, out=self._buffer("dX", dY.shape, dY.dtype))

    def __repr__(self):
        return f"{type(self).__name__}({self.rate})"
