"""Files larger than memory: ``lucidnet train`` and ``predict`` on a generated CSV
of several GB, beside the whole read on a file that fits.

    python benchmarks/scale.py                       # a 4 GB file, a 100 MB one
    python benchmarks/scale.py --big-gb 1 --fits-mb 50 --rounds 1    # a quick look

The data: 24 numeric columns of standard normal values (``%.5g``, about 196
bytes a row) and a target of three classes, a nonlinear function of six of
them plus noise. Every command runs in a subprocess under ``/usr/bin/time``,
whose maximum resident set size (RSS) is the peak memory quoted.

Measured: on the file that fits, ``train`` read whole and ``train
--chunk-rows`` side by side (interleaved rounds, medians), each for a fixed
number of epochs without early stopping: samples per second is training rows
x epochs / the command's wall time (reading included: streaming reads the
CSV twice and then its binary cache every epoch), and, from the command's
own "Training time", over the epochs alone. Then the large file: ``train``
(streaming by itself) and ``predict --out`` (the same), their peak RSS and
time. Targets (issue 19): RSS under 1 GiB for both on a file of 4 GB or more,
streamed samples per second at least 60% of the whole read's.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

N_FEATURES = 24
ROWS_PER_WRITE = 200_000


def write_csv(path, n_bytes, seed) -> int:
    """A CSV file of about ``n_bytes``; returns its rows."""
    rng = np.random.default_rng(seed)
    header = ",".join([f"x{i}" for i in range(N_FEATURES)] + ["label"])
    rows = 0
    with open(path, "w") as file:
        file.write(header + "\n")
        while file.tell() < n_bytes:
            X = rng.standard_normal((ROWS_PER_WRITE, N_FEATURES)).astype(np.float32)
            score = np.sin(X[:, 0] * 2) + X[:, 1] * X[:, 2] + np.abs(X[:, 3]) - X[:, 4] ** 2
            score += 0.3 * X[:, 5] + 0.3 * rng.standard_normal(ROWS_PER_WRITE)
            label = np.digitize(score, [-0.8, 0.4])
            np.savetxt(file, np.column_stack([X, label]), fmt=["%.5g"] * N_FEATURES + ["%d"],
                       delimiter=",")  # fmt: skip
            rows += ROWS_PER_WRITE
    return rows


def timed(command) -> dict:
    """Run ``command`` under /usr/bin/time: wall seconds, peak RSS in MiB, output."""
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", *command], capture_output=True,
                          text=True, env=os.environ)  # fmt: skip
    wall = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"failed: {' '.join(command)}\n{done.stdout}\n{done.stderr}")
    rss_kib = int(done.stderr.strip().splitlines()[-1])
    return {"wall": wall, "rss": rss_kib / 1024, "out": done.stdout, "err": done.stderr}


def lucidnet(*args) -> list:
    return [sys.executable, "-m", "lucidnet", *map(str, args)]


def training_rate(result, epochs) -> dict:
    out = result["out"]
    rows = int(re.search(r" on ([\d,]+) rows", out).group(1).replace(",", ""))
    fit = float(re.search(r"Training time: ([\d.]+) s", out).group(1))
    accuracy = float(re.search(r"Accuracy: ([\d.]+)", out).group(1))
    return {"rows": rows, "fit": fit, "end_to_end": rows * epochs / result["wall"],
            "epochs_only": rows * epochs / fit, "accuracy": accuracy, **result}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big-gb", type=float, default=4.0)
    parser.add_argument("--fits-mb", type=float, default=100.0,
                        help="read whole by train (at 9x its size, under 1 GiB)")  # fmt: skip
    parser.add_argument("--skip-big", action="store_true", help="the file that fits only")
    parser.add_argument("--epochs", type=int, default=5, help="on the file that fits")
    parser.add_argument("--big-epochs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--folder", default=None, help="where the files go (default: a temp)")
    options = parser.parse_args()
    folder = options.folder or tempfile.mkdtemp(prefix="lucidnet-scale-")
    fits, big = os.path.join(folder, "fits.csv"), os.path.join(folder, "big.csv")
    files = [(fits, options.fits_mb * 1e6, 0)]
    files += [] if options.skip_big else [(big, options.big_gb * 1e9, 1)]
    for path, size, seed in files:
        if not os.path.exists(path) or abs(os.path.getsize(path) - size) > 0.05 * size:
            start = time.perf_counter()
            rows = write_csv(path, size, seed)
            print(f"wrote {path}: {rows:,} rows, {os.path.getsize(path) / 1e9:.2f} GB in "
                  f"{time.perf_counter() - start:.0f} s", flush=True)  # fmt: skip
    import threadpoolctl

    print(f"BLAS: {threadpoolctl.threadpool_info()}")
    common = ["--target", "label", "--no-early-stopping", "--quiet", "--random-state", "0"]
    fits_rows = sum(1 for _ in open(fits)) - 1
    chunk = 40_000
    runs = {"whole": [], "chunks": []}
    for _ in range(options.rounds):  # interleaved, after the first as a warm-up of the disk cache
        for name, extra in [("whole", []), ("chunks", ["--chunk-rows", chunk])]:
            out = os.path.join(folder, f"{name}.npz")
            result = timed(lucidnet("train", fits, "--out", out, "--max-iter", options.epochs,
                                    *common, *extra))  # fmt: skip
            if name == "whole" and "streaming it in chunks" in result["err"]:
                sys.exit(f"{fits} is too large to be read whole: give a smaller --fits-mb")
            runs[name].append(training_rate(result, options.epochs))
            print(f"{name}: {runs[name][-1]['wall']:.1f} s, {runs[name][-1]['rss']:.0f} MiB",
                  flush=True)  # fmt: skip

    def median(name, key):
        return statistics.median(r[key] for r in runs[name])

    print(f"\nA file that fits: {os.path.getsize(fits) / 1e6:.0f} MB, {fits_rows:,} rows, "
          f"{options.epochs} epochs, medians of {options.rounds} interleaved rounds")  # fmt: skip
    print("| train | wall s | peak RSS MiB | samples/s (end to end) | samples/s (epochs) "
          "| held-out accuracy |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    for name in runs:
        print(f"| {name} | {median(name, 'wall'):.1f} | {median(name, 'rss'):.0f} | "
              f"{median(name, 'end_to_end'):,.0f} | {median(name, 'epochs_only'):,.0f} | "
              f"{median(name, 'accuracy'):.4f} |")  # fmt: skip
    for key in ["end_to_end", "epochs_only"]:
        print(f"chunks / whole, {key}: {median('chunks', key) / median('whole', key):.2f}")

    if options.skip_big:
        return
    model = os.path.join(folder, "big.npz")
    result = training_rate(
        timed(lucidnet("train", big, "--out", model, "--max-iter", options.big_epochs, *common)),
        options.big_epochs,
    )
    switched = "streaming it in chunks" in result["err"]
    predictions = os.path.join(folder, "big_predictions.csv")
    predicted = timed(lucidnet("predict", model, big, "--out", predictions))
    print(f"\nA large file: {os.path.getsize(big) / 1e9:.2f} GB (streamed by itself: {switched})")
    print("| command | wall s | peak RSS MiB | samples/s (end to end) | samples/s (epochs) |")
    print("|---|---|---|---|---|")
    print(f"| train, {options.big_epochs} epochs | {result['wall']:.0f} | {result['rss']:.0f} | "
          f"{result['end_to_end']:,.0f} | {result['epochs_only']:,.0f} |")  # fmt: skip
    print(f"| predict | {predicted['wall']:.0f} | {predicted['rss']:.0f} | | |")
    print(f"held-out accuracy on the large file: {result['accuracy']:.4f}")
    os.remove(predictions)


if __name__ == "__main__":
    main()
