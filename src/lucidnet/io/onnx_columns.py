"""The column steps of a model trained by ``lucidnet train``, as ONNX nodes.

A model file written by the command holds, beside the network, the steps
that turn a table's raw columns into the network's inputs (``cli/tabular.py``
learns and applies them): numbers filled in where missing (the training
medians, with ``--missing impute``) and standardized, text one-hot encoded
(unseen categories as all zeros). They are plain data, a dict; this module
writes the same steps from that dict, so the exported graph takes the raw
columns, one input per column, as skl2onnx takes a DataFrame's:

==============  ============================================================
column          input and nodes
==============  ============================================================
numbers         float (n, 1); ``Concat`` of all of them, then with fills
                ``Where(IsNaN(x), median, x)``, then ``(x - mean) / scale``
text            string (n, 1); ``OneHotEncoder`` of ``ai.onnx.ml`` over the
                categories (``zeros=1``: an unseen category is all zeros)
==============  ============================================================

A missing text cell is the empty string (a CSV's empty cell, which the
command reads as missing). With fills, it is encoded as the column's fill
category: the encoder gets ``""`` as one more category, and a product with
``[I; one-hot of the fill]`` folds that column into the fill's (0s and 1s,
exact). This avoids string ``Equal``, which ONNX has only from opset 19.
Without fills (``--missing error`` or ``drop``) lucidnet refuses a missing
cell; the graph cannot refuse, and gives NaN for a missing number and all
zeros for a missing text cell.

The inputs come in the order of the file's columns (``steps['columns']``),
the network's inputs in the order the command makes them: the numbers, then
each text column's categories.
"""

from __future__ import annotations

import numpy as np

from .onnx_graph import import_onnx

__all__ = ["ML_DOMAIN", "ML_OPSET", "write_columns"]

ML_DOMAIN = "ai.onnx.ml"
ML_OPSET = 1  # OneHotEncoder is in ai.onnx.ml from its first version
MISSING_TEXT = ""


def write_columns(graph, steps: dict) -> str:
    """Declare one input per column of ``steps`` and write the steps; return
    the name of the network's input matrix (n, n_inputs)."""
    onnx = import_onnx()
    graph.domains[ML_DOMAIN] = ML_OPSET
    float_type = onnx.helper.np_dtype_to_tensor_dtype(graph.dtype)
    numeric, categorical = steps["numeric"], steps["categorical"]
    text_columns = set(categorical["columns"])
    inputs = {}
    for column in steps["columns"]:
        elem_type = onnx.TensorProto.STRING if column in text_columns else float_type
        inputs[column] = graph.add_input(column, elem_type, ["N", 1])
    fills = steps.get("missing") or {}
    imputes = fills.get("strategy") == "impute"
    blocks = []
    if numeric["columns"]:
        blocks.append(_numbers(graph, [inputs[c] for c in numeric["columns"]], numeric,
                               fills["numeric"] if imputes else None))  # fmt: skip
    for i, (column, categories) in enumerate(
        zip(categorical["columns"], categorical["categories"])
    ):
        fill = fills["categorical"][i] if imputes else None
        blocks.append(_one_hot(graph, inputs[column], categories, fill))
    if len(blocks) == 1:
        return blocks[0]
    return graph.node("Concat", blocks, "inputs", axis=1)


def _numbers(graph, names, numeric, medians) -> str:
    values = names[0] if len(names) == 1 else graph.node("Concat", names, "numbers", axis=1)
    if medians is not None:
        missing = graph.node("IsNaN", [values], "missing")
        medians = graph.constant(np.array([medians]), "medians")
        values = graph.node("Where", [missing, medians, values], "filled")
        # The medians are learned from the training rows, so a number that
        # is missing gets the fill lucidnet gives it.
    mean = graph.constant(np.array([numeric["mean"]]), "mean")
    scale = graph.constant(np.array([numeric["scale"]]), "scale")
    centred = graph.node("Sub", [values, mean], "centred")
    return graph.node("Div", [centred, scale], "standardized")


def _one_hot(graph, cells: str, categories, fill) -> str:
    """(n, len(categories)) floats: 1 where the cell is that category."""
    known = list(categories)
    fold = fill is not None and MISSING_TEXT not in known
    encoded = graph.node(
        "OneHotEncoder",
        [cells],
        "one_hot",
        domain=ML_DOMAIN,
        cats_strings=known + [MISSING_TEXT] if fold else known,
        zeros=1,
    )  # (n, 1, k): ai.onnx.ml's encoder keeps the input's axes; its output is float
    width = len(known) + fold
    flat = graph.node(
        "Reshape", [encoded, graph.constant(np.array([-1, width]), "one_hot_shape")], "one_hot"
    )
    if graph.dtype != np.float32:
        flat = graph.node("Cast", [flat], "one_hot", to=_tensor_type(graph.dtype))
    if not fold:
        return flat
    folding = np.vstack([np.eye(len(known)), np.eye(len(known))[known.index(fill)]])
    return graph.node("MatMul", [flat, graph.constant(folding, "fill_fold")], "one_hot_filled")


def _tensor_type(dtype):
    return import_onnx().helper.np_dtype_to_tensor_dtype(np.dtype(dtype))
