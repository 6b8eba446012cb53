"""``NeuralNetwork``: the classic post's per-sample API, on top of the engine.

The post's network is ``len(layers) - 1`` fully connected layers, each
followed by the same activation (the output layer too), trained on half the
squared error by per-sample stochastic gradient descent. Here it is exactly
that, built from :class:`~lucidnet.engine.layers.Dense`,
:class:`~lucidnet.engine.layers.Activation`, :class:`~lucidnet.engine.losses.SquaredError`
and :class:`~lucidnet.engine.optimizers.SGD`, with the post's two bugs fixed:

* its weight set-up only worked for three layers (now any list of two or more
  sizes gives exactly ``len(layers) - 1`` weight matrices);
* its derivatives were taken of values that were already activated (for tanh
  it computed ``1 - tanh(tanh(z))**2``); the engine writes each derivative in
  terms of the activation's output.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from .engine import kernels
from .engine.activations import ACTIVATIONS
from .engine.layers import Activation, Dense
from .engine.losses import SquaredError
from .engine.network import Sequential
from .engine.optimizers import SGD
from .exceptions import TrainingDivergedError

__all__ = ["NeuralNetwork"]

# Softmax couples the outputs, so the post's per-unit squared error on it is
# not the classic network; every element-wise activation is fine.
CLASSIC_ACTIVATIONS = tuple(name for name in ACTIVATIONS if name != "softmax")

# A bounded activation (tanh, logistic) never makes the loss infinite: with a
# huge learning rate its weights explode instead and every unit saturates, so
# its derivative is exactly 0 and training silently stops. No sensible tanh or
# logistic network needs a weight above MAX_WEIGHT (the pre-activation would
# be saturated for any input above 1e-3), so reaching it counts as diverging.
MAX_WEIGHT = 1e4
WEIGHT_CHECK_EVERY = 100


class NeuralNetwork:
    """A multi-layer perceptron with the post's API.

    Parameters
    ----------
    layers : list of int
        Units per layer, input first: ``[2, 2, 1]`` is 2 inputs, 2 hidden
        units, 1 output. At least two sizes.
    activation : str, default='tanh'
        Used by every layer, output included: 'tanh' or 'logistic' as in
        the post, or any element-wise activation of
        :data:`lucidnet.engine.ACTIVATIONS` (not 'softmax').
    random_state : int, numpy.random.Generator or None, default=None
        Seeds the initial weights (uniform in [-0.25, 0.25], biases too) and
        the order in which ``fit`` draws samples.

    Attributes
    ----------
    layers : list of int
        The sizes given.
    network : lucidnet.engine.Sequential
        The engine's network: a Dense and an Activation layer per layer.
    weights : list of ndarray
        The post's view of the weights (see below).

    Raises
    ------
    TypeError
        When ``layers`` is not a list of sizes.
    ValueError
        When there are fewer than two sizes, a size is not a positive integer,
        or the activation is unknown.

    See Also
    --------
    lucidnet.MLPClassifier : The scikit-learn estimator, trained by mini-batches.

    Examples
    --------
    >>> import numpy as np
    >>> from lucidnet import NeuralNetwork
    >>> nn = NeuralNetwork([2, 2, 1], "tanh", random_state=0)
    >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    >>> y = np.array([0, 1, 1, 0])
    >>> nn = nn.fit(X, y, learning_rate=0.1, epochs=20000)
    >>> [bool(nn.predict(x)[0] > 0.5) for x in X]
    [False, True, True, False]
    """

    def __init__(self, layers, activation="tanh", random_state=None):
        self._setup(layers, activation, random_state)

    @classmethod
    def from_weights(cls, coefs, intercepts, activation="tanh", random_state=None):
        """A network holding the weights given, ``coefs[i]`` of shape (layers[i],
        layers[i + 1]) and ``intercepts[i]`` of shape (layers[i + 1],): none is
        drawn (a model file's are read this way).

        Parameters
        ----------
        coefs : list of array-like
            ``coefs[i]`` of shape (layers[i], layers[i + 1]).
        intercepts : list of array-like
            ``intercepts[i]`` of shape (layers[i + 1],).
        activation : str, default='tanh'
        random_state : int, numpy.random.Generator or None, default=None
            Seeds the sample order of ``fit``.

        Returns
        -------
        network : NeuralNetwork

        Raises
        ------
        ValueError
            When the shapes do not chain into a network.

        Examples
        --------
        >>> import numpy as np
        >>> from lucidnet import NeuralNetwork
        >>> nn = NeuralNetwork.from_weights([np.eye(2)], [np.zeros(2)], "logistic")
        >>> nn.layers, nn.predict(np.array([0.0, 0.0]))
        ([2, 2], array([0.5, 0.5]))
        """
        coefs = [np.asarray(c, dtype=np.float64) for c in coefs]
        intercepts = [np.asarray(b, dtype=np.float64) for b in intercepts]
        layers = [c.shape[0] for c in coefs[:1]] + [c.shape[-1] for c in coefs]
        if len(coefs) != len(intercepts) or any(
            c.shape != (n_in, n_out) or b.shape != (n_out,)
            for c, b, n_in, n_out in zip(coefs, intercepts, layers, layers[1:])
        ):
            shapes = [(c.shape, b.shape) for c, b in zip(coefs, intercepts)]
            raise ValueError(f"coefs and intercepts do not make a network: shapes {shapes}")

        def given(w, b):
            return lambda fan_in, fan_out, rng, dtype: (w, b)

        network = cls.__new__(cls)
        network._setup(layers, activation, random_state, map(given, coefs, intercepts))
        return network

    def _setup(self, layers, activation, random_state, inits=None):
        """Check the settings, then make the layers: the i-th Dense layer's
        weights from the initializer ``inits[i]`` (drawn as the post's, by default)."""
        if isinstance(layers, (str, bytes)) or not hasattr(layers, "__len__"):
            raise TypeError(f"layers must be a list of layer sizes, got {layers!r}")
        if len(layers) < 2:
            raise ValueError(
                f"layers needs at least two sizes (inputs and outputs), got {list(layers)!r}"
            )
        for size in layers:
            if isinstance(size, bool) or not isinstance(size, numbers.Integral) or size < 1:
                raise ValueError(
                    f"every layer size must be a positive integer, got {size!r} in {list(layers)!r}"
                )
        if activation not in CLASSIC_ACTIVATIONS:
            valid = ", ".join(repr(n) for n in CLASSIC_ACTIVATIONS)
            raise ValueError(f"Unknown activation {activation!r}; expected one of {valid}.")
        self.layers = [int(size) for size in layers]
        self.activation = activation
        self.random_state = random_state
        self.rng = np.random.default_rng(random_state)
        blocks = []
        inits = inits or ["classic"] * (len(layers) - 1)
        for n_in, n_out, init in zip(self.layers[:-1], self.layers[1:], inits):
            blocks += [Dense(n_in, n_out, init=init, rng=self.rng), Activation(activation)]
        self.network = Sequential(blocks)
        self.loss = SquaredError()

    @property
    def weights(self) -> list[np.ndarray]:
        """The post's view: one (n_in + 1, n_out) matrix per layer, bias as the last row.

        Returns
        -------
        weights : list of ndarray of shape (n_in + 1, n_out)
            Copies: changing them changes nothing in the network.
        """
        dense = [layer for layer in self.network.layers if isinstance(layer, Dense)]
        return [np.vstack([d.W.value, d.b.value]) for d in dense]

    def fit(self, X, y, learning_rate=0.2, epochs=10000):
        """Train by per-sample SGD: ``epochs`` updates, each on one random sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            1-D targets for a one-output network, or one row per sample
            (one-hot labels for classification).
        learning_rate : float, default=0.2
        epochs : int, default=10000
            As in the post, the number of single-sample updates (not passes
            over the data).

        Returns
        -------
        self : NeuralNetwork

        Raises
        ------
        TrainingDivergedError
            When the loss becomes NaN or infinite, or a weight exceeds
            ``MAX_WEIGHT`` (checked every 100 updates); the weights are
            restored to what they were before ``fit``.
        ValueError
            When the data do not fit the network, or ``learning_rate`` or
            ``epochs`` is not positive.
        """
        X, Y = self._check_training_data(X, y)
        if isinstance(epochs, bool) or not isinstance(epochs, numbers.Integral) or epochs < 1:
            raise ValueError(f"epochs must be a positive integer, got {epochs!r}")
        if (
            isinstance(learning_rate, bool)
            or not isinstance(learning_rate, numbers.Real)
            or not np.isfinite(learning_rate)
            or learning_rate <= 0
        ):
            raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}")

        params = self.network.parameters()
        before = [p.value.copy() for p in params]
        order = self.rng.integers(X.shape[0], size=epochs)
        if kernels.per_sample_fused(epochs, self.activation):
            problem = self._fit_compiled(X, Y, order, learning_rate, params)
        else:
            problem = self._fit_numpy(X, Y, order, learning_rate, params)
        if problem:
            for p, value in zip(params, before):
                p.value[...] = value
            raise TrainingDivergedError(
                f"training diverged: {problem}. "
                f"Try a smaller learning_rate than {learning_rate:g} "
                "(the weights were restored to their values before fit)."
            )
        return self

    def _fit_numpy(self, X, Y, order, learning_rate, params):
        """The engine's step, one sample at a time: the readable definition."""
        optimizer = SGD(params, learning_rate=learning_rate)
        # Each sample as a (1, n) view, made once: slicing anew on every update
        # costs as much as one of its numpy calls.
        X_rows, Y_rows = list(X[:, None, :]), list(Y[:, None, :])
        epochs = len(order)
        # Overflow is caught below and reported as a TrainingDivergedError.
        with np.errstate(over="ignore", invalid="ignore"):
            for update, i in enumerate(order.tolist(), start=1):
                loss = self.network.train_step(X_rows[i], Y_rows[i], self.loss, optimizer)
                problem = self._divergence(loss, params, update, epochs)
                if problem:
                    return problem
        return None

    def _fit_compiled(self, X, Y, order, learning_rate, params):
        """The same updates by the compiled per-sample kernel, a hundred at a
        time, checked for divergence as often as the NumPy loop checks."""
        dense = [layer for layer in self.network.layers if isinstance(layer, Dense)]
        steps = kernels.PerSampleSGD(dense, ACTIVATIONS[self.activation], learning_rate)
        X, Y = np.ascontiguousarray(X), np.ascontiguousarray(Y)
        epochs = len(order)
        for start in range(0, epochs, WEIGHT_CHECK_EVERY):
            losses = steps.run(X, Y, order[start : start + WEIGHT_CHECK_EVERY])
            bad = np.flatnonzero(~np.isfinite(losses))
            update = start + (bad[0] + 1 if bad.size else losses.size)
            problem = self._divergence(
                float(losses[bad[0]]) if bad.size else 0.0, params, update, epochs
            )
            if problem:
                return problem
        return None

    @staticmethod
    def _divergence(loss, params, update, epochs):
        """What went wrong at this update, or None."""
        if not math.isfinite(loss):
            return f"at update {update} of {epochs} the loss became {loss}"
        if update % WEIGHT_CHECK_EVERY == 0 or update == epochs:
            largest = max(float(np.max(np.abs(p.value))) for p in params)
            if not largest <= MAX_WEIGHT:
                return (
                    f"by update {update} of {epochs} a weight reached {largest:.3g} "
                    f"(more than {MAX_WEIGHT:g})"
                )
        return None

    def predict(self, x):
        """Output for one sample (1-D in, 1-D out) or a batch (2-D in, 2-D out).

        Parameters
        ----------
        x : array-like of shape (n_features,) or (n_samples, n_features)

        Returns
        -------
        out : ndarray of shape (n_outputs,) or (n_samples, n_outputs)

        Raises
        ------
        ValueError
            When ``x`` is not finite, not 1-D or 2-D, or has another number of
            features than the network takes.
        """
        x = self._as_finite_array(x, "x")
        if x.ndim not in (1, 2):
            raise ValueError(f"predict takes one sample (1-D) or a batch (2-D), got {x.ndim}-D")
        n_features = x.shape[-1]
        if n_features != self.layers[0]:
            raise ValueError(
                f"x has {n_features} features, but the network takes {self.layers[0]} "
                f"(layers={self.layers})"
            )
        out = self.network.forward(np.atleast_2d(x))
        return out[0] if x.ndim == 1 else out

    def _check_training_data(self, X, y):
        X = self._as_finite_array(X, "X")
        X = np.atleast_2d(X)
        if X.ndim != 2:
            raise ValueError(f"X must be 2-D (n_samples, n_features), got shape {X.shape}")
        if X.shape[1] != self.layers[0]:
            raise ValueError(
                f"X has {X.shape[1]} features, but the network takes {self.layers[0]} "
                f"(layers={self.layers})"
            )
        Y = self._as_finite_array(y, "y")
        if Y.ndim == 1:
            Y = Y.reshape(-1, 1)
        if Y.ndim != 2:
            raise ValueError(f"y must be 1-D or 2-D, got shape {Y.shape}")
        if Y.shape[0] != X.shape[0]:
            raise ValueError(
                f"X and y have different lengths: {X.shape[0]} samples in X, {Y.shape[0]} in y"
            )
        if Y.shape[1] != self.layers[-1]:
            raise ValueError(
                f"y has {Y.shape[1]} output column(s), but the network has {self.layers[-1]} "
                "outputs (use one-hot rows for several outputs)"
            )
        if X.shape[0] == 0:
            raise ValueError("X and y are empty: fit needs at least one sample")
        return X, Y

    @staticmethod
    def _as_finite_array(a, name):
        if a is None:
            raise TypeError(f"{name} is None; expected an array of numbers")
        if hasattr(a, "tocsr") or hasattr(a, "todense"):  # a SciPy sparse matrix or array
            raise TypeError(
                f"{name} is a sparse {type(a).__name__}; NeuralNetwork takes dense arrays "
                f"(use {name}.toarray(), or MLPClassifier/MLPRegressor, which take sparse input)"
            )
        if np.iscomplexobj(a):
            raise TypeError(
                f"{name} has complex numbers; expected real numbers (take .real or abs() "
                "yourself if that is what you mean)"
            )
        try:
            a = np.asarray(a, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{name} must be numeric, got {exc}") from None
        if not np.all(np.isfinite(a)):
            bad = int(np.size(a) - np.count_nonzero(np.isfinite(a)))
            raise ValueError(
                f"{name} contains {bad} NaN or infinite value(s); expected finite numbers"
            )
        return a

    def __repr__(self):
        return f"NeuralNetwork({self.layers}, activation={self.activation!r})"
