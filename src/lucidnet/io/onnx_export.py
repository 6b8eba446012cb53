"""``to_onnx``: a fitted model as an ONNX graph that onnxruntime runs.

The graph takes ``X``, rows of features (float32 by default), and gives what
the model's own methods give, in the same shapes:

==================  =====================================================
model               outputs
==================  =====================================================
MLPClassifier,      ``label``: ``predict`` (n,), or (n, n_labels) 0/1 for
ConvNetClassifier   multilabel; ``probabilities``: ``predict_proba``
                    (n, n_classes), (n, n_labels) for multilabel
MLPRegressor,       ``variable``: ``predict``, (n,) for one output and
ConvNetRegressor    (n, n_outputs) for several
Autoencoder         ``codes``: ``transform`` (n, n_components);
                    ``reconstruction``: ``inverse_transform`` of the codes
                    (n, n_features); ``scores``: ``score_samples`` (n,).
                    With ``method='inverse_transform'``, a graph of input
                    ``codes`` and output ``reconstruction``
NeuralNetwork       ``output``: ``predict`` of a batch, (n, n_outputs)
==================  =====================================================

A convolutional model (a ConvNet, an Autoencoder with ``conv_layers``) takes
its rows of ``n_features`` too, or with ``shaped_input=True`` samples shaped
``(n, *input_shape_)``, channels last, as lucidnet takes them; the graph
reshapes them to ``input_shape_`` and transposes them to ONNX's channels
first itself (see ``onnx_spatial``).

The output names are skl2onnx's, so that a model exported either way is run
the same way. Labels are int64 (integer, boolean, and whole-number float
classes) or strings, as skl2onnx writes them.
"""

from __future__ import annotations

import numpy as np

from .._version import __version__
from ..classic import NeuralNetwork
from ..estimators.autoencoder import Autoencoder
from ..estimators.convnet import BaseConvNet, ConvNetClassifier
from ..estimators.mlp import MLPClassifier, MLPRegressor
from .onnx_autoencoder import write_decoder, write_encoder
from .onnx_columns import write_columns
from .onnx_graph import OnnxGraph, check_opset, import_onnx
from .onnx_network import write_activation, write_network
from .onnx_samples import sample_shape, write_samples

__all__ = [
    "class_labels",
    "is_multilabel",
    "to_onnx",
    "write_classic",
    "write_classifier",
    "write_regressor",
]


def to_onnx(
    model,
    *,
    target_opset: int | None = None,
    dtype=None,
    shaped_input=False,
    method=None,
    preprocessing: dict | None = None,
):
    """Export a fitted model to ONNX.

    Parameters
    ----------
    model : MLPClassifier, MLPRegressor, ConvNetClassifier, ConvNetRegressor, \
Autoencoder or NeuralNetwork
        A fitted model.
    target_opset : int or None, default=None
        The ONNX opset (of the default domain) the graph uses: 18 when None,
        any from 13 on.
    dtype : {None, numpy.float32, numpy.float64}, default=None
        The type of the input ``X`` and of every computation: float32 when
        None (the weights of a float64 model are rounded to float32); float64
        to predict as a float64 model does, to the last bits.
    shaped_input : bool, default=False
        For convolutional models: ``X`` of shape ``(n, *input_shape_)``
        (channels last) instead of rows of ``n_features``.
    method : {None, 'transform', 'inverse_transform'}, default=None
        For an Autoencoder: 'transform' (None), the graph from ``X`` to its
        codes, reconstructions and scores; 'inverse_transform', the decoder
        alone, from ``codes``.
    preprocessing : dict or None, default=None
        The column steps of a model file written by ``lucidnet train``
        (``lucidnet.io.model_file.read_model_file(path).preprocessing``): the
        graph then takes the raw columns, one input per column, and applies
        the steps (see ``onnx_columns``).

    Returns
    -------
    model : onnx.ModelProto
        Checked by ``onnx.checker.check_model(full_check=True)``; its input is
        ``X`` of shape (n_samples, n_features) (see ``shaped_input``), its
        outputs are in the module's table above.

    Raises
    ------
    ImportError
        When the onnx package is not installed (``pip install 'lucidnet[onnx]'``).
    TypeError
        When ``model`` is of a kind that cannot be exported yet.
    sklearn.exceptions.NotFittedError
        When the estimator is not fitted.

    Examples
    --------
    >>> import numpy as np
    >>> import onnxruntime
    >>> from lucidnet import MLPClassifier, to_onnx
    >>> X = np.random.default_rng(0).normal(size=(40, 3)).astype(np.float32)
    >>> clf = MLPClassifier((5,), max_iter=20, random_state=0).fit(X, X[:, 0] > 0)
    >>> session = onnxruntime.InferenceSession(to_onnx(clf).SerializeToString())
    >>> label, proba = session.run(None, {"X": X[:3]})
    >>> bool(np.array_equal(label, clf.predict(X[:3])))
    True
    """
    onnx = import_onnx()
    opset = check_opset(target_opset)
    dtype = np.dtype(np.float32 if dtype is None else dtype)
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float32 or float64, got {dtype}")
    if method not in (None, "transform", "inverse_transform") or (
        method is not None and not isinstance(model, Autoencoder)
    ):
        raise ValueError(
            f"method={method!r}: Autoencoders take 'transform' or 'inverse_transform', "
            "other models None"
        )
    graph = OnnxGraph(dtype)
    float_type = onnx.helper.np_dtype_to_tensor_dtype(dtype)
    if isinstance(model, NeuralNetwork):
        if preprocessing is not None:
            raise ValueError("a NeuralNetwork takes no preprocessing: it has no column steps")
        X = graph.add_input("X", float_type, ["N", model.layers[0]])
        output = graph.add_output("output", float_type, ["N", model.layers[-1]])
        write_classic(graph, model, X, output)
    elif isinstance(model, (MLPClassifier, ConvNetClassifier)):
        X = _add_X(graph, model, shaped_input, preprocessing)
        labels = class_labels(model)
        string_labels = labels.dtype.kind == "U"  # multilabel: column indices, int64
        label_type = onnx.TensorProto.STRING if string_labels else onnx.TensorProto.INT64
        label_shape = ["N", len(labels)] if is_multilabel(model) else ["N"]
        label = graph.add_output("label", label_type, label_shape)
        proba = graph.add_output("probabilities", float_type, ["N", max(len(labels), 2)])
        write_classifier(graph, model, X, label, proba)
    elif isinstance(model, (MLPRegressor, BaseConvNet)):
        X = _add_X(graph, model, shaped_input, preprocessing)
        n_outputs = model.n_outputs_
        variable = graph.add_output(
            "variable", float_type, ["N", n_outputs] if n_outputs > 1 else ["N"]
        )
        write_regressor(graph, model, X, variable)
    elif isinstance(model, Autoencoder) and method == "inverse_transform":
        _n_features(model)
        codes = graph.add_input("codes", float_type, ["N", model.n_components_])
        reconstruction = graph.add_output("reconstruction", float_type, ["N", model.n_features_in_])
        write_decoder(graph, model, codes, reconstruction)
    elif isinstance(model, Autoencoder):
        X = _add_X(graph, model, shaped_input, preprocessing)
        outputs = {
            "codes": ["N", model.n_components_],
            "reconstruction": ["N", model.n_features_in_],
            "scores": ["N"],
        }
        names = [graph.add_output(name, float_type, shape) for name, shape in outputs.items()]
        write_encoder(graph, model, X, *names)
    else:
        raise TypeError(
            f"to_onnx exports MLPClassifier, MLPRegressor, ConvNetClassifier, ConvNetRegressor, "
            f"Autoencoder and NeuralNetwork models; got a {type(model).__name__}"
        )
    name = type(model).__name__
    exported = graph.model(name, opset, doc_string=f"A lucidnet {name}, by lucidnet.to_onnx")
    exported.producer_version = __version__
    onnx.helper.set_model_props(exported, {"lucidnet.model": name})
    return exported


def _add_X(graph, model, shaped_input: bool, preprocessing=None) -> str:
    """The graph's input ``X``: rows of ``n_features``, or shaped samples; or
    the raw columns, which ``preprocessing`` makes into rows."""
    n_features = _n_features(model)
    if preprocessing is not None:
        if shaped_input:
            raise ValueError("shaped_input=True and preprocessing exclude each other")
        return write_columns(graph, preprocessing)
    shape = sample_shape(model)
    if shaped_input and shape is None:
        raise ValueError(
            f"shaped_input=True is for convolutional models; this {type(model).__name__} "
            "takes rows of features"
        )
    dims = ["N", *shape] if shaped_input else ["N", n_features]
    return graph.add_input("X", graph.onnx.helper.np_dtype_to_tensor_dtype(graph.dtype), dims)


def _n_features(estimator) -> int:
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(estimator)
    return int(estimator.n_features_in_)


def is_multilabel(classifier) -> bool:
    return classifier._label_binarizer.y_type_.startswith("multilabel")


def class_labels(classifier, nocl: bool = False) -> np.ndarray:
    """The labels the graph gives: ``classes_`` as int64 or as str; with
    ``nocl`` (skl2onnx's option), the class indices instead."""
    classes = np.asarray(classifier.classes_)
    if nocl:
        if is_multilabel(classifier):
            raise ValueError("the option nocl does not apply to multilabel classifiers")
        return np.arange(len(classes), dtype=np.int64)
    if classes.dtype.kind in "biu":
        return classes.astype(np.int64)
    if classes.dtype.kind == "f" and np.all(classes == np.round(classes)):
        return classes.astype(np.int64)
    if classes.dtype.kind in "US" or all(isinstance(c, str) for c in classes.tolist()):
        return classes.astype(str)
    if all(isinstance(c, (int, np.integer)) for c in classes.tolist()):
        return classes.astype(np.int64)
    raise TypeError(
        f"the classes {classes.tolist()!r} cannot be ONNX labels: they must be all "
        "integers or all strings"
    )


def write_classifier(graph, classifier, X: str, label: str, probabilities: str, nocl=False):
    """Write ``classifier``'s labels to ``label`` and its ``predict_proba`` to
    ``probabilities``, decided as :class:`sklearn.preprocessing.LabelBinarizer`
    decides them: the first largest probability (multiclass), more than 0.5
    (binary, and each label of multilabel)."""
    labels = class_labels(classifier, nocl)
    if len(labels) < 2:
        raise ValueError("a classifier fitted on a single class has no ONNX export")
    output = write_network(graph, classifier.network_, *write_samples(graph, classifier, X))
    if is_multilabel(classifier):
        write_activation(graph, classifier.out_activation_, output, [probabilities])
        half = graph.constant(np.array(0.5), "half")
        positive = graph.node("Greater", [probabilities, half], "positive")
        graph.node("Cast", [positive], "label", [label], to=_int64())
        return
    classes = graph.constant(labels, "classes")
    if classifier.n_outputs_ == 1:  # binary: one logistic unit, the positive class's
        p = write_activation(graph, classifier.out_activation_, output)
        negative = graph.node("Sub", [graph.constant(np.array(1.0), "one"), p], "negative")
        graph.node("Concat", [negative, p], "probabilities", [probabilities], axis=1)
        flat = graph.node("Reshape", [p, graph.constant(np.array([-1]), "flat")], "p")
        positive = graph.node("Greater", [flat, graph.constant(np.array(0.5), "half")], "positive")
        index = graph.node("Cast", [positive], "index", to=_int64())
    else:
        write_activation(graph, classifier.out_activation_, output, [probabilities])
        index = graph.node("ArgMax", [probabilities], "index", axis=1, keepdims=0)
    graph.node("Gather", [classes, index], "label", [label], axis=0)


def write_regressor(graph, regressor, X: str, variable: str):
    """Write ``regressor.predict`` to ``variable``: (n,) for one output, as predict."""
    output = write_network(graph, regressor.network_, *write_samples(graph, regressor, X))
    if regressor.n_outputs_ > 1:
        write_activation(graph, regressor.out_activation_, output, [variable])
        return
    values = write_activation(graph, regressor.out_activation_, output)
    graph.node("Reshape", [values, graph.constant(np.array([-1]), "flat")], "values", [variable])


def write_classic(graph, network, X: str, output: str):
    """Write a :class:`~lucidnet.NeuralNetwork`'s batch ``predict`` to ``output``."""
    last = write_network(graph, network.network, X)
    graph.node("Identity", [last], "output", [output])


def _int64():
    return import_onnx().TensorProto.INT64
