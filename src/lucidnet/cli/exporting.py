"""``lucidnet export MODEL OUT.onnx``: a model file as an ONNX graph.

The graph is :func:`lucidnet.to_onnx`'s: its input ``X`` is the network's
inputs. A model saved from Python has no column steps, so those are its
inputs; a model trained by the command takes raw columns that its file's steps
(filling, scaling, one-hot encoding) turn into inputs, and putting those steps
into the graph is not written yet, so such a file is refused rather than
exported as a graph that would take other inputs than ``lucidnet predict``.
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
    if loaded.preprocessing is not None:
        raise DataError(
            f"{args.model}: was trained by lucidnet train, with column steps (filling, "
            "scaling, one-hot encoding) that the ONNX export does not write into the "
            "graph yet; models saved from Python (lucidnet.save) export"
        )
    from ..io.onnx_export import to_onnx

    dtype = np.dtype(args.dtype)
    try:
        exported = to_onnx(loaded.model, target_opset=args.opset, dtype=dtype)
    except (ImportError, TypeError, ValueError) as exc:
        raise DataError(f"{args.model}: {exc}") from None
    with atomic_write(args.out, "wb") as file:
        file.write(exported.SerializeToString())
    outputs = ", ".join(output.name for output in exported.graph.output)
    n_features = exported.graph.input[0].type.tensor_type.shape.dim[1].dim_value
    opset = exported.opset_import[0].version
    print(
        f"wrote {args.out}: {type(loaded.model).__name__}, input X (n, {n_features}) "
        f"{dtype.name}, outputs {outputs}; ONNX opset {opset}"
    )
    return 0
