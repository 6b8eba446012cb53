"""The ``lucidnet`` command line: its subcommands, options and their help,
and the types that check each option's value as argparse reads it."""

from __future__ import annotations

import argparse
import copy
import re

from .._version import __version__
from ..engine.activations import HIDDEN_ACTIVATIONS
from .arguments import DefaultsHelpFormatter
from .search_runner import cluster_address
from .search_space import parameter_option
from .tabular import MISSING_STRATEGIES

MAX_SEED = 2**32 - 1  # what NumPy's and scikit-learn's random states accept


def _positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text}")
    return value


def _positive_float(text):
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text}")
    return value


def _fraction(text):
    value = float(text)
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1), got {text}")
    return value


def _random_state(text):
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(
            f"expected a whole number from 0 to {MAX_SEED}, got {text}"
        )
    return value


def _ignore_value(text):
    """One column's name, or names separated by commas: which of the two is
    known only from the data file's columns (see selection.ignored_columns)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("expected a column name, or names separated by commas")
    return text


def _layer_sizes(text):
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        sizes = []
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(
            f"expected positive layer sizes separated by commas (like 100,50), got {text!r}"
        )
    return sizes


def _conv_layers(text):
    return "auto" if text.strip().lower() == "auto" else _layer_sizes(text)


def _shape(text):
    try:
        shape = tuple(int(part) for part in text.split(","))
    except ValueError:
        shape = ()
    if not 1 <= len(shape) <= 3 or min(shape) < 1:
        raise argparse.ArgumentTypeError(
            f"expected 1 to 3 positive sizes separated by commas (like 8,8), got {text!r}"
        )
    return shape


MEMORY_UNITS = {"": 1, "B": 1, "KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "K": 2**10, "M": 2**20,
                "G": 2**30, "KB": 10**3, "MB": 10**6, "GB": 10**9}  # fmt: skip


def _memory_size(text):
    """Bytes from ``512MiB``, ``2GiB``, ``300M`` or a plain number of bytes."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*", text)
    unit = match and MEMORY_UNITS.get(match.group(2).upper())
    if not unit or float(match.group(1)) * unit < 1:
        raise argparse.ArgumentTypeError(
            f"expected a size such as 512MiB, 2GiB or a number of bytes, got {text!r}"
        )
    return int(float(match.group(1)) * unit)


MAX_ROW_MEMORY_HELP = (
    "let the model file ask this much memory (like 512MiB) for a forward pass of one row; "
    "by default max(64 MiB, 100 x its arrays), so that an edited file cannot exhaust the "
    "machine: raise it only for a file you trust"
)

CHUNK_ROWS_HELP = (
    "read a CSV data file N rows at a time (writing the output, or adding up the report, as "
    "it goes), so that a file "
    "larger than memory goes through (default: the whole file, or chunks of about 8 MB "
    "of its text when reading it whole would take more than 1 GiB or a quarter of the free "
    "memory, which the command says)"
)
STRICT_HELP = (
    "refuse a text value the model was not trained on (by default such a row is "
    "predicted, the value encoded as none of the known ones, and counted on stderr)"
)


def _add_data_commands(commands) -> None:
    train = commands.add_parser(
        "train",
        help="train a network on a CSV or .npz file and save it to a model file",
        formatter_class=DefaultsHelpFormatter,
    )
    train.add_argument("data", metavar="DATA", help="CSV with a header row, or .npz with X and y")
    train.add_argument(
        "--target", metavar="COLUMN", help="the column to predict (not with --autoencoder)"
    )
    train.add_argument(
        "--autoencoder",
        type=_positive_int,
        metavar="K",
        help="train an autoencoder of K components on the feature columns (no --target "
        "needed); lucidnet transform then writes the codes",
    )
    train.add_argument("--out", required=True, metavar="MODEL", help="model file to write")
    train.add_argument(
        "--task",
        choices=["classification", "regression"],
        help="default: inferred (text or a few distinct integers mean classification)",
    )
    train.add_argument(
        "--hidden",
        type=_layer_sizes,
        default=None,
        help="dense layer sizes, e.g. 100,50 (default 100; 128 with --autoencoder; with "
        "--conv, none for signals and 128 for images)",
    )
    train.add_argument(
        "--conv",
        type=_conv_layers,
        metavar="FILTERS",
        help="a convolutional network: filters per convolution, e.g. 32,64 (for images each "
        "3x3, then 2x2 max pooling; for signals kernels 8, 5, then 3, each with batch norm, "
        "then global average pooling), or auto: 32,64 for images, 128,256,128 for signals",
    )
    train.add_argument(
        "--input-shape",
        type=_shape,
        metavar="SHAPE",
        help="with --conv: the shape of one row's values, e.g. 8,8 for 8x8 images or 40 "
        "for signals of 40 steps; channels are what is left (120 columns with 40: signals "
        "of 3 channels), and two sizes are always height,width (default: from an .npz "
        "file's X, where (n, 40, 3) is 40x3 images, else one signal per row)",
    )
    train.add_argument(
        "--activation", choices=HIDDEN_ACTIVATIONS, default="relu", help="of the hidden layers"
    )
    train.add_argument(
        "--solver", choices=["adam", "sgd", "lbfgs"], default="adam", help="the optimizer"
    )
    train.add_argument(
        "--max-iter", type=_positive_int, help="epochs (default 200; 500 with --autoencoder)"
    )
    train.add_argument("--dropout", type=_fraction, default=0.0, help="rate after hidden layers")
    train.add_argument(
        "--early-stopping",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="stop when the score on 10%% of the training rows stops improving, keeping "
        "the best epoch's weights (default: on, except with --solver lbfgs or under 20 "
        "training rows)",
    )
    train.add_argument(
        "--param",
        type=parameter_option,
        action="append",
        metavar="NAME=VALUE",
        help="an estimator parameter no option above sets, such as alpha=0.001 or "
        "learning_rate_init=0.01 (may be repeated; the names and values of MLPClassifier "
        "and the others, checked as they check them)",
    )
    train.add_argument("--test-size", type=_fraction, default=0.2, help="held-out fraction")
    train.add_argument(
        "--ignore",
        type=_ignore_value,
        action="append",
        metavar="COLUMN[,COLUMN]",
        help="columns to leave out, such as IDs or dates (may be repeated; a value that is "
        "exactly one column's name, commas and all, names that column)",
    )
    train.add_argument(
        "--missing",
        choices=MISSING_STRATEGIES,
        default="impute",
        help="missing cells: impute (the median of a numeric column, a 'missing' category in "
        "a text one, kept in the model for predict), drop their rows, or error",
    )
    train.add_argument(
        "--random-state", type=_random_state, default=0, help="the same gives the same model"
    )
    train.add_argument("--plot", metavar="PNG", help="learning curve and results figure")
    train.add_argument("--quiet", action="store_true", help="no progress bar")
    train.add_argument(
        "--chunk-rows",
        type=_positive_int,
        metavar="N",
        help="read a CSV data file N rows at a time: two passes, then epochs over a "
        "binary copy of its rows in a temporary folder (TMPDIR), so that a file larger than "
        "memory trains (default: the whole file, or chunks of about 8 MB of its text when "
        "reading it whole would take more than 1 GiB or a quarter of the free memory, which "
        "the command says)",
    )
    # Options that exclude each other are refused after parsing, in argparse's
    # words and with train's usage line (see _refuse_conflicting_options).
    train.set_defaults(usage_error=train.error)

    _add_tune(commands, train)

    predict = commands.add_parser("predict", help="predict with a model file, as CSV")
    predict.add_argument("model", metavar="MODEL")
    predict.add_argument("data", metavar="DATA", help="the target column may be present or not")
    predict.add_argument("--proba", action="store_true", help="class probabilities too")
    predict.add_argument("--out", metavar="FILE", help="CSV file to write (default: stdout)")
    predict.add_argument("--strict", action="store_true", help=STRICT_HELP)
    predict.add_argument("--chunk-rows", type=_positive_int, metavar="N", help=CHUNK_ROWS_HELP)

    evaluate = commands.add_parser(
        "evaluate",
        help="score a model file on labelled data (an autoencoder: its reconstruction error)",
    )
    evaluate.add_argument("model", metavar="MODEL")
    evaluate.add_argument("data", metavar="DATA")
    evaluate.add_argument(
        "--target",
        metavar="COLUMN",
        help="the column to score the predictions against (default: the one the model was "
        "trained on; needed for a model saved from Python; not for an autoencoder)",
    )
    evaluate.add_argument("--plot", metavar="PNG")
    evaluate.add_argument("--strict", action="store_true", help=STRICT_HELP)
    evaluate.add_argument("--chunk-rows", type=_positive_int, metavar="N", help=CHUNK_ROWS_HELP)

    transform = commands.add_parser(
        "transform", help="an autoencoder's codes for each row of a data file, as CSV"
    )
    transform.add_argument("model", metavar="MODEL")
    transform.add_argument("data", metavar="DATA")
    transform.add_argument("--out", metavar="FILE", help="CSV file to write (default: stdout)")
    transform.add_argument("--strict", action="store_true", help=STRICT_HELP)
    transform.add_argument("--chunk-rows", type=_positive_int, metavar="N", help=CHUNK_ROWS_HELP)

    info = commands.add_parser("info", help="describe a model file")
    info.add_argument("model", metavar="MODEL")

    export = commands.add_parser(
        "export", help="write a model file as an ONNX graph (for onnxruntime)"
    )
    export.add_argument("model", metavar="MODEL")
    export.add_argument("out", metavar="OUT", help="the .onnx file to write")
    export.add_argument(
        "--dtype",
        choices=["float32", "float64"],
        default="float32",
        help="the type of the input and of every computation in the graph",
    )
    export.add_argument(
        "--opset", type=_positive_int, metavar="N", help="the ONNX opset (default: 18; 13 on)"
    )
    for reading_a_model in (predict, evaluate, transform, info, export):
        reading_a_model.add_argument(
            "--max-row-memory", metavar="SIZE", type=_memory_size, help=MAX_ROW_MEMORY_HELP
        )


def _add_tune(commands, train) -> None:
    tune = commands.add_parser(
        "tune",
        help="search settings by cross-validation and save the best model, as train would",
        formatter_class=DefaultsHelpFormatter,
    )
    # tune reads, splits and fits as train does, so it takes train's options
    # (whatever train gains later too), but --autoencoder and --plot.
    shared = [a for a in train._actions if a.dest not in ("help", "autoencoder", "plot")]
    for action in shared:
        if action.dest == "target":
            action = copy.copy(action)
            action.required, action.help = True, "the column to predict"
        tune._add_action(action)
    tune.add_argument(
        "--grid",
        required=True,
        metavar="SPEC",
        help='the settings to search, e.g. "hidden=64,128,128-64 alpha=1e-4,1e-3": train\'s '
        "options without dashes (hidden, dropout, activation, solver, max-iter, conv) and "
        "estimator parameters, values separated by commas, layer sizes joined by '-'; with "
        "--random, lo..hi ranges too",
    )
    tune.add_argument(
        "--random",
        type=_positive_int,
        metavar="N",
        help="draw N settings from --grid (a list: one of its values; lo..hi: integers "
        "uniformly, floats log-uniformly when hi/lo >= 10, else uniformly), seeded by "
        "--random-state (default: every combination)",
    )
    tune.add_argument("--cv", type=_folds, default=5, metavar="K", help="folds")
    where = tune.add_mutually_exclusive_group()
    where.add_argument("--jobs", type=_positive_int, default=1, metavar="N",
                       help="fits at once, in local processes")  # fmt: skip
    where.add_argument(
        "--cluster",
        type=cluster_address,
        metavar="ADDRESS",
        help="run the fits on a dask cluster: a scheduler's address (tcp://host:8786), or "
        "local:N to start N worker processes here for this search (needs lucidnet[dask])",
    )
    options = [a for a in shared if a.option_strings and a.dest not in ("quiet", "help")]
    tune.set_defaults(
        train_options=[(a.dest, a.option_strings[0]) for a in options],
        train_defaults={a.dest: a.default for a in options},
    )


def _folds(text):
    value = int(text)
    if value < 2:
        raise argparse.ArgumentTypeError(f"expected 2 folds or more, got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lucidnet", description="Neural networks in plain NumPy.")
    parser.add_argument("--version", action="version", version=f"lucidnet {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser(
        "demo", help="run one of the demos (the post's, a CNN, an autoencoder)"
    )
    demos = demo.add_subparsers(dest="demo", required=True)
    xor = demos.add_parser("xor", help="a [2, 2, 1] tanh network learns XOR")
    xor.add_argument("--random-state", type=_random_state, default=0)
    xor.add_argument(
        "--epochs",
        type=_positive_int,
        default=10000,
        help="single-sample updates per attempt (default 10000)",
    )
    xor.add_argument("--learning-rate", type=_positive_float, default=0.2)
    digits = demos.add_parser("digits", help="[64, 100, 10] tanh on the 8x8 digits")
    digits.add_argument("--random-state", type=_random_state, default=0)
    digits.add_argument(
        "--epochs", type=_positive_int, default=30000, help="single-sample updates (default 30000)"
    )
    digits.add_argument(
        "--learning-rate", type=_positive_float, default=None,
        help="default 0.02 (the documentation's tutorial says why not the post's 0.2)",
    )  # fmt: skip
    digits.add_argument("--hidden", type=_positive_int, default=100, help="hidden units")
    conv = demos.add_parser("conv", help="a convolutional network on the 8x8 digits, beside an MLP")
    conv.add_argument("--random-state", type=_random_state, default=0)
    conv.add_argument("--plot", metavar="PNG", help="the first layer's filters and the mistakes")
    autoencoder = demos.add_parser(
        "autoencoder", help="digits through codes of 2 and 8 numbers: PCA beside an autoencoder"
    )
    autoencoder.add_argument("--random-state", type=_random_state, default=0)
    autoencoder.add_argument(
        "--plot", metavar="PNG", help="reconstructions in rows, and the 2-D codes coloured by digit"
    )
    _add_data_commands(commands)
    # Each subcommand's parser, for the checks before argparse's (see arguments.py).
    parser.subcommands = dict(commands.choices)
    parser.subcommands.update((f"demo {name}", sub) for name, sub in demos.choices.items())
    return parser
