"""Convolutional networks: accuracy on the digits, and training speed against PyTorch.

    python benchmarks/conv.py [--rounds 5] [--cases accuracy,signals,speed]

accuracy: scikit-learn's 8x8 digits (X / 16), the 5 stratified 75/25 splits
of parity.py; ``ConvNetClassifier(input_shape=(8, 8))`` with its defaults
beside ``MLPClassifier`` with its defaults, on the same splits and seeds.
Median test accuracy and fit time.

signals: the same comparison on 1-D signals, Saito's cylinder-bell-funnel
set (600 signals of 128 steps, 3 classes; ``input_shape`` left None).

speed: one epoch of training, float32, batch 128, Adam, on synthetic data,
lucidnet and PyTorch CPU with the same layers, side by side in rounds (each
round runs both; figures are medians over rounds, the ratio the median of
per-round ratios):

- digits network: 8x8x1, conv 32 3x3 same, 2x2 max pool, conv 64 3x3 same,
  2x2 max pool, dense 128, 10 (10,000 samples);
- 28x28 network: 28x28x1, conv 32 3x3 valid, pool, conv 64 3x3 valid, pool,
  dense 128, 10 (10,000 samples).

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

NETWORKS = {
    "digits 8x8": dict(size=8, padding="same"),
    "28x28": dict(size=28, padding="valid"),
}
N_SPEED, BATCH = 10_000, 128


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


def synthetic_images(size, n=N_SPEED, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(10, size=n)
    X = rng.standard_normal((n, size, size, 1), dtype=np.float32)
    X[np.arange(n), y % size, (3 * y) % size] += 3  # something to learn
    return X, y


def lucidnet_epoch(X, y, padding, seed):
    model = lucidnet.ConvNetClassifier(
        conv_layers=(32, 64), kernel_size=3, padding=padding, pool_size=2,
        hidden_layer_sizes=(128,), batch_size=BATCH, max_iter=1, random_state=seed,
    )  # fmt: skip
    start = time.perf_counter()
    model.fit(X, y)
    return time.perf_counter() - start


def torch_epoch(X_nchw, y, padding, seed):
    import torch
    from torch import nn

    torch.manual_seed(seed)
    start = time.perf_counter()
    size = X_nchw.shape[-1]
    after = size
    for _ in range(2):
        after = (after - (0 if padding == "same" else 2)) // 2
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=padding), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=padding), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * after * after, 128), nn.ReLU(), nn.Linear(128, 10),
    )  # fmt: skip
    torch_adam_epoch(model, X_nchw, y, BATCH)
    return time.perf_counter() - start


def speed_rows(rounds):
    have_torch = torch_available()
    if have_torch:
        import torch

        torch.set_num_threads(2)
        print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads")
    rows = []
    for name, spec in NETWORKS.items():
        X, y = synthetic_images(spec["size"])
        X_nchw = np.ascontiguousarray(X.transpose(0, 3, 1, 2))
        ours, theirs = [], []
        for r in range(rounds):
            ours.append(lucidnet_epoch(X, y, spec["padding"], r))
            if have_torch:
                theirs.append(torch_epoch(X_nchw, y, spec["padding"], r))
        rate = N_SPEED / np.median(ours)
        row = [name, f"{rate:,.0f}"]
        if have_torch:
            ratio = np.median([t / o for o, t in zip(ours, theirs)])
            row += [f"{N_SPEED / np.median(theirs):,.0f}", f"{ratio:.2f}x"]
        else:
            row += ["(not installed)", "-"]
        rows.append(row)
        print(f"  {name} done", flush=True)
    return rows


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
        rows = speed_rows(args.rounds)
        print(
            f"\nTraining throughput, float32, batch {BATCH}, Adam, median of {args.rounds} rounds:"
        )
        header = ["network", "lucidnet samples/s", "PyTorch samples/s", "lucidnet / PyTorch"]
        print(markdown_table(header, rows))


if __name__ == "__main__":
    main()
