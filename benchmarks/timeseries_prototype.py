"""Evidence for the time-series defaults: an FCN written with the engine directly.

    python benchmarks/timeseries_prototype.py [--configs fcn,fcn-narrow] \
        [--datasets GunPoint,...] [--seeds 0,1,2] [--epochs 200]

The fully convolutional network of Wang et al. (2017), as Ismail Fawaz et
al. (2019) run it: three convolutions (128 filters of 8, 256 of 5, 128 of 3,
'same' padding), each followed by batch normalization and ReLU, global
average pooling, one softmax layer; Adam (learning rate 1e-3), batches of
min(16, n / 10). They train 2,000 epochs with reduce-on-plateau of the
training loss (factor 0.5, patience 50); here the same schedule with a
shorter patience, and a cosine decay over a fixed number of epochs, to see
how few epochs reach the published accuracy. float32 throughout.

One run of ``--epochs E`` reports the test accuracy at several checkpoints
(the plateau schedule only looks at the training loss, so the accuracy after
50 epochs of a 200-epoch run is what a 50-epoch run would give). Cosine
decay depends on the total, so each total is its own config
(``cosine50`` ...). Seconds are the training time only, evaluation excluded.
"""

import argparse
import math
import time

from _common import unset_openblas_overrides

unset_openblas_overrides()

import numpy as np  # noqa: E402
from _common import describe_machine, markdown_table  # noqa: E402

from lucidnet.engine import (  # noqa: E402
    Activation,
    Adam,
    BatchNormalization,
    Conv1D,
    Dense,
    GlobalAvgPool,
    Sequential,
    SoftmaxCrossEntropy,
)

# name: (filters, kernels, schedule, total epochs or None for --epochs, batch size or None)
CONFIGS = {
    "fcn": ((128, 256, 128), (8, 5, 3), "plateau", None, None),
    "fcn-narrow": ((64, 128, 64), (8, 5, 3), "plateau", None, None),
    "fcn-cosine50": ((128, 256, 128), (8, 5, 3), "cosine", 50, None),
    "fcn-cosine100": ((128, 256, 128), (8, 5, 3), "cosine", 100, None),
    "narrow-cosine50": ((64, 128, 64), (8, 5, 3), "cosine", 50, None),
    "narrow-cosine100": ((64, 128, 64), (8, 5, 3), "cosine", 100, None),
    "fcn-batch32": ((128, 256, 128), (8, 5, 3), "plateau", None, 32),
    "narrow-batch32": ((64, 128, 64), (8, 5, 3), "plateau", None, 32),
    "narrow-b16": ((64, 128, 64), (8, 5, 3), "plateau", None, 16),
    "narrow-b16-cosine100": ((64, 128, 64), (8, 5, 3), "cosine", 100, 16),
    "narrow-b16-cosine50": ((64, 128, 64), (8, 5, 3), "cosine", 50, 16),
    "fcn-b16-cosine100": ((128, 256, 128), (8, 5, 3), "cosine", 100, 16),
    "narrow-b16-cosine300": ((64, 128, 64), (8, 5, 3), "cosine", 300, 16),
}
CHECKPOINTS = (25, 50, 100, 150, 200, 300, 500)

# Published test accuracy, mean over 10 runs (std in brackets in the file):
# hfawaz/dl-4-tsc, results/results-uea-avg-std.csv, columns FCN and ResNet
# (the 85 UCR datasets of the 2015 archive despite the file's name).
PUBLISHED = {
    "GunPoint": (100.0, 99.1),  # row Gun_Point
    "ItalyPowerDemand": (96.1, 96.3),
    "ArrowHead": (84.3, 84.5),
    "OSULeaf": (97.7, 97.9),
}


def load(name):
    """Official train/test split, channels last: (n, length, channels)."""
    from aeon.datasets import load_classification

    X_train, y_train = load_classification(name, split="train")
    X_test, y_test = load_classification(name, split="test")
    classes, y_train = np.unique(y_train, return_inverse=True)
    y_test = np.searchsorted(classes, y_test)
    as_channels_last = lambda X: np.ascontiguousarray(X.transpose(0, 2, 1), dtype=np.float32)  # noqa: E731
    return as_channels_last(X_train), y_train, as_channels_last(X_test), y_test, len(classes)


def build_fcn(channels, n_classes, filters, kernels, rng):
    layers, width = [], channels
    for f, k in zip(filters, kernels):
        layers += [
            Conv1D(width, f, k, padding="same", rng=rng, dtype=np.float32),
            BatchNormalization(f, dtype=np.float32),
            Activation("relu"),
        ]
        width = f
    layers += [GlobalAvgPool(), Dense(width, n_classes, rng=rng, dtype=np.float32)]
    return Sequential(layers)


def accuracy(net, X, y):
    return 100 * np.mean(net.forward(X).argmax(axis=1) == y)


def run(config, data, seed, epochs):
    """Train one config; returns {checkpoint epoch: (test accuracy, train seconds)}."""
    filters, kernels, schedule, total, batch = CONFIGS[config]
    total = total or epochs
    X_train, y_train, X_test, y_test, n_classes = data
    n = len(X_train)
    batch = batch or int(min(16, max(1, n // 10)))  # Fawaz et al.'s min(n / 10, 16)
    rng = np.random.default_rng(seed)
    net = build_fcn(X_train.shape[2], n_classes, filters, kernels, rng)
    loss = SoftmaxCrossEntropy()
    lr0, lr_min = 1e-3, 1e-4
    optimizer = Adam(net.parameters(), learning_rate=lr0)
    Y_train = np.eye(n_classes, dtype=np.float32)[y_train]
    best_loss, since_best, patience = np.inf, 0, max(5, total // 20)
    seconds, results = 0.0, {}
    checkpoints = [c for c in CHECKPOINTS if c < total] + [total]
    for epoch in range(1, total + 1):
        start = time.perf_counter()
        if schedule == "cosine":  # from lr0 to lr_min over the run
            optimizer.learning_rate = lr_min + 0.5 * (lr0 - lr_min) * (
                1 + math.cos(math.pi * (epoch - 1) / total)
            )
        order = rng.permutation(n)
        losses = [
            net.train_step(X_train[order[i : i + batch]], Y_train[order[i : i + batch]],
                           loss, optimizer)
            for i in range(0, n, batch)
        ]  # fmt: skip
        epoch_loss = float(np.mean(losses))
        if schedule == "plateau":  # Keras's ReduceLROnPlateau on the training loss
            if epoch_loss < best_loss * (1 - 1e-4):
                best_loss, since_best = epoch_loss, 0
            else:
                since_best += 1
                if since_best > patience:
                    optimizer.learning_rate = max(lr_min, optimizer.learning_rate * 0.5)
                    since_best = 0
        seconds += time.perf_counter() - start
        if epoch in checkpoints:
            results[epoch] = (accuracy(net, X_test, y_test), seconds, epoch_loss)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--configs", default="fcn,fcn-narrow")
    parser.add_argument("--datasets", default="GunPoint,ItalyPowerDemand,BasicMotions")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--epochs", type=int, default=200)
    args = parser.parse_args()
    print(describe_machine(), flush=True)
    seeds = [int(s) for s in args.seeds.split(",")]
    rows = []
    for name in args.datasets.split(","):
        data = load(name)
        print(f"{name}: train {data[0].shape}, test {data[2].shape}", flush=True)
        for config in args.configs.split(","):
            per_seed = []
            for seed in seeds:
                per_seed.append(run(config, data, seed, args.epochs))
                points = per_seed[-1].items()
                curve = ", ".join(f"{e}: {a:.1f}% {s:.0f} s" for e, (a, s, _) in points)
                print(f"  {config} seed {seed}: {curve}", flush=True)
            fcn = PUBLISHED.get(name, ("-", "-"))[0]
            for epoch in sorted(per_seed[0]):
                acc = [r[epoch][0] for r in per_seed]
                sec = [r[epoch][1] for r in per_seed]
                rows.append([config, name, f"{np.median(acc):.1f}", f"{min(acc):.1f}",
                             f"{max(acc):.1f}", epoch, f"{np.median(sec):.1f}",
                             f"{np.median(sec) / epoch:.2f}", fcn])  # fmt: skip
    header = ["config", "dataset", "accuracy median", "min", "max", "epochs", "seconds",
              "s/epoch", "published FCN"]  # fmt: skip
    print(markdown_table(header, rows))


if __name__ == "__main__":
    main()
