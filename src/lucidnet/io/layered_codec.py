"""Convolutional networks and autoencoders to plain data and back: a layer
list and named arrays.

An MLP's file needs only its layer sizes (:mod:`lucidnet.io.codec`); a
convolutional network's shapes also depend on kernels, strides, padding and
pooling. So its metadata lists every layer, in order, with the shape of each
array it holds::

    "architecture": {"dtype": "float32", "input_shape": [8, 8, 1],
                     "layers": [{"kind": "Conv2D", "arrays": {"W": [3, 3, 1, 32], "b": [32]}},
                                {"kind": "Activation"}, {"kind": "MaxPool2D"}, ...]}

and the arrays are stored as ``layer<i>.<name>`` (``layer0.W``,
``layer2.running_mean``). Reading trusts none of it: the array shapes are
known, and checked against each array's header, before anything is read;
then the network is rebuilt from the estimator's parameters, and each layer's
array shapes are compared with the file's *before* that layer is made, so
nothing is allocated that the file's own bytes do not justify; the
layer kinds must be the file's, in order; last, what a forward pass of one
row needs (:mod:`lucidnet.engine.cost`) must be justified by the file too.

That last rule: a file may ask, for one row, at most ``max(64 MiB, 100 x the
bytes of its own arrays)``, unless the caller raises the bound
(``load(path, max_row_bytes=...)``, the command's ``--max-row-memory``).
Padding, strides and input shapes are numbers in the metadata that no array
backs: a 4 KB file whose convolution pads by 2 * 10**8 zeros loads, then one
row takes gigabytes. Most networks need far less per row than their weights
take (the digits ConvNet: 1.6 MB of weights, 0.3 MB a row), but not all: a
convolution over long signals or large images with few filters and no dense
layer has small weights and large rows. ``save`` warns when a model exceeds
the default bound, and says which ``max_row_bytes`` loads it.
"""

from __future__ import annotations

import numpy as np

from .._bytes import byte_text
from ..engine.cost import forward_costs
from ..estimators import Autoencoder, ConvNetClassifier, ConvNetRegressor
from ..exceptions import ModelFileError
from .json_values import from_json

__all__ = [
    "LAYERED_CLASSES",
    "check_saved_row_cost",
    "decode_layered",
    "encode_layers",
    "expected_layer_arrays",
]

LAYERED_CLASSES = {
    "ConvNetClassifier": ConvNetClassifier,
    "ConvNetRegressor": ConvNetRegressor,
    "Autoencoder": Autoencoder,
}
# Which arrays each kind of layer may hold: its parameters, then its state.
LAYER_ARRAYS = {
    "Conv1D": ("W", "b"),
    "Conv2D": ("W", "b"),
    "Dense": ("W", "b"),
    "BatchNormalization": ("gamma", "beta", "running_mean", "running_var"),
    "Activation": (),
    "MaxPool1D": (),
    "MaxPool2D": (),
    "Flatten": (),
    "Reshape": (),
    "Dropout": (),
    "GaussianNoise": (),
    "Masking": (),
    "UpSampling1D": (),
    "UpSampling2D": (),
}
MAX_ARRAY_DIMS = 4
# What a file may ask for a forward pass of one row: the larger of a fixed
# floor and a multiple of the bytes of its own arrays (see the docstring).
ROW_BUDGET_FLOOR = 64 * 2**20
ROW_BUDGET_PER_ARRAY_BYTE = 100


def layer_arrays(layer) -> dict[str, np.ndarray]:
    """A layer's arrays by name: its parameters' values, then its state."""
    arrays = {p.name: p.value for p in layer.parameters()}
    arrays.update(zip(layer.state_names, layer.state()))
    return arrays


def encode_layers(model) -> tuple[dict, dict]:
    """``(architecture, arrays)`` of a fitted convolutional estimator."""
    layers, arrays = [], {}
    for i, layer in enumerate(model._network.layers):
        entry = {"kind": type(layer).__name__}
        held = layer_arrays(layer)
        if held:
            entry["arrays"] = {name: list(a.shape) for name, a in held.items()}
            arrays.update({f"layer{i}.{name}": a for name, a in held.items()})
        layers.append(entry)
    input_shape = getattr(model, "input_shape_", None) or (model.n_features_in_,)
    architecture = {
        "dtype": str(model._network.dtype),
        "input_shape": list(input_shape),
        "layers": layers,
    }
    return architecture, arrays


def expected_layer_arrays(check, architecture, dtype, n_entries=None) -> dict:
    """The arrays a layer list says the file holds: name -> (dtype, shape)."""
    layers = check.field(architecture, "layers", list, "architecture")
    check.require(layers, "its architecture lists no layers")
    n_arrays = sum(
        len(e["arrays"])
        for e in layers
        if isinstance(e, dict) and isinstance(e.get("arrays"), dict)
    )
    check.require(
        n_entries is None or n_arrays <= n_entries,
        f"is missing array(s): its layers list {n_arrays}, it holds {n_entries}",
    )
    expected = {}
    for i, entry in enumerate(layers):
        kind = check.field(entry, "kind", str, f"layer {i}")
        check.require(kind in LAYER_ARRAYS, f"its layer {i} is of an unknown kind {kind!r}")
        held = entry.get("arrays", {})
        listed = sorted(held) if isinstance(held, dict) else held
        check.require(
            isinstance(held, dict) and listed == sorted(LAYER_ARRAYS[kind]),
            f"its layer {i} ({kind}) lists arrays {listed!r}, expected "
            f"{sorted(LAYER_ARRAYS[kind])}",
        )
        for name, shape in held.items():
            check.positive_ints(shape, f"layer {i} {name} shape")
            check.require(len(shape) <= MAX_ARRAY_DIMS, f"its layer {i} {name} has too many axes")
            expected[f"layer{i}.{name}"] = (np.dtype(dtype), tuple(shape))
    return expected


def _row_bytes(network, input_shape) -> tuple[int, object]:
    """What a forward pass of one row needs, in bytes, and its largest layer's cost."""
    costs = forward_costs(network.layers, input_shape)
    return sum(c.values for c in costs) * network.dtype.itemsize, max(costs, key=lambda c: c.values)


def _default_rule(array_bytes: int) -> tuple[int, str]:
    """What a file may ask for one row unless the caller allows more, and the rule in words."""
    limit = max(ROW_BUDGET_FLOOR, ROW_BUDGET_PER_ARRAY_BYTE * array_bytes)
    words = (
        f"max(64 MiB, {ROW_BUDGET_PER_ARRAY_BYTE} x its {byte_text(array_bytes)} of arrays) "
        f"= {byte_text(limit)}"
    )
    return limit, words


def _allowing(needed: int) -> str:
    """How to load a file that needs ``needed`` bytes a row, in whole MiB (easy to type)."""
    mib = -(-needed // 2**20)
    return f"load(path, max_row_bytes={mib * 2**20}), or in the command --max-row-memory {mib}MiB"


def check_saved_row_cost(model, architecture, arrays) -> str | None:
    """Why ``load`` would refuse this model's file by default (None when it would not)."""
    needed, _ = _row_bytes(model._network, architecture["input_shape"])
    limit, rule = _default_rule(sum(a.nbytes for a in arrays.values()))
    if needed <= limit:
        return None
    return (
        f"this {type(model).__name__} needs {byte_text(needed)} for a forward pass of one row, "
        f"more than load accepts from a model file by default ({rule}): load the file with "
        + _allowing(needed)
    )


def _check_row_cost(check, network, input_shape, array_bytes: int, max_row_bytes) -> None:
    """Refuse a network whose forward pass of one row needs more than the file
    justifies (:func:`_default_rule`) or than the caller allows."""
    needed, big = _row_bytes(network, input_shape)
    limit, rule = _default_rule(array_bytes)
    if max_row_bytes is not None:
        limit = max_row_bytes
        rule = f"the limit given (max_row_bytes, --max-row-memory), {byte_text(limit)}"
    if needed <= limit:
        return
    check.fail(
        f"its network needs {byte_text(needed)} for a forward pass of one row, more than "
        f"{rule}; the largest part, {byte_text(big.values * network.dtype.itemsize)}, is "
        f"layer {big.index}, {big.layer!r}, with output shape {big.output_shape}. A file "
        "whose padding, strides or input shape were edited asks this; if you trust the file "
        f"(you saved it), allow it: {_allowing(needed)}"
    )


def decode_layered(check, metadata, params, arrays, label_binarizer, finish, max_row_bytes):
    """Build a convolutional estimator from checked metadata and arrays.

    ``label_binarizer(check, classes, n_outputs)`` checks a classifier's classes;
    ``finish(model, n_features)`` sets what every estimator shares (feature
    names, training record); ``max_row_bytes`` (None: the file's default budget)
    bounds what a forward pass of one row may need.
    """
    cls = LAYERED_CLASSES[metadata["class"]]
    architecture = metadata["architecture"]
    input_shape = check.positive_ints(architecture.get("input_shape"), "input shape")
    check.require(1 <= len(input_shape) <= 3, f"its input shape {input_shape} is not 1 to 3 axes")
    layers = architecture["layers"]
    n_features = int(np.prod(input_shape))
    if cls is Autoencoder:
        n_outputs = n_features  # it gives back its input
    else:
        last = layers[-1]
        check.require(last.get("kind") == "Dense", "its last layer is not Dense")
        n_outputs = last["arrays"]["b"][0]
    known = cls().get_params()
    unknown = sorted(set(params) - set(known))
    check.require(not unknown, f"has unknown {cls.__name__} parameters {unknown}")
    try:
        decoded = {name: from_json(value) for name, value in params.items()}
        model = cls(**decoded)
        model._validate_params()
    except (TypeError, ValueError) as exc:
        check.fail(f"has invalid {cls.__name__} parameters: {exc}")
    if cls is ConvNetClassifier:
        model._label_binarizer = label_binarizer(check, metadata.get("classes"), n_outputs)
        model.classes_ = model._label_binarizer.classes_
    else:
        check.require(metadata.get("classes") is None, "a regressor's file lists classes")

    def expect(index, shapes):
        stored = layers[index].get("arrays") if index < len(layers) else None
        wanted = {name: list(shape) for name, shape in shapes.items()}
        check.require(
            stored == wanted,
            f"its layer {index} holds arrays {stored}, but its parameters make {wanted}",
        )

    try:
        network = model._build_network(
            tuple(input_shape), n_outputs, np.dtype(architecture["dtype"]), None, expect=expect
        )  # the file's weights go in below: none are drawn
        _check_row_cost(
            check, network, input_shape, sum(a.nbytes for a in arrays.values()), max_row_bytes
        )
    except ModelFileError:
        raise
    except ValueError as exc:
        check.fail(f"has parameters that make no network for its input shape: {exc}")
    if len(input_shape) == 1:  # flat rows: input_shape is for convolutions only
        check.require(
            model.input_shape is None,
            f"its input_shape parameter is {model.input_shape}, but its network takes flat "
            f"rows of {n_features} features (input_shape is for convolutional networks)",
        )
    elif model.input_shape is not None:
        try:
            resolved = model._resolve_input_shape(n_features, None)
        except ValueError as exc:
            check.fail(f"has an input_shape parameter that does not fit its inputs: {exc}")
        check.require(
            list(resolved) == input_shape,
            f"its architecture says input shape {input_shape}, but its input_shape parameter "
            f"makes {list(resolved)}",
        )
    for i, entry in enumerate(layers):
        if entry.get("kind") == "BatchNormalization":
            variance = arrays[f"layer{i}.running_var"]
            check.require(np.all(variance > 0), f"array layer{i}.running_var is not positive")
    kinds = [type(layer).__name__ for layer in network.layers]
    stored_kinds = [entry["kind"] for entry in layers]
    check.require(
        kinds == stored_kinds,
        f"its layers are {stored_kinds}, but its parameters make {kinds}",
    )
    for i, layer in enumerate(network.layers):
        for name, target in layer_arrays(layer).items():
            target[...] = arrays[f"layer{i}.{name}"]
    model._network = network
    if len(input_shape) > 1:  # images or signals
        model.input_shape_ = tuple(input_shape)
    model.n_outputs_ = n_outputs
    model.out_activation_ = model._output_activation
    if cls is Autoencoder:
        model.n_components_ = model.n_components
    finish(model, n_features)
    return model
