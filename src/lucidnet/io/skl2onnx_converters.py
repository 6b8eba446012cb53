"""skl2onnx converters for lucidnet's estimators, so that pipelines holding them convert.

After :func:`register_skl2onnx_converters`, ``skl2onnx.to_onnx`` converts a
scikit-learn pipeline whose steps include a lucidnet ``MLPClassifier``,
``MLPRegressor``, ``ConvNetClassifier``, ``ConvNetRegressor`` or
``Autoencoder``; each is written by the very functions :func:`lucidnet.to_onnx`
uses (``onnx_export``, ``onnx_autoencoder``), through :class:`ContainerWriter`,
which gives skl2onnx's scope and container the graph writer's three members.

The classifiers take skl2onnx's options for scikit-learn's MLP: ``zipmap``
(True: probabilities as a list of {class: probability} maps, skl2onnx's
default; False: a tensor; 'columns': one output per class) and ``nocl``
(labels are class indices 0..n_classes-1 instead of ``classes_``). An
``Autoencoder`` is a transformer there, as scikit-learn's ``PCA``: one output,
its codes (``transform``), which the next step takes. A convolutional model
takes rows of features and computes in float32 whatever the pipeline's type
(a double input is cast): onnxruntime has no float64 convolution.

Registration is a call rather than a side effect of importing this module: the
call says what it does where it is made, survives linters that remove unused
imports, and can be made again after anything else re-registered the classes.
"""

from __future__ import annotations

import numpy as np

from ..estimators.autoencoder import Autoencoder
from ..estimators.convnet import ConvNetClassifier, ConvNetRegressor
from ..estimators.mlp import MLPClassifier, MLPRegressor
from .onnx_autoencoder import write_codes
from .onnx_export import class_labels, is_multilabel, write_classifier, write_regressor
from .onnx_graph import make_tensor
from .onnx_samples import sample_shape

__all__ = ["ContainerWriter", "register_skl2onnx_converters"]


class ContainerWriter:
    """A graph writer (see ``onnx_graph``) that adds to skl2onnx's container."""

    def __init__(self, scope, container, dtype):
        self.scope = scope
        self.container = container
        self.dtype = np.dtype(dtype)

    def constant(self, array, hint: str) -> str:
        name = self.scope.get_unique_variable_name(hint)
        tensor = make_tensor(array, name, self.dtype)
        # The container copies a TensorProto's raw bytes, which a string tensor
        # has none of: strings go in as a list.
        content = list(tensor.string_data) if tensor.string_data else tensor
        self.container.add_initializer(name, tensor.data_type, list(tensor.dims), content)
        return name

    def node(self, op_type: str, inputs, hint: str, outputs=None, **attributes) -> str:
        output = outputs[0] if outputs else self.scope.get_unique_variable_name(hint)
        self.container.add_node(
            op_type,
            list(inputs),
            [output],
            name=self.scope.get_unique_operator_name(f"{op_type}_{hint}"),
            **attributes,
        )
        return output


def _float_types(operator):
    """The numpy float type the operator computes in (float64 for a double
    input, else float32, as skl2onnx's own MLP converters; float32 always for a
    convolutional model) and its tensor type."""
    from skl2onnx.common.data_types import DoubleTensorType, FloatTensorType

    convolutional = sample_shape(operator.raw_operator) is not None
    if isinstance(operator.inputs[0].type, DoubleTensorType) and not convolutional:
        return np.float64, DoubleTensorType
    return np.float32, FloatTensorType


def _writer_and_input(scope, operator, container):
    """A writer for the operator, and its input cast to the writer's float type."""
    from skl2onnx.common.data_types import guess_proto_type

    dtype, tensor_type = _float_types(operator)
    graph = ContainerWriter(scope, container, dtype)
    X = operator.inputs[0].full_name
    if not isinstance(operator.inputs[0].type, tensor_type):
        X = graph.node("Cast", [X], "X_float", to=guess_proto_type(tensor_type()))
    return graph, X


def _nocl(scope, model) -> bool:
    return bool(scope.get_options(model, dict(nocl=False))["nocl"])


def _classifier_shapes(operator):
    from skl2onnx.common.data_types import Int64TensorType, StringTensorType

    model = operator.raw_operator
    n = operator.inputs[0].get_first_dimension()
    labels = class_labels(model, _nocl(operator.scope_inst, model))
    if is_multilabel(model):
        operator.outputs[0].type = Int64TensorType([n, len(labels)])
    elif labels.dtype.kind == "U":
        operator.outputs[0].type = StringTensorType([n])
    else:
        operator.outputs[0].type = Int64TensorType([n])
    operator.outputs[1].type = _float_types(operator)[1]([n, max(len(labels), 2)])


def _convert_classifier(scope, operator, container):
    model = operator.raw_operator
    graph, X = _writer_and_input(scope, operator, container)
    label, probabilities = (output.full_name for output in operator.outputs[:2])
    write_classifier(graph, model, X, label, probabilities, nocl=_nocl(scope, model))


def _regressor_shapes(operator):
    model = operator.raw_operator
    n = operator.inputs[0].get_first_dimension()
    shape = [n, model.n_outputs_] if model.n_outputs_ > 1 else [n]
    operator.outputs[0].type = _float_types(operator)[1](shape)


def _convert_regressor(scope, operator, container):
    graph, X = _writer_and_input(scope, operator, container)
    write_regressor(graph, operator.raw_operator, X, operator.outputs[0].full_name)


def _autoencoder_shapes(operator):
    model = operator.raw_operator
    n = operator.inputs[0].get_first_dimension()
    operator.outputs[0].type = _float_types(operator)[1]([n, model.n_components_])


def _convert_autoencoder(scope, operator, container):
    graph, X = _writer_and_input(scope, operator, container)
    write_codes(graph, operator.raw_operator, X, operator.outputs[0].full_name)


def register_skl2onnx_converters() -> None:
    """Register lucidnet's estimators with skl2onnx: ``MLPClassifier``,
    ``MLPRegressor``, ``ConvNetClassifier``, ``ConvNetRegressor`` and
    ``Autoencoder`` (a transformer: its codes).

    Raises
    ------
    ImportError
        When skl2onnx is not installed (``pip install 'lucidnet[onnx]'``).

    Examples
    --------
    >>> import numpy as np
    >>> import skl2onnx
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from lucidnet import MLPRegressor, register_skl2onnx_converters
    >>> register_skl2onnx_converters()
    >>> X = np.random.default_rng(0).normal(size=(30, 2)).astype(np.float32)
    >>> pipe = make_pipeline(StandardScaler(), MLPRegressor(max_iter=5)).fit(X, X[:, 0])
    >>> [o.name for o in skl2onnx.to_onnx(pipe, X[:1]).graph.output]
    ['variable']
    """
    try:
        from skl2onnx import update_registered_converter
    except ImportError as exc:
        raise ImportError(
            "Registering skl2onnx converters needs skl2onnx: pip install 'lucidnet[onnx]'"
        ) from exc
    classifier_options = {"zipmap": [True, False, "columns"], "nocl": [True, False]}
    for classifier in (MLPClassifier, ConvNetClassifier):
        update_registered_converter(
            classifier,
            f"Lucidnet{classifier.__name__}",
            _classifier_shapes,
            _convert_classifier,
            options=classifier_options,
        )
    for regressor in (MLPRegressor, ConvNetRegressor):
        update_registered_converter(
            regressor, f"Lucidnet{regressor.__name__}", _regressor_shapes, _convert_regressor
        )
    update_registered_converter(
        Autoencoder, "LucidnetAutoencoder", _autoencoder_shapes, _convert_autoencoder
    )
