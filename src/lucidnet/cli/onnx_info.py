"""``lucidnet info OUT.onnx``: what an ONNX file holds.

A graph lucidnet wrote carries the model kind in its metadata
(``lucidnet.model``, set by :func:`lucidnet.to_onnx`); any other ONNX file is
said to be someone else's, with its producer. Both list the inputs and
outputs, with their types and shapes, and the opsets: what a caller of
onnxruntime needs to feed the graph and read its answers.
"""

from __future__ import annotations

from .data_files import DataError

__all__ = ["describe_onnx"]

MODEL_KEY = "lucidnet.model"


def describe_onnx(path) -> str:
    """A few lines on the ONNX file at ``path``; DataError when it is not one."""
    try:
        import onnx
    except ImportError:
        raise DataError(
            f"{path}: reading ONNX files needs the onnx package: pip install 'lucidnet[onnx]'"
        ) from None
    try:
        model = onnx.load(str(path), load_external_data=False)
    except OSError as exc:
        raise DataError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except Exception as exc:  # protobuf's DecodeError, whose module varies by version
        raise DataError(f"{path}: not a readable ONNX file ({type(exc).__name__})") from None
    metadata = {p.key: p.value for p in model.metadata_props}
    producer = " ".join(filter(None, [model.producer_name, model.producer_version]))
    if MODEL_KEY in metadata and model.producer_name == "lucidnet":
        lines = [f"{path}: a lucidnet {metadata[MODEL_KEY]} as ONNX, written by {producer}"]
    else:
        lines = [
            f"{path}: an ONNX graph not written by lucidnet (producer: {producer or 'unnamed'})"
        ]
    opsets = ", ".join(f"{o.domain or 'ai.onnx'} {o.version}" for o in model.opset_import)
    lines.append(f"  opset: {opsets}; IR version {model.ir_version}")
    graph = model.graph
    initialized = {i.name for i in graph.initializer}
    inputs = [value for value in graph.input if value.name not in initialized]
    lines.append(f"  inputs ({len(inputs)}):")
    lines += [f"    {_value(v)}" for v in inputs]
    lines.append(f"  outputs ({len(graph.output)}):")
    lines += [f"    {_value(v)}" for v in graph.output]
    return "\n".join(lines)


def _value(value) -> str:
    """``name: float (N, 5)``: a graph value's element type and shape."""
    import onnx

    if not value.type.HasField("tensor_type"):
        kind = value.type.WhichOneof("value")
        return f"{value.name}: {kind.replace('_type', '')}"
    tensor = value.type.tensor_type
    elem = onnx.TensorProto.DataType.Name(tensor.elem_type).lower()
    dims = [d.dim_param or str(d.dim_value) if d.HasField("dim_value") or d.dim_param else "?"
            for d in tensor.shape.dim]  # fmt: skip
    return f"{value.name}: {elem} ({', '.join(dims)}{',' if len(dims) == 1 else ''})"
