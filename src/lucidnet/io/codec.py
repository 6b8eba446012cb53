"""A model to plain data (JSON-safe metadata + float arrays) and back.

Decoding trusts nothing: every field is checked against what the class and
its parameters imply (layer sizes, activations, number of outputs, classes)
before the model is built, and every problem is a ``ModelFileError``.
"""

from __future__ import annotations

import math
import numbers
import reprlib
import warnings

import numpy as np
from sklearn.preprocessing import LabelBinarizer

from ..classic import NeuralNetwork
from ..engine.layers import Dense
from ..estimators import ConvNetClassifier, MLPClassifier, MLPRegressor
from ..exceptions import ModelFileError
from .json_values import from_json, to_json
from .layered_codec import LAYERED_CLASSES, decode_layered, encode_layers, expected_layer_arrays

MODEL_CLASSES = {"MLPClassifier": MLPClassifier, "MLPRegressor": MLPRegressor, **LAYERED_CLASSES}
MODEL_CLASSES["NeuralNetwork"] = NeuralNetwork
FLOAT_DTYPES = ("float32", "float64")
CLASS_DTYPE_KINDS = "iubfUO"  # integers, booleans, floats, strings (numpy or Python)
LABEL_TYPES = ("binary", "multiclass", "multilabel-indicator")
MAX_LABEL_CHARS = 1000  # the widest string dtype of classes a file may declare
# The training record of an estimator: attribute -> what a valid value is.
TRAINING_FIELDS = {
    "n_iter_": "count",
    "t_": "count",
    "_no_improvement_count": "count",
    "loss_": "finite or absent",
    "best_loss_": "number or null",
    "_initial_loss": "finite or null",
    "best_validation_score_": "number or null",
    "loss_curve_": "finite list",
    "learning_rate_curve_": "finite list",
    "validation_scores_": "finite list or null",
    "validation_loss_curve_": "finite list or null",
    "reconstruction_error_": "finite or absent",
}


# ------------------------------------------------------------------- encoding
def encode_model(model) -> tuple[dict, dict]:
    """``(metadata, arrays)`` for a fitted model."""
    if type(model) not in MODEL_CLASSES.values():
        names = ", ".join(MODEL_CLASSES)
        raise TypeError(f"save takes one of {names}, got {type(model).__name__}")
    if isinstance(model, NeuralNetwork):
        metadata, dense = _encode_classic(model), _dense_layers(model.network)
    else:
        if not hasattr(model, "_network"):
            raise ValueError(f"this {type(model).__name__} is not fitted yet: call fit first")
        metadata = _encode_estimator(model)
        if type(model).__name__ in LAYERED_CLASSES:
            metadata["architecture"], arrays = encode_layers(model)
            return metadata, arrays
        dense = _dense_layers(model._network)
    arrays = {}
    for i, layer in enumerate(dense):
        arrays[f"coef_{i}"] = layer.W.value
        arrays[f"intercept_{i}"] = layer.b.value
    metadata["architecture"]["dtype"] = str(dense[0].W.value.dtype)
    return metadata, arrays


def _dense_layers(network) -> list[Dense]:
    return [layer for layer in network.layers if isinstance(layer, Dense)]


def _encode_estimator(model) -> dict:
    params = model.get_params()
    if isinstance(params["random_state"], (np.random.RandomState, np.random.Generator)):
        warnings.warn(
            "random_state is a random generator object, which a model file cannot hold; "
            "it is saved as None. Use an int random_state for reproducible further training.",
            UserWarning,
            stacklevel=3,
        )
        params["random_state"] = None
    names = getattr(model, "feature_names_in_", None)
    metadata = {
        "class": type(model).__name__,
        "params": {name: to_json(value, name) for name, value in params.items()},
        "architecture": None,
        "feature_names": None if names is None else [str(n) for n in names],
        "training": {
            name: to_json(getattr(model, name), name)
            for name in TRAINING_FIELDS
            if hasattr(model, name)
        },
        "classes": None,
    }
    if hasattr(model, "coefs_"):
        n_hidden = len(model._hidden_sizes())
        metadata["architecture"] = {
            "layer_sizes": [model.coefs_[0].shape[0], *(b.shape[0] for b in model.intercepts_)],
            "activations": [*model._hidden_activations(n_hidden), model.out_activation_],
            "dropout": [float(r) for r in model._dropout_rates(n_hidden)],
        }
    if isinstance(model, (MLPClassifier, ConvNetClassifier)):
        metadata["classes"] = {
            "label_type": model._label_binarizer.y_type_,
            **_encode_classes(model.classes_),
        }
    return metadata


def _encode_classes(classes) -> dict:
    classes = np.asarray(classes)
    kind = classes.dtype.kind
    if kind not in CLASS_DTYPE_KINDS or (
        kind == "O" and not all(isinstance(c, str) for c in classes)
    ):
        raise TypeError(
            f"classes {classes!r} cannot be stored in a model file: expected integers, "
            "booleans, floats or strings"
        )
    if kind == "U" and classes.dtype.itemsize // 4 > MAX_LABEL_CHARS:
        # A wide dtype with short labels (y read as <U5000) narrows to what they
        # need; load refuses wider ones, whose width it would have to allocate.
        longest = max(len(c) for c in classes.tolist())
        if longest > MAX_LABEL_CHARS:
            raise ValueError(
                f"a class label of {longest} characters cannot be stored in a model file "
                f"(at most {MAX_LABEL_CHARS})"
            )
        classes = classes.astype(f"{classes.dtype.byteorder}U{max(longest, 1)}")
    return {"dtype": classes.dtype.str, "values": [to_json(c, "classes") for c in classes]}


def _encode_classic(model: NeuralNetwork) -> dict:
    random_state = model.random_state
    bit_generator = model.rng.bit_generator
    return {
        "class": "NeuralNetwork",
        "params": {
            "layers": list(model.layers),
            "activation": model.activation,
            "random_state": to_json(random_state, "random_state")
            if random_state is None or isinstance(random_state, numbers.Integral)
            else None,
        },
        "architecture": {
            "layer_sizes": list(model.layers),
            "activations": [model.activation] * (len(model.layers) - 1),
            "dropout": [0.0] * (len(model.layers) - 2),
        },
        # The generator that draws fit's sample order, so that training goes on
        # exactly where it stopped.
        "rng_state": to_json(bit_generator.state, "rng_state")
        if type(bit_generator).__name__ == "PCG64"
        else None,
        "feature_names": None,
        "training": {},
        "classes": None,
    }


# ------------------------------------------------------------------- decoding
_SHORT = reprlib.Repr()
_SHORT.maxlist = _SHORT.maxdict = _SHORT.maxtuple = 8
_SHORT.maxstring = _SHORT.maxother = 80
_SHORT.maxlevel = 3


def shown(value) -> str:
    """``repr(value)`` cut short: a tampered file's values can be megabytes, and
    messages are built whether or not their check fails."""
    return _SHORT.repr(value)


class _Checker:
    """Raises ModelFileError(path, ...) when a condition does not hold."""

    def __init__(self, path):
        self.path = path

    def fail(self, problem: str):
        raise ModelFileError(self.path, problem)

    def require(self, condition, problem: str):
        if not condition:
            self.fail(problem)

    def field(self, mapping, name, kind=dict, where="metadata"):
        if not isinstance(mapping, dict) or name not in mapping:
            self.fail(f"its {where} has no {name!r}")
        value = mapping[name]
        if kind is not None and not isinstance(value, kind):
            self.fail(f"its {where} field {name!r} is {shown(value)}, expected a {kind.__name__}")
        return value

    def positive_ints(self, values, what):
        valid = isinstance(values, list) and all(
            isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in values
        )
        self.require(valid, f"its {what} {shown(values)} is not a list of positive integers")
        return values


def expected_arrays(path, metadata, n_entries=None) -> dict[str, tuple[np.dtype, tuple]]:
    """The arrays the metadata says the file holds, by name: ``(dtype, shape)``,
    known before any of them is read (checking the layer sizes and dtype).
    With ``n_entries``, the arrays the file holds: a list of a million layer
    sizes is refused before it is expanded into two million names."""
    check = _Checker(path)
    architecture = check.field(metadata, "architecture")
    if metadata.get("class") in LAYERED_CLASSES:
        return expected_layer_arrays(check, architecture, _dtype(check, architecture), n_entries)
    sizes = check.field(architecture, "layer_sizes", list, "architecture")
    check.require(len(sizes) >= 2, f"its layer sizes {shown(sizes)} need at least two entries")
    n_arrays = 2 * (len(sizes) - 1)
    check.require(
        n_entries is None or n_arrays <= n_entries,
        f"is missing the array(s): its {len(sizes)} layer sizes need {n_arrays}, it holds "
        f"{n_entries}",
    )
    check.positive_ints(sizes, "layer sizes")
    dtype = _dtype(check, architecture)
    expected = {}
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        expected[f"coef_{i}"] = (np.dtype(dtype), (n_in, n_out))
        expected[f"intercept_{i}"] = (np.dtype(dtype), (n_out,))
    return expected


def _dtype(check, architecture) -> str:
    dtype = check.field(architecture, "dtype", str, "architecture")
    check.require(
        dtype in FLOAT_DTYPES, f"its weight dtype {shown(dtype)} is not float32 or float64"
    )
    return dtype


def decode_model(path, metadata: dict, arrays: dict, max_row_bytes: int | None = None):
    """Check everything, then build the model. ``arrays`` are those that
    :func:`expected_arrays` names, read with the dtype and shape it gives;
    ``max_row_bytes`` as :func:`lucidnet.io.load` takes it."""
    check = _Checker(path)
    if metadata["class"] in LAYERED_CLASSES:
        for name, array in arrays.items():
            check.require(np.all(np.isfinite(array)), f"array {name} has NaN or infinite values")
        params = check.field(metadata, "params")

        def finish(model, n_features):
            _finish_estimator(check, metadata, model, n_features)

        return decode_layered(
            check, metadata, params, arrays, _label_binarizer, finish, max_row_bytes
        )
    coefs, intercepts = _checked_weights(check, expected_arrays(path, metadata), arrays)
    params = check.field(metadata, "params")
    if metadata["class"] == "NeuralNetwork":
        return _decode_classic(check, metadata, params, coefs, intercepts)
    return _decode_estimator(check, metadata, params, coefs, intercepts)


def _checked_weights(check, expected: dict, arrays: dict):
    coefs, intercepts = [], []
    for name, (dtype, shape) in expected.items():
        array = arrays[name]
        check.require(
            array.dtype == dtype, f"array {name} has dtype {array.dtype}, expected {dtype}"
        )
        check.require(
            array.shape == shape,
            f"array {name} has shape {array.shape}, but the layer sizes need {shape}",
        )
        check.require(np.all(np.isfinite(array)), f"array {name} has NaN or infinite values")
        (coefs if name.startswith("coef_") else intercepts).append(array)
    return coefs, intercepts


def _check_architecture(check, architecture, expected: dict):
    for name, value in expected.items():
        stored = architecture.get(name)
        check.require(
            stored == value,
            f"its architecture says {name} {shown(stored)}, but its parameters give {shown(value)}",
        )


def _decode_estimator(check, metadata, params, coefs, intercepts):
    cls = MODEL_CLASSES[metadata["class"]]
    known = cls().get_params()
    unknown = sorted(set(params) - set(known))
    check.require(not unknown, f"has unknown {cls.__name__} parameters {unknown}")
    try:
        decoded = {name: from_json(value) for name, value in params.items()}
        if isinstance(decoded.get("hidden_layer_sizes"), list):
            decoded["hidden_layer_sizes"] = tuple(decoded["hidden_layer_sizes"])
        model = cls(**decoded)
        model._validate_params()
        n_hidden = len(model._hidden_sizes())
        activations = model._hidden_activations(n_hidden)
        rates = [float(r) for r in model._dropout_rates(n_hidden)]
    except (TypeError, ValueError) as exc:
        check.fail(f"has invalid {cls.__name__} parameters: {exc}")
    architecture = metadata["architecture"]
    sizes = architecture["layer_sizes"]
    n_features, n_outputs = sizes[0], sizes[-1]
    if isinstance(model, MLPClassifier):
        model._label_binarizer = _label_binarizer(check, metadata.get("classes"), n_outputs)
        model.classes_ = model._label_binarizer.classes_
    else:
        check.require(metadata.get("classes") is None, "a regressor's file lists classes")
    _check_architecture(
        check,
        architecture,
        {
            "layer_sizes": [n_features, *model._hidden_sizes(), n_outputs],
            "activations": [*activations, model._output_activation],
            "dropout": rates,
        },
    )
    _checked_training(check, check.field(metadata, "training"))
    _checked_feature_names(check, metadata.get("feature_names"), n_features)

    # Everything checked: a network holding the file's weights, none drawn. Its
    # forward pass needs no more than its weights (a Dense layer's output is
    # one of its weight matrix's rows), so the file's arrays justify it.
    model._network = model._network_from_weights(coefs, intercepts)
    model._expose_weights()
    model.n_outputs_ = n_outputs
    model.out_activation_ = model._output_activation
    _finish_estimator(check, metadata, model, n_features)
    return model


def _finish_estimator(check, metadata, model, n_features) -> None:
    """What every estimator read from a file gets: its inputs' names and count,
    and the training record as fit left it (an L-BFGS fit has no loss curve,
    as in scikit-learn; what training on needs and the file lacks, fit fills in)."""
    training = _checked_training(check, check.field(metadata, "training"))
    feature_names = _checked_feature_names(check, metadata.get("feature_names"), n_features)
    if hasattr(model, "classes_"):
        _check_class_weight(check, model)
    model.n_features_in_ = n_features
    if feature_names is not None:
        model.feature_names_in_ = np.asarray(feature_names, dtype=object)
    model.n_iter_ = training.get("n_iter_", 0)
    model.t_ = training.get("t_", 0)
    for name, value in training.items():
        setattr(model, name, value)
    # The optimizer's moments are not stored: partial_fit starts a fresh one.
    model._optimizer = None
    model._fitted_architecture = model._architecture_now()


def _check_class_weight(check, model) -> None:
    """A classifier's ``class_weight`` as fit accepts it for the file's classes:
    none for multilabel targets; a dict's keys classes, its weights positive."""
    if model.class_weight is None:
        return
    check.require(
        not model._label_binarizer.y_type_.startswith("multilabel"),
        f"has class_weight {shown(model.class_weight)}, but class_weight is not supported "
        "for multilabel targets",
    )
    try:
        model._check_class_weight()
    except ValueError as exc:
        check.fail(f"has an invalid class_weight parameter: {exc}")


def _label_binarizer(check, classes, n_outputs) -> LabelBinarizer:
    check.require(isinstance(classes, dict), "a classifier's file has no classes")
    label_type = check.field(classes, "label_type", str, "classes")
    check.require(label_type in LABEL_TYPES, f"has an unknown label type {shown(label_type)}")
    values = check.field(classes, "values", list, "classes")
    _check_label_type(check, label_type, len(values), n_outputs)
    dtype_text = check.field(classes, "dtype", str, "classes")
    try:
        dtype = np.dtype(dtype_text)
        check.require(dtype.kind in CLASS_DTYPE_KINDS, f"has classes of dtype {shown(dtype_text)}")
        # A string dtype's width is allocated per class before a value is compared.
        check.require(
            dtype.kind != "U" or dtype.itemsize // 4 <= MAX_LABEL_CHARS,
            f"has classes of dtype {shown(dtype_text)}, wider than {MAX_LABEL_CHARS} characters",
        )
        if dtype.kind == "O":
            check.require(all(isinstance(v, str) for v in values), "has non-text object classes")
        labels = np.array(values, dtype=dtype)
    except (TypeError, ValueError, OverflowError) as exc:
        check.fail(f"has classes {shown(values)} that are not of dtype {shown(dtype_text)} ({exc})")
    check.require(labels.ndim == 1 and len(labels) >= 1, "has no classes")
    check.require(
        labels.tolist() == values, f"has classes {shown(values)} that {shown(dtype_text)} distorts"
    )
    check.require(len(set(labels.tolist())) == len(labels), f"has repeated classes {shown(values)}")
    check.require(
        np.array_equal(np.unique(labels), labels),
        f"has classes {shown(values)} out of their sorted order (fit keeps them sorted)",
    )
    binarizer = LabelBinarizer()  # what LabelBinarizer.fit would have set
    binarizer.classes_, binarizer.y_type_, binarizer.sparse_input_ = labels, label_type, False
    return binarizer


def _check_label_type(check, label_type: str, n_classes: int, n_outputs: int) -> None:
    """The label type, the number of classes and of output units must agree, as
    LabelBinarizer and fit make them (one class alone is binary too)."""
    if label_type == "binary":
        valid, need = n_classes in (1, 2) and n_outputs == 1, "1 or 2 classes and 1 output unit"
    else:
        valid = n_classes >= 2 + (label_type == "multiclass") and n_outputs == n_classes
        least = "3" if label_type == "multiclass" else "2"
        need = f"at least {least} classes and one output unit per class"
    check.require(
        valid,
        f"has label type {shown(label_type)} with {n_classes} classes and {n_outputs} output "
        f"unit(s); {label_type} needs {need}",
    )


def _checked_training(check, training: dict) -> dict:
    unknown = sorted(set(training) - set(TRAINING_FIELDS))
    check.require(not unknown, f"has unknown training fields {unknown}")
    for name, value in training.items():
        rule = TRAINING_FIELDS[name]
        if value is None:
            valid = rule.endswith("or null")
        elif rule == "count":
            valid = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        elif rule.startswith("finite list"):
            valid = isinstance(value, list) and all(_is_number(v, finite=True) for v in value)
        else:
            valid = _is_number(value, finite=rule.startswith("finite"))
        check.require(valid, f"its training field {name} is {shown(value)}, expected a {rule}")
    return {name: list(v) if isinstance(v, list) else v for name, v in training.items()}


def _is_number(value, finite: bool) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if isinstance(value, int):
        return abs(value) <= 2**53  # exactly a float; larger ones were never written
    return math.isfinite(value) if finite else not math.isnan(value)


def _checked_feature_names(check, names, n_features):
    if names is None:
        return None
    check.require(
        isinstance(names, list) and all(isinstance(n, str) for n in names),
        "its feature names are not a list of strings",
    )
    check.require(
        len(names) == n_features, f"has {len(names)} feature names for {n_features} inputs"
    )
    return names


def _decode_classic(check, metadata, params, coefs, intercepts):
    unknown = sorted(set(params) - {"layers", "activation", "random_state"})
    check.require(not unknown, f"has unknown NeuralNetwork parameters {unknown}")
    random_state = params.get("random_state")
    check.require(
        random_state is None
        or (isinstance(random_state, int) and not isinstance(random_state, bool)),
        f"has an invalid random_state {shown(random_state)}",
    )
    # Only for the layer sizes that the arrays read have justified, and with
    # the file's weights: none are drawn.
    layers, sizes = params.get("layers"), metadata["architecture"]["layer_sizes"]
    check.require(
        layers == sizes,
        f"its architecture says layer_sizes {shown(sizes)}, but its parameters give "
        f"{shown(layers)}",
    )
    check.require(metadata["architecture"]["dtype"] == "float64", "a NeuralNetwork is float64")
    try:
        model = NeuralNetwork.from_weights(
            coefs, intercepts, params.get("activation"), random_state
        )
    except (TypeError, ValueError) as exc:
        check.fail(f"has invalid NeuralNetwork parameters: {exc}")
    layers = model.layers
    _check_architecture(
        check,
        metadata["architecture"],
        {
            "layer_sizes": layers,
            "activations": [model.activation] * (len(layers) - 1),
            "dropout": [0.0] * (len(layers) - 2),
        },
    )
    rng_state = metadata.get("rng_state")
    if rng_state is not None:
        try:
            model.rng.bit_generator.state = from_json(rng_state)
        except (TypeError, ValueError, KeyError, OverflowError) as exc:
            check.fail(f"has an invalid random generator state ({exc})")
    return model
