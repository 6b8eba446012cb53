"""Optional matplotlib figures: the learning curve beside the results.

matplotlib is an optional extra (``pip install 'lucidnet[plot]'``). The
figure is drawn on a ``Figure`` with the Agg canvas, not through pyplot, so it
needs no display and leaves matplotlib's global state alone.
"""

from __future__ import annotations

import numpy as np

from ..io.atomic import atomic_write

INSTALL_HINT = "the plot needs matplotlib: pip install 'lucidnet[plot]' (skipped the plot)"


def matplotlib_available() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def save_results_figure(path, model, task, y_true, y_pred, title="") -> None:
    """One PNG: the learning curve, and the confusion matrix (classification)
    or predicted against true values (regression)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(11, 4.5), layout="constrained")
    FigureCanvasAgg(figure)
    curve, results = figure.subplots(1, 2)
    _learning_curve(curve, model)
    if task == "regression":
        _predicted_vs_true(results, y_true, y_pred)
    else:
        _confusion_matrix(results, y_true, y_pred)
    if title:
        figure.suptitle(title)
    with atomic_write(path) as file:
        figure.savefig(file, format="png", dpi=100)


def _learning_curve(axes, model) -> None:
    losses = list(getattr(model, "loss_curve_", None) or [])
    unit = "L-BFGS iteration" if getattr(model, "solver", "") == "lbfgs" else "epoch"
    axes.set_title("Learning curve")
    axes.set_xlabel(unit)
    if not losses:
        axes.text(0.5, 0.5, "no training record", ha="center", va="center")
        return
    epochs = np.arange(1, len(losses) + 1)
    axes.plot(epochs, losses, color="tab:blue", label="training loss")
    axes.set_ylabel("training loss", color="tab:blue")
    scores = getattr(model, "validation_scores_", None)
    if scores:
        other = axes.twinx()
        other.plot(epochs[: len(scores)], scores, color="tab:orange", label="validation score")
        score_name = "R^2" if model.__class__.__name__ == "MLPRegressor" else "accuracy"
        other.set_ylabel(f"validation score ({score_name})", color="tab:orange")


def _confusion_matrix(axes, y_true, y_pred) -> None:
    from sklearn.metrics import confusion_matrix

    labels = np.union1d(np.unique(y_true), np.unique(y_pred))
    matrix = confusion_matrix(y_true, y_pred, labels=labels)
    axes.imshow(matrix, cmap="Blues")
    names = [str(label) for label in labels]
    axes.set_xticks(range(len(names)), names, rotation=45, ha="right")
    axes.set_yticks(range(len(names)), names)
    axes.set_xlabel("predicted")
    axes.set_ylabel("true")
    axes.set_title(f"Confusion matrix (accuracy {np.mean(y_true == y_pred):.3f})")
    if len(names) <= 20:  # numbers in the cells while they still fit
        threshold = matrix.max() / 2
        for (i, j), count in np.ndenumerate(matrix):
            color = "white" if count > threshold else "black"
            axes.text(j, i, str(count), ha="center", va="center", color=color)


def _predicted_vs_true(axes, y_true, y_pred) -> None:
    axes.scatter(y_true, y_pred, s=12, alpha=0.6)
    low = float(min(np.min(y_true), np.min(y_pred)))
    high = float(max(np.max(y_true), np.max(y_pred)))
    axes.plot([low, high], [low, high], color="gray", linestyle="--", label="perfect")
    axes.set_xlabel("true value")
    axes.set_ylabel("predicted value")
    axes.set_title("Predicted against true")
    axes.legend(loc="upper left")


def save_conv_figure(path, kernels, wrong_images, true_labels, predicted_labels) -> None:
    """One PNG: a convolution's filters (kernels of shape (kh, kw, 1, filters))
    as small images, and the test images a model got wrong, titled
    'true -> predicted'."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    filters = kernels[:, :, 0, :]
    n_filters, n_wrong = filters.shape[-1], min(len(wrong_images), 24)
    columns = 8
    filter_rows, wrong_rows = -(-n_filters // columns), max(-(-n_wrong // columns), 1)
    figure = Figure(figsize=(columns * 1.2, (filter_rows + wrong_rows) * 1.3 + 0.8),
                    layout="constrained")  # fmt: skip
    FigureCanvasAgg(figure)
    top, bottom = figure.subfigures(2, 1, height_ratios=[filter_rows, wrong_rows])
    top.suptitle(f"First convolution's {n_filters} filters (3x3; red negative, blue positive)")
    for i, axes in enumerate(top.subplots(filter_rows, columns).ravel()):
        axes.set_axis_off()
        if i < n_filters:
            limit = np.abs(filters[:, :, i]).max() or 1
            axes.imshow(filters[:, :, i], cmap="RdBu", vmin=-limit, vmax=limit)
    bottom.suptitle(f"Test images it got wrong ({len(wrong_images)}; true -> predicted)")
    for i, axes in enumerate(bottom.subplots(wrong_rows, columns).ravel()):
        axes.set_axis_off()
        if i < n_wrong:
            axes.imshow(wrong_images[i], cmap="gray_r")
            axes.set_title(f"{true_labels[i]} -> {predicted_labels[i]}", fontsize=9)
    with atomic_write(path) as file:
        figure.savefig(file, format="png", dpi=100)


def save_autoencoder_figure(path, rows, k, codes, labels) -> None:
    """One PNG: originals, PCA's and the autoencoder's reconstructions with ``k``
    components (three rows of 8x8 images), and, when ``codes`` holds the two
    2-D codings (PCA's, the autoencoder's), each as a scatter coloured by digit."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(12, 8.5 if codes is not None else 4), layout="constrained")
    FigureCanvasAgg(figure)
    if codes is None:
        images, scatters = figure, None
    else:
        images, scatters = figure.subfigures(2, 1, height_ratios=[1, 1.6])
    names = ["original", f"PCA ({k})", f"autoencoder ({k})"]
    grid = images.subplots(3, len(rows[0]))
    for r, (name, row) in enumerate(zip(names, rows)):
        for c, axes in enumerate(grid[r]):
            axes.imshow(np.clip(row[c].reshape(8, 8), 0, 1), cmap="gray_r", vmin=0, vmax=1)
            axes.set_xticks([])
            axes.set_yticks([])
        grid[r][0].set_ylabel(name, fontsize=9)
    images.suptitle("Test digits and their reconstructions")
    if codes is not None:
        for axes, coded, title in zip(
            scatters.subplots(1, 2), codes, ["PCA, 2 components", "autoencoder, 2 components"]
        ):
            points = axes.scatter(coded[:, 0], coded[:, 1], c=labels, cmap="tab10", s=8)
            axes.set_title(f"Test images coded in 2 numbers: {title}")
        scatters.colorbar(points, ax=axes, ticks=range(10), label="digit")
    with atomic_write(path) as file:
        figure.savefig(file, format="png", dpi=100)
