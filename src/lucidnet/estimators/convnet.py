"""Convolutional networks as scikit-learn estimators: ``ConvNetClassifier``, ``ConvNetRegressor``.

The same training as the MLPs (:mod:`~lucidnet.estimators.base`: solvers
'sgd' and 'adam', early stopping, ``partial_fit``, ``class_weight``,
``dropout``, validation data, the progress bar, the divergence error), with
a network of convolutions in front::

    [Conv -> (BatchNormalization) -> activation -> (MaxPool)] per conv layer
    -> Flatten (or GlobalAvgPool: ``head='global_avg'``)
    -> [Dense -> (BatchNormalization) -> activation -> (Dropout)] per hidden layer
    -> Dense output

With ``residual=True`` each conv layer is a residual block instead (He et
al., 2016; for time series, Wang et al., 2017)::

    Residual(main=[Conv -> (BN) -> activation -> ... -> Conv -> (BN)],
             shortcut=[1x1 Conv -> (BN)] when the channels change, else [(BN)])
    -> activation -> (MaxPool)

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
from ..engine.pooling import Flatten, GlobalAvgPool, MaxPool1D, MaxPool2D
from ..engine.residual import Residual
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
from .layer_stack import LayerStack
from .shapes import ShapedInput, is_int
from .targets import ClassifierTargets, RegressorTargets

__all__ = ["BaseConvNet", "ConvNetClassifier", "ConvNetRegressor"]

CONV_PARAMETERS = """
    conv_layers : tuple of int or 'auto', default='auto'
        Filters of each convolutional layer (of each residual block, with
        ``residual=True``), in order; ``()`` for none. 'auto': (128, 256, 128)
        for signals ((64, 128, 128) with ``residual=True``), (32, 64) for
        images (see Notes: the defaults depend on the number of spatial axes).
    kernel_size : int, tuple, list or 'auto', default='auto'
        Window of every convolution: an int, a tuple with one int per spatial
        axis (``(3, 5)``: 3 high, 5 wide), or a *list* with one of those per
        convolutional layer (``[5, 3]``). With ``residual=True``, a list gives
        the convolutions of one block, the same in every block (``[8, 5, 3]``:
        three convolutions); an int or a tuple makes blocks of two. 'auto':
        for signals 8, 5 and then 3 wide, layer by layer (``[8, 5, 3]`` in
        each residual block); 3x3 for images.
    strides : int, tuple or list, default=1
        Likewise, the step between windows.
    padding : 'same', 'valid', int or list, default='same'
        'same' keeps the size (before pooling), 'valid' uses whole windows only;
        or a list with one per convolutional layer (per convolution of a block
        with ``residual=True``, where the block must keep its input's size).
    pool_size : int, tuple, None, list or 'auto', default='auto'
        2x2 (or 2) max pooling after each convolution (each residual block);
        None for none; or a list with one per convolutional layer (block). A
        pool is narrowed along any axis shorter than it, and left out where the
        input is a single position. 'auto': None for signals, 2 for images.
    batch_norm : bool or 'auto', default='auto'
        Batch normalization after each convolution and hidden dense layer
        (and on a residual block's shortcut). 'auto': True for signals, False
        for images.
    residual : bool, default=False
        Make each entry of ``conv_layers`` a residual block: its convolutions
        (see kernel_size), each followed by batch norm (with ``batch_norm``)
        and, but for the last, the activation; the block's input added to that
        through a shortcut, a 1x1 convolution (strided as the block) when the
        channel count or size changes, else the identity (with ``batch_norm``:
        batch norm of the input, as in Wang et al.'s ResNet); then the
        activation, and the pool.
    head : {'flatten', 'global_avg', 'auto'}, default='auto'
        How the convolutions' output reaches the dense layers: 'flatten' lays
        every position's channels side by side; 'global_avg' averages each
        channel over all positions (global average pooling), so the dense
        layers see one number per channel, whatever the input's size. 'auto':
        'global_avg' for signals, 'flatten' for images.
    hidden_layer_sizes : tuple of int or 'auto', default='auto'
        Dense layers after the convolutions; ``()`` for none. 'auto': ``()``
        for signals, ``(128,)`` for images.
    activation : str or list of str, default='relu'
        Activation after each convolution (in and after each residual block)
        and hidden dense layer: one for all, or a list (convolutional layers or
        blocks first).
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
# Signals: Ismail Fawaz et al.'s batch for the FCN, int(min(n_samples / 10, 16)).
AUTO_SIGNAL_BATCH_SIZE = 16
AUTO = "auto"
# What 'auto' means, by the number of spatial axes of a sample. Signals: the
# fully convolutional network (FCN) of Wang et al. (2017) as Ismail Fawaz et
# al. (2019) train it; it reaches their published accuracy on the UCR/UEA sets
# we tried, where a pooled, flattened network with a dense layer trailed by up
# to 40 points (benchmarks/timeseries_findings.md). Images: two small
# convolutions with pooling and a dense layer (98.7% on the 8x8 digits,
# benchmarks/conv.py), where the FCN's 256-filter layers at full resolution
# would cost many times more.
AUTO_SETTINGS = {
    1: dict(conv_layers=(128, 256, 128), pool_size=None, batch_norm=True, head="global_avg",
            hidden_layer_sizes=(), learning_rate="plateau"),
    2: dict(conv_layers=(32, 64), kernel_size=3, pool_size=2, batch_norm=False, head="flatten",
            hidden_layer_sizes=(128,), learning_rate="constant"),
}  # fmt: skip
AUTO_RESIDUAL_SIGNAL_FILTERS = (64, 128, 128)  # Wang et al.'s ResNet
AUTO_SIGNAL_KERNELS = (8, 5, 3)  # layer by layer, then 3

_TRAINING_PARAMETERS = training_parameters_doc(
    auto_batch_size=f"for signals, n_samples // 10 clipped to [2, {AUTO_SIGNAL_BATCH_SIZE}] "
    f"(Ismail Fawaz et al.'s, but never a batch of one); for images, n_samples // 10 "
    f"clipped to [16, {AUTO_BATCH_SIZE}] "
    "(and to n_samples): several steps per epoch on small training sets, where min(200, "
    "n_samples) takes one",
    learning_rate="'auto'",
    auto_learning_rate=" 'auto': 'plateau' for signals, 'constant' for images.",
)
_PARAMETERS = CONV_PARAMETERS + _TRAINING_PARAMETERS + DTYPE_PARAMETER
_ATTRIBUTES = TRAINING_ATTRIBUTES + CONV_ATTRIBUTES


class BaseConvNet(ShapedInput, BaseNetworkEstimator):
    """What the convolutional estimators share; use :class:`ConvNetClassifier`
    or :class:`ConvNetRegressor`."""

    _architecture = ("conv_layers", "kernel_size", "strides", "padding", "pool_size",
                     "batch_norm", "residual", "head", "hidden_layer_sizes", "activation",
                     "input_shape", "dropout")  # fmt: skip

    _parameter_constraints: dict = {
        **BaseNetworkEstimator._parameter_constraints,
        "conv_layers": ["array-like", StrOptions({AUTO})],
        "kernel_size": [
            Interval(Integral, 1, None, closed="left"),
            tuple,
            list,
            StrOptions({AUTO}),
        ],
        "strides": [Interval(Integral, 1, None, closed="left"), tuple, list],
        "padding": [
            StrOptions({"same", "valid"}),
            Interval(Integral, 0, None, closed="left"),
            list,
        ],  # fmt: skip
        "pool_size": [
            Interval(Integral, 1, None, closed="left"),
            tuple,
            list,
            None,
            StrOptions({AUTO}),
        ],
        "batch_norm": ["boolean", StrOptions({AUTO})],
        "residual": ["boolean"],
        "head": [StrOptions({"flatten", "global_avg", AUTO})],
        "hidden_layer_sizes": ["array-like", StrOptions({AUTO})],
        "learning_rate": [
            StrOptions({AUTO, "constant", "invscaling", "adaptive", "plateau", "cosine"})
        ],
        "input_shape": [tuple, list, None],
        "dtype": [StrOptions({"float32", "float64"})],
    }

    def _auto_batch_size(self, n_samples) -> int:
        if self._n_spatial() == 1:  # at least 2: batch norm of one sample is no statistic
            return max(min(n_samples, 2), min(n_samples // 10, AUTO_SIGNAL_BATCH_SIZE))
        return small_data_batch_size(n_samples, AUTO_BATCH_SIZE)

    def _n_spatial(self) -> int:
        """1 for signals, 2 for images (known from fit on)."""
        return len(self.input_shape_) - 1

    def _learning_rate_name(self) -> str:
        if self.learning_rate == AUTO:
            return AUTO_SETTINGS[self._n_spatial()]["learning_rate"]
        return self.learning_rate

    def _setting(self, name, n_spatial):
        """The value of the architecture parameter ``name`` for samples of
        ``n_spatial`` axes: as given, or what 'auto' means there."""
        value = getattr(self, name)
        if not (isinstance(value, str) and value == AUTO):
            return value
        if n_spatial == 1 and name == "conv_layers" and self.residual:
            return AUTO_RESIDUAL_SIGNAL_FILTERS
        if n_spatial == 1 and name == "kernel_size":
            n_convs = len(AUTO_SIGNAL_KERNELS)  # of each residual block
            if not self.residual:
                n_convs = len(self._layer_sizes("conv_layers", self._setting("conv_layers", 1)))
            return [AUTO_SIGNAL_KERNELS[min(i, 2)] for i in range(n_convs)]
        return AUTO_SETTINGS[n_spatial][name]

    # ----------------------------------------------------------- the network
    def _paddings(self, n_convs, what) -> list:
        paddings = (
            list(self.padding) if isinstance(self.padding, list) else [self.padding] * n_convs
        )
        if len(paddings) != n_convs or not all(
            p in ("same", "valid") or (is_int(p) and p >= 0) for p in paddings
        ):
            raise ValueError(
                f"padding must be 'same', 'valid', an int >= 0, or a list of one per "
                f"{what} ({n_convs}), got {self.padding!r}"
            )
        return paddings

    def _conv_settings(self, n_units, n_spatial) -> list[dict]:
        """For each convolutional layer (each residual block, with
        ``residual``): ``{'convs': [Conv settings, one per convolution], 'pool': ...}``."""
        kernel_size = self._setting("kernel_size", n_spatial)
        if self.residual:
            what = ("convolutions of a residual block", "convolution of a block")
            n_convs = len(kernel_size) if isinstance(kernel_size, list) else 2
            n_pools = n_units
            pool_what = ("residual blocks", "residual block")
        else:
            what = pool_what = ("convolutional layers", "convolutional layer")
            n_convs = n_pools = n_units
        kernels = self._per_conv_layer("kernel_size", kernel_size, n_convs, n_spatial, what)
        strides = self._per_conv_layer("strides", self.strides, n_convs, n_spatial, what)
        pool_size = self._setting("pool_size", n_spatial)
        pools = self._per_conv_layer("pool_size", pool_size, n_pools, n_spatial, pool_what)
        convs = [
            dict(kernel_size=k, strides=s, padding=p)
            for k, s, p in zip(kernels, strides, self._paddings(n_convs, what[1]))
        ]
        if self.residual:
            return [dict(convs=convs, pool=q) for q in pools]
        return [dict(convs=[c], pool=q) for c, q in zip(convs, pools)]

    def _check_positions(self, input_shape) -> None:
        """Each convolution keeps at least one position along every axis, as
        _build_network lays them out (pools narrow to what is left, so only a
        kernel can find too few): else name the layer and what makes room."""
        samples = spatial = tuple(input_shape[:-1])
        conv_layers = self._setting("conv_layers", len(spatial))
        n_units = len(self._layer_sizes("conv_layers", conv_layers))
        unit_name = "residual block" if self.residual else "convolutional layer"
        for i, unit in enumerate(self._conv_settings(n_units, len(spatial)), start=1):
            for settings in unit["convs"]:
                kernel, strides, padding = (
                    settings[k] for k in ("kernel_size", "strides", "padding")
                )
                padded = [
                    size + sum(padding_amounts(padding, size, k, s, 1))
                    for size, k, s in zip(spatial, kernel, strides)
                ]
                if any(size < k for size, k in zip(padded, kernel)):
                    before, earlier = "", ""
                    if i > 1:
                        before = " after the strides and pools before it"
                        earlier = (
                            " smaller pool_size or strides in the layers before it, fewer "
                            "conv_layers,"
                        )
                    raise ValueError(
                        f"the network shrinks to nothing: {unit_name} {i} of {n_units} "
                        f"(kernel_size {kernel}, strides {strides}, padding {padding!r}) gets "
                        f"inputs of {spatial} positions{before}, fewer than its kernel spans. Make "
                        f"room with padding ('same' keeps every size), a smaller kernel_size,"
                        f"{earlier} or samples larger than {samples} (input_shape)"
                    )
                spatial = tuple((size - k) // s + 1 for size, k, s in zip(padded, kernel, strides))
            if unit["pool"] is not None:  # windows narrowed to the axis, strides = window
                spatial = tuple(size // min(p, size) for p, size in zip(unit["pool"], spatial))

    def _layer_sizes(self, name, value) -> list[int]:
        sizes = list(value) if isinstance(value, (list, tuple, np.ndarray)) else [value]
        if not all(is_int(s) and s >= 1 for s in sizes):
            raise ValueError(f"{name} must be positive ints, got {value!r}")
        return [int(s) for s in sizes]

    def _build_network(self, input_shape, n_outputs, dtype, rng, expect=None):
        """The layers for one sample of ``input_shape`` (channels last).

        ``expect(where, shapes)``, when given, sees the array shapes of each
        layer with weights before the layer is made (see
        :class:`~lucidnet.estimators.layer_stack.LayerStack`): a model file
        checks them against the arrays it holds, so that nothing is allocated
        that the file does not justify. ``rng=None`` draws no weights (the
        file's go in).
        """
        n_spatial = len(input_shape) - 1
        filters = self._layer_sizes("conv_layers", self._setting("conv_layers", n_spatial))
        hidden_layer_sizes = self._setting("hidden_layer_sizes", n_spatial)
        hidden = self._layer_sizes("hidden_layer_sizes", hidden_layer_sizes)
        batch_norm = self._setting("batch_norm", n_spatial)
        what = "residual blocks" if self.residual else "convolutional"
        activations = self._per_layer(
            "activation", self.activation, len(filters) + len(hidden),
            lambda a: a in HIDDEN_ACTIVATIONS, f"{what} and hidden layers",
        )  # fmt: skip
        rates = self._dropout_rates(len(hidden))
        if not hidden and np.any(self.dropout):
            raise ValueError(
                f"dropout acts after the hidden dense layers, and hidden_layer_sizes="
                f"{hidden_layer_sizes!r} has none{self._auto_meaning('hidden_layer_sizes', ())}"
            )
        pool = MaxPool2D if n_spatial == 2 else MaxPool1D
        stack = LayerStack(input_shape, expect)
        for n_filters, unit, activation in zip(
            filters, self._conv_settings(len(filters), n_spatial), activations
        ):
            if self.residual:
                self._residual_block(
                    stack, n_filters, unit["convs"], activation, batch_norm, dtype, rng
                )
            else:
                self._convolution(stack, n_filters, unit["convs"][0], batch_norm, dtype, rng)
            stack.add(Activation, activation)
            if unit["pool"] is not None:
                narrowed = tuple(min(p, size) for p, size in zip(unit["pool"], stack.shape[:-1]))
                if math.prod(narrowed) > 1:
                    stack.add(pool, narrowed)
        if len(stack.shape) > 1:
            head = self._setting("head", n_spatial)
            stack.add(GlobalAvgPool if head == "global_avg" else Flatten)
        sizes = [*hidden, n_outputs]
        for i, size in enumerate(sizes):
            n_in, last = stack.shape[0], i == len(hidden)
            init = initializer("glorot_uniform" if last else "he_uniform", rng)
            stack.add(Dense, n_in, size, init=init, rng=rng, dtype=dtype,
                      shapes={"W": (n_in, size), "b": (size,)})  # fmt: skip
            if last:
                break
            if batch_norm:
                stack.normalization(size, dtype)
            stack.add(Activation, activations[len(filters) + i])
            if rates[i]:
                stack.add(Dropout, rates[i], rng=layer_rng(rng))
        return Sequential(stack.layers)

    def _auto_meaning(self, name, value) -> str:
        """' ('auto' for signals)' where ``name`` is 'auto' and means ``value``: for errors."""
        auto = isinstance(getattr(self, name), str) and getattr(self, name) == AUTO
        return f" ({name}='auto' means {value!r} for signals)" if auto else ""

    def _convolution(self, stack, n_filters, settings, batch_norm, dtype, rng, kernel=None):
        """A convolution of ``settings`` (then batch norm, with ``batch_norm``)."""
        conv = Conv2D if len(stack.shape) == 3 else Conv1D
        kernel, n_in = kernel or settings["kernel_size"], stack.shape[-1]
        shapes = {"W": (*kernel, n_in, n_filters), "b": (n_filters,)}
        stack.add(conv, n_in, n_filters, kernel, strides=settings["strides"],
                  padding=settings["padding"], init=initializer("he_uniform", rng), rng=rng,
                  dtype=dtype, shapes=shapes)  # fmt: skip
        if batch_norm:
            stack.normalization(n_filters, dtype)

    def _residual_block(self, stack, n_filters, convs, activation, batch_norm, dtype, rng):
        """``Residual(main, shortcut)`` of ``convs`` (the activation after it is the caller's)."""
        main = stack.path("main")
        for i, settings in enumerate(convs):
            if i:
                main.add(Activation, activation)
            self._convolution(main, n_filters, settings, batch_norm, dtype, rng)
        shortcut = stack.path("shortcut")
        # A 1x1 convolution strided by all the block's strides together: with
        # 'same' padding, each convolution keeps ceil(size / stride) positions,
        # and so does it.
        strides = tuple(math.prod(axis) for axis in zip(*(c["strides"] for c in convs)))
        if stack.shape[-1] != n_filters or set(strides) != {1}:
            self._convolution(shortcut, n_filters, dict(strides=strides, padding="valid"),
                              batch_norm, dtype, rng, kernel=(1,) * len(strides))  # fmt: skip
        elif batch_norm:
            shortcut.normalization(n_filters, dtype)
        if main.shape != shortcut.shape:
            raise ValueError(
                f"a residual block adds its input to its convolutions' output, which must keep "
                f"its size: its {len(convs)} convolutions (padding {self.padding!r}) take "
                f"{stack.shape[:-1]} positions to {main.shape[:-1]}, where the shortcut gives "
                f"{shortcut.shape[:-1]}. Use padding='same'"
            )
        stack.add(Residual, main.layers, shortcut.layers)

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

    Notes
    -----
    **The defaults depend on the number of spatial axes** of a sample
    (``input_shape``, or ``X``'s shape without it): the parameters left at
    'auto' become, for signals (one axis: ``input_shape=(length,)``, or a
    2-D ``X`` without input_shape) the fully convolutional network (FCN) of
    Wang et al. (2017) below, trained much as Ismail Fawaz et al. (2019)
    train it (batch ``min(n_samples // 10, 16)``, the rate halved on plateaus
    of the training loss; but patience 10 epochs instead of 50, a floor of
    1e-6 instead of 1e-4, 200 epochs instead of 2,000, and the last weights
    kept), and for images (two axes) two 3x3 convolutions of 32 and
    64 filters, each followed by 2x2 max pooling, a dense layer of 128, a
    constant rate and batches of ``n_samples // 10`` in [16, 200]:

    ==================  ====================  ===========
    parameter           signals               images
    ==================  ====================  ===========
    conv_layers         (128, 256, 128)       (32, 64)
    kernel_size         [8, 5, 3]             3
    pool_size           None                  2
    batch_norm          True                  False
    head                'global_avg'          'flatten'
    hidden_layer_sizes  ()                    (128,)
    learning_rate       'plateau'             'constant'
    batch_size          n // 10 in [2, 16]    n // 10 in [16, 200]
    ==================  ====================  ===========

    Parameters set by hand keep their values; the others stay 'auto'
    (``conv_layers=(64, 64)`` on signals: kernels [8, 5], batch norm, global
    average pooling). With ``residual=True``, 'auto' on signals is the
    ResNet below (filters (64, 128, 128), kernels [8, 5, 3] in each block).
    On 150-step signals the FCN costs 20-50 times the image network per
    sample; ``benchmarks/timeseries.py`` measures both on the UCR/UEA sets.

    The two reference networks for time series classification of Wang et
    al. (2017), as Ismail Fawaz et al. (2019) benchmark them
    (github.com/hfawaz/dl-4-tsc, ``classifiers/fcn.py`` and
    ``classifiers/resnet.py``), are these parameter values (what 'auto'
    gives on signals, written out), with ``input_shape=(length,)``::

        FCN = dict(conv_layers=(128, 256, 128), kernel_size=[8, 5, 3], padding="same",
                   pool_size=None, batch_norm=True, activation="relu",
                   head="global_avg", hidden_layer_sizes=())
        ResNet = dict(conv_layers=(64, 128, 128), kernel_size=[8, 5, 3], padding="same",
                      pool_size=None, batch_norm=True, activation="relu",
                      residual=True, head="global_avg", hidden_layer_sizes=())

    FCN: three convolutions of 128, 256 and 128 filters (kernels 8, 5, 3),
    each followed by batch norm and a ReLU, no pooling, global average
    pooling, the softmax output. ResNet: three residual blocks of 64, 128 and
    128 filters, each of three convolutions (kernels 8, 5, 3) with batch norm,
    a ReLU after the first two and after the sum; the shortcut a 1x1
    convolution and batch norm where the channel count changes (the first two
    blocks), batch norm alone in the third. For 3 classes, one channel, both
    have the reference's trainable parameters: 265,091 and 504,387. The
    reference trains them with Adam (learning rate 0.001, halved after 50
    epochs without a lower training loss, down to 0.0001) on mini-batches of
    ``min(n_samples // 10, 16)`` (FCN) or ``min(n_samples // 10, 64)``
    (ResNet) samples, for 2,000 and 1,500 epochs, and predicts with the
    weights of the epoch of lowest training loss.

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
        conv_layers="auto",
        kernel_size="auto",
        *,
        strides=1,
        padding="same",
        pool_size="auto",
        batch_norm="auto",
        residual=False,
        head="auto",
        hidden_layer_sizes="auto",
        activation="relu",
        input_shape=None,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="auto",
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

    Notes
    -----
    The parameters left at 'auto' depend on the number of spatial axes, as
    for :class:`ConvNetClassifier` (see its Notes): a fully convolutional
    network for signals, two convolutions with pooling and a dense layer for
    images.

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
        conv_layers="auto",
        kernel_size="auto",
        *,
        strides=1,
        padding="same",
        pool_size="auto",
        batch_norm="auto",
        residual=False,
        head="auto",
        hidden_layer_sizes="auto",
        activation="relu",
        input_shape=None,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="auto",
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
