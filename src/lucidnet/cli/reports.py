"""What the ``lucidnet`` command prints: evaluation reports and model descriptions."""

from __future__ import annotations

import numpy as np

from ..classic import NeuralNetwork
from .data_files import plural


def table(rows, header, align_right=()) -> str:
    """Plain text columns, each as wide as its widest cell."""
    cells = [[str(c) for c in row] for row in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]

    def line(row):
        parts = [
            cell.rjust(width) if i in align_right else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths))
        ]
        return "  ".join(parts).rstrip()

    return "\n".join(line(row) for row in cells)


def with_article(model) -> str:
    """The model's class name with its article: 'an Autoencoder', 'an
    MLPClassifier' (MLP is said em-el-pee), 'a ConvNetRegressor'."""
    name = type(model).__name__
    vowel_sound = name[0] in "AEIOU" or name.startswith("MLP")
    return f"{'an' if vowel_sound else 'a'} {name}"


def evaluation_report(task, y_true, y_pred) -> str:
    """Confusion matrix + per-class report + accuracy, or R^2, MAE and RMSE."""
    from sklearn import metrics

    if task == "regression":
        rmse = float(np.sqrt(metrics.mean_squared_error(y_true, y_pred)))
        return "\n".join(
            [
                f"R^2:  {metrics.r2_score(y_true, y_pred):.4f}",
                f"MAE:  {metrics.mean_absolute_error(y_true, y_pred):.4g}",
                f"RMSE: {rmse:.4g}",
            ]
        )
    labels = np.union1d(np.unique(y_true), np.unique(y_pred))
    matrix = metrics.confusion_matrix(y_true, y_pred, labels=labels)
    names = [str(label) for label in labels]
    rows = [[name, *counts] for name, counts in zip(names, matrix.tolist())]
    report = metrics.classification_report(y_true, y_pred, labels=labels, digits=3, zero_division=0)
    accuracy = metrics.accuracy_score(y_true, y_pred)
    return "\n".join(
        [
            "Confusion matrix (rows: true class, columns: predicted):",
            table(rows, ["", *names], align_right=range(1, len(names) + 1)),
            "",
            report.rstrip(),
            "",
            f"Accuracy: {accuracy:.4f} ({int(round(accuracy * len(y_true)))} of {len(y_true)})",
        ]
    )


def describe_model(loaded) -> str:
    """``lucidnet info``: versions, architecture table, training, classes, features."""
    from ..io.model_file import FORMAT_NAME

    model, metadata = loaded.model, loaded.metadata
    lines = [
        f"{loaded.path}: {type(model).__name__}",
        f"  file format {FORMAT_NAME} version {metadata['format_version']}, written by "
        f"lucidnet {metadata.get('lucidnet_version', '?')}",
        "",
        architecture_table(model),
        "",
        *training_lines(model),
    ]
    classes = getattr(model, "classes_", None)
    if classes is not None:
        shown = ", ".join(map(str, classes[:20])) + (", ..." if len(classes) > 20 else "")
        lines.append(f"Classes ({len(classes)}): {shown}")
    lines += feature_lines(model, loaded.preprocessing)
    return "\n".join(lines)


# Estimator parameters by the options that set them: an error names the option.
OPTION_NAMES = {"hidden_layer_sizes": "--hidden", "conv_layers": "--conv"}


def architecture_table(model) -> str:
    """One row per layer that computes (Dense, convolution, pooling, ...), with
    its output shape and parameter count; an activation joins the row of the
    layer before it. An autoencoder's rows say which are the encoder, the code
    and the decoder."""
    network = model.network if isinstance(model, NeuralNetwork) else model.network_
    n_inputs = model.layers[0] if isinstance(model, NeuralNetwork) else model.n_features_in_
    shape = tuple(getattr(model, "input_shape_", None) or (n_inputs,))
    rows = [["input", _shape(shape), 0, ""]]
    code = getattr(network, "encoder_length", 0) - 1  # an autoencoder's code layer
    weighted = [i for i, layer in enumerate(network.layers) if layer.parameters()]
    n_dense = 0
    for index, layer in enumerate(network.layers):
        shape = layer.output_shape(shape)
        kind = type(layer).__name__
        if kind == "Activation":
            rows[-1][3] = layer.name
            continue
        if kind == "Dense":
            n_dense = 1 if index == code + 1 else n_dense + 1  # the decoder counts anew
            mlp = not hasattr(model, "input_shape_") and code < 0  # scikit-learn's words
            name = f"{'hidden' if mlp else 'dense'} {n_dense}"
            name = "output" if index == weighted[-1] else name
        else:
            name = _layer_name(layer)
        if code >= 0:
            name = "code" if index == code else f"{'encoder' if index < code else 'decoder'} {name}"
        count = sum(p.value.size for p in layer.parameters())
        rows.append([name, _shape(shape), count, ""])
    if getattr(model, "out_activation_", None):  # an estimator's network ends in raw outputs
        rows[-1 if rows[-1][0] != "decoder flatten" else -2][3] = model.out_activation_
    rows.append(["total", "", sum(row[2] for row in rows), ""])
    header = ["layer", "output shape", "parameters", "activation"]
    return table(
        [[f"{c:,}" if isinstance(c, int) else c for c in row] for row in rows], header, (2,)
    )


def _shape(shape) -> str:
    return "(n, " + ", ".join(map(str, shape)) + ")"


def _path_name(layers) -> str:
    """A residual block's path in a few words: 'conv 8/5/3 + batch norm', 'identity'."""
    if not layers:
        return "identity"
    kinds = [type(layer).__name__ for layer in layers]
    convs = [layer for layer, kind in zip(layers, kinds) if kind.startswith("Conv")]
    kernels = "/".join("x".join(map(str, conv.kernel_size)) for conv in convs)
    words = [f"conv {kernels}"] if kernels else []
    return " + ".join(words + ["batch norm"] * ("BatchNormalization" in kinds))


def _layer_name(layer) -> str:
    kind = type(layer).__name__
    if kind in ("Conv1D", "Conv2D"):
        # Every setting that decides the output's size and the pass's memory:
        # padding always, strides and dilation where they are not 1.
        kernel = "x".join(map(str, layer.kernel_size))
        extra = f" padding {layer.padding}"
        for name in ("strides", "dilation"):
            if set(getattr(layer, name)) != {1}:
                extra += f" {name} {'x'.join(map(str, getattr(layer, name)))}"
        return f"{kind.lower()} {kernel}{extra}"
    if kind.startswith(("MaxPool", "AvgPool")):
        strides = (
            ""
            if layer.strides == layer.pool_size
            else f" strides {'x'.join(map(str, layer.strides))}"
        )
        return f"{kind[:3].lower()} pool {'x'.join(map(str, layer.pool_size))}{strides}"
    if kind == "Residual":
        return f"residual {_path_name(layer.main)}, shortcut {_path_name(layer.shortcut)}"
    if kind == "Dropout":
        return f"dropout {layer.rate:g}"
    if kind.startswith("UpSampling"):
        return f"upsampling {'x'.join(map(str, layer.size))}"
    if kind == "GaussianNoise":
        return f"gaussian noise {layer.std:g} (training only)"
    if kind == "Masking":
        return f"masking {layer.rate:g} (training only)"
    names = {"BatchNormalization": "batch norm", "Flatten": "flatten", "Reshape": "reshape",
             "GlobalAvgPool": "global avg pool"}  # fmt: skip
    return names.get(kind, kind.lower())


def training_lines(model) -> list[str]:
    if isinstance(model, NeuralNetwork):
        state = model.random_state
        return [f"Training: per-sample SGD on half the squared error (random_state={state})"]
    params = model.get_params()
    names = ("solver", "alpha", "learning_rate", "learning_rate_init", "batch_size", "max_iter",
             "early_stopping", "dropout", "random_state", "dtype")  # fmt: skip
    shown = {name: repr(params[name]) for name in names if name in params}
    if params.get("learning_rate") == "auto":  # what it was for this model's samples
        shown["learning_rate"] += f" ({model._learning_rate_name()!r})"
    settings = ", ".join(f"{name}={value}" for name, value in shown.items())
    lines = [f"Training settings: {settings}"]
    done = (
        f"Epochs run: {model.n_iter_}"
        if model.solver != "lbfgs"
        else f"L-BFGS iterations: {model.n_iter_}"
    )
    lines.append(f"{done}; samples seen: {model.t_:,}" if model.t_ else done)
    loss = getattr(model, "loss_", None)  # L-BFGS fits have no loss curve, as in scikit-learn
    if loss is not None:
        lines.append(f"Final training loss: {loss:.5g}")
    best = getattr(model, "best_validation_score_", None)
    if best is not None:
        lines.append(f"Best validation score: {best:.4f}")
    return lines


def feature_lines(model, steps) -> list[str]:
    if steps is None:
        names = getattr(model, "feature_names_in_", None)
        n = model.layers[0] if isinstance(model, NeuralNetwork) else model.n_features_in_
        listed = (
            f": {', '.join(map(str, names))}" if names is not None else " (unnamed, by position)"
        )
        return [f"Features expected ({n}){listed}"]
    lines = []
    if steps.get("target"):
        lines.append(f"Target column: {steps['target']} ({steps['task']})")
    numeric = steps["numeric"]["columns"]
    lines.append(f"Features expected ({plural(len(steps['columns']), 'column')}):")
    if numeric:
        means, scales = steps["numeric"]["mean"], steps["numeric"]["scale"]
        together = len(numeric) > 1 and len(set(means)) == 1 and len(set(scales)) == 1
        how = "standardized together (one mean and scale)" if together else "standardized"
        shown = ", ".join(numeric[:20]) + (
            f", ... ({len(numeric)} in all)" if len(numeric) > 20 else ""
        )
        lines.append(f"  numeric, {how}: {shown}")
    for column, categories in zip(
        steps["categorical"]["columns"], steps["categorical"]["categories"]
    ):
        shown = ", ".join(categories[:10]) + (", ..." if len(categories) > 10 else "")
        count = plural(len(categories), "category", "categories")
        lines.append(f"  text, one-hot: {column} ({count}: {shown})")
    lines.append(missing_line(steps))
    return lines


def missing_line(steps) -> str:
    """How the model treats a missing cell at prediction time."""
    missing = steps.get("missing")
    if not missing:
        return "Missing cells: not filled in (no fill values in this model file)"
    if missing["strategy"] != "impute":
        return f"Missing cells: not filled in (trained with --missing {missing['strategy']})"
    fills = ", ".join(
        f"{column} with {fill!r}"
        for column, fill in zip(steps["categorical"]["columns"], missing["categorical"])
    )
    how = ["numbers with the training median" if missing["numeric"] else "", fills]
    return f"Missing cells: filled in (--missing impute): {'; '.join(h for h in how if h)}"
