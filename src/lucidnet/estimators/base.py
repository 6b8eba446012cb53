"""What every network estimator shares: the training parameters, validation,
the mini-batch training loop (SGD or Adam) with early stopping, progress and
the divergence check, and prediction through the network.

The flow of one ``fit``: validate -> build the network (each estimator
family says how: :mod:`~lucidnet.estimators.mlp`,
:mod:`~lucidnet.estimators.convnet`) -> for each epoch, for each mini-batch,
the :class:`~lucidnet.estimators.objective.Objective`'s loss and gradients,
then the optimizer's step -> epoch bookkeeping (loss curve, validation,
learning-rate schedule, stopping). The network ends in the output layer's
raw values; the output activation (softmax, logistic, exp or identity) turns
them into predictions. What the targets are (labels or numbers) comes from
:mod:`~lucidnet.estimators.targets`.

Every step follows scikit-learn's MLP: the same random draws, the same
function minimized, rounded the same way, the same stopping rules (NaN
comparisons included), so the same ``random_state`` gives the same model.
"""

from __future__ import annotations

import math
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn import config_context
from sklearn.base import BaseEstimator, is_classifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import assert_all_finite, check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from ..engine.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS
from ..engine.layers import Dense
from ..engine.network import NonFiniteInput
from ..engine.optimizers import SGD, Adam, lbfgs
from ..engine.schedules import CosineSchedule, ReduceOnPlateau
from ..exceptions import TrainingDivergedError
from .batches import BatchSampler, ChunkedBatches
from .memory import check_training_memory
from .objective import LOSS_VALUES, Objective

STOCHASTIC_SOLVERS = ("sgd", "adam")
# The learning_rate values of lucidnet's own (the others are scikit-learn's, in its code).
SCHEDULES = {"plateau": ReduceOnPlateau, "cosine": CosineSchedule}
DIVERGED_GROWTH = 1e6  # an epoch loss this many times the untrained one means divergence
NON_FINITE_WEIGHTS = (  # scikit-learn's sentence, kept so code that matches on it still does
    "Solver produced non-finite parameter weights. The input data may contain large values "
    "and need to be preprocessed."
)
# The HTML repr's "?" opens the estimator's page of the API reference on Read the
# Docs (docs/api/index.rst: estimators are documented as lucidnet.X), in the
# documentation of the version the estimator comes from (see docs_version).
DOCS_URL = (
    "https://lucidnet.readthedocs.io/en/{version}/api/generated/lucidnet.{estimator_name}.html"
)
INTERRUPTED = "Training interrupted by user."  # scikit-learn's warning on Ctrl-C in fit

_TRAINING_PARAMETERS = """
    alpha : float, default=0.0001
        Strength of the L2 penalty on the weights (not the biases).
    batch_size : int or 'auto', default={batch_size}
        Mini-batch size for the stochastic solvers; 'auto' is {auto_batch_size}.
    learning_rate : {{learning_rate_options}}, \
default={learning_rate}
        The learning-rate schedule.{auto_learning_rate} 'constant', 'invscaling'
        and 'adaptive' are scikit-learn's, for 'sgd' only ('adam' keeps
        ``learning_rate_init`` with them): 'constant';
        'invscaling', ``learning_rate_init / (t + 1) ** power_t`` after each
        epoch; 'adaptive', the rate divided by 5 whenever training would stop
        (no improvement of ``tol`` for ``n_iter_no_change`` epochs), stopping
        once it is below 1e-6. The last two are for 'sgd' and 'adam':
        'plateau' multiplies the rate by ``learning_rate_factor`` whenever
        training would stop (on the training loss, or the validation score with
        early stopping), never going below ``learning_rate_min``, and stops
        when the rate is there; 'cosine' lowers it from ``learning_rate_init``
        to ``learning_rate_min`` along half a cosine over the ``max_iter``
        epochs (``n_iter_no_change`` still stops training). The rate of each
        epoch is in ``learning_rate_curve_``.
    learning_rate_init : float, default=0.001
        The initial learning rate ('sgd' and 'adam').
    power_t : float, default=0.5
        Exponent of 'invscaling': rate = learning_rate_init / (t + 1) ** power_t.
    learning_rate_factor : float, default=0.5
        What 'plateau' multiplies the rate by, in (0, 1).
    learning_rate_min : float, default=1e-6
        The lowest rate of 'plateau', and the last epoch's rate of 'cosine'
        (at most ``learning_rate_init``).
    max_iter : int, default={max_iter}
        Epochs for 'sgd' and 'adam', iterations for 'lbfgs'. A Ctrl-C
        (KeyboardInterrupt) during the epochs of 'sgd' or 'adam' ends training
        there, as in scikit-learn: ``fit`` warns "Training interrupted by
        user." (a UserWarning) and returns the model as trained so far (with
        early_stopping, its best weights so far). To stop instead, turn the
        warning into an error or look for it; the ``lucidnet`` command does.
    shuffle : bool, default=True
        Shuffle the samples before each epoch ('sgd' and 'adam').
    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights, the shuffling, the validation split and the
        dropout and noise masks: the same seed gives the same model.
    tol : float, default=1e-4
        Training stops when the loss (or the validation score, with early
        stopping) has not improved by at least ``tol`` for
        ``n_iter_no_change`` epochs.
    verbose : bool, default=False
        Print scikit-learn's progress lines on stdout (``Iteration N, loss =
        ...``, the validation score, why training stopped).
    warm_start : bool, default=False
        Start ``fit`` from the weights of the previous call instead of new ones.
    momentum : float, default=0.9
        Momentum of the 'sgd' solver, in [0, 1].
    nesterovs_momentum : bool, default=True
        Nesterov's momentum for 'sgd' (with momentum > 0).
    early_stopping : bool, default=False
        Stop when the validation score stops improving and restore the best
        weights. The validation set is ``X_val, y_val`` when given to ``fit``,
        else a ``validation_fraction`` split of the training data (stratified
        for binary classification, as in scikit-learn).
    validation_fraction : float, default=0.1
        The share of the training data set aside for early stopping, when no
        ``X_val`` is given.
    beta_1, beta_2, epsilon : float, default=0.9, 0.999, 1e-8
        Adam's settings.
    n_iter_no_change : int, default={n_iter_no_change}
        Epochs without an improvement of ``tol`` before training stops.
    dropout : float or list of float, default=0.0
        Inverted dropout after each hidden dense layer: one rate, or one per
        layer ('sgd' and 'adam' only).
    progress_bar : bool, default=False
        Show a tqdm progress bar (epoch, loss, validation score) while training,
        on a terminal or in a notebook.
"""


def docs_version(version: str) -> str:
    """The Read the Docs version whose pages document lucidnet ``version``.

    A release ("0.1.0", "0.2.0rc1") is built by Read the Docs from its git tag,
    named as the version, so its pages stay those of the code a user has. A
    development version ("0.2.0.dev0", or a local one, "0.1.0+g1234") has no tag
    and no pages of its own: "latest", built from the main branch, is nearest.
    """
    return "latest" if "dev" in version or "+" in version else version


def initializer(name: str, rng) -> str:
    """The initializer ``name``, or 'empty' without a generator (``rng=None``):
    a model file fills in every weight, so none is drawn first."""
    return "empty" if rng is None else name


def layer_rng(rng) -> np.random.Generator:
    """A generator for a layer's random masks (dropout, noise), seeded from
    ``rng`` as fit draws it (a fresh one when ``rng`` is None)."""
    return np.random.default_rng(None if rng is None else rng.randint(np.iinfo(np.int32).max))


def stochastic_solver_only(estimator) -> bool:
    """``available_if`` check of ``partial_fit``: one epoch exists for 'sgd' and
    'adam' only; 'lbfgs' has no epochs, its every call a whole fit. Raises
    scikit-learn's MLPClassifier's error, so ``hasattr`` says False as there."""
    if estimator.solver not in STOCHASTIC_SOLVERS:
        raise AttributeError(
            f"partial_fit is only available for stochastic optimizers. {estimator.solver} is "
            "not stochastic."
        )
    return True


def training_parameters_doc(
    batch_size="'auto'",
    max_iter=200,
    n_iter_no_change=10,
    auto_batch_size="min(200, n_samples)",
    learning_rate="'constant'",
    auto_learning_rate="",
) -> str:
    """The training parameters' documentation, with an estimator's defaults
    (``auto_learning_rate``: what ``learning_rate='auto'`` means, where it exists)."""
    options = ["'constant'", "'invscaling'", "'adaptive'", "'plateau'", "'cosine'"]
    values = {
        "batch_size": batch_size,
        "max_iter": max_iter,
        "n_iter_no_change": n_iter_no_change,
        "auto_batch_size": auto_batch_size,
        "learning_rate_options": ", ".join((["'auto'"] if auto_learning_rate else []) + options),
        "learning_rate": learning_rate,
        "auto_learning_rate": auto_learning_rate,
    }
    text = _TRAINING_PARAMETERS
    for name, value in values.items():
        text = text.replace("{" + name + "}", str(value))
    return text


TRAINING_PARAMETERS = training_parameters_doc()

# The parameter of the estimators that train in float32 unless told otherwise.
DTYPE_PARAMETER = """    dtype : {'float32', 'float64'}, default='float32'
        The dtype of the weights, and of training: ``X`` is converted to it.
        float32 trains about twice as fast as float64, with the same accuracy
        on images and signals; 'float64' on request. Predictions on float64
        input are computed in float64 (as scikit-learn computes a float32
        model's). Model files keep it. (The MLPs have no such parameter: as
        scikit-learn's, they train in float32 when ``X`` is float32, else in float64.)
"""


def small_data_batch_size(n_samples: int, largest: int) -> int:
    """'auto' batches of the convolutional networks and autoencoders: a tenth
    of the samples, at least 16 and at most ``largest`` (and never more than
    there are), so that small training sets take several steps per epoch
    (ten, down to 16-sample batches) where min(200, n) takes one."""
    return min(n_samples, max(16, min(n_samples // 10, largest)))


TRAINING_ATTRIBUTES = """
    loss_ : numpy float
        The loss at the end of training, with the L2 term ('sgd', 'adam': the
        mean of the epoch's batch losses, each at the weights before its update).
    best_loss_ : float or None
        The lowest epoch loss ('sgd' and 'adam' only; None with early stopping).
    loss_curve_ : list of float, length ``n_iter_``
        The loss after each epoch ('sgd' and 'adam' only).
    learning_rate_curve_ : list of float
        The learning rate of each epoch, one per entry of ``loss_curve_``
        ('sgd' and 'adam' only; see ``learning_rate``).
    validation_scores_ : list of float or None
        Score on the validation data after each epoch, when there is some
        ('sgd' and 'adam' only).
    validation_loss_curve_ : list of float or None
        Loss (without the L2 term) on the validation data after each epoch.
    best_validation_score_ : float or None
        ('sgd' and 'adam' only).
    t_ : int
        Number of training samples seen.
    n_features_in_ : int
        Number of features seen by fit.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Only when X has string column names.
    n_iter_ : int
        Epochs ('sgd', 'adam') or iterations ('lbfgs') of the last fit.
    n_outputs_ : int
        Number of outputs of the network.
    out_activation_ : str
        The output layer's activation: 'softmax', 'logistic', 'identity' or 'exp'.
"""


class BaseNetworkEstimator(BaseEstimator):
    """Shared implementation of lucidnet's estimators; not to be used directly.

    A subclass says how to build its network (``_build_network``) and may
    shape the input (``_shape_input``); a targets mixin
    (:mod:`~lucidnet.estimators.targets`) says what the outputs mean.
    """

    # The HTML repr's "?" links to lucidnet's documentation, as scikit-learn's to its own.
    _doc_link_module = "lucidnet"
    # What early stopping follows on the validation data: "score", scikit-learn's
    # rule (accuracy, R^2), or "loss", minus the validation loss (the command's
    # classifiers: accuracy on a few dozen rows stays level for many epochs).
    # Private, not a parameter; ``validation_scores_`` hold the scores either way,
    # and ``best_validation_score_`` the score of the epoch whose weights are kept.
    _validation_metric = "score"

    def _doc_link_url_param_generator(self):
        # scikit-learn formats _doc_link_template with these parameters only.
        from .._version import __version__

        return {"version": docs_version(__version__), "estimator_name": type(self).__name__}

    _doc_link_template = DOCS_URL

    # The parameters that shape the network: warm_start and partial_fit go on
    # training the network they made, so a change to them is refused, not ignored.
    _architecture: tuple[str, ...] = ()

    _parameter_constraints: dict = {
        "activation": [StrOptions(set(HIDDEN_ACTIVATIONS)), list, tuple],
        "solver": [StrOptions(set(STOCHASTIC_SOLVERS))],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive", "plateau", "cosine"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "learning_rate_factor": [Interval(Real, 0, 1, closed="neither")],
        "learning_rate_min": [Interval(Real, 0, None, closed="left")],
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
        "dropout": [Interval(Real, 0, 1, closed="left"), list, tuple],
        "progress_bar": ["boolean"],
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

    def _per_layer(self, name, value, n_layers, valid, what="hidden layers") -> list:
        """Expand one setting, or check a list with one per layer."""
        values = list(value) if isinstance(value, (list, tuple)) else [value] * n_layers
        if len(values) != n_layers:
            raise ValueError(
                f"{name} has {len(values)} entries but there are {n_layers} {what}; give one "
                f"{name} or one per {what[:-1]}."
            )
        for v in values:
            if not valid(v):
                raise ValueError(f"invalid {name} {v!r} in {value!r}")
        return values

    def _dropout_rates(self, n_layers) -> list[float]:
        return self._per_layer(
            "dropout",
            self.dropout,
            n_layers,
            lambda r: isinstance(r, Real) and not isinstance(r, bool) and 0 <= r < 1,
        )

    # ---------------------------------------------------------------- weights
    @property
    def network_(self):
        """The :class:`lucidnet.engine.Sequential` this estimator trained: its
        layers, their weights (``network_.layers[0].W.value``) and shapes, to read
        or to run piece by piece. Changing its arrays changes the model.

        Raises AttributeError before the estimator is fitted, as every fitted
        attribute does.
        """
        if not self._is_initialized():
            raise AttributeError(
                f"{type(self).__name__} has no network_ yet: call fit or partial_fit first"
            )
        self._sync_network()
        return self._network

    def _is_initialized(self) -> bool:
        return hasattr(self, "_network")

    def _sync_network(self) -> None:
        """Bring the network in line with the fitted attributes (a hook: the
        MLPs follow ``coefs_`` assigned by hand)."""

    def _weights_copy(self) -> list[np.ndarray]:
        """Copies of everything that makes the model: parameters and running statistics."""
        return [a.copy() for a in self._network.state_arrays()]

    def _restore(self, copies) -> None:
        for array, copy in zip(self._network.state_arrays(), copies):
            array[...] = copy

    def _weights_finite(self) -> bool:
        total = sum(float(np.sum(a)) for a in self._network.state_arrays())
        return math.isfinite(total)

    def _fold_output_scaling(self, scale, center) -> None:
        """Make the network predict ``raw * scale + center``: a model trained on a
        standardized target then predicts in the target's own units."""
        output = self._network.layers[-1]  # every estimator's network ends in a Dense layer
        output.W.value[...] *= scale
        output.b.value[...] = output.b.value * scale + center

    def _shape_input(self, X):
        """The validated 2-D ``X`` as the network takes it (a hook: convolutional
        networks reshape rows into images or signals)."""
        return X

    def _validated_X(self, X, ensure_all_finite=True):
        """``X`` for prediction, checked against what the model was fitted on."""
        X = validate_data(
            self, X, accept_sparse=["csr", "csc"], reset=False, ensure_all_finite=ensure_all_finite
        )
        return self._shape_input(X)

    # ------------------------------------------------------------- predicting
    def _forward(self, X) -> np.ndarray:
        """Predictions after the output activation: (n_samples, n_outputs).

        Computed in the wider of the input's and the weights' dtypes, as
        scikit-learn does (a float32 model predicts float64 inputs in float64).

        A dense ``X`` into a Dense first layer is checked for NaN and
        infinity on that layer's output, chunk by chunk while it is in cache
        (``Sequential.forward(check_finite=True)``), instead of by a pass over
        all of ``X`` first (10 ms of a 60,000 x 784 float32 predict's 95):
        a non-finite output sends ``X`` to scikit-learn's check, whose error
        names what is wrong; when ``X`` passes it (finite values whose
        products overflow), the prediction runs as scikit-learn's would.
        """
        check_is_fitted(self)
        if not isinstance(self._network.layers[0], Dense):
            return self._output(self._validated_X(X))
        X = self._validated_X(X, ensure_all_finite=False)
        if isinstance(X, np.ndarray):  # not sparse
            try:
                return self._output(X, check_finite=True)
            except NonFiniteInput:
                pass  # a NaN or an infinity in X, or finite values whose products overflow
        assert_all_finite(X, estimator_name=type(self).__name__, input_name="X")
        return self._output(X)

    def _output(self, X, check_finite=False) -> np.ndarray:
        """The network's output activation for an ``X`` already validated."""
        self._sync_network()
        out = self._network.forward(X, check_finite=check_finite)
        return ACTIVATIONS[self.out_activation_].value(out, out=out)

    def _objective(self) -> Objective:
        return Objective(self._network, self._loss_name, self.alpha)

    @property
    def _output_activation(self) -> str:
        """The activation whose output error ``p - y`` is the loss's gradient."""
        return LOSS_VALUES[self._loss_name][1]

    # ---------------------------------------------------------------- fitting
    def _fit(
        self, X, y, sample_weight=None, incremental=False, X_val=None, y_val=None, chunks=None
    ):
        self._validate_params_once(incremental)
        first_pass = not self._is_initialized() or (not self.warm_start and not incremental)
        X, Y, sample_weight = self._validate_training_data(
            X, y, sample_weight, incremental, first_pass
        )
        if not first_pass:
            self._sync_network()
            self._check_same_architecture()
            self._check_same_shape(X, Y)
            self._complete_training_record()
        validation = None
        if X_val is not None or y_val is not None:
            validation = self._validation_data(X_val, y_val)
        # A RandomState drawn as scikit-learn draws it, at every call: the initial
        # weights and the shuffling then follow the very same random stream, so
        # the same random_state starts both libraries from the same model.
        self._random_state = check_random_state(self.random_state)
        if first_pass:
            self._initialize(X, Y, None if chunks is None else chunks.n_samples)
        X = X.astype(self._network.dtype, copy=False)
        if validation is not None:  # scored in the dtype the model trains in
            validation = (validation[0].astype(self._network.dtype, copy=False), *validation[1:])
        if self.solver in STOCHASTIC_SOLVERS and (
            not incremental or getattr(self, "_optimizer", None) is None
        ):
            self._optimizer = self._make_optimizer()
            self._schedule = self._make_schedule()
        elif type(getattr(self, "_schedule", None)) is not SCHEDULES.get(
            self._learning_rate_name(), type(None)
        ):
            self._schedule = self._make_schedule()  # learning_rate changed between partial_fits

        start_weights = self._weights_copy()
        try:
            if self.solver == "lbfgs":
                self._fit_lbfgs(X, Y, sample_weight)
            elif chunks is not None:
                self._run_epochs(self._chunked_batches(chunks), incremental, validation)
            else:
                self._fit_stochastic(X, Y, sample_weight, incremental, validation)
            if not self._weights_finite():
                raise self._divergence_error("training", "the weights are not finite")
        except TrainingDivergedError:
            # Never leave a NaN model behind: the weights go back to where this call started.
            self._restore(start_weights)
            raise
        self._after_fit(X, Y)
        return self

    def _after_fit(self, X, Y) -> None:
        """A hook: what a fit ends with (the autoencoder measures its training error)."""

    def _training_dtype(self, X) -> np.dtype:
        """The dtype of the weights: the ``dtype`` parameter of the estimators
        that have one (convolutional networks, autoencoders), else ``X``'s, as
        scikit-learn's MLPs do (float32 X trains in float32, anything else in
        float64)."""
        dtype = getattr(self, "dtype", None)
        return X.dtype if dtype is None else np.dtype(dtype)

    def _initialize(self, X, Y, n_samples=None):
        """A new network and a fresh training record (what scikit-learn's
        ``_initialize`` sets, and only that: L-BFGS fits get no loss curve);
        ``n_samples``, when the rows to train on are more than ``X``'s."""
        dtype = self._training_dtype(X)
        n_samples = X.shape[0] if n_samples is None else n_samples
        check_training_memory(self, X.shape[1:], Y.shape[1], dtype, n_samples)
        self._network = self._build_network(X.shape[1:], Y.shape[1], dtype, self._random_state)
        self._network_built()
        self._fitted_architecture = self._architecture_now()
        self.n_outputs_ = Y.shape[1]
        self.out_activation_ = self._output_activation
        self.n_iter_ = 0
        self.t_ = 0
        self._optimizer = None
        self._best_weights = self._weights_copy()
        self._initial_loss = None
        self.validation_loss_curve_ = None
        if self.solver in STOCHASTIC_SOLVERS:
            self.loss_curve_ = []
            self.learning_rate_curve_ = []
            self._no_improvement_count = 0
            if self.early_stopping:
                self.validation_scores_ = []
                self.best_validation_score_ = -np.inf
                self._best_stopping_score = -np.inf
                self.best_loss_ = None
            else:
                self.best_loss_ = np.inf
                self.validation_scores_ = None
                self.best_validation_score_ = None

    def _complete_training_record(self) -> None:
        """Fill in what a model whose attributes were set by hand (as
        scikit-learn's users sometimes do) lacks to train on."""
        defaults = {"n_iter_": 0, "t_": 0, "_initial_loss": None, "_optimizer": None}
        defaults["validation_loss_curve_"] = None
        if self.solver in STOCHASTIC_SOLVERS:
            defaults.update(loss_curve_=[], _no_improvement_count=0, validation_scores_=None)
            defaults["learning_rate_curve_"] = []
            defaults.update(best_loss_=None if self.early_stopping else np.inf)
            defaults.update(best_validation_score_=-np.inf if self.early_stopping else None)
            defaults["_best_stopping_score"] = -np.inf
        for name, value in defaults.items():
            if not hasattr(self, name):
                setattr(self, name, value)
        if not hasattr(self, "_best_weights"):
            self._best_weights = self._weights_copy()
        if self.early_stopping and self.validation_scores_ is None:
            self.validation_scores_ = []

    def _network_built(self) -> None:
        """A hook called whenever ``_network`` is new (the MLPs expose its weights)."""

    def _architecture_now(self) -> dict:
        def plain(value):  # (8,), [8] and np.array([8]) make the same network
            if isinstance(value, (list, tuple, np.ndarray)):
                return tuple(plain(v) for v in value)
            return value

        return {name: plain(getattr(self, name)) for name in self._architecture}

    def _check_same_architecture(self) -> None:
        fitted = getattr(self, "_fitted_architecture", None)
        if fitted is None:
            return
        for name, value in self._architecture_now().items():
            if fitted.get(name, value) != value:
                raise ValueError(
                    f"{name} is {value!r}, but this {type(self).__name__} was fitted with "
                    f"{fitted[name]!r}; warm_start and partial_fit go on training the network "
                    "it has (set warm_start=False, or make a new estimator, to build another)."
                )

    def _check_same_shape(self, X, Y) -> None:
        name = type(self).__name__
        try:
            n_outputs = self._network.output_shape(X.shape[1:])[-1]
        except ValueError as problem:
            raise ValueError(
                f"X has samples of shape {X.shape[1:]}, which this {name}'s network cannot "
                f"take: {problem}"
            ) from None
        if Y.shape[1] != n_outputs:
            raise ValueError(
                f"y has {Y.shape[1]} output(s), but this {name} was fitted with "
                f"{n_outputs}; warm_start and partial_fit go on training the "
                "same outputs (set warm_start=False, or make a new estimator, to start over)."
            )

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

    def _learning_rate_name(self) -> str:
        """The learning_rate rule in use (a hook: what 'auto' means, where it exists)."""
        return self.learning_rate

    def _make_schedule(self):
        """The schedule of 'plateau' or 'cosine' (None for the others, which
        are scikit-learn's and follow its code), with a floor that is never
        above the initial rate."""
        low = min(self.learning_rate_min, self.learning_rate_init)
        if self._learning_rate_name() == "plateau":
            return ReduceOnPlateau(
                self.learning_rate_init,
                factor=self.learning_rate_factor,
                patience=self.n_iter_no_change,
                min_rate=low,
                tol=self.tol,
            )
        if self._learning_rate_name() == "cosine":
            return CosineSchedule(self.learning_rate_init, low, self.max_iter)
        return None

    def _validation_data(self, X_val, y_val):
        if X_val is None or y_val is None:
            raise ValueError("give both X_val and y_val, or neither")
        X_val, Y_val, _ = self._validate_training_data(
            X_val, y_val, None, True, False, validation=True
        )
        return X_val, Y_val, self._decode(Y_val), None

    def _fit_lbfgs(self, X, Y, sample_weight):
        if any(hasattr(layer, "rng") for layer in self._network.layers):
            raise ValueError(
                "dropout and noise need a stochastic solver ('adam' or 'sgd'): L-BFGS's line "
                "search assumes the same loss at every evaluation, which random masks break."
            )
        objective = self._objective()
        # scikit-learn's order in scipy's vector: every weight matrix, then every
        # bias. L-BFGS's inner products run over it, so the order decides the rounding.
        parameters = self._network.parameters()
        parameters = [p for p in parameters if p.regularize] + [
            p for p in parameters if not p.regularize
        ]
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            result = lbfgs(
                parameters,
                lambda: objective.loss_and_gradients(X, Y, sample_weight),
                max_iter=self.max_iter,
                max_fun=self.max_fun,
                tol=self.tol,
            )
        self._take_lbfgs_solution(result.x, parameters)
        self.n_iter_ = min(int(result.nit), self.max_iter)
        self.loss_ = result.fun
        if not np.isfinite(result.fun):
            raise self._divergence_error(
                f"L-BFGS iteration {self.n_iter_}", f"the loss became {result.fun}"
            )
        if result.status != 0:
            message = (
                f"lbfgs failed to converge after {self.n_iter_} iteration(s) "
                f"(status={result.status}):\n{result.message}\n"
            )
            if self.n_iter_ == self.max_iter:
                message += (
                    "\nIncrease the number of iterations to improve the convergence "
                    f"(max_iter={self.max_iter})."
                )
            message += "\nYou might also want to scale the data."
            warnings.warn(message, ConvergenceWarning, stacklevel=4)

    def _take_lbfgs_solution(self, x, parameters) -> None:
        """A hook: the parameters hold scipy's solution, rounded to their dtype."""

    def _auto_batch_size(self, n_samples) -> int:
        """What ``batch_size='auto'`` means (a hook): scikit-learn's min(200, n)."""
        return min(200, n_samples)

    def _batch_size(self, n_samples) -> int:
        if self.batch_size == "auto":
            return self._auto_batch_size(n_samples)
        if self.batch_size > n_samples:
            warnings.warn(
                "Got `batch_size` less than 1 or larger than sample size. It is going to be "
                "clipped",
                stacklevel=5,
            )
        return int(np.clip(self.batch_size, 1, n_samples))

    def _fit_stochastic(self, X, Y, sample_weight, incremental, validation):
        if self.early_stopping and incremental:
            raise ValueError("partial_fit does not support early_stopping=True")
        if self.early_stopping and validation is None:
            validation, X, Y, sample_weight = self._split_validation(X, Y, sample_weight)
        batches = BatchSampler(
            X, Y, sample_weight, self._batch_size(X.shape[0]), self.shuffle, self._random_state
        )
        self._run_epochs(batches, incremental, validation)

    def _chunked_batches(self, chunks) -> ChunkedBatches:
        """Mini-batches of rows read chunk by chunk (see ``_fit_chunks``), each
        chunk's labels encoded as partial_fit encodes a batch's."""
        dtype = self._network.dtype

        def encode(X, y):
            X, Y, _ = self._validate_training_data(X, y, None, True, False)
            return X.astype(dtype, copy=False), Y, None

        batch_size = self._batch_size(chunks.n_samples)
        return ChunkedBatches(chunks, encode, batch_size, self.shuffle, self._random_state)

    def _fit_chunks(self, chunks, X_first, y_first, X_val, y_val):
        """``fit`` on rows that do not fit in memory, read chunk by chunk.

        ``chunks`` has ``n_chunks``, ``n_samples`` (rows in all chunks) and
        ``read(i) -> (X, y)``; each epoch reads every chunk once, in a new
        random order, and shuffles its rows (:class:`ChunkedBatches`).
        ``X_first, y_first`` are a few rows holding every class: they build the
        network and the label encoding, as ``fit`` builds them from all rows.
        ``X_val, y_val`` (in memory) are scored after every epoch, for early
        stopping. Everything else is ``fit``'s own loop: schedules, early
        stopping, the training record, divergence checks, the progress bar.
        """
        if self.solver == "lbfgs":  # its line searches take every row at each step
            raise ValueError("solver='lbfgs' needs every row at once; train on chunks with "
                             "'adam' or 'sgd'")  # fmt: skip
        if self.early_stopping and X_val is None:
            raise ValueError("early stopping on chunks needs X_val and y_val")
        return self._fit(X_first, y_first, None, False, X_val, y_val, chunks=chunks)

    def _run_epochs(self, batches, incremental, validation):
        """The stochastic solvers' epochs over ``batches`` (``epoch()`` yields
        the mini-batches of one epoch; ``n_samples`` is how many rows that is)."""
        if validation is not None:
            if getattr(self, "validation_scores_", None) is None:
                self.validation_scores_ = []
                self.best_validation_score_ = -np.inf
                self._best_stopping_score = -np.inf
            if self.validation_loss_curve_ is None:
                self.validation_loss_curve_ = []
        n_samples = batches.n_samples
        optimizer, objective = self._optimizer, self._objective()
        epochs = 1 if incremental else self.max_iter
        rule = self._learning_rate_name()
        progress = self._progress_bar(epochs)
        reached_max_iter = False
        try:
            self.n_iter_ = 0  # epochs of this call, as in scikit-learn (t_ keeps counting)
            for _ in range(epochs):
                if rule == "cosine":  # over the epochs of a fit, or partial_fits
                    epoch = len(self.loss_curve_) if incremental else self.n_iter_
                    optimizer.learning_rate = self._schedule.rate(epoch)
                rate = optimizer.learning_rate
                accumulated_loss = 0.0
                with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                    for Xb, Yb, wb in batches.epoch():
                        batch_loss, finish = objective.loss_and_gradients(Xb, Yb, wb, False)
                        optimizer.step(finish)
                        accumulated_loss += batch_loss * Xb.shape[0]
                        if self._initial_loss is None:
                            self._initial_loss = float(batch_loss)
                self.n_iter_ += 1
                self.loss_ = accumulated_loss / n_samples
                self.t_ += n_samples
                self._check_divergence()
                self.loss_curve_.append(self.loss_)
                self.learning_rate_curve_.append(rate)
                if self.verbose:
                    print(f"Iteration {self.n_iter_}, loss = {self.loss_:.8f}")
                if validation is not None:
                    self._record_validation(validation, objective)
                self._update_no_improvement_count()
                if progress is not None:
                    progress.update(1)
                    progress.set_postfix(self._progress_fields(), refresh=False)
                if self.solver == "sgd" and rule == "invscaling":
                    optimizer.learning_rate = (
                        float(self.learning_rate_init) / (self.t_ + 1) ** self.power_t
                    )
                if self._no_improvement_count > self.n_iter_no_change:
                    if self._stop_or_slow_down(optimizer):
                        break
                    self._no_improvement_count = 0
                if incremental:
                    break
                reached_max_iter = self.n_iter_ == self.max_iter
        except KeyboardInterrupt:
            warnings.warn(INTERRUPTED, stacklevel=5)
        finally:
            if progress is not None:
                progress.close()  # before any warning, so that it never breaks the bar's line
        if reached_max_iter:
            warnings.warn(
                f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) reached and the "
                "optimization hasn't converged yet.",
                ConvergenceWarning,
                stacklevel=5,
            )
        if self.early_stopping:
            if self._never_scored():
                raise self._divergence_error("every epoch", "no validation score was finite")
            self._restore(self._best_weights)

    def _never_scored(self) -> bool:
        """Whether every epoch's validation figure was NaN: the best weights are
        then the untrained ones, and the loss is not finite (scikit-learn returns
        that network silently; here it is a divergence)."""
        curve = (
            self.validation_loss_curve_
            if self._validation_metric == "loss"
            else self.validation_scores_
        )
        return bool(curve) and not np.isfinite(np.asarray(curve, dtype=float)).any()

    def _check_divergence(self) -> None:
        """Raise when this epoch diverged: a non-finite loss or weights, or a loss
        grown a million times above the untrained network's (Adam's steps are
        bounded by its learning rate, so with a huge one the loss explodes
        without ever overflowing).

        Not with early stopping: there, as in scikit-learn, training goes on
        (diverged epochs score NaN and do not count as improvements) and ends
        with the weights of the best validation score, which are finite.
        """
        if self.early_stopping:
            return
        if not math.isfinite(self.loss_) or not self._weights_finite():
            raise self._divergence_error(f"epoch {self.n_iter_}", f"the loss became {self.loss_}")
        if self._initial_loss and self.loss_ > DIVERGED_GROWTH * self._initial_loss:
            raise self._divergence_error(
                f"epoch {self.n_iter_}",
                f"the loss grew from {self._initial_loss:.3g} to {self.loss_:.3g}",
            )

    def _divergence_error(self, where, problem) -> TrainingDivergedError:
        sentence = "" if self._weights_finite() else NON_FINITE_WEIGHTS + " "
        advice = (
            f"Try a smaller learning_rate_init than {self.learning_rate_init:g} (or scale the "
            "input features)"
            if self.solver in STOCHASTIC_SOLVERS
            else "Scale the input features or raise alpha"
        )
        return TrainingDivergedError(
            f"{sentence}Training diverged in {where}: {problem}. {advice}; the weights were "
            "restored to where this call to fit started."
        )

    def _split_validation(self, X, Y, sample_weight):
        """Hold out ``validation_fraction`` as scikit-learn does: stratified on the
        encoded target when there is a single output (binary classification),
        else not (multiclass, multilabel, regression)."""
        from sklearn.model_selection import train_test_split  # slow to import: when needed

        stratify = Y if is_classifier(self) and self.n_outputs_ == 1 else None
        arrays = [X, Y] if sample_weight is None else [X, Y, sample_weight]
        # Without train_test_split's own parameter checks, as inside scikit-learn's
        # fit, so that a bad validation_fraction gets scikit-learn's message.
        with config_context(skip_parameter_validation=True):
            parts = train_test_split(
                *arrays,
                random_state=self._random_state,
                test_size=self.validation_fraction,
                stratify=stratify,
            )
        X_train, X_val, Y_train, Y_val = parts[:4]
        w_train, w_val = (parts[4], parts[5]) if sample_weight is not None else (None, None)
        if X_val.shape[0] < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' or the size "
                "of your dataset."
            )
        return (X_val, Y_val, self._decode(Y_val), w_val), X_train, Y_train, w_train

    def _record_validation(self, validation, objective):
        X_val, Y_val, y_val, w_val = validation
        P = objective.predict(X_val)
        self.validation_loss_curve_.append(float(objective.value(Y_val, P, w_val)))
        predictions = self._decode_predictions(P)
        if np.issubdtype(predictions.dtype, np.floating) and not np.isfinite(predictions).all():
            score = np.nan
        else:
            score = self._score_predictions(y_val, predictions, w_val)
        self.validation_scores_.append(score)
        if self.verbose:
            print(f"Validation score: {score:f}")

    def _update_no_improvement_count(self):
        """scikit-learn's rule, word for word (a NaN counts as no worse, as there)."""
        if self.early_stopping:
            by_loss = self._validation_metric == "loss"
            score = -self.validation_loss_curve_[-1] if by_loss else self.validation_scores_[-1]
            best = self._best_stopping_score if by_loss else self.best_validation_score_
            if score < best + self.tol:
                self._no_improvement_count += 1
            else:
                self._no_improvement_count = 0
            if score > best:
                self._best_stopping_score = score
                self.best_validation_score_ = self.validation_scores_[-1]
                self._best_weights = self._weights_copy()
            return
        if self.validation_scores_ and self.validation_scores_[-1] > self.best_validation_score_:
            self.best_validation_score_ = self.validation_scores_[-1]
        if self.best_loss_ is None:  # a warm start after early stopping (scikit-learn fails)
            self.best_loss_ = np.inf
        if self.loss_curve_[-1] > self.best_loss_ - self.tol:
            self._no_improvement_count += 1
        else:
            self._no_improvement_count = 0
        if self.loss_curve_[-1] < self.best_loss_:
            self.best_loss_ = self.loss_curve_[-1]

    def _stop_or_slow_down(self, optimizer) -> bool:
        """scikit-learn's rule: 'adaptive' SGD divides the rate by 5 until it is
        below 1e-6; everything else stops. 'plateau' (both solvers) multiplies
        it by ``learning_rate_factor`` until it is at ``learning_rate_min``."""
        what = "Validation score" if self.early_stopping else "Training loss"
        message = (
            f"{what} did not improve more than tol={self.tol:f} for "
            f"{self.n_iter_no_change} consecutive epochs."
        )
        if self.solver == "sgd" and self._learning_rate_name() == "adaptive":
            if optimizer.learning_rate > 1e-6:
                optimizer.learning_rate /= 5.0
                if self.verbose:
                    print(f"{message} Setting learning rate to {optimizer.learning_rate:f}")
                return False
            message += " Learning rate too small."
        if self._learning_rate_name() == "plateau":
            if self._schedule.reduce():
                optimizer.learning_rate = self._schedule.learning_rate
                if self.verbose:
                    print(f"{message} Setting learning rate to {optimizer.learning_rate:g}")
                return False
            message += " Learning rate at learning_rate_min."
        if self.verbose:
            print(f"{message} Stopping.")
        return True

    # -------------------------------------------------------------- progress
    def _progress_bar(self, total):
        """A tqdm bar (terminal or notebook) with ``progress_bar=True``; None, and no
        cost, otherwise."""
        if not self.progress_bar:
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
        sample_weight = _check_sample_weight(sample_weight, X)  # float64 stays float64
        if np.any(sample_weight < 0):
            raise ValueError("sample_weight must be non-negative")
        if not np.sum(sample_weight) > 0:
            raise ValueError("sample_weight sums to zero: at least one sample needs weight")
        return sample_weight

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
