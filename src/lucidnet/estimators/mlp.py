"""scikit-learn estimators: drop-ins for ``sklearn.neural_network``'s MLPs.

Same parameters, defaults, fitted attributes and methods as scikit-learn 1.9's
``MLPClassifier`` and ``MLPRegressor``, plus (all off by default): ``dropout``,
per-layer and extra ``activation`` names, ``class_weight``, validation data of
your own (``fit(..., X_val=, y_val=)``), a progress bar (``progress_bar=True``),
and a clear error instead of a silently diverged model.
"""

from __future__ import annotations

import math
from numbers import Real

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.metrics import accuracy_score, r2_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import type_of_target, unique_labels
from sklearn.utils.validation import column_or_1d

from .base import STOCHASTIC_SOLVERS, BaseMLP

__all__ = ["MLPClassifier", "MLPRegressor"]


def _stochastic_solver(estimator) -> bool:
    """partial_fit exists only for 'sgd' and 'adam' (as in scikit-learn)."""
    if estimator.solver not in STOCHASTIC_SOLVERS:
        raise AttributeError(
            f"partial_fit is only available for stochastic optimizers. {estimator.solver} is "
            "not stochastic."
        )
    return True


_COMMON_PARAMETERS = """
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        The ith element is the number of units in the ith hidden layer.
    activation : str or list of str, default='relu'
        Activation of the hidden layers: 'identity', 'logistic', 'tanh', 'relu'
        (as scikit-learn) or 'leaky_relu'; or a list with one per hidden layer.
    solver : {'lbfgs', 'sgd', 'adam'}, default='adam'
    alpha : float, default=0.0001
        Strength of the L2 penalty on the weights (not the biases).
    batch_size : int or 'auto', default='auto'
        Mini-batch size for the stochastic solvers; 'auto' is min(200, n_samples).
    learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
        Schedule of the 'sgd' solver.
    learning_rate_init : float, default=0.001
    power_t : float, default=0.5
        Exponent of 'invscaling': rate = learning_rate_init / (t + 1) ** power_t.
    max_iter : int, default=200
        Epochs for 'sgd' and 'adam', iterations for 'lbfgs'.
    shuffle : bool, default=True
    random_state : int, RandomState instance or None, default=None
    tol : float, default=1e-4
    verbose : bool, default=False
        Print scikit-learn's progress lines on stdout (``Iteration N, loss =
        ...``, the validation score, why training stopped).
    warm_start : bool, default=False
    momentum : float, default=0.9
    nesterovs_momentum : bool, default=True
    early_stopping : bool, default=False
        Stop when the validation score stops improving and restore the best
        weights. The validation set is ``X_val, y_val`` when given to ``fit``,
        else a ``validation_fraction`` split of the training data (stratified
        for classification).
    validation_fraction : float, default=0.1
    beta_1, beta_2, epsilon : float, default=0.9, 0.999, 1e-8
        Adam's settings.
    n_iter_no_change : int, default=10
    max_fun : int, default=15000
        Maximum number of loss evaluations of 'lbfgs'.
    dropout : float or list of float, default=0.0
        Inverted dropout after each hidden layer: one rate, or one per hidden
        layer ('sgd' and 'adam' only).
    progress_bar : bool, default=False
        Show a tqdm progress bar (epoch, loss, validation score) while training,
        on a terminal or in a notebook.
"""

_COMMON_ATTRIBUTES = """
    loss_ : numpy float
        The loss at the end of training, with the L2 term ('sgd', 'adam': the
        mean of the epoch's batch losses, each at the weights before its update).
    best_loss_ : float or None
        The lowest epoch loss ('sgd' and 'adam' only; None with early stopping).
    loss_curve_ : list of float, length n_iter_
        The loss after each epoch ('sgd' and 'adam' only).
    validation_scores_ : list of float or None
        Score on the validation data after each epoch, when there is some
        ('sgd' and 'adam' only).
    validation_loss_curve_ : list of float or None
        Loss (without the L2 term) on the validation data after each epoch.
    best_validation_score_ : float or None
        ('sgd' and 'adam' only).
    t_ : int
        Number of training samples seen.
    coefs_ : list of ndarray, ith of shape (units[i], units[i + 1])
    intercepts_ : list of ndarray, ith of shape (units[i + 1],)
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Only when X has string column names.
    n_iter_ : int
    n_layers_ : int
    n_outputs_ : int
    out_activation_ : str
"""


class MLPClassifier(ClassifierMixin, BaseMLP):
    __doc__ = f"""Multi-layer perceptron classifier, a drop-in for scikit-learn's.

    Minimizes the cross-entropy (softmax for multiclass, logistic for binary
    and multilabel targets) with L-BFGS, SGD or Adam.

    Parameters
    ----------{_COMMON_PARAMETERS}    class_weight : dict, 'balanced' or None, default=None
        Weights per class, multiplied into ``sample_weight``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,) or list of such for multilabel{_COMMON_ATTRIBUTES}
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

    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None):
        """Fit the model to ``X`` (n_samples, n_features) and labels ``y``.

        ``y`` is (n_samples,) labels of any type, or an (n_samples, n_labels)
        indicator matrix for multilabel. ``X_val, y_val`` are validation data:
        scored after every epoch and used for early stopping when it is on.
        """
        return self._fit(X, y, sample_weight, incremental=False, X_val=X_val, y_val=y_val)

    @available_if(_stochastic_solver)
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """One epoch over ``(X, y)``; ``classes`` is required on the first call."""
        first_call = not hasattr(self, "classes_")
        if first_call:
            if classes is None and not type_of_target(y).startswith("multilabel"):
                raise ValueError("classes must be passed on the first call to partial_fit.")
            self._label_binarizer = LabelBinarizer()
            if type_of_target(y).startswith("multilabel"):
                self._label_binarizer.fit(y)
            else:
                self._label_binarizer.fit(classes)
            self.classes_ = self._label_binarizer.classes_
        elif classes is not None and not np.array_equal(np.unique(classes), self.classes_):
            raise ValueError(
                f"`classes={classes}` is not the same as on the first call to partial_fit, "
                f"which was {self.classes_}"
            )
        return self._fit(X, y, sample_weight, incremental=True)

    loss = "log_loss"  # not a parameter: scikit-learn's MLPClassifier has it so

    @property
    def _loss_name(self):
        multiclass = self._label_binarizer.y_type_ == "multiclass"
        return "log_loss" if multiclass else "binary_log_loss"

    def _validate_training_data(
        self, X, y, sample_weight, incremental, first_pass, validation=False
    ):
        X, y = self._validate_X_y(X, y, first_pass and not validation)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        Y = None
        if validation:
            unseen = np.setdiff1d(unique_labels(y), self.classes_)
            if len(unseen):
                raise ValueError(f"y_val has classes {unseen} that are not in y")
        elif not hasattr(self, "classes_") or (not self.warm_start and not incremental):
            self._label_binarizer = LabelBinarizer()
            self._label_binarizer.fit(y)
            self.classes_ = self._label_binarizer.classes_
        elif not incremental or (Y := self._one_hot(y)) is None:
            self._check_same_labels(y)
            classes = unique_labels(y)
            if self.warm_start and not incremental and set(classes) != set(self.classes_):
                raise ValueError(
                    "warm_start can only be used where `y` has the same classes as in the "
                    f"previous call to fit. Previously got {self.classes_}, `y` has {classes}"
                )
            if len(np.setdiff1d(classes, self.classes_)):
                self._raise_unknown_classes(classes)
        sample_weight = self._check_weights(sample_weight, X)
        if self.class_weight is not None and not validation:
            if self._label_binarizer.y_type_.startswith("multilabel"):
                raise ValueError("class_weight is not supported for multilabel targets")
            if incremental and self.class_weight == "balanced":
                raise ValueError(
                    "class_weight='balanced' is not supported for partial_fit: the class "
                    "frequencies of one batch are not those of the data. Pass a dict."
                )
            self._check_class_weight()
            weights = compute_sample_weight(self.class_weight, y)
            sample_weight = weights if sample_weight is None else sample_weight * weights
        if Y is None:
            # Booleans, as scikit-learn holds them: they decide the dtype of its loss.
            Y = self._label_binarizer.transform(y).astype(bool)
        return X, Y, sample_weight

    def _check_same_labels(self, y) -> None:
        """warm_start and partial_fit train on the same outputs: say so when
        ``y`` would change their number (scikit-learn fails in a matrix product)."""
        multilabel = self._label_binarizer.y_type_.startswith("multilabel")
        if multilabel != (y.ndim == 2) or (multilabel and y.shape[1] != len(self.classes_)):
            now = f"{y.shape[1]} label columns" if y.ndim == 2 else "one label per sample"
            then = f"{len(self.classes_)} label columns" if multilabel else "one label per sample"
            raise ValueError(
                f"y has {now}, but this {type(self).__name__} was fitted with {then}; "
                "warm_start and partial_fit go on training the same outputs (set "
                "warm_start=False, or make a new estimator, to start over)."
            )

    def _check_class_weight(self) -> None:
        """Every key a class, every weight a positive finite number, named when not."""
        if not isinstance(self.class_weight, dict):
            return
        classes = self.classes_.tolist()
        for label, weight in self.class_weight.items():
            if label not in classes:
                raise ValueError(
                    f"class_weight has the key {label!r}, which is not a class of y; the "
                    f"classes are {classes}"
                )
            if (
                isinstance(weight, bool)
                or not isinstance(weight, Real)
                or not math.isfinite(weight)
                or weight <= 0
            ):
                raise ValueError(
                    f"class_weight[{label!r}] is {weight!r}; class weights must be positive, "
                    "finite numbers"
                )

    def _raise_unknown_classes(self, classes):
        raise ValueError(
            f"`y` has classes not in `self.classes_`. `self.classes_` has "
            f"{self.classes_}. 'y' has {classes}."
        )

    def _one_hot(self, y):
        """``LabelBinarizer.transform(y)``, checking ``y`` against ``classes_``, for
        single-label ``y`` in a fraction of its time (which, for a small batch
        passed to partial_fit, is more than the epoch's training takes). None
        when ``y`` needs the general path (multilabel, unordered labels, a
        single class).
        """
        classes = self.classes_
        if (
            y.ndim != 1
            or self._label_binarizer.y_type_ not in ("binary", "multiclass")
            or len(classes) < 2
        ):
            return None
        try:
            index = np.searchsorted(classes, y)
            known = classes[np.minimum(index, len(classes) - 1)] == y
        except TypeError:  # labels that do not compare with the classes (mixed types)
            return None
        if not np.all(known):
            self._raise_unknown_classes(unique_labels(y))
        if len(classes) == 2:
            return (index == 1)[:, None]
        Y = np.zeros((len(y), len(classes)), dtype=bool)
        Y[np.arange(len(y)), index] = True
        return Y

    def _decode(self, Y):
        return self._label_binarizer.inverse_transform(Y)

    def _labels(self, probabilities):
        if self.n_outputs_ == 1:
            probabilities = probabilities.ravel()
        return self._label_binarizer.inverse_transform(probabilities)

    def _decode_predictions(self, probabilities):
        return self._labels(probabilities)

    def _score_predictions(self, y_true, labels, sample_weight):
        return accuracy_score(y_true, labels, sample_weight=sample_weight)

    def predict(self, X):
        """Predicted labels: (n_samples,), or (n_samples, n_labels) for multilabel."""
        return self._labels(self._forward(X))

    def predict_proba(self, X):
        """Class probabilities, (n_samples, n_classes), columns in ``classes_`` order."""
        p = self._forward(X)
        if self.n_outputs_ == 1:
            p = p.ravel()
            return np.vstack([1 - p, p]).T
        return p

    def predict_log_proba(self, X):
        """``log(predict_proba(X))``."""
        p = self.predict_proba(X)
        with np.errstate(divide="ignore"):
            return np.log(p, out=p)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class MLPRegressor(RegressorMixin, BaseMLP):
    __doc__ = f"""Multi-layer perceptron regressor, a drop-in for scikit-learn's.

    Minimizes half the squared error (identity output) or the Poisson
    deviance (``exp`` output) with L-BFGS, SGD or Adam.

    Parameters
    ----------
    loss : {{'squared_error', 'poisson'}}, default='squared_error'{_COMMON_PARAMETERS}
    Attributes
    ----------{_COMMON_ATTRIBUTES}
    Notes
    -----
    As in scikit-learn, with several outputs ``loss_`` averages the squared
    error over them while the gradient sums it (see
    :mod:`lucidnet.estimators.objective`).

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

    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None):
        """Fit the model to ``X`` (n_samples, n_features) and ``y`` (n_samples,)
        or (n_samples, n_outputs). ``X_val, y_val`` are validation data: scored
        after every epoch and used for early stopping when it is on."""
        return self._fit(X, y, sample_weight, incremental=False, X_val=X_val, y_val=y_val)

    def partial_fit(self, X, y, sample_weight=None):
        """One epoch over ``(X, y)``, starting from the current weights.

        As in scikit-learn 1.9, this exists for every solver: with 'lbfgs' it
        is a whole L-BFGS run starting from the current weights.
        """
        return self._fit(X, y, sample_weight, incremental=True)

    @property
    def _loss_name(self):
        return self.loss

    def _validate_training_data(
        self, X, y, sample_weight, incremental, first_pass, validation=False
    ):
        X, y = self._validate_X_y(X, y, first_pass and not validation, y_numeric=True)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if self.loss == "poisson" and np.any(y < 0):
            raise ValueError("loss='poisson' needs non-negative targets; y has negative values")
        Y = y.reshape(-1, 1) if y.ndim == 1 else y
        # float64, as scikit-learn keeps them: the loss value is computed in float64.
        return X, Y.astype(np.float64, copy=False), self._check_weights(sample_weight, X)

    def _decode(self, Y):
        return Y.ravel() if Y.shape[1] == 1 else Y

    def _decode_predictions(self, predictions):
        return self._decode(predictions)

    def _score_predictions(self, y_true, predictions, sample_weight):
        return r2_score(y_true, predictions, sample_weight=sample_weight)

    def predict(self, X):
        """Predictions: (n_samples,), or (n_samples, n_outputs) for several outputs."""
        return self._decode(self._forward(X))
