"""What MLPClassifier and MLPRegressor share: parameters, the network they
build, and the two training loops (mini-batch SGD/Adam, and L-BFGS).

The flow of one ``fit``: validate -> build a :class:`~lucidnet.Sequential`
(``Dense`` + ``Activation`` [+ ``Dropout``] per hidden layer, then a linear
output ``Dense``) -> for each epoch, for each mini-batch,
``Sequential.train_step`` -> epoch bookkeeping (loss curve, validation,
learning-rate schedule, stopping). The loss is fused with the output
activation (softmax, logistic, exp or identity), so the network itself ends
in logits and ``_output_activation`` turns them into predictions.
"""

from __future__ import annotations

import math
import warnings
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from ..engine.activations import ACTIVATIONS
from ..engine.layers import Activation, Dense, Dropout
from ..engine.network import Sequential
from ..engine.optimizers import SGD, Adam, lbfgs
from ..exceptions import TrainingDivergedError

HIDDEN_ACTIVATIONS = tuple(a for a in ACTIVATIONS if a not in ("softmax", "exp"))
STOCHASTIC_SOLVERS = ("sgd", "adam")
DIVERGED_GROWTH = 1e6  # an epoch loss this many times the untrained one means divergence


class BaseMLP(BaseEstimator):
    """Shared implementation; use :class:`MLPClassifier` or :class:`MLPRegressor`."""

    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(HIDDEN_ACTIVATIONS)), list, tuple],
        "solver": [StrOptions({"lbfgs", "sgd", "adam"})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), Options(Real, {np.inf})],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left"), list, tuple],
    }

    @classmethod
    def _get_param_names(cls):
        # scikit-learn reads __init__'s signature with inspect on every get_params,
        # and partial_fit validates the parameters on every call: for a small batch
        # that costs more than the epoch. The signature never changes, so read it once.
        if "_param_names" not in cls.__dict__:
            cls._param_names = super()._get_param_names()
        return cls._param_names

    def _validate_params_once(self, incremental):
        """Validate the parameters; in partial_fit, only when they are not the very
        objects validated last time (on small batches, re-checking them would
        take a tenth of the call)."""
        params = self.get_params(deep=False)
        last = getattr(self, "_validated_params", None) if incremental else None
        # Containers can change in place under the same identity: check them always.
        if (
            last is None
            or last.keys() != params.keys()
            or any(
                params[k] is not v or isinstance(v, (list, dict, set, np.ndarray))
                for k, v in last.items()
            )
        ):
            self._validate_params()
            self._validated_params = params

    # ------------------------------------------------------------------ shape
    def _hidden_sizes(self) -> list[int]:
        sizes = self.hidden_layer_sizes
        sizes = list(sizes) if hasattr(sizes, "__iter__") else [sizes]
        for size in sizes:
            if isinstance(size, bool) or not isinstance(size, Integral) or size <= 0:
                raise ValueError(f"hidden_layer_sizes must be > 0, got {sizes}.")
        return [int(s) for s in sizes]

    def _per_hidden_layer(self, name, value, n_hidden, valid) -> list:
        """Expand one setting, or check a list of one per hidden layer."""
        values = list(value) if isinstance(value, (list, tuple)) else [value] * n_hidden
        if len(values) != n_hidden:
            raise ValueError(
                f"{name} has {len(values)} entries but there are {n_hidden} hidden layers "
                f"(hidden_layer_sizes={self.hidden_layer_sizes!r}); give one {name} or one "
                "per hidden layer."
            )
        for v in values:
            if not valid(v):
                raise ValueError(f"invalid {name} {v!r} in {value!r}")
        return values

    def _hidden_activations(self, n_hidden) -> list[str]:
        return self._per_hidden_layer(
            "activation", self.activation, n_hidden, lambda a: a in HIDDEN_ACTIVATIONS
        )

    def _dropout_rates(self, n_hidden) -> list[float]:
        return self._per_hidden_layer(
            "dropout",
            self.dropout,
            n_hidden,
            lambda r: isinstance(r, Real) and not isinstance(r, bool) and 0 <= r < 1,
        )

    def _build_network(self, n_features, n_outputs, dtype, rng: np.random.RandomState):
        """Dense -> Activation [-> Dropout] per hidden layer, then a linear output.

        Weights and biases are drawn as scikit-learn draws them: uniform in
        +-sqrt(6 / (fan_in + fan_out)), +-sqrt(2 / (fan_in + fan_out)) next to
        logistic units.
        """
        hidden = self._hidden_sizes()
        activations = self._hidden_activations(len(hidden))
        rates = self._dropout_rates(len(hidden))
        sizes = [n_features, *hidden, n_outputs]
        layers = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            nearby = activations[min(i, len(activations) - 1)] if activations else "identity"
            gain = math.sqrt(1 / 3) if nearby == "logistic" else 1.0
            layers.append(
                Dense(
                    n_in,
                    n_out,
                    init="glorot_uniform",
                    rng=rng,
                    dtype=dtype,
                    gain=gain,
                    bias="uniform",
                )
            )
            if i < len(hidden):
                layers.append(Activation(activations[i]))
                if rates[i]:
                    seed = rng.randint(np.iinfo(np.int32).max)
                    layers.append(Dropout(rates[i], rng=np.random.default_rng(seed)))
        return Sequential(layers)

    def _dense_layers(self) -> list[Dense]:
        return [layer for layer in self._network.layers if isinstance(layer, Dense)]

    def __setstate__(self, state):
        super().__setstate__(state)
        if "_network" in state:  # its copy re-packed its parameters: point at the new arrays
            self._expose_weights()

    def _expose_weights(self) -> None:
        """``coefs_`` and ``intercepts_`` are the network's own arrays (not copies):
        every update is in place, so they always show the current weights."""
        dense = self._dense_layers()
        self.coefs_ = [d.W.value for d in dense]
        self.intercepts_ = [d.b.value for d in dense]
        self.n_layers_ = len(dense) + 1

    def _set_weights(self, coefs, intercepts) -> None:
        for d, w, b in zip(self._dense_layers(), coefs, intercepts):
            d.W.value[...] = w
            d.b.value[...] = b

    def _weights_copy(self):
        return [c.copy() for c in self.coefs_], [b.copy() for b in self.intercepts_]

    # ------------------------------------------------------------- predicting
    def _forward(self, X) -> np.ndarray:
        """Predictions after the output activation: (n_samples, n_outputs)."""
        check_is_fitted(self)
        X = validate_data(
            self, X, accept_sparse=["csr", "csc"], dtype=(np.float64, np.float32), reset=False
        )
        X = X.astype(self.coefs_[0].dtype, copy=False)
        out = self._network.forward(X)
        return ACTIVATIONS[self.out_activation_].value(out, out=out)

    def _penalty(self, n) -> float:
        """The L2 term of the loss, ``alpha / 2 * sum ||W||^2 / n`` (no biases)."""
        if not self.alpha:
            return 0.0
        squares = sum(float(np.dot(w.ravel(), w.ravel())) for w in self.coefs_)
        return 0.5 * self.alpha * squares / n

    # ---------------------------------------------------------------- fitting
    def _fit(self, X, y, sample_weight=None, incremental=False, X_val=None, y_val=None):
        self._validate_params_once(incremental)
        first_pass = not hasattr(self, "coefs_") or (not self.warm_start and not incremental)
        if incremental and self.early_stopping:
            raise ValueError("partial_fit does not support early_stopping=True")
        X, Y, sample_weight = self._validate_training_data(
            X, y, sample_weight, incremental, first_pass
        )
        if not first_pass and X.shape[1] != self.coefs_[0].shape[0]:
            raise ValueError(
                f"X has {X.shape[1]} features, but {type(self).__name__} is expecting "
                f"{self.coefs_[0].shape[0]} features as input."
            )
        validation = None
        if X_val is not None or y_val is not None:
            validation = self._validation_data(X_val, y_val)
        # A RandomState drawn as scikit-learn draws it, at every call: the initial
        # weights and the shuffling then follow the very same random stream, so
        # the same random_state starts both libraries from the same model.
        random_state = self._random_state = check_random_state(self.random_state)

        if first_pass:
            self._network = self._build_network(X.shape[1], Y.shape[1], X.dtype, random_state)
            self._expose_weights()
            self.n_outputs_ = Y.shape[1]
            self.out_activation_ = self._loss.output_activation
            self.n_iter_ = 0
            self.t_ = 0
            self.loss_curve_ = []
            self.validation_loss_curve_ = [] if validation is not None else None
            self._optimizer = None
            self._no_improvement_count = 0
            self.best_loss_ = np.inf
            self.validation_scores_ = None
            self.best_validation_score_ = None
            self._best_weights = None
            self._initial_loss = None
        dtype = self.coefs_[0].dtype
        X = X.astype(dtype, copy=False)
        Y = Y.astype(dtype, copy=False)
        if self.solver in STOCHASTIC_SOLVERS and (not incremental or self._optimizer is None):
            self._optimizer = self._make_optimizer()

        start_weights = self._weights_copy()
        try:
            if self.solver == "lbfgs":
                self._fit_lbfgs(X, Y, sample_weight)
            else:
                self._fit_stochastic(X, Y, sample_weight, incremental, validation)
        except TrainingDivergedError:
            # Never leave a NaN model behind: the weights go back to where this call started.
            self._set_weights(*start_weights)
            raise
        return self

    def _make_optimizer(self):
        params = self._network.parameters()
        if self.solver == "sgd":
            return SGD(
                params,
                learning_rate=self.learning_rate_init,
                momentum=self.momentum,
                nesterov=self.nesterovs_momentum and self.momentum > 0,
            )
        return Adam(
            params,
            learning_rate=self.learning_rate_init,
            beta_1=self.beta_1,
            beta_2=self.beta_2,
            epsilon=self.epsilon,
        )

    def _check_dropout_solver(self):
        if self.solver == "lbfgs" and any(self._dropout_rates(len(self._hidden_sizes()))):
            raise ValueError(
                "dropout needs a stochastic solver ('adam' or 'sgd'): L-BFGS's line search "
                "assumes the same loss at every evaluation, which random dropout masks break."
            )

    def _validation_data(self, X_val, y_val):
        if X_val is None or y_val is None:
            raise ValueError("give both X_val and y_val, or neither")
        X_val, Y_val, _ = self._validate_training_data(
            X_val, y_val, None, True, False, validation=True
        )
        return X_val, Y_val, self._decode(Y_val), None

    def _fit_lbfgs(self, X, Y, sample_weight):
        self._check_dropout_solver()
        network, loss = self._network, self._loss
        weight_sum = X.shape[0] if sample_weight is None else float(np.sum(sample_weight))
        regularized = [d.W for d in self._dense_layers()]
        curve = []

        def loss_and_gradients():
            value = network.loss_and_gradients(X, Y, loss, sample_weight)
            if self.alpha:
                for W in regularized:
                    W.grad += (self.alpha / weight_sum) * W.value
                value += self._penalty(weight_sum)
            return value

        with np.errstate(over="ignore", invalid="ignore"):
            result = lbfgs(
                network.parameters(),
                loss_and_gradients,
                max_iter=self.max_iter,
                max_fun=self.max_fun,
                tol=self.tol,
                callback=lambda value: curve.append(value),
            )
        if not np.isfinite(result.fun) or not self._weights_finite():
            raise TrainingDivergedError(
                f"L-BFGS diverged after {result.nit} iterations (loss {result.fun}); "
                "scale the input features or raise alpha."
            )
        self.n_iter_ = min(int(result.nit), self.max_iter)
        self.loss_ = float(result.fun)
        self.loss_curve_ = curve
        self.best_loss_ = min(curve) if curve else self.loss_
        if result.status != 0:
            warnings.warn(
                f"lbfgs failed to converge after {self.n_iter_} iteration(s) "
                f"(status={result.status}): {result.message}. Increase max_iter or max_fun, "
                "or scale the data.",
                ConvergenceWarning,
                stacklevel=3,
            )

    def _weights_finite(self) -> bool:
        total = sum(float(np.sum(w)) for w in self.coefs_ + self.intercepts_)
        return math.isfinite(total)

    def _batch_size(self, n_samples) -> int:
        if self.batch_size == "auto":
            return min(200, n_samples)
        if self.batch_size > n_samples:
            warnings.warn(
                "Got `batch_size` less than 1 or larger than sample size. It is going to be "
                "clipped",
                stacklevel=4,
            )
        return int(np.clip(self.batch_size, 1, n_samples))

    def _fit_stochastic(self, X, Y, sample_weight, incremental, validation):
        if self.early_stopping and validation is None:
            validation, X, Y, sample_weight = self._split_validation(X, Y, sample_weight)
        if validation is not None:
            if self.validation_scores_ is None:
                self.validation_scores_ = []
                self.validation_loss_curve_ = []
                self.best_validation_score_ = -np.inf
            if self.early_stopping and self._best_weights is None:
                self._best_weights = self._weights_copy()

        self.n_iter_ = 0  # epochs of this call, as in scikit-learn (t_ keeps counting)
        n_samples = X.shape[0]
        batch_size = self._batch_size(n_samples)
        batches = _BatchSampler(X, Y, sample_weight, batch_size, self.shuffle, self._random_state)
        optimizer, network, loss = self._optimizer, self._network, self._loss
        weight_total = n_samples if sample_weight is None else float(np.sum(sample_weight))
        n_batches = math.ceil(n_samples / batch_size)
        progress = self._progress_bar(1 if incremental else self.max_iter)
        try:
            for _ in range(1 if incremental else self.max_iter):
                accumulated = 0.0
                with np.errstate(over="ignore", invalid="ignore"):
                    for Xb, Yb, wb in batches.epoch():
                        if self.alpha:  # scikit-learn's L2 gradient: alpha * W / batch weight
                            batch_weight = Xb.shape[0] if wb is None else float(np.sum(wb))
                            optimizer.l2 = self.alpha / batch_weight
                        batch_loss = network.train_step(Xb, Yb, loss, optimizer, wb)
                        accumulated += batch_loss * Xb.shape[0]
                        if self._initial_loss is None:
                            self._initial_loss = batch_loss
                self.n_iter_ += 1
                self.t_ += n_samples
                # As in scikit-learn, each batch's loss carries alpha/2 ||W||^2 / n_batch,
                # so the epoch's loss carries n_batches * alpha/2 ||W||^2 / n. It is taken
                # at the epoch's final weights: one pass over them, not one per batch.
                self.loss_ = accumulated / n_samples + n_batches * self._penalty(weight_total)
                problem = self._divergence()
                if problem:
                    raise TrainingDivergedError(
                        f"training diverged in epoch {self.n_iter_}: {problem}. Try a smaller "
                        f"learning_rate_init than {self.learning_rate_init:g} (or scale the "
                        "input features); the weights were restored to where this call to "
                        "fit started."
                    )
                self.loss_curve_.append(self.loss_)
                if validation is not None:
                    self._record_validation(validation)
                self._update_no_improvement_count(validation is not None)
                if progress is not None:
                    progress.update(1)
                    progress.set_postfix(self._progress_fields(), refresh=False)
                if self.solver == "sgd" and self.learning_rate == "invscaling":
                    optimizer.learning_rate = (
                        self.learning_rate_init / (self.t_ + 1) ** self.power_t
                    )
                if self._no_improvement_count > self.n_iter_no_change:
                    if self._stop_or_slow_down(optimizer):
                        break
                    self._no_improvement_count = 0
                if incremental:
                    break
                if self.n_iter_ == self.max_iter:
                    warnings.warn(
                        f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) reached "
                        "and the optimization hasn't converged yet.",
                        ConvergenceWarning,
                        stacklevel=3,
                    )
        finally:
            if progress is not None:
                progress.close()
        if self.early_stopping and validation is not None:
            self._set_weights(*self._best_weights)

    def _divergence(self) -> str | None:
        """What says this epoch diverged, or None.

        Non-finite loss or weights, or a loss grown a million times above the
        untrained network's (Adam's steps are bounded by its learning rate, so
        with a huge one the loss explodes without ever overflowing).
        """
        if not math.isfinite(self.loss_) or not self._weights_finite():
            return f"the loss became {self.loss_}"
        if self._initial_loss and self.loss_ > DIVERGED_GROWTH * self._initial_loss:
            return f"the loss grew from {self._initial_loss:.3g} to {self.loss_:.3g}"
        return None

    def _split_validation(self, X, Y, sample_weight):
        """Hold out validation_fraction, stratified for single-label classification."""
        stratify = self._stratify_labels(Y)
        arrays = [X, Y] if sample_weight is None else [X, Y, sample_weight]
        parts = train_test_split(
            *arrays,
            test_size=self.validation_fraction,
            stratify=stratify,
            random_state=self._random_state,
        )
        X_train, X_val, Y_train, Y_val = parts[:4]
        w_train, w_val = (parts[4], parts[5]) if sample_weight is not None else (None, None)
        if X_val.shape[0] < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' or the size "
                "of your dataset."
            )
        return (X_val, Y_val, self._decode(Y_val), w_val), X_train, Y_train, w_train

    def _record_validation(self, validation):
        X_val, Y_val, y_val, w_val = validation
        out = self._network.forward(X_val)
        self.validation_loss_curve_.append(self._loss.value(Y_val, out, w_val))
        predictions = ACTIVATIONS[self.out_activation_].value(out, out=out)
        score = self._score_predictions(y_val, predictions, w_val)
        self.validation_scores_.append(score)
        improved_enough = score >= self.best_validation_score_ + self.tol
        if score > self.best_validation_score_:
            self.best_validation_score_ = score
            if self.early_stopping:
                self._best_weights = self._weights_copy()
        self._validation_improved = improved_enough

    def _update_no_improvement_count(self, has_validation):
        if self.early_stopping and has_validation:
            improved = self._validation_improved
        else:
            improved = self.loss_curve_[-1] <= self.best_loss_ - self.tol
            self.best_loss_ = min(self.best_loss_, self.loss_curve_[-1])
        self._no_improvement_count = 0 if improved else self._no_improvement_count + 1

    def _stop_or_slow_down(self, optimizer) -> bool:
        """scikit-learn's rule: 'adaptive' SGD divides the rate by 5 until it is
        below 1e-6; everything else stops."""
        what = "Validation score" if self.early_stopping else "Training loss"
        message = (
            f"{what} did not improve more than tol={self.tol:f} for "
            f"{self.n_iter_no_change} consecutive epochs."
        )
        if self.solver == "sgd" and self.learning_rate == "adaptive":
            if optimizer.learning_rate > 1e-6:
                optimizer.learning_rate /= 5.0
                if self.verbose:
                    print(f"{message} Setting learning rate to {optimizer.learning_rate:f}")
                return False
            message += " Learning rate too small."
        if self.verbose:
            print(f"{message} Stopping.")
        return True

    # -------------------------------------------------------------- progress
    def _progress_bar(self, total):
        """A tqdm bar (terminal or notebook) when verbose; None, and no cost, otherwise."""
        if not self.verbose:
            return None
        from tqdm.auto import tqdm

        return tqdm(total=total, desc=type(self).__name__, unit="epoch", leave=True)

    def _progress_fields(self) -> dict:
        fields = {"loss": f"{self.loss_:.5f}"}
        if self.validation_scores_:
            fields["val_score"] = f"{self.validation_scores_[-1]:.4f}"
        return fields

    # --------------------------------------------------------------- helpers
    def _validate_X_y(self, X, y, first_pass, **kwargs):
        if not first_pass and self._plainly_valid(X, y):
            return X, y
        return validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            dtype=(np.float64, np.float32),
            reset=first_pass,
            **kwargs,
        )

    def _plainly_valid(self, X, y) -> bool:
        """Whether ``X, y`` are, at a glance, what validate_data would return
        unchanged on a later call: float arrays of the fitted width, finite,
        without feature names on either side. partial_fit on a small batch
        then skips the general checks, which take longer than its epoch; any
        doubt takes the general path, and with it scikit-learn's messages.
        """
        return (
            type(X) is np.ndarray
            and type(y) is np.ndarray
            and X.ndim == 2
            and X.dtype in (np.float32, np.float64)
            and (y.ndim == 1 or (y.ndim == 2 and y.shape[1] >= 1))
            and y.dtype.kind in "iufU"
            and 0 < X.shape[0] == y.shape[0]
            and X.shape[1] == getattr(self, "n_features_in_", -1)
            and not hasattr(self, "feature_names_in_")
            and bool(np.isfinite(X.sum()))
            and (y.dtype.kind != "f" or bool(np.isfinite(y.sum())))
        )

    def _check_weights(self, sample_weight, X):
        if sample_weight is None:
            return None
        sample_weight = _check_sample_weight(sample_weight, X, dtype=X.dtype)
        if np.any(sample_weight < 0):
            raise ValueError("sample_weight must be non-negative")
        if not np.sum(sample_weight) > 0:
            raise ValueError("sample_weight sums to zero: at least one sample needs weight")
        return sample_weight

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


class _BatchSampler:
    """Yields the mini-batches of one epoch, in a new random order when shuffling.

    Dense batches are gathered with ``np.take`` into buffers allocated once,
    instead of a fresh fancy-indexed copy per batch.
    """

    def __init__(self, X, Y, sample_weight, batch_size, shuffle, rng):
        self.X, self.Y, self.w = X, Y, sample_weight
        self.batch_size, self.shuffle, self.rng = batch_size, shuffle, rng
        self.order = np.arange(X.shape[0])
        self.dense = not sp.issparse(X)
        if self.dense and shuffle:
            self.X_buffer = np.empty((batch_size, X.shape[1]), dtype=X.dtype)
            self.Y_buffer = np.empty((batch_size, Y.shape[1]), dtype=Y.dtype)

    def epoch(self):
        n = self.X.shape[0]
        if not self.shuffle:
            for start in range(0, n, self.batch_size):
                stop = min(start + self.batch_size, n)
                w = None if self.w is None else self.w[start:stop]
                yield self.X[start:stop], self.Y[start:stop], w
            return
        self.rng.shuffle(self.order)
        for start in range(0, n, self.batch_size):
            idx = self.order[start : start + self.batch_size]
            m = idx.shape[0]
            if self.dense:
                # mode="clip" skips a bounds check per index (a permutation is in
                # bounds): a third of the cost of gathering a batch.
                Xb = np.take(self.X, idx, axis=0, out=self.X_buffer[:m], mode="clip")
                Yb = np.take(self.Y, idx, axis=0, out=self.Y_buffer[:m], mode="clip")
            else:
                Xb, Yb = self.X[idx], self.Y[idx]
            yield Xb, Yb, (None if self.w is None else self.w[idx])
