"""``Autoencoder``: learned codes, reconstructions and outlier scores, where PCA stands.

A network trained to give back its input through a narrow middle layer: the
encoder maps each sample to ``n_components`` numbers, the decoder maps them
back. With one linear layer each way it would find PCA's subspace; with
hidden layers it can follow structure that is not linear. As a scikit-learn
transformer it sits where ``PCA`` does: ``transform`` gives the codes,
``inverse_transform`` the reconstructions (flat rows of ``n_features``, even
for images), ``score_samples`` minus each sample's reconstruction error
(higher is more normal, as scikit-learn's outlier detectors have it).

Dense (``conv_layers=()``, the default)::

    [GaussianNoise] [Masking] -> [Dense -> activation (-> Dropout)] per hidden
    layer -> Dense(n_components) = the code -> the hidden layers mirrored ->
    Dense(n_features) -> output activation

Convolutional (``conv_layers=(32, 64)``, images or signals as in
:class:`ConvNetClassifier`): convolutions and max pooling down, a dense code,
then upsampling and convolutions back up to the input's shape.

The training is the other estimators' (:mod:`~lucidnet.estimators.base`): the
target is the clean input, the loss half the squared error summed over
features (or the cross-entropy with ``output_activation='logistic'``, for
data in [0, 1]).
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

from ..engine.activations import ACTIVATIONS
from ..engine.conv import Conv1D, Conv2D
from ..engine.layers import Activation, Dense, Dropout
from ..engine.network import Sequential
from ..engine.noise import GaussianNoise, Masking
from ..engine.pooling import Flatten, MaxPool1D, MaxPool2D, Reshape, UpSampling1D, UpSampling2D
from .base import (
    DTYPE_PARAMETER,
    HIDDEN_ACTIVATIONS,
    TRAINING_ATTRIBUTES,
    BaseNetworkEstimator,
    initializer,
    layer_rng,
    small_data_batch_size,
    stochastic_solver_only,
    training_parameters_doc,
)
from .shapes import ShapedInput, is_int

__all__ = ["Autoencoder"]

AUTOENCODER_PARAMETERS = """
    n_components : int, default=2
        Size of the code: the number of features ``transform`` returns, less
        than the number of input features.
    hidden_layer_sizes : int or tuple of int, default=(128,)
        The encoder's hidden layers, from the input inwards (an int: one
        layer); the decoder mirrors them. ``()`` for none (a linear autoencoder).
    activation : str or list of str, default='relu'
        Activation of the hidden layers (and of the convolutions): one for all,
        or a list with one per encoder layer (convolutions first), mirrored.
    output_activation : {'identity', 'logistic'}, default='identity'
        'identity' reconstructs any real values with the squared error;
        'logistic' reconstructs values in [0, 1] (pixels) with the cross-entropy;
        fit and partial_fit refuse an X outside [0, 1] with it.
    noise : float, default=0.0
        Denoising: the standard deviation of Gaussian noise added to every
        input in training (not in transform or predict).
    masking : float, default=0.0
        Denoising: the fraction of inputs set to zero at random in training.
    conv_layers : tuple of int, default=()
        Filters of each convolution of the encoder (the decoder mirrors them);
        with any, rows are images or signals as ``input_shape`` says.
    kernel_size : int, tuple or list, default=3
        As in :class:`ConvNetClassifier` ('same' padding, stride 1).
    pool_size : int, tuple, None or list, default=2
        Max pooling after each convolution of the encoder, upsampling by as
        much before each of the decoder.
    input_shape : tuple or None, default=None
        As in :class:`ConvNetClassifier`; only with ``conv_layers`` (fit
        refuses it for a dense autoencoder). ``(height, width)`` for images,
        ``(length,)`` for signals: signals of several channels are
        ``input_shape=(length,)`` with ``X`` of shape ``(n_samples, length,
        channels)``, which without input_shape would be one-channel images.
    solver : {'lbfgs', 'sgd', 'adam'}, default='adam'
        The weight optimizer, as in :class:`MLPRegressor`.
    max_fun : int, default=15000
        Maximum number of loss evaluations of 'lbfgs'."""

AUTOENCODER_NOTES = """
    Training defaults differ from the MLPs' where reconstruction needs it:
    batches of 64 (``batch_size='auto'``, fewer on small data),
    ``max_iter=500``, ``n_iter_no_change=20`` (on the 8x8 digits, the MLPs'
    200 epochs of 200-sample batches stop well short: test error 31% below
    PCA's at 16 components, against 45% with these).
    Dense layers start from Glorot-uniform weights (He's, larger, ended
    14% higher there).
"""

AUTOENCODER_ATTRIBUTES = """    n_components_ : int
        Size of the code.
    reconstruction_error_ : float
        Mean squared reconstruction error per feature on the training data,
        after the last call to fit or partial_fit.
    input_shape_ : tuple of int
        One sample's shape as the network takes it (with ``conv_layers`` only).
"""


# Batches of 'auto', the default: at most what the digits liked (see the
# docstring), fewer on small data (see small_data_batch_size).
AUTO_BATCH_SIZE = 64

# Why the code must be narrower than the input (the command says it too).
CODE_TOO_WIDE = "a code as wide as the input can copy it and learns nothing"

_TRAINING = training_parameters_doc(
    batch_size="'auto'",
    max_iter=500,
    n_iter_no_change=20,
    auto_batch_size=f"n_samples // 10 clipped to [16, {AUTO_BATCH_SIZE}] (and to n_samples): "
    "several steps per epoch on small training sets",
)


class _Count(Interval):
    """An int in an interval, and not a bool: scikit-learn's Interval takes
    True as 1, and ``n_components=True`` would reach NumPy's TypeError."""

    def is_satisfied_by(self, val):
        return not isinstance(val, (bool, np.bool_)) and super().is_satisfied_by(val)


class Autoencoder(
    ClassNamePrefixFeaturesOutMixin, TransformerMixin, ShapedInput, BaseNetworkEstimator
):
    __doc__ = f"""Autoencoder: a nonlinear, trainable counterpart of ``PCA``.

    Parameters
    ----------{AUTOENCODER_PARAMETERS}{_TRAINING}{DTYPE_PARAMETER}
    Attributes
    ----------{TRAINING_ATTRIBUTES}{AUTOENCODER_ATTRIBUTES}
    See Also
    --------
    MLPRegressor : The network an autoencoder is, trained with ``y = X``.

    Notes
    -----{AUTOENCODER_NOTES}
    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from lucidnet import Autoencoder
    >>> X = load_digits().data / 16
    >>> ae = Autoencoder(n_components=8, max_iter=20, random_state=0).fit(X)
    >>> ae.transform(X[:3]).shape
    (3, 8)
    >>> ae.inverse_transform(ae.transform(X[:3])).shape
    (3, 64)
    >>> ae.get_feature_names_out()[:2].tolist()
    ['autoencoder0', 'autoencoder1']
    """

    _architecture = ("n_components", "hidden_layer_sizes", "activation", "output_activation",
                     "noise", "masking", "conv_layers", "kernel_size", "pool_size",
                     "input_shape", "dropout")  # fmt: skip

    _parameter_constraints = {
        **BaseNetworkEstimator._parameter_constraints,
        "n_components": [_Count(Integral, 1, None, closed="left")],
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "output_activation": [StrOptions({"identity", "logistic"})],
        "noise": [Interval(Real, 0, None, closed="left")],
        "masking": [Interval(Real, 0, 1, closed="left")],
        "conv_layers": ["array-like"],
        "kernel_size": [Interval(Integral, 1, None, closed="left"), tuple, list],
        "pool_size": [Interval(Integral, 1, None, closed="left"), tuple, list, None],
        "input_shape": [tuple, list, None],
        "solver": [StrOptions({"lbfgs", "sgd", "adam"})],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "dtype": [StrOptions({"float32", "float64"})],
    }

    def __init__(
        self,
        n_components=2,
        hidden_layer_sizes=(128,),
        activation="relu",
        *,
        output_activation="identity",
        noise=0.0,
        masking=0.0,
        conv_layers=(),
        kernel_size=3,
        pool_size=2,
        input_shape=None,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        learning_rate_factor=0.5,
        learning_rate_min=1e-6,
        max_iter=500,
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
        n_iter_no_change=20,
        max_fun=15000,
        dropout=0.0,
        progress_bar=False,
        dtype="float32",
    ):
        for name, value in locals().items():
            if name != "self":
                setattr(self, name, value)

    # --------------------------------------------------------- scikit-learn
    def fit(self, X, y=None, sample_weight=None, *, X_val=None):
        """Learn to reconstruct ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The samples; with ``conv_layers``, also already shaped,
            ``(n_samples, *input_shape, channels)``.
        y : None
            Ignored.
        sample_weight : array-like of shape (n_samples,) or None, default=None
            Weights of the samples in the loss.
        X_val : array-like or None, default=None
            Validation data, scored after every epoch (minus its mean squared
            reconstruction error) and used for early stopping when it is on.

        Returns
        -------
        self : object
            The fitted autoencoder.

        Raises
        ------
        TrainingDivergedError
            When the loss or the weights become non-finite.
        NetworkTooLargeError
            When training would need more memory than is available.
        """
        self._fit(X, None, sample_weight, incremental=False, X_val=X_val, y_val=X_val)
        return self

    @available_if(stochastic_solver_only)
    def partial_fit(self, X, y=None, sample_weight=None):
        """One epoch over ``X``, starting from the current weights ('sgd' and
        'adam' only: with 'lbfgs' there is no partial_fit, as in scikit-learn's
        MLPClassifier).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The samples; with ``conv_layers``, also already shaped,
            ``(n_samples, *input_shape, channels)``.
        y : None
            Ignored.
        sample_weight : array-like of shape (n_samples,) or None, default=None

        Returns
        -------
        self : object
        """
        self._fit(X, None, sample_weight, incremental=True)
        return self

    def transform(self, X):
        """The codes of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The samples; with ``conv_layers``, also already shaped,
            ``(n_samples, *input_shape, channels)``.

        Returns
        -------
        codes : ndarray of shape (n_samples, n_components)
        """
        check_is_fitted(self)
        X = self._validated_X(X)
        return self._encoder().forward(X)

    def inverse_transform(self, X):
        """Reconstructions from codes ``X`` (n_samples, n_components): (n_samples, n_features).

        Rows come back flat, also when fit took shaped samples (images or
        signals): ``.reshape(-1, *self.input_shape_)`` gives them their shape,
        channels last.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_components)
            Codes, as :meth:`transform` gives them.

        Returns
        -------
        X_reconstructed : ndarray of shape (n_samples, n_features)

        Raises
        ------
        ValueError
            When ``X`` does not have ``n_components_`` columns.
        """
        check_is_fitted(self)
        codes = check_array(X, dtype=(np.float64, np.float32), input_name="X")
        if codes.shape[1] != self.n_components_:
            raise ValueError(
                f"X has {codes.shape[1]} features, but inverse_transform takes codes of "
                f"{self.n_components_} (n_components)"
            )
        out = self._decoder().forward(codes.astype(self._network.dtype, copy=False))
        return ACTIVATIONS[self.out_activation_].value(out, out=out)

    def score_samples(self, X):
        """Minus each sample's mean squared reconstruction error.

        Higher is more normal; unusual samples reconstruct worse.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The samples; with ``conv_layers``, also already shaped,
            ``(n_samples, *input_shape, channels)``.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        X_flat = self._flat_X(X)  # validated once: its checks and warnings once
        return -self._errors(X_flat, self._output(self._shape_input(X_flat)))

    def score(self, X, y=None, sample_weight=None):
        """The mean of ``score_samples(X)``, weighted by ``sample_weight``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The samples; with ``conv_layers``, also already shaped,
            ``(n_samples, *input_shape, channels)``.
        y : None
            Ignored.
        sample_weight : array-like of shape (n_samples,) or None, default=None
            Non-negative, one per sample, not all zero (as fit takes them).

        Returns
        -------
        score : float
            Minus the mean squared reconstruction error.
        """
        scores = self.score_samples(X)
        return float(np.average(scores, weights=self._check_weights(sample_weight, scores)))

    @property
    def _n_features_out(self):
        return self.n_components_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags

    # ------------------------------------------------------- targets, scores
    @property
    def _loss_name(self):
        return "summed_squared_error" if self.output_activation == "identity" else "binary_log_loss"

    def _convolutional(self) -> bool:
        return len(self._sizes("conv_layers", self.conv_layers)) > 0

    def _flat_X(self, X):
        X, given = self._sample_shape(X) if self._convolutional() else (X, None)
        X = validate_data(self, X, dtype=(np.float64, np.float32), reset=False)
        if given is not None:  # as transform checks it: (5, 9) is no (9, 5)
            self._check_given_shape(given)
        return X

    def _validate_training_data(
        self, X, y, sample_weight, incremental, first_pass, validation=False
    ):
        convolutional = self._convolutional()
        if not convolutional and self.input_shape is not None:
            raise ValueError(
                f"input_shape={self.input_shape!r} is for convolutional autoencoders "
                "(conv_layers); with conv_layers=() the autoencoder is dense and takes each "
                "row as a flat vector of features: give conv_layers too, or input_shape=None"
            )
        X, given = self._sample_shape(X) if convolutional else (X, None)
        reset = first_pass and not validation
        X = validate_data(self, X, dtype=(np.float64, np.float32), reset=reset)
        if reset:
            self._check_code_narrower(X.shape[1])
        if not validation:
            self._check_logistic_range(X)
        if convolutional:
            if reset:
                self.input_shape_ = self._resolve_input_shape(X.shape[1], given)
            self._check_given_shape(given)
        # The target is the clean input itself, as a table (the network ends flat).
        return self._shape_input(X), X, self._check_weights(sample_weight, X)

    def _check_code_narrower(self, n_features) -> None:
        if self.n_components >= n_features:
            raise ValueError(
                f"n_components={self.n_components} must be less than n_features={n_features}, "
                f"the number of features of X: {CODE_TOO_WIDE}"
            )

    def _check_logistic_range(self, X) -> None:
        """'logistic' outputs lie in [0, 1]: the cross-entropy towards a value
        outside has no minimum at that value (it goes negative), and training
        would follow it astray without a word."""
        if self.output_activation != "logistic":
            return
        low, high = float(X.min()), float(X.max())
        if low < 0 or high > 1:
            raise ValueError(
                f"X must lie in [0, 1] for output_activation='logistic', but its values go "
                f"from {low:g} to {high:g}: scale X into [0, 1] (MinMaxScaler) or use "
                "output_activation='identity'"
            )

    def _validated_X(self, X, ensure_all_finite=True):
        if not self._convolutional():
            return validate_data(
                self,
                X,
                dtype=(np.float64, np.float32),
                reset=False,
                ensure_all_finite=ensure_all_finite,
            )
        return super()._validated_X(X, ensure_all_finite)

    def _shape_input(self, X):
        return super()._shape_input(X) if self._convolutional() else X

    def _auto_batch_size(self, n_samples) -> int:
        return small_data_batch_size(n_samples, AUTO_BATCH_SIZE)

    def _validation_data(self, X_val, y_val):
        X_val, Y_val, _ = self._validate_training_data(X_val, None, None, True, False, True)
        return X_val, Y_val, Y_val, None

    def _decode(self, Y):
        return Y

    def _decode_predictions(self, P):
        return P

    @staticmethod
    def _errors(X, P) -> np.ndarray:
        """Each sample's mean squared error over its features."""
        return np.mean(np.square(P - X, dtype=np.float64), axis=1)

    def _score_predictions(self, X, P, sample_weight):
        return -float(np.average(self._errors(X, P), weights=sample_weight))

    def _after_fit(self, X, Y) -> None:
        self.n_components_ = self.n_components
        out = self._network.forward(X)
        P = ACTIVATIONS[self.out_activation_].value(out, out=out)
        self.reconstruction_error_ = float(np.mean(self._errors(Y, P)))

    # ------------------------------------------------------------ the network
    def _encoder(self) -> Sequential:
        return Sequential(self._network.layers[: self._network.encoder_length])

    def _decoder(self) -> Sequential:
        return Sequential(self._network.layers[self._network.encoder_length :])

    def _sizes(self, name, value) -> list[int]:
        sizes = list(value) if isinstance(value, (list, tuple, np.ndarray)) else [value]
        if not all(is_int(s) and s >= 1 for s in sizes):
            raise ValueError(f"{name} must be positive ints, got {value!r}")
        return [int(s) for s in sizes]

    def _build_network(self, input_shape, n_outputs, dtype, rng, expect=None):
        """Encoder and decoder in one network; ``network.encoder_length`` says
        where the code is. ``expect`` and ``rng=None`` as in :class:`ConvNetClassifier`."""
        filters = self._sizes("conv_layers", self.conv_layers)
        hidden = self._sizes("hidden_layer_sizes", self.hidden_layer_sizes)
        activations = self._per_layer(
            "activation", self.activation, len(filters) + len(hidden),
            lambda a: a in HIDDEN_ACTIVATIONS, "encoder layers",
        )  # fmt: skip
        rates = self._dropout_rates(len(hidden))
        if not hidden and np.any(self.dropout):
            raise ValueError(
                "dropout acts after the hidden dense layers, and hidden_layer_sizes=() has none"
            )
        layers, shape = [], tuple(input_shape)

        def add(make, *args, shapes=None, **kwargs):
            nonlocal shape
            if expect is not None and shapes is not None:
                expect(len(layers), shapes)
            layer = make(*args, **kwargs)
            shape = layer.output_shape(shape)
            layers.append(layer)

        def dense(n_out, init):
            n_in = shape[0]
            add(Dense, n_in, n_out, init=initializer(init, rng), rng=rng, dtype=dtype,
                shapes={"W": (n_in, n_out), "b": (n_out,)})  # fmt: skip

        convolution = Conv2D if len(input_shape) == 3 else Conv1D

        def conv(n_out, kernel):
            n_in = shape[-1]
            add(convolution, n_in, n_out, kernel, padding="same",
                init=initializer("he_uniform", rng), rng=rng, dtype=dtype,
                shapes={"W": (*kernel, n_in, n_out), "b": (n_out,)})  # fmt: skip

        if self.noise:
            add(GaussianNoise, self.noise, rng=layer_rng(rng))
        if self.masking:
            add(Masking, self.masking, rng=layer_rng(rng))
        levels = self._conv_levels(len(filters), len(input_shape) - 1)
        pooled_from = []  # the shape before each pool, to upsample back to
        for n_filters, (kernel, pool), activation in zip(filters, levels, activations):
            conv(n_filters, kernel)
            add(Activation, activation)
            narrowed = None if pool is None else tuple(min(p, s) for p, s in zip(pool, shape[:-1]))
            pooled_from.append((shape, narrowed if narrowed and np.prod(narrowed) > 1 else None))
            if pooled_from[-1][1]:
                add((MaxPool2D if len(shape) == 3 else MaxPool1D), narrowed)
        bottleneck = shape
        if len(shape) > 1:
            add(Flatten)
        for size, activation, rate in zip(hidden, activations[len(filters) :], rates):
            dense(size, "glorot_uniform")
            add(Activation, activation)
            if rate:
                add(Dropout, rate, rng=layer_rng(rng))
        dense(self.n_components, "glorot_uniform")  # the code: linear, as PCA's
        encoder_length = len(layers)
        for size, activation, rate in reversed(
            list(zip(hidden, activations[len(filters) :], rates))
        ):
            dense(size, "glorot_uniform")
            add(Activation, activation)
            if rate:
                add(Dropout, rate, rng=layer_rng(rng))
        if not filters:
            dense(n_outputs, "glorot_uniform")
        else:
            dense(int(np.prod(bottleneck)), "he_uniform")
            add(Activation, activations[len(filters) - 1])
            add(Reshape, bottleneck)
            self._conv_decoder(add, conv, filters, levels, pooled_from, activations, input_shape)
            add(Flatten)
        network = Sequential(layers)
        network.encoder_length = encoder_length
        return network

    def _conv_decoder(self, add, conv, filters, levels, pooled_from, activations, input_shape):
        """Back up: per encoder convolution, last first, upsample to the size it
        pooled from, then a convolution to the channels of the level above
        (the input's, linear, at the top)."""
        upsampling = UpSampling2D if len(input_shape) == 3 else UpSampling1D
        for i in range(len(filters) - 1, -1, -1):
            before, pool = pooled_from[i]
            if pool is not None:
                add(upsampling, pool, output_size=before[:-1])
            kernel = levels[i][0]
            if i:
                conv(filters[i - 1], kernel)
                add(Activation, activations[i - 1])
            else:
                conv(input_shape[-1], kernel)

    def _conv_levels(self, n_conv, n_spatial) -> list[tuple]:
        """``(kernel, pool or None)`` per convolution, one per spatial axis each."""
        kernels = self._per_conv_layer("kernel_size", self.kernel_size, n_conv, n_spatial)
        pools = self._per_conv_layer("pool_size", self.pool_size, n_conv, n_spatial)
        return list(zip(kernels, pools))
