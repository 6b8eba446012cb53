"""What every classifier and every regressor of lucidnet does with its targets.

``ClassifierTargets`` turns labels into the network's 0/1 outputs and back
(binary, multiclass, multilabel), checks them against the classes seen so far
(warm_start, partial_fit), applies ``class_weight``, and predicts labels and
probabilities; ``RegressorTargets`` does the same for numbers. Both are mixed
into an estimator together with scikit-learn's ``ClassifierMixin`` or
``RegressorMixin`` and a network estimator (:mod:`lucidnet.estimators.base`):
the MLPs and the convolutional networks share them.
"""

from __future__ import annotations

import math
from numbers import Real

import numpy as np
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import type_of_target, unique_labels
from sklearn.utils.validation import column_or_1d

from .base import stochastic_solver_only

__all__ = ["ClassifierTargets", "RegressorTargets"]


class ClassifierTargets:
    """Labels in, labels and probabilities out; the log-loss in between."""

    loss = "log_loss"  # not a parameter: scikit-learn's MLPClassifier has it so

    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None):
        """Fit the model to ``X`` and labels ``y``.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            The inputs; a convolutional network also takes samples already
            shaped, ``(n_samples, *input_shape, channels)``.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Labels of any type, or an indicator matrix for multilabel.
        sample_weight : array-like of shape (n_samples,) or None, default=None
            Weights of the samples in the loss.
        X_val, y_val : array-like or None, default=None
            Validation data: scored after every epoch and used for early
            stopping when it is on (instead of a ``validation_fraction`` split).

        Returns
        -------
        self : object
            The fitted estimator.

        Raises
        ------
        TrainingDivergedError
            When the loss or the weights become non-finite.
        NetworkTooLargeError
            When training would need more memory than is available.
        """
        return self._fit(X, y, sample_weight, incremental=False, X_val=X_val, y_val=y_val)

    @available_if(stochastic_solver_only)
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """One epoch over ``(X, y)``, starting from the current weights.

        'sgd' and 'adam' only, as in scikit-learn.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            The inputs; a convolutional network also takes samples already
            shaped, ``(n_samples, *input_shape, channels)``.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
        sample_weight : array-like of shape (n_samples,) or None, default=None
        classes : array-like of shape (n_classes,) or None, default=None
            Every class, required on the first call (a batch may not hold them all).

        Returns
        -------
        self : object

        Raises
        ------
        ValueError
            When ``classes`` is missing on the first call or differs later.
        """
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
            weights = self._class_weights(y)
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

    def _class_weights(self, y) -> np.ndarray:
        """Each sample's class weight; classes a dict does not name weigh 1, also
        when a batch (partial_fit) holds none of the classes it does name."""
        if not isinstance(self.class_weight, dict):
            return compute_sample_weight(self.class_weight, y)
        per_class = {label: float(w) for label, w in self.class_weight.items()}
        return np.array([per_class.get(label, 1.0) for label in y.tolist()])

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
        from sklearn.metrics import accuracy_score  # sklearn.metrics is slow to import

        return accuracy_score(y_true, labels, sample_weight=sample_weight)

    def predict(self, X):
        """Predicted labels.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            The inputs; a convolutional network also takes samples already
            shaped, ``(n_samples, *input_shape, channels)``.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Labels of ``classes_``, or an indicator matrix for multilabel.
        """
        return self._labels(self._forward(X))

    def predict_proba(self, X):
        """Class probabilities.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            The inputs; a convolutional network also takes samples already
            shaped, ``(n_samples, *input_shape, channels)``.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns in ``classes_`` order.
        """
        p = self._forward(X)
        if self.n_outputs_ == 1:
            p = p.ravel()
            return np.vstack([1 - p, p]).T
        return p

    def predict_log_proba(self, X):
        """``log(predict_proba(X))``.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            The inputs; a convolutional network also takes samples already
            shaped, ``(n_samples, *input_shape, channels)``.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        p = self.predict_proba(X)
        with np.errstate(divide="ignore"):
            return np.log(p, out=p)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class RegressorTargets:
    """Numbers in and out; the squared error or the Poisson deviance in between."""

    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None):
        """Fit the model to ``X`` and ``y``.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            The inputs; a convolutional network also takes samples already
            shaped, ``(n_samples, *input_shape, channels)``.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The targets (non-negative for the Poisson loss).
        sample_weight : array-like of shape (n_samples,) or None, default=None
            Weights of the samples in the loss.
        X_val, y_val : array-like or None, default=None
            Validation data: scored after every epoch and used for early
            stopping when it is on (instead of a ``validation_fraction`` split).

        Returns
        -------
        self : object
            The fitted estimator.

        Raises
        ------
        TrainingDivergedError
            When the loss or the weights become non-finite.
        NetworkTooLargeError
            When training would need more memory than is available.
        """
        return self._fit(X, y, sample_weight, incremental=False, X_val=X_val, y_val=y_val)

    def partial_fit(self, X, y, sample_weight=None):
        """One epoch over ``(X, y)``, starting from the current weights.

        As in scikit-learn 1.9, this exists for every solver: with
        MLPRegressor's 'lbfgs' it is a whole L-BFGS run from the current weights.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            The inputs; a convolutional network also takes samples already
            shaped, ``(n_samples, *input_shape, channels)``.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,) or None, default=None

        Returns
        -------
        self : object
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
        from sklearn.metrics import r2_score  # sklearn.metrics is slow to import

        return r2_score(y_true, predictions, sample_weight=sample_weight)

    def predict(self, X):
        """Predicted values.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            The inputs; a convolutional network also takes samples already
            shaped, ``(n_samples, *input_shape, channels)``.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        """
        return self._decode(self._forward(X))
