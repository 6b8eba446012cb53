"""Convolutional networks as scikit-learn estimators: ``ConvNetClassifier``, ``ConvNetRegressor``.

The same training as the MLPs (:mod:`~lucidnet.estimators.base`: solvers
'sgd' and 'adam', early stopping, ``partial_fit``, ``class_weight``,
``dropout``, validation data, the progress bar, the divergence error), with
a network of convolutions in front::

    [Conv -> (BatchNormalization) -> activation -> (MaxPool)] per conv layer
    -> Flatten -> [Dense -> (BatchNormalization) -> activation -> (Dropout)]
    per hidden layer -> Dense output

Images and signals are channels-last (see :mod:`lucidnet.engine.conv`).
``X`` may come as the usual 2-D table, one row per sample, which
``input_shape`` folds into images or signals, or already shaped.
"""

from __future__ import annotations

import math
from numbers import Integral

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.utils._param_validation import Interval, StrOptions

from ..engine.conv import Conv1D, Conv2D, padding_amounts
from ..engine.layers import Activation, Dense, Dropout
from ..engine.network import Sequential
from ..engine.normalization import BatchNormalization
from ..engine.pooling import Flatten, MaxPool1D, MaxPool2D
from .base import (
    DTYPE_PARAMETER,
    HIDDEN_ACTIVATIONS,
    TRAINING_ATTRIBUTES,
    BaseNetworkEstimator,
    initializer,
    layer_rng,
    small_data_batch_size,
    training_parameters_doc,
)
from .shapes import ShapedInput, is_int
from .targets import ClassifierTargets, RegressorTargets

__all__ = ["BaseConvNet", "ConvNetClassifier", "ConvNetRegressor"]

CONV_PARAMETERS = """
    conv_layers : tuple of int, default=(32, 64)
        Filters of each convolutional layer, in order; ``()`` for none.
    kernel_size : int, tuple or list, default=3
        Window of every convolution: an int, a tuple with one int per spatial
        axis (``(3, 5)``: 3 high, 5 wide), or a *list* with one of those per
        convolutional layer (``[5, 3]``).
    strides : int, tuple or list, default=1
        Likewise, the step between windows.
    padding : 'same', 'valid', int or list, default='same'
        'same' keeps the size (before pooling), 'valid' uses whole windows only;
        or a list with one per convolutional layer.
    pool_size : int, tuple, None or list, default=2
        2x2 (or 2) max pooling after each convolution; None for none; or a list
        with one per convolutional layer. A pool is narrowed along any axis
        shorter than it, and left out where the input is a single position.
    batch_norm : bool, default=False
        Batch normalization after each convolution and hidden dense layer.
    hidden_layer_sizes : tuple of int, default=(128,)
        Dense layers after the convolutions; ``()`` for none.
    activation : str or list of str, default='relu'
        Activation after each convolution and hidden dense layer: one for all,
        or a list (convolutions first).
    input_shape : tuple or None, default=None
        The spatial shape of one sample: ``(length,)`` for signals,
        ``(height, width)`` for images, optionally with channels last,
        ``(height, width, channels)``. Without channels, they are what is left:
        ``n_features / prod(input_shape)`` of a 2-D ``X`` (each position's
        channels next to each other), or the last axis of an ``X`` shaped
        ``(n_samples, *input_shape, channels)``. None: a 2-D ``X`` is a
        one-channel signal of ``n_features`` steps; ``(n, h, w)`` or ``(n, h,
        w, c)`` arrays are images. Two axes are always height and width, so
        signals of several channels are ``input_shape=(length,)`` with ``X`` of
        shape ``(n_samples, length, channels)`` (or ``(n_samples, length *
        channels)``); without input_shape, that ``X`` is one-channel images.
    solver : {'sgd', 'adam'}, default='adam'
        The weight optimizer (no 'lbfgs': convolutional networks train in batches)."""

CONV_ATTRIBUTES = """    input_shape_ : tuple of int
        One sample's shape as the network takes it: ``(*spatial, channels)``.
"""
# Several Adam steps per epoch on small data (see small_data_batch_size).
AUTO_BATCH_SIZE = 200
_TRAINING_PARAMETERS = training_parameters_doc(
    auto_batch_size=f"n_samples // 10 clipped to [16, {AUTO_BATCH_SIZE}] (and to n_samples): "
    "several steps per epoch on small training sets, where min(200, n_samples) takes one"
)
_PARAMETERS = CONV_PARAMETERS + _TRAINING_PARAMETERS + DTYPE_PARAMETER
_ATTRIBUTES = TRAINING_ATTRIBUTES + CONV_ATTRIBUTES


class BaseConvNet(ShapedInput, BaseNetworkEstimator):
    """What the convolutional estimators share; use :class:`ConvNetClassifier`
    or :class:`ConvNetRegressor`."""

    _architecture = ("conv_layers", "kernel_size", "strides", "padding", "pool_size",
                     "batch_norm", "hidden_layer_sizes", "activation", "input_shape",
                     "dropout")  # fmt: skip

    _parameter_constraints: dict = {
        **BaseNetworkEstimator._parameter_constraints,
        "conv_layers": ["array-like"],
        "kernel_size": [Interval(Integral, 1, None, closed="left"), tuple, list],
        "strides": [Interval(Integral, 1, None, closed="left"), tuple, list],
        "padding": [
            StrOptions({"same", "valid"}),
            Interval(Integral, 0, None, closed="left"),
            list,
        ],  # fmt: skip
        "pool_size": [Interval(Integral, 1, None, closed="left"), tuple, list, None],
        "batch_norm": ["boolean"],
        "hidden_layer_sizes": ["array-like"],
        "input_shape": [tuple, list, None],
        "dtype": [StrOptions({"float32", "float64"})],
    }

    def _auto_batch_size(self, n_samples) -> int:
        return small_data_batch_size(n_samples, AUTO_BATCH_SIZE)

    # ----------------------------------------------------------- the network
    def _conv_settings(self, n_conv, n_spatial) -> list[dict]:
        """One dict of Conv/pool settings per convolutional layer."""
        kernels = self._per_conv_layer("kernel_size", self.kernel_size, n_conv, n_spatial)
        strides = self._per_conv_layer("strides", self.strides, n_conv, n_spatial)
        pools = self._per_conv_layer("pool_size", self.pool_size, n_conv, n_spatial)
        paddings = list(self.padding) if isinstance(self.padding, list) else [self.padding] * n_conv
        if len(paddings) != n_conv or not all(
            p in ("same", "valid") or (is_int(p) and p >= 0) for p in paddings
        ):
            raise ValueError(
                f"padding must be 'same', 'valid', an int >= 0, or a list of one per "
                f"convolutional layer ({n_conv}), got {self.padding!r}"
            )
        return [
            dict(kernel_size=k, strides=s, padding=p, pool=q)
            for k, s, p, q in zip(kernels, strides, paddings, pools)
        ]

    def _check_positions(self, input_shape) -> None:
        """Each convolution keeps at least one position along every axis, as
        _build_network lays them out (pools narrow to what is left, so only a
        kernel can find too few): else name the layer and what makes room."""
        samples = spatial = tuple(input_shape[:-1])
        n_conv = len(self._layer_sizes("conv_layers", self.conv_layers))
        for i, settings in enumerate(self._conv_settings(n_conv, len(spatial)), start=1):
            kernel, strides, padding = (settings[k] for k in ("kernel_size", "strides", "padding"))
            padded = [
                size + sum(padding_amounts(padding, size, k, s, 1))
                for size, k, s in zip(spatial, kernel, strides)
            ]
            if any(size < k for size, k in zip(padded, kernel)):
                before, earlier = "", ""
                if i > 1:
                    before = " after the strides and pools before it"
                    earlier = (
                        " smaller pool_size or strides in the layers before it, fewer conv_layers,"
                    )
                raise ValueError(
                    f"the network shrinks to nothing: convolutional layer {i} of {n_conv} "
                    f"(kernel_size {kernel}, strides {strides}, padding {padding!r}) gets inputs "
                    f"of {spatial} positions{before}, fewer than its kernel spans. Make room "
                    f"with padding ('same' keeps every size), a smaller kernel_size,{earlier} "
                    f"or samples larger than {samples} (input_shape)"
                )
            spatial = tuple((size - k) // s + 1 for size, k, s in zip(padded, kernel, strides))
            if settings["pool"] is not None:  # windows narrowed to the axis, strides = window
                spatial = tuple(size // min(p, size) for p, size in zip(settings["pool"], spatial))

    def _layer_sizes(self, name, value) -> list[int]:
        sizes = list(value) if isinstance(value, (list, tuple, np.ndarray)) else [value]
        if not all(is_int(s) and s >= 1 for s in sizes):
            raise ValueError(f"{name} must be positive ints, got {value!r}")
        return [int(s) for s in sizes]

    def _build_network(self, input_shape, n_outputs, dtype, rng, expect=None):
        """The layers for one sample of ``input_shape`` (channels last).

        ``expect(index, shapes)``, when given, sees the array shapes of each
        layer with weights before the layer is made: a model file checks them
        against the arrays it holds, so that nothing is allocated that the
        file does not justify. ``rng=None`` draws no weights (the file's go in).
        """
        filters = self._layer_sizes("conv_layers", self.conv_layers)
        hidden = self._layer_sizes("hidden_layer_sizes", self.hidden_layer_sizes)
        n_spatial = len(input_shape) - 1
        activations = self._per_layer(
            "activation", self.activation, len(filters) + len(hidden),
            lambda a: a in HIDDEN_ACTIVATIONS, "convolutional and hidden layers",
        )  # fmt: skip
        rates = self._dropout_rates(len(hidden))
        if not hidden and np.any(self.dropout):
            raise ValueError(
                "dropout acts after the hidden dense layers, and hidden_layer_sizes=() has none"
            )
        conv, pool = (Conv2D, MaxPool2D) if n_spatial == 2 else (Conv1D, MaxPool1D)
        layers, shape = [], tuple(input_shape)

        def add(make, *args, shapes=None, **kwargs):
            nonlocal shape
            if expect is not None and shapes is not None:
                expect(len(layers), shapes)
            layer = make(*args, **kwargs)
            shape = layer.output_shape(shape)
            layers.append(layer)

        def normalization(n):
            names = ("gamma", "beta", "running_mean", "running_var")
            add(BatchNormalization, n, dtype=dtype, shapes=dict.fromkeys(names, (n,)))

        for n_filters, settings, activation in zip(
            filters, self._conv_settings(len(filters), n_spatial), activations
        ):
            kernel, n_in = settings["kernel_size"], shape[-1]
            init = initializer("he_uniform", rng)
            add(conv, n_in, n_filters, kernel, strides=settings["strides"],
                padding=settings["padding"], init=init, rng=rng, dtype=dtype,
                shapes={"W": (*kernel, n_in, n_filters), "b": (n_filters,)})  # fmt: skip
            if self.batch_norm:
                normalization(n_filters)
            add(Activation, activation)
            if settings["pool"] is not None:
                narrowed = tuple(min(p, size) for p, size in zip(settings["pool"], shape[:-1]))
                if math.prod(narrowed) > 1:
                    add(pool, narrowed)
        if len(shape) > 1:
            add(Flatten)
        sizes = [*hidden, n_outputs]
        for i, size in enumerate(sizes):
            n_in, last = shape[0], i == len(hidden)
            init = initializer("glorot_uniform" if last else "he_uniform", rng)
            add(Dense, n_in, size, init=init, rng=rng, dtype=dtype,
                shapes={"W": (n_in, size), "b": (size,)})  # fmt: skip
            if last:
                break
            if self.batch_norm:
                normalization(size)
            add(Activation, activations[len(filters) + i])
            if rates[i]:
                add(Dropout, rates[i], rng=layer_rng(rng))
        return Sequential(layers)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True  # accepted, and made dense for the convolutions
        return tags


def _store(estimator, parameters: dict) -> None:
    """What an ``__init__`` does: keep every parameter as given, nothing else."""
    for name, value in parameters.items():
        if name != "self":
            setattr(estimator, name, value)


class ConvNetClassifier(ClassifierTargets, ClassifierMixin, BaseConvNet):
    __doc__ = f"""Convolutional neural network classifier for images and signals.

    Minimizes the cross-entropy (softmax for multiclass, logistic for binary
    and multilabel targets) with SGD or Adam, as :class:`MLPClassifier` does,
    with convolutions and pooling in front of the dense layers.

    Parameters
    ----------{_PARAMETERS}    class_weight : dict, 'balanced' or None, default=None
        Weights per class, multiplied into ``sample_weight``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,) or list of such for multilabel
        The class labels, in the order of ``predict_proba``'s columns.{_ATTRIBUTES}
    See Also
    --------
    ConvNetRegressor : The same network for numbers.
    MLPClassifier : Dense layers only.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from lucidnet import ConvNetClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = ConvNetClassifier(input_shape=(8, 8), max_iter=5, random_state=0)
    >>> clf.fit(X[:500] / 16, y[:500]).input_shape_
    (8, 8, 1)
    >>> clf.predict_proba(X[:2] / 16).shape
    (2, 10)
    """

    _parameter_constraints = {
        **BaseConvNet._parameter_constraints,
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    def __init__(
        self,
        conv_layers=(32, 64),
        kernel_size=3,
        *,
        strides=1,
        padding="same",
        pool_size=2,
        batch_norm=False,
        hidden_layer_sizes=(128,),
        activation="relu",
        input_shape=None,
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
        dropout=0.0,
        class_weight=None,
        progress_bar=False,
        dtype="float32",
    ):
        _store(self, locals())


class ConvNetRegressor(RegressorTargets, RegressorMixin, BaseConvNet):
    __doc__ = f"""Convolutional neural network regressor for images and signals.

    Minimizes half the squared error (identity output) or the Poisson
    deviance (``exp`` output) with SGD or Adam, as :class:`MLPRegressor`
    does, with convolutions and pooling in front of the dense layers.

    Parameters
    ----------
    loss : {{'squared_error', 'poisson'}}, default='squared_error'
        Half the squared error, or the Poisson deviance (``exp`` outputs, for
        counts and other non-negative targets).{_PARAMETERS}
    Attributes
    ----------{_ATTRIBUTES}
    See Also
    --------
    ConvNetClassifier : The same network for labels.
    MLPRegressor : Dense layers only.

    Examples
    --------
    >>> import numpy as np
    >>> from lucidnet import ConvNetRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((200, 40))  # 200 signals of 40 steps
    >>> y = X[:, 10:20].mean(axis=1)
    >>> reg = ConvNetRegressor(conv_layers=(8,), max_iter=20, random_state=0).fit(X, y)
    >>> reg.predict(X[:3]).shape
    (3,)
    """

    _parameter_constraints = {
        **BaseConvNet._parameter_constraints,
        "loss": [StrOptions({"squared_error", "poisson"})],
    }

    def __init__(
        self,
        loss="squared_error",
        conv_layers=(32, 64),
        kernel_size=3,
        *,
        strides=1,
        padding="same",
        pool_size=2,
        batch_norm=False,
        hidden_layer_sizes=(128,),
        activation="relu",
        input_shape=None,
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
        dropout=0.0,
        progress_bar=False,
        dtype="float32",
    ):
        _store(self, locals())
