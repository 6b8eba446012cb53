"""Convolutional networks: accuracy on the digits, and training speed against PyTorch.

    python benchmarks/conv.py [--rounds 5] [--cases accuracy,signals,speed]

accuracy: scikit-learn's 8x8 digits (X / 16), the 5 stratified 75/25 splits
of parity.py; ``ConvNetClassifier(input_shape=(8, 8))`` with its defaults
beside ``MLPClassifier`` with its defaults, on the same splits and seeds.
Median test accuracy and fit time.

signals: the same comparison on 1-D signals, Saito's cylinder-bell-funnel
set (600 signals of 128 steps, 3 classes; ``input_shape`` left None).

speed: table (f) of ``make bench``, one epoch of training, float32, Adam,
on 10,000 synthetic samples, lucidnet and PyTorch CPU with the same layers,
side by side in rounds (each round runs both; figures are medians over
rounds, the ratio the median of per-round ratios); the networks are
``NETWORKS`` below.

PyTorch runs channels-first (its native layout, data converted before
timing), 2 threads, OMP_WAIT_POLICY=PASSIVE.
"""

import argparse
import time
import warnings

from _common import unset_openblas_overrides

unset_openblas_overrides()

import numpy as np  # noqa: E402
from _common import describe_machine, markdown_table  # noqa: E402
from _peers import torch_adam_epoch, torch_available  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

import lucidnet  # noqa: E402

N_SPEED = 10_000


def cylinder_bell_funnel(n=600, length=128, seed=0):
    """Saito's synthetic 1-D classification set (1994): a plateau, a rising ramp
    or a falling ramp of random start, length and height, in unit noise."""
    rng = np.random.default_rng(seed)
    y = rng.integers(3, size=n)
    t = np.arange(length)
    a = rng.uniform(16, 32, size=(n, 1))
    b = a + rng.uniform(32, 96, size=(n, 1))
    inside = (a <= t) & (t <= b)
    shape = np.select(
        [y[:, None] == 0, y[:, None] == 1],
        [np.ones_like(t * a), (t - a) / (b - a)],
        (b - t) / (b - a),
    )
    X = (6 + rng.standard_normal((n, 1))) * inside * shape + rng.standard_normal((n, length))
    return X, y


def accuracy_rows(splits, data):
    if data == "digits":
        X, y = load_digits(return_X_y=True)
        X, input_shape = X / 16, (8, 8)
    else:
        X, y = cylinder_bell_funnel()
        input_shape = None  # one-channel signals of 128 steps
    results = {"ConvNetClassifier (defaults)": [], "MLPClassifier (defaults)": []}
    for seed in range(splits):
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=0.25, random_state=seed, stratify=y
        )
        models = {
            "ConvNetClassifier (defaults)": lucidnet.ConvNetClassifier(
                input_shape=input_shape, random_state=seed
            ),
            "MLPClassifier (defaults)": lucidnet.MLPClassifier(random_state=seed),
        }
        for name, model in models.items():
            start = time.perf_counter()
            model.fit(X_train, y_train)
            seconds = time.perf_counter() - start
            results[name].append((100 * model.score(X_test, y_test), seconds, model.n_iter_))
        print(f"  split {seed} done", flush=True)
    rows = []
    for name, values in results.items():
        accuracy, seconds, epochs = (np.array([v[i] for v in values]) for i in range(3))
        rows.append([name, f"{np.median(accuracy):.2f}", f"{accuracy.min():.2f}",
                     f"{accuracy.max():.2f}", f"{np.median(epochs):.0f}",
                     f"{np.median(seconds):.2f}"])  # fmt: skip
    return rows


# The networks of table (f), as issue 12 names them: (input shape, batch,
# ConvNetClassifier settings). Each is also built layer for layer in PyTorch.
# Every architecture parameter is spelled out (batch_norm, head): the 'auto'
# defaults differ for signals, and the PyTorch twins are fixed.
FIXED = dict(batch_norm=False, head="flatten", learning_rate="constant")
NETWORKS = {
    "digits 1x8x8": ((8, 8), 128, dict(conv_layers=(32, 64), kernel_size=3, padding="same",
                                       pool_size=2, hidden_layer_sizes=(128,), **FIXED)),
    "28x28": ((28, 28), 128, dict(conv_layers=(32, 64), kernel_size=3, padding="valid",
                                  pool_size=2, hidden_layer_sizes=(128,), **FIXED)),
    "1-D signal 1x40": ((40,), 100, dict(conv_layers=(25, 25, 25), kernel_size=[5, 3, 3],
                                         strides=2, padding=1, pool_size=None,
                                         hidden_layer_sizes=(), **FIXED)),
}  # fmt: skip


def synthetic_inputs(shape, n=N_SPEED, seed=0):
    """float32 samples of ``shape`` (channels last, one channel), 10 classes,
    each class marked by a bump at its own place."""
    rng = np.random.default_rng(seed)
    y = rng.integers(10, size=n)
    X = rng.standard_normal((n, *shape, 1), dtype=np.float32)
    where = [(k * y) % size for k, size in zip((1, 3), shape)]
    X[(np.arange(n), *where, 0)] += 3  # something to learn
    return X, y


def lucidnet_model(name, seed):
    shape, batch, settings = NETWORKS[name]
    return lucidnet.ConvNetClassifier(
        **settings, input_shape=shape, batch_size=batch, max_iter=1, random_state=seed
    )


def lucidnet_epoch(name, X, y, seed):
    model = lucidnet_model(name, seed)
    start = time.perf_counter()
    model.fit(X, y)
    return time.perf_counter() - start


def torch_network(name):
    """The same layers in PyTorch (channels first, its native layout)."""
    from torch import nn

    shape, _, settings = NETWORKS[name]
    conv, pool = (nn.Conv1d, nn.MaxPool1d) if len(shape) == 1 else (nn.Conv2d, nn.MaxPool2d)
    n = len(settings["conv_layers"])
    kernels = settings["kernel_size"]
    kernels = kernels if isinstance(kernels, list) else [kernels] * n
    layers, channels = [], 1
    for filters, kernel in zip(settings["conv_layers"], kernels):
        layers += [conv(channels, filters, kernel, stride=settings.get("strides", 1),
                        padding=settings["padding"]), nn.ReLU()]  # fmt: skip
        if settings["pool_size"]:
            layers.append(pool(settings["pool_size"]))
        channels = filters
    layers.append(nn.Flatten())
    body = nn.Sequential(*layers)
    import torch

    width = body(torch.zeros(1, 1, *shape)).shape[1]
    for units in settings["hidden_layer_sizes"]:
        layers += [nn.Linear(width, units), nn.ReLU()]
        width = units
    layers.append(nn.Linear(width, 10))
    return nn.Sequential(*layers)


def torch_epoch(name, X_channels_first, y, seed):
    import torch

    torch.manual_seed(seed)
    start = time.perf_counter()
    torch_adam_epoch(torch_network(name), X_channels_first, y, NETWORKS[name][1])
    return time.perf_counter() - start


def speed_rows(rounds):
    """Table (f): samples/s of one training epoch, lucidnet beside PyTorch."""
    have_torch = torch_available()
    if have_torch:
        import torch

        print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads")
    rows = []
    from lucidnet.engine import kernels

    kernels.load()  # steady state: numba's import is timed in speed.py
    for name, (shape, batch, _) in NETWORKS.items():
        X, y = synthetic_inputs(shape)
        X_channels_first = np.ascontiguousarray(np.moveaxis(X, -1, 1))
        X = X.reshape(len(X), -1)  # lucidnet reads the shape from input_shape
        lucidnet_epoch(name, X[:500], y[:500], 0)  # the first fit pays for imports
        ours, theirs = [], []
        for r in range(rounds):
            ours.append(lucidnet_epoch(name, X, y, r))
            if have_torch:
                theirs.append(torch_epoch(name, X_channels_first, y, r))
        row = [name, batch, f"{N_SPEED / np.median(ours):,.0f}"]
        if have_torch:
            ratio = np.median([t / o for o, t in zip(ours, theirs)])
            row += [f"{N_SPEED / np.median(theirs):,.0f}", f"{ratio:.2f}x"]
        else:
            row += ["(not installed)", "-"]
        rows.append(row)
        print(f"  {name} done", flush=True)
    return rows


def print_speed(rounds):
    rows = speed_rows(rounds)
    print(f"\n(f) Convolutional training throughput, float32, Adam, one epoch of "
          f"{N_SPEED:,} samples, median of {rounds} rounds")  # fmt: skip
    header = ["network", "batch", "lucidnet samples/s", "PyTorch samples/s", "lucidnet / PyTorch"]
    print(markdown_table(header, rows))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--splits", type=int, default=5)
    parser.add_argument("--cases", default="accuracy,signals,speed")
    args = parser.parse_args()
    print(describe_machine())
    warnings.simplefilter("ignore", ConvergenceWarning)
    cases = args.cases.split(",")
    header = ["model", "median acc %", "min", "max", "median epochs", "median fit s"]
    if "accuracy" in cases:
        rows = accuracy_rows(args.splits, "digits")
        print(f"\nDigits 8x8 (X / 16), {args.splits} stratified 75/25 splits:")
        print(markdown_table(header, rows))
    if "signals" in cases:
        rows = accuracy_rows(args.splits, "signals")
        print(f"\nCylinder-bell-funnel signals (600 x 128 steps), {args.splits} 75/25 splits:")
        print(markdown_table(header, rows))
    if "speed" in cases:
        print_speed(args.rounds)


if __name__ == "__main__":
    main()
