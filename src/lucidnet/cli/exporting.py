"""``lucidnet export MODEL OUT.onnx``: a model file as an ONNX graph.

The graph is :func:`lucidnet.to_onnx`'s. A model saved from Python takes its
network's inputs, ``X``; a model trained by the command takes the raw columns
of a table, one input per column (numbers as floats, text as strings, each of
shape (n, 1)), which its file's steps (filling, scaling, one-hot encoding)
turn into the network's inputs inside the graph, as ``lucidnet predict`` does.
"""

from __future__ import annotations

import numpy as np

from ..io.atomic import atomic_write
from ..io.model_file import read_model_file
from .data_files import DataError
from .output_paths import check_outputs


def export(args) -> int:
    check_outputs({"OUT": args.out}, {"model file": args.model})
    loaded = read_model_file(args.model, max_row_bytes=args.max_row_memory)
    from ..io.onnx_export import to_onnx

    dtype = np.dtype(args.dtype)
    try:
        exported = to_onnx(
            loaded.model, target_opset=args.opset, dtype=dtype, preprocessing=loaded.preprocessing
        )
    except (ImportError, TypeError, ValueError) as exc:
        raise DataError(f"{args.model}: {exc}") from None
    with atomic_write(args.out, "wb") as file:
        file.write(exported.SerializeToString())
    outputs = ", ".join(output.name for output in exported.graph.output)
    opset = exported.opset_import[0].version
    if loaded.preprocessing is None:
        n_features = exported.graph.input[0].type.tensor_type.shape.dim[1].dim_value
        inputs = f"input X (n, {n_features}) {dtype.name}"
    else:
        n_columns = len(exported.graph.input)
        inputs = f"inputs the {n_columns} raw columns (n, 1) each, text as strings"
    print(
        f"wrote {args.out}: {type(loaded.model).__name__}, {inputs}, outputs {outputs}; "
        f"ONNX opset {opset}"
    )
    return 0
