"""scikit-learn estimators: drop-ins for ``sklearn.neural_network``'s MLPs.

Same parameters, defaults, fitted attributes and methods as scikit-learn 1.9's
``MLPClassifier`` and ``MLPRegressor``, and the same model for the same
``random_state``, plus (all off by default): ``dropout``, per-layer and extra
``activation`` names, ``class_weight``, validation data of your own
(``fit(..., X_val=, y_val=)``), a progress bar (``progress_bar=True``), and a
clear error instead of a silently diverged model.

``BaseMLP`` adds to the shared training (:mod:`~lucidnet.estimators.base`)
what is the MLPs' own: the dense architecture, ``coefs_`` and ``intercepts_``
(which may be assigned by hand, as in scikit-learn) and the L-BFGS solver.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions

from ..engine.layers import Activation, Dense, Dropout
from ..engine.network import Sequential
from .base import (
    HIDDEN_ACTIVATIONS,
    TRAINING_ATTRIBUTES,
    TRAINING_PARAMETERS,
    BaseNetworkEstimator,
    initializer,
    layer_rng,
)
from .targets import ClassifierTargets, RegressorTargets

__all__ = ["BaseMLP", "MLPClassifier", "MLPRegressor"]

MLP_PARAMETERS = """
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        The ith element is the number of units in the ith hidden layer.
    activation : str or list of str, default='relu'
        Activation of the hidden layers: 'identity', 'logistic', 'tanh', 'relu'
        (as scikit-learn) or 'leaky_relu'; or a list with one per hidden layer.
    solver : {'lbfgs', 'sgd', 'adam'}, default='adam'
        The weight optimizer: L-BFGS (full batch, best on small data), SGD
        (with momentum and learning rate schedules) or Adam.
    max_fun : int, default=15000
        Maximum number of loss evaluations of 'lbfgs'."""

MLP_ATTRIBUTES = """    coefs_ : list of ndarray, ith of shape (units[i], units[i + 1])
        The weights of each layer (views of the network's; may be assigned).
    intercepts_ : list of ndarray, ith of shape (units[i + 1],)
        The biases of each layer.
    n_layers_ : int
        Number of layers, input and output included.
"""
_PARAMETERS = MLP_PARAMETERS + TRAINING_PARAMETERS
_ATTRIBUTES = TRAINING_ATTRIBUTES + MLP_ATTRIBUTES


class BaseMLP(BaseNetworkEstimator):
    """What the two MLPs share; use :class:`MLPClassifier` or :class:`MLPRegressor`."""

    _architecture = ("hidden_layer_sizes", "activation", "dropout")

    _parameter_constraints: dict = {
        **BaseNetworkEstimator._parameter_constraints,
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "solver": [StrOptions({"lbfgs", "sgd", "adam"})],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
    }

    def _hidden_sizes(self) -> list[int]:
        sizes = self.hidden_layer_sizes
        sizes = list(sizes) if hasattr(sizes, "__iter__") else [sizes]
        for size in sizes:
            if isinstance(size, bool) or not isinstance(size, Integral) or size <= 0:
                raise ValueError(f"hidden_layer_sizes must be > 0, got {sizes}.")
        return [int(s) for s in sizes]

    def _hidden_activations(self, n_hidden) -> list[str]:
        return self._per_layer(
            "activation", self.activation, n_hidden, lambda a: a in HIDDEN_ACTIVATIONS
        )

    def _build_network(self, input_shape, n_outputs, dtype, rng, expect=None):
        """Dense -> Activation [-> Dropout] per hidden layer, then a linear output.

        Weights and biases are drawn as scikit-learn draws them: uniform in
        +-sqrt(6 / (fan_in + fan_out)), +-sqrt(2 / (fan_in + fan_out)) next to
        logistic units; none with ``rng=None``. ``expect(index, shapes)`` sees
        each Dense layer's array shapes before it is made.
        """
        (n_features,) = input_shape
        sizes = [n_features, *self._hidden_sizes(), n_outputs]

        def dense(i, n_in, n_out, nearby):
            factor = 2.0 if nearby == "logistic" else 6.0
            return Dense(
                n_in, n_out, init=initializer("glorot_uniform", rng), rng=rng, dtype=dtype,
                factor=factor, bias="uniform",
            )  # fmt: skip

        return self._assemble(sizes, dense, rng, expect)

    def _assemble(self, sizes, dense, rng, expect=None) -> Sequential:
        """The layers for ``sizes``, with ``dense(i, n_in, n_out, nearby_activation)``
        making the i-th Dense layer (``expect`` as in ``_build_network``)."""
        n_hidden = len(sizes) - 2
        activations = self._hidden_activations(n_hidden)
        rates = self._dropout_rates(n_hidden)
        layers = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            nearby = activations[min(i, len(activations) - 1)] if activations else "identity"
            if expect is not None:
                expect(len(layers), {"W": (n_in, n_out), "b": (n_out,)})
            layers.append(dense(i, n_in, n_out, nearby))
            if i < n_hidden:
                layers.append(Activation(activations[i]))
                if rates[i]:
                    layers.append(Dropout(rates[i], rng=layer_rng(rng)))
        return Sequential(layers)

    def _network_from_weights(self, coefs, intercepts) -> Sequential:
        """A network holding the given weights (as they are), e.g. ones a user
        assigned to ``coefs_`` and ``intercepts_`` by hand, or a model file's:
        nothing is drawn, and each array is copied once, into the network's
        buffer (``Sequential`` packs them)."""
        coefs = [np.asarray(c) for c in coefs]
        intercepts = [np.asarray(b).reshape(-1) for b in intercepts]
        sizes = [coefs[0].shape[0]] + [c.shape[1] for c in coefs]
        shapes_chain = len(coefs) == len(intercepts) and all(
            c.ndim == 2 and c.shape[0] == n_in and b.shape == (c.shape[1],)
            for c, b, n_in in zip(coefs, intercepts, sizes)
        )
        if not shapes_chain or len(coefs) != len(self._hidden_sizes()) + 1:
            shapes = [(c.shape, b.shape) for c, b in zip(coefs, intercepts)]
            raise ValueError(
                f"coefs_ and intercepts_ do not make a network with hidden_layer_sizes="
                f"{self.hidden_layer_sizes!r}: their shapes are {shapes}"
            )
        dtype = np.result_type(*coefs, *intercepts, np.float32)

        def dense(i, n_in, n_out, nearby):
            def given(fan_in, fan_out, rng, dtype):
                return coefs[i].astype(dtype, copy=False), intercepts[i].astype(dtype, copy=False)

            return Dense(n_in, n_out, init=given, dtype=dtype)

        return self._assemble(sizes, dense, check_random_state(self.random_state))

    def _dense_layers(self) -> list[Dense]:
        return [layer for layer in self._network.layers if isinstance(layer, Dense)]

    def __setstate__(self, state):
        super().__setstate__(state)
        if "_network" in state:  # its copy re-packed its parameters: point at the new arrays
            self._expose_weights()

    def _network_built(self) -> None:
        self._expose_weights()

    def _is_initialized(self) -> bool:
        return hasattr(self, "coefs_")  # scikit-learn's test: coefs_ set by hand count

    def _expose_weights(self) -> None:
        """``coefs_`` and ``intercepts_`` are the network's own arrays (not copies):
        every update is in place, so they always show the current weights."""
        dense = self._dense_layers()
        self.coefs_ = [d.W.value for d in dense]
        self.intercepts_ = [d.b.value for d in dense]
        self.n_layers_ = len(dense) + 1

    def _sync_network(self) -> None:
        """Train and predict with ``coefs_``/``intercepts_`` a user assigned by hand
        (as scikit-learn does), not with the arrays they replaced."""
        network = getattr(self, "_network", None)
        if network is not None:
            dense = self._dense_layers()
            if (
                len(dense) == len(self.coefs_) == len(self.intercepts_)
                and all(d.W.value is c for d, c in zip(dense, self.coefs_))
                and all(d.b.value is b for d, b in zip(dense, self.intercepts_))
            ):
                return
        self._network = self._network_from_weights(self.coefs_, self.intercepts_)
        self._expose_weights()
        optimizer = getattr(self, "_optimizer", None)
        if optimizer is not None:  # scikit-learn's optimizer goes on with its moments
            optimizer.rebind(self._network.parameters())

    def _set_coefs(self, coefs, intercepts) -> None:
        for d, w, b in zip(self._dense_layers(), coefs, intercepts):
            d.W.value[...] = w
            d.b.value[...] = b

    def _take_lbfgs_solution(self, x, parameters) -> None:
        """Weights from scipy's final float64 vector ``x``, unrounded, as
        scikit-learn takes them: a float32 MLP comes out of L-BFGS float64."""
        if self.coefs_[0].dtype == np.float64:
            return  # the parameters hold x already
        bounds = np.cumsum([0] + [p.value.size for p in parameters])
        arrays = [
            x[lo:hi].reshape(p.value.shape)
            for p, lo, hi in zip(parameters, bounds[:-1], bounds[1:])
        ]
        n = len(arrays) // 2
        self._network = self._network_from_weights(arrays[:n], arrays[n:])
        self._expose_weights()
        self._optimizer = None


class MLPClassifier(ClassifierTargets, ClassifierMixin, BaseMLP):
    __doc__ = f"""Multi-layer perceptron classifier, a drop-in for scikit-learn's.

    Minimizes the cross-entropy (softmax for multiclass, logistic for binary
    and multilabel targets) with L-BFGS, SGD or Adam.

    Parameters
    ----------{_PARAMETERS}    class_weight : dict, 'balanced' or None, default=None
        Weights per class, multiplied into ``sample_weight``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,) or list of such for multilabel
        The class labels, in the order of ``predict_proba``'s columns.{_ATTRIBUTES}
    See Also
    --------
    MLPRegressor : The same network for numbers.
    ConvNetClassifier : Convolutions in front of the dense layers, for images and signals.
    lucidnet.engine.Sequential : The network it trains.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from lucidnet import MLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPClassifier(hidden_layer_sizes=(20,), max_iter=500, random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:2]).shape
    (2, 3)
    >>> bool(clf.score(X, y) > 0.9)
    True
    """

    _parameter_constraints = {
        **BaseMLP._parameter_constraints,
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        learning_rate_factor=0.5,
        learning_rate_min=1e-6,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        dropout=0.0,
        class_weight=None,
        progress_bar=False,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.learning_rate_factor = learning_rate_factor
        self.learning_rate_min = learning_rate_min
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.dropout = dropout
        self.class_weight = class_weight
        self.progress_bar = progress_bar


class MLPRegressor(RegressorTargets, RegressorMixin, BaseMLP):
    __doc__ = f"""Multi-layer perceptron regressor, a drop-in for scikit-learn's.

    Minimizes half the squared error (identity output) or the Poisson
    deviance (``exp`` output) with L-BFGS, SGD or Adam.

    Parameters
    ----------
    loss : {{'squared_error', 'poisson'}}, default='squared_error'
        Half the squared error, or the Poisson deviance (``exp`` outputs, for
        counts and other non-negative targets).{_PARAMETERS}
    Attributes
    ----------{_ATTRIBUTES}
    See Also
    --------
    MLPClassifier : The same network for labels.
    ConvNetRegressor : Convolutions in front of the dense layers, for images and signals.

    Notes
    -----
    As in scikit-learn, with several outputs ``loss_`` averages the squared
    error over them while the gradient sums it (see the module
    ``lucidnet.estimators.objective``).

    Examples
    --------
    >>> import numpy as np
    >>> from lucidnet import MLPRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(-1, 1, size=(200, 2))
    >>> y = X[:, 0] ** 2 + X[:, 1]
    >>> reg = MLPRegressor(hidden_layer_sizes=(30,), solver="lbfgs", random_state=0).fit(X, y)
    >>> reg.predict(X[:3]).shape
    (3,)
    >>> bool(reg.score(X, y) > 0.95)
    True
    """

    _parameter_constraints = {
        **BaseMLP._parameter_constraints,
        "loss": [StrOptions({"squared_error", "poisson"})],
    }

    def __init__(
        self,
        loss="squared_error",
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        learning_rate_factor=0.5,
        learning_rate_min=1e-6,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        dropout=0.0,
        progress_bar=False,
    ):
        self.loss = loss
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.learning_rate_factor = learning_rate_factor
        self.learning_rate_min = learning_rate_min
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.dropout = dropout
        self.progress_bar = progress_bar
