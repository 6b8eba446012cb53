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
``layer2.running_mean``). A residual block lists its paths' layers the same
way, ``{"kind": "Residual", "main": [...], "shortcut": [...]}``, and their
arrays are ``layer<i>.main<j>.<name>`` (``layer0.shortcut1.running_var``).
Reading trusts none of it: the array shapes are known, and checked against
each array's header, before anything is read; then the network is rebuilt
from the estimator's parameters, and each layer's array shapes are compared
with the file's *before* that layer is made, so nothing is allocated that
the file's own bytes do not justify; the layer kinds must be the file's, in
order; last, what a forward pass of one row needs
(:mod:`lucidnet.engine.cost`) must be justified by the file too.

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
from ..engine.residual import Residual
from ..estimators import Autoencoder, ConvNetClassifier, ConvNetRegressor
from ..estimators.layer_stack import where_text
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
    "GlobalAvgPool": (),
    "Residual": (),  # its paths' layers hold them
    "Flatten": (),
    "Reshape": (),
    "Dropout": (),
    "GaussianNoise": (),
    "Masking": (),
    "UpSampling1D": (),
    "UpSampling2D": (),
}
MAX_ARRAY_DIMS = 4
RESIDUAL_PATHS = ("main", "shortcut")
MAX_NESTING = 3  # residual blocks inside residual blocks inside ...: a bound for hostile files
# What a file may ask for a forward pass of one row: the larger of a fixed
# floor and a multiple of the bytes of its own arrays (see the docstring).
ROW_BUDGET_FLOOR = 64 * 2**20
ROW_BUDGET_PER_ARRAY_BYTE = 100


def layer_arrays(layer) -> dict[str, np.ndarray]:
    """A layer's arrays by name: its parameters' values, then its state."""
    arrays = {p.name: p.value for p in layer.parameters()}
    arrays.update(zip(layer.state_names, layer.state()))
    return arrays


def array_prefix(where) -> str:
    """Where a layer's arrays are stored: ``layer3`` for the network's layer 3,
    ``layer3.main0`` for the first layer of its main path (``where`` as
    :class:`~lucidnet.estimators.layer_stack.LayerStack` gives it)."""
    if not isinstance(where, tuple):
        return f"layer{where}"
    steps = "".join(f".{name}{j}" for name, j in zip(where[1::2], where[2::2]))
    return f"layer{where[0]}{steps}"


def walk_layers(layers, where=()):
    """``(where, layer)`` for every layer, those inside residual blocks too."""
    for i, layer in enumerate(layers):
        here = (*where, i) if where else i
        yield here, layer
        if isinstance(layer, Residual):
            for name in RESIDUAL_PATHS:
                yield from walk_layers(getattr(layer, name), _inside(here, name))


def _inside(where, name) -> tuple:
    return (*where, name) if isinstance(where, tuple) else (where, name)


def _describe(layers) -> list:
    """The layer kinds, a residual block's as ``{'Residual': {'main': [...], ...}}``."""
    return [
        {"Residual": {name: _describe(getattr(layer, name)) for name in RESIDUAL_PATHS}}
        if isinstance(layer, Residual)
        else type(layer).__name__
        for layer in layers
    ]


def _encode(layers, where, arrays) -> list[dict]:
    entries = []
    for i, layer in enumerate(layers):
        here = (*where, i) if where else i
        entry = {"kind": type(layer).__name__}
        if isinstance(layer, Residual):
            for name in RESIDUAL_PATHS:
                entry[name] = _encode(getattr(layer, name), _inside(here, name), arrays)
        else:
            held = layer_arrays(layer)
            if held:
                entry["arrays"] = {name: list(a.shape) for name, a in held.items()}
                prefix = array_prefix(here)
                arrays.update({f"{prefix}.{name}": a for name, a in held.items()})
        entries.append(entry)
    return entries


def encode_layers(model) -> tuple[dict, dict]:
    """``(architecture, arrays)`` of a fitted convolutional estimator."""
    arrays = {}
    layers = _encode(model._network.layers, (), arrays)
    input_shape = getattr(model, "input_shape_", None) or (model.n_features_in_,)
    architecture = {
        "dtype": str(model._network.dtype),
        "input_shape": list(input_shape),
        "layers": layers,
    }
    return architecture, arrays


def walk_entries(check, entries, where=()):
    """``(where, entry)`` for every layer a file lists, those inside residual
    blocks too, each checked to be a known kind with its paths (if any) lists."""
    for i, entry in enumerate(entries):
        here = (*where, i) if where else i
        name = f"layer {where_text(here)}"
        kind = check.field(entry, "kind", str, name)
        check.require(kind in LAYER_ARRAYS, f"its {name} is of an unknown kind {kind!r}")
        yield here, entry
        if kind == "Residual":
            check.require(
                len(here if isinstance(here, tuple) else (here,)) // 2 < MAX_NESTING,
                f"its {name} nests residual blocks more than {MAX_NESTING} deep",
            )
            for path in RESIDUAL_PATHS:
                inner = check.field(entry, path, list, name)
                yield from walk_entries(check, inner, _inside(here, path))


def entry_at(entries, where):
    """The entry a file lists at ``where``, or None."""
    steps = where if isinstance(where, tuple) else (where,)
    entry = None
    for k, step in enumerate(steps):
        if k % 2:  # a path's name
            entries = entry.get(step) if isinstance(entry, dict) else None
            continue
        if not isinstance(entries, list) or not 0 <= step < len(entries):
            return None
        entry = entries[step]
    return entry if isinstance(entry, dict) else None


def _describe_entries(entries) -> list:
    """The kinds a file lists, as :func:`_describe` gives a network's."""
    return [
        {"Residual": {name: _describe_entries(e[name]) for name in RESIDUAL_PATHS}}
        if e["kind"] == "Residual"
        else e["kind"]
        for e in entries
    ]


def expected_layer_arrays(check, architecture, dtype, n_entries=None) -> dict:
    """The arrays a layer list says the file holds: name -> (dtype, shape)."""
    layers = check.field(architecture, "layers", list, "architecture")
    check.require(layers, "its architecture lists no layers")
    walked = list(walk_entries(check, layers))
    n_arrays = sum(len(e["arrays"]) for _, e in walked if isinstance(e.get("arrays"), dict))
    check.require(
        n_entries is None or n_arrays <= n_entries,
        f"is missing array(s): its layers list {n_arrays}, it holds {n_entries}",
    )
    expected = {}
    for where, entry in walked:
        kind, name = entry["kind"], f"layer {where_text(where)}"
        held = entry.get("arrays", {})
        listed = sorted(held) if isinstance(held, dict) else held
        check.require(
            isinstance(held, dict) and listed == sorted(LAYER_ARRAYS[kind]),
            f"its {name} ({kind}) lists arrays {listed!r}, expected {sorted(LAYER_ARRAYS[kind])}",
        )
        for array, shape in held.items():
            check.positive_ints(shape, f"{name} {array} shape")
            check.require(len(shape) <= MAX_ARRAY_DIMS, f"its {name} {array} has too many axes")
            expected[f"{array_prefix(where)}.{array}"] = (np.dtype(dtype), tuple(shape))
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


# Parameters added after files were written, whose default today is not what
# those files meant: a convolutional net without 'head' flattened (the
# default became 'auto', global average pooling for signals).
EARLIER_DEFAULTS = {"head": "flatten"}


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
    # A file from before a parameter existed meant that parameter's value then,
    # not today's default where the two differ.
    earlier = {k: v for k, v in EARLIER_DEFAULTS.items() if k in known and k not in params}
    try:
        decoded = {**earlier, **{name: from_json(value) for name, value in params.items()}}
        model = cls(**decoded)
        model._validate_params()
    except (TypeError, ValueError) as exc:
        check.fail(f"has invalid {cls.__name__} parameters: {exc}")
    if cls is ConvNetClassifier:
        model._label_binarizer = label_binarizer(check, metadata.get("classes"), n_outputs)
        model.classes_ = model._label_binarizer.classes_
    else:
        check.require(metadata.get("classes") is None, "a regressor's file lists classes")

    def expect(where, shapes):
        entry = entry_at(layers, where)
        stored = entry.get("arrays") if entry is not None else None
        wanted = {name: list(shape) for name, shape in shapes.items()}
        check.require(
            stored == wanted,
            f"its layer {where_text(where)} holds arrays {stored}, but its parameters make "
            f"{wanted}",
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
    for where, entry in walk_entries(check, layers):
        if entry["kind"] == "BatchNormalization":
            key = f"{array_prefix(where)}.running_var"
            check.require(np.all(arrays[key] > 0), f"array {key} is not positive")
    kinds, stored_kinds = _describe(network.layers), _describe_entries(layers)
    check.require(
        kinds == stored_kinds,
        f"its layers are {stored_kinds}, but its parameters make {kinds}",
    )
    for where, layer in walk_layers(network.layers):
        if isinstance(layer, Residual):
            continue  # its paths' layers hold its arrays, and come next
        for name, target in layer_arrays(layer).items():
            target[...] = arrays[f"{array_prefix(where)}.{name}"]
    model._network = network
    if len(input_shape) > 1:  # images or signals
        model.input_shape_ = tuple(input_shape)
    model.n_outputs_ = n_outputs
    model.out_activation_ = model._output_activation
    if cls is Autoencoder:
        model.n_components_ = model.n_components
    finish(model, n_features)
    return model
