"""An ONNX graph being written: nodes, constants and unique names.

The code that turns a model into ONNX nodes (``onnx_network``, ``onnx_export``)
writes to a *graph writer*: an object with ``dtype`` (the graph's float type),
``constant(array, hint) -> name`` and ``node(op_type, inputs, hint, outputs=None,
**attributes) -> name``. :class:`OnnxGraph` is the writer of
:func:`lucidnet.to_onnx`, which ends in a whole ``ModelProto``;
``skl2onnx_converters`` adapts skl2onnx's scope and container to the same three
members, so both ways of exporting emit the very same nodes.

The opset: 18 by default (onnxruntime runs it from 1.14 on, skl2onnx converts up
to 22). Every operator used here (Gemm, Sigmoid, Tanh, Relu, LeakyRelu, Exp,
Softmax on the last axis of a 2-D array, ArgMax, Gather, Greater, Cast, Sub,
Concat, Reshape; Conv, MaxPool, AveragePool; in float64 graphs Pad with its
pads an input, MatMul) means the same from opset 13 on, the lowest accepted.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "DEFAULT_OPSET", "MIN_OPSET", "OnnxGraph", "check_opset", "import_onnx", "make_tensor"
]  # fmt: skip

DEFAULT_OPSET = 18
MIN_OPSET = 13


def import_onnx():
    """The ``onnx`` module, or an ImportError that says how to install it:
    lucidnet itself works without it."""
    try:
        import onnx
    except ImportError as exc:
        raise ImportError(
            "Exporting to ONNX needs the onnx package: pip install 'lucidnet[onnx]'"
        ) from exc
    return onnx


def check_opset(target_opset: int | None) -> int:
    """The opset to write: ``target_opset``, or :data:`DEFAULT_OPSET` for None."""
    if target_opset is None:
        return DEFAULT_OPSET
    newest = import_onnx().defs.onnx_opset_version()
    if isinstance(target_opset, bool) or not isinstance(target_opset, (int, np.integer)):
        raise TypeError(f"target_opset must be an integer, got {target_opset!r}")
    if not MIN_OPSET <= target_opset <= newest:
        raise ValueError(
            f"target_opset={target_opset} is not supported: lucidnet writes opsets "
            f"{MIN_OPSET} to {newest} (the newest this onnx package knows)"
        )
    return int(target_opset)


def make_tensor(array, name: str, float_dtype):
    """``array`` as a TensorProto: floats of ``float_dtype``, strings as UTF-8."""
    onnx = import_onnx()
    array = np.asarray(array)
    if array.dtype.kind == "f":
        array = array.astype(float_dtype)
    if array.dtype.kind in "OUS":
        return onnx.helper.make_tensor(
            name,
            onnx.TensorProto.STRING,
            array.shape,
            [str(s).encode("utf-8") for s in array.ravel()],
        )
    return onnx.numpy_helper.from_array(array, name)


class OnnxGraph:
    """Nodes and constants collected for one ``onnx.ModelProto``.

    Parameters
    ----------
    dtype : numpy float dtype
        The type of every float in the graph (float32 or float64): constants are
        cast to it as they are added.
    """

    def __init__(self, dtype):
        self.onnx = import_onnx()
        self.dtype = np.dtype(dtype)
        self.nodes = []
        self.initializers = []
        self.inputs = []
        self.outputs = []
        self.domains = {}  # other operator sets the nodes use: domain -> version
        self._used = set()

    def name(self, hint: str) -> str:
        """A name no other value or node of the graph has, built from ``hint``."""
        name, count = hint, 0
        while name in self._used:
            count += 1
            name = f"{hint}_{count}"
        self._used.add(name)
        return name

    def constant(self, array, hint: str) -> str:
        """Add ``array`` as an initializer (see :func:`make_tensor`); return its name."""
        name = self.name(hint)
        self.initializers.append(make_tensor(array, name, self.dtype))
        return name

    def node(self, op_type: str, inputs, hint: str, outputs=None, **attributes) -> str:
        """Add a node of one output (named ``outputs[0]`` when given) and return its name."""
        output = outputs[0] if outputs else self.name(hint)
        self.nodes.append(
            self.onnx.helper.make_node(
                op_type, list(inputs), [output], name=self.name(f"{op_type}_{hint}"), **attributes
            )
        )
        return output

    def add_input(self, name: str, elem_type, shape) -> str:
        self._used.add(name)
        self.inputs.append(self.onnx.helper.make_tensor_value_info(name, elem_type, shape))
        return name

    def add_output(self, name: str, elem_type, shape) -> str:
        """Declare a graph output; a node then writes it (``outputs=[name]``)."""
        self._used.add(name)
        self.outputs.append(self.onnx.helper.make_tensor_value_info(name, elem_type, shape))
        return name

    def model(self, graph_name: str, opset: int, doc_string: str = ""):
        """The ``ModelProto``, checked by ``onnx.checker`` (full check).

        Its IR version is the lowest that the opset allows rather than the
        newest this onnx package writes, so that older runtimes load it too.
        """
        helper = self.onnx.helper
        graph = helper.make_graph(
            self.nodes, graph_name, self.inputs, self.outputs, self.initializers
        )
        opsets = [helper.make_opsetid("", opset)]
        opsets += [helper.make_opsetid(d, v) for d, v in sorted(self.domains.items())]
        model = helper.make_model(
            graph,
            opset_imports=opsets,
            producer_name="lucidnet",
            ir_version=helper.find_min_ir_version_for(opsets),
            doc_string=doc_string,
        )
        self.onnx.checker.check_model(model, full_check=True)
        return model
