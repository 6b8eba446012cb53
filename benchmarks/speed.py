"""How fast lucidnet trains and predicts, side by side with its peers.

    make bench                      # or: .venv/bin/python benchmarks/speed.py
    python benchmarks/speed.py --rounds 5 --cases throughput,digits,classic,memory

Cases (each a table; every figure is a median over rounds that run the
libraries one after another, so a slow moment of this shared machine hits all
of them; ratios are medians of the per-round ratios):

- throughput: (a) one epoch of Adam, batch 128, 784-256-128-10 relu, on
  synthetic 60,000 x 784 data with 10 classes, float32 and float64:
  lucidnet's and scikit-learn's MLPClassifier, PyTorch (if installed), and
  (b) the same 8 matrix products alone (the limit); then predict on the same
  data.
- profile: where a float32 training step of the throughput case spends its
  time, phase by phase, for Adam and for SGD with momentum, against its 8
  matrix products alone; and predict against its 3 forward products alone.
- digits: (c) time to 97% test accuracy on the 8x8 digits with each
  library's defaults, checked after every epoch (partial_fit), each fit in a
  fresh Python process whose clock starts before the library's import.
- classic: (d) the post's per-sample path, 30,000 updates on digits:
  ``NeuralNetwork`` against a faithful port of the post's loop.
- conv: (f) convolutional networks (benchmarks/conv.py's NETWORKS) against
  PyTorch with the same layers, then a profile of each network's step.
- startup: the wall time of short commands in fresh processes against
  ``python -c "import numpy"``, and which heavy modules each imports.
- memory: (e) peak resident memory of a fit of the throughput case, each
  library in a fresh process, against the size of the data.
"""

import argparse
import json
import subprocess
import sys
import time
import warnings

from _common import unset_openblas_overrides

unset_openblas_overrides()

import numpy as np  # noqa: E402
import sklearn.neural_network as sk  # noqa: E402
from _common import describe_machine, markdown_table  # noqa: E402
from _peers import (  # noqa: E402
    plain_numpy_epoch,
    raw_matmul_epoch,
    torch_available,
    torch_epoch,
)
from sklearn.exceptions import ConvergenceWarning  # noqa: E402

import lucidnet  # noqa: E402
from lucidnet.engine.network import _training_order  # noqa: E402
from lucidnet.estimators.batches import BatchSampler  # noqa: E402

N_SAMPLES, N_FEATURES, N_CLASSES = 60_000, 784, 10
HIDDEN, BATCH = (256, 128), 128
SGD_ROW = "(lucidnet with SGD, momentum 0.9)"
PLAIN_ROW = "a plain NumPy loop (Adam)"
CASES = ("throughput", "profile", "digits", "classic", "conv", "startup", "memory")


def synthetic_data(n=N_SAMPLES, d=N_FEATURES, classes=N_CLASSES, seed=0):
    """float32 Gaussian blobs, built in chunks so no float64 copy of X ever exists."""
    rng = np.random.default_rng(seed)
    centers = rng.standard_normal((classes, d), dtype=np.float32) * 0.5
    y = rng.integers(classes, size=n)
    X = np.empty((n, d), dtype=np.float32)
    for start in range(0, n, 4096):
        rows = slice(start, start + 4096)
        rng.standard_normal(out=X[rows], dtype=np.float32)
        X[rows] += centers[y[rows]]
    return X, y


def mlp_params(seed, solver="adam"):
    return dict(
        hidden_layer_sizes=HIDDEN, batch_size=BATCH, max_iter=1, solver=solver, random_state=seed
    )


def timed(fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def median(values):
    return float(np.median(values))


def throughput(rounds):
    X32, y = synthetic_data()
    data = {"float32": X32, "float64": X32.astype(np.float64)}
    libraries = ["lucidnet", "scikit-learn"] + (["PyTorch"] if torch_available() else [])
    fit = {(dt, lib): [] for dt in data for lib in [*libraries, SGD_ROW, PLAIN_ROW, "matmul only"]}
    predict = {(dt, lib): [] for dt in data for lib in libraries[:2]}
    warm_up(X32, y)
    for r in range(rounds):
        for dt, X in data.items():
            models = {}
            for lib, cls in (
                ("lucidnet", lucidnet.MLPClassifier),
                ("scikit-learn", sk.MLPClassifier),
            ):
                seconds, models[lib] = timed(cls(**mlp_params(r)).fit, X, y)
                fit[dt, lib].append(N_SAMPLES / seconds)
            sgd = lucidnet.MLPClassifier(**mlp_params(r, solver="sgd"))
            fit[dt, SGD_ROW].append(N_SAMPLES / timed(sgd.fit, X, y)[0])
            seconds = plain_numpy_epoch(X, y, HIDDEN, BATCH, r, X.dtype)
            fit[dt, PLAIN_ROW].append(N_SAMPLES / seconds)
            if "PyTorch" in libraries:
                seconds = torch_epoch(X, y, HIDDEN, BATCH, r, X.dtype)
                fit[dt, "PyTorch"].append(N_SAMPLES / seconds)
            sizes = [N_FEATURES, *HIDDEN, N_CLASSES]
            fit[dt, "matmul only"].append(N_SAMPLES / raw_matmul_epoch(X, sizes, BATCH, X.dtype))
            for lib, model in models.items():
                seconds, _ = timed(model.predict, X)
                predict[dt, lib].append(N_SAMPLES / seconds)
        print(f"  throughput round {r + 1}/{rounds} done", flush=True)

    rows, limit_rows, predict_rows = [], [], []
    for dt in data:
        ours = np.array(fit[dt, "lucidnet"])
        raw = np.array(fit[dt, "matmul only"])
        for lib in [*libraries, SGD_ROW, PLAIN_ROW]:
            rate = np.array(fit[dt, lib])
            speedup = "-" if lib == SGD_ROW else f"{median(ours / rate):.2f}x"
            rows.append([dt, lib, f"{median(rate):,.0f}", speedup])
            limit_rows.append([dt, lib, f"{median(rate):,.0f}", f"{100 * median(rate / raw):.0f}%"])
        limit_rows.append([dt, "8 matrix products alone", f"{median(raw):,.0f}", "100%"])
        ours_p = np.array(predict[dt, "lucidnet"])
        for lib in libraries[:2]:
            rate = np.array(predict[dt, lib])
            predict_rows.append([dt, lib, f"{median(rate):,.0f}", f"{median(ours_p / rate):.2f}x"])
    print(
        f"\n(a) Training throughput: one epoch of Adam, {N_SAMPLES:,} x {N_FEATURES}, "
        f"784-256-128-10 relu, batch {BATCH}; median of {rounds} rounds"
    )
    print(markdown_table(["dtype", "library", "samples/s", "lucidnet speed-up"], rows))
    print("\n(b) The limit: the same 8 matrix products per batch timed alone in NumPy")
    print(markdown_table(["dtype", "loop", "samples/s", "share of the limit"], limit_rows))
    print(f"\nPredict throughput on the same {N_SAMPLES:,} x {N_FEATURES} data")
    print(markdown_table(["dtype", "library", "samples/s", "lucidnet speed-up"], predict_rows))


def digits_split(seed):
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=seed, stratify=y
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def warm_up(X, y):
    """One small untimed fit per library: the first fit in a process pays for
    lazy imports and caches, and the first library timed would pay it alone.
    The kernels are loaded too (a long fit loads them in its second epoch,
    and the first-fit table below times that)."""
    from lucidnet.engine import kernels

    kernels.load()
    for cls in (lucidnet.MLPClassifier, sk.MLPClassifier):
        cls(hidden_layer_sizes=(8,), max_iter=2).fit(X[:200], y[:200])
        cls(hidden_layer_sizes=(8,)).partial_fit(X[:200], y[:200], classes=np.unique(y))


# Run by ``python speed.py --digits-child LIBRARY SPLIT.npz SEED`` in a fresh
# interpreter: the clock starts before the library is imported, so import and
# any compilation count, as they do for a user who runs a script.
DIGITS_CHILD = """
import sys, time
start = time.perf_counter()
library, split_file, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
if library == "lucidnet":
    from lucidnet import MLPClassifier
else:
    from sklearn.neural_network import MLPClassifier
imported = time.perf_counter()
import numpy as np
data = np.load(split_file)
X_train, X_test, y_train, y_test = (data[k] for k in ("X_train", "X_test", "y_train", "y_test"))
model, classes = MLPClassifier(random_state=seed), np.unique(y_train)
for epoch in range(1, 201):
    model.partial_fit(X_train, y_train, classes=classes)
    accuracy = model.score(X_test, y_test)
    if accuracy >= 0.97:
        break
print(time.perf_counter() - start, imported - start, epoch, accuracy)
"""


def time_to_target_fresh(library, split, seed, workdir):
    """Seconds from a fresh interpreter's first line to 97% test accuracy
    (import, data loading from .npy, every partial_fit and score)."""
    import os

    path = os.path.join(workdir, f"split{seed}.npz")
    if not os.path.exists(path):
        np.savez(path, **dict(zip(("X_train", "X_test", "y_train", "y_test"), split)))
    out = subprocess.run(
        [sys.executable, "-c", DIGITS_CHILD, library, path, str(seed)],
        check=True, capture_output=True, text=True,
    ).stdout.split()  # fmt: skip
    seconds, import_seconds, epochs, accuracy = (
        float(out[0]),
        float(out[1]),
        int(out[2]),
        float(out[3]),
    )
    return (seconds if accuracy >= 0.97 else float("inf")), import_seconds, epochs, accuracy


def digits(rounds):
    import tempfile

    results = {"lucidnet": [], "scikit-learn": []}
    with tempfile.TemporaryDirectory() as workdir:
        for r in range(rounds):
            split = digits_split(r)
            for lib in results:  # one after the other in each round
                results[lib].append(time_to_target_fresh(lib, split, r, workdir))
    ours = np.array([r[0] for r in results["lucidnet"]])
    ours_after_import = ours - np.array([r[1] for r in results["lucidnet"]])
    rows = []
    for lib, res in results.items():
        seconds, imports, epochs, accuracy = (np.array([r[i] for r in res]) for i in range(4))
        rows.append(
            [
                lib,
                f"{1000 * median(seconds):.0f}",
                f"{1000 * median(imports):.0f}",
                f"{1000 * median(seconds - imports):.0f}",
                f"{median(epochs):.0f}",
                f"{100 * median(accuracy):.2f}",
                f"{median(ours / seconds):.2f}",
                f"{median(ours_after_import / (seconds - imports)):.2f}",
            ]
        )
    print(
        f"\n(c) Time to 97% test accuracy on digits (defaults, standardized, 75/25 split), "
        f"a fresh Python process per fit, median of {rounds} seeds"
    )
    header = ["library", "ms to 97%", "of which import", "after import", "epochs",
              "accuracy %", "lucidnet / this", "lucidnet / this after import"]  # fmt: skip
    print(markdown_table(header, rows))


def classic(rounds):
    from classic_post import PostNeuralNetwork
    from sklearn.model_selection import train_test_split

    from lucidnet.cli.demos import DIGITS_LEARNING_RATE, load_scaled_digits

    X, y = load_scaled_digits()
    results = {"lucidnet NeuralNetwork": [], "the post's loop (port)": []}
    for r in range(rounds):
        X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=r)
        Y_train = np.eye(10)[y_train]
        for name, net in (
            ("lucidnet NeuralNetwork", lucidnet.NeuralNetwork([64, 100, 10], random_state=r)),
            ("the post's loop (port)", PostNeuralNetwork([64, 100, 10], seed=r)),
        ):
            seconds, _ = timed(net.fit, X_train, Y_train, DIGITS_LEARNING_RATE, 30_000)
            outputs = np.array([net.predict(x) for x in X_test])  # the post predicts one by one
            accuracy = np.mean(np.argmax(outputs, axis=1) == y_test)
            results[name].append((seconds, accuracy))
    ours = np.array([s for s, _ in results["lucidnet NeuralNetwork"]])
    rows = []
    for name, res in results.items():
        seconds = np.array([s for s, _ in res])
        rows.append(
            [
                name,
                f"{median(seconds):.2f}",
                f"{1e6 * median(seconds) / 30_000:.1f}",
                f"{100 * median([a for _, a in res]):.2f}",
                f"{median(seconds / ours):.2f}x",
            ]
        )
    print(
        f"\n(d) The post's per-sample path: [64, 100, 10] tanh, 30,000 updates at learning "
        f"rate {DIGITS_LEARNING_RATE} on digits, median of {rounds} seeds"
    )
    header = ["implementation", "seconds", "us per update", "accuracy %", "lucidnet speed-up"]
    print(markdown_table(header, rows))


def layer_label(layer):
    from lucidnet.cli.reports import _layer_name

    if type(layer).__name__ == "Dense":
        return f"dense {layer.n_in}x{layer.n_out}"
    if type(layer).__name__ == "Activation":
        return layer.name
    return _layer_name(layer)


def profile_step(model, X, Y, phases, batch=BATCH):
    """One training epoch over ``(X, Y)`` as ``_fit_stochastic`` runs it,
    with the clock read between phases."""
    network, optimizer, objective = model._network, model._optimizer, model._objective()
    clock = time.perf_counter

    def lap(name, since):
        now = clock()
        phases[name] = phases.get(name, 0.0) + now - since
        return now

    batches = BatchSampler(X, Y, None, batch, True, np.random.RandomState(0))
    order = _training_order(network.layers)  # as Sequential runs them (ReLU after MaxPool)
    n_steps = 0
    t = clock()
    for Xb, Yb, _ in batches.epoch():
        t = lap("gather the batch", t)
        out = Xb
        for i in order:
            out = network.layers[i].forward(out, training=True)
            t = lap(f"forward {i} {layer_label(network.layers[i])}", t)
        P = objective._activation.value(out, out=out)
        loss = objective.value_function(Yb, P) + objective.penalty(Xb.shape[0])
        t = lap("softmax, log-loss and L2 value", t)
        delta = np.subtract(P, Yb, out=P)
        t = lap("output error p - y", t)
        for position in range(len(order) - 1, -1, -1):
            i = order[position]
            delta = network.layers[i].backward(delta, need_input_grad=position > 0)
            t = lap(f"backward {i} {layer_label(network.layers[i])}", t)
        optimizer.step((objective.alpha, Xb.shape[0]))
        t = lap(f"{type(optimizer).__name__} step (L2 and 1/n fused in)", t)
        n_steps += 1
        del loss
    return n_steps


def profile(rounds):
    """Where a float32 training step of the throughput case spends its time,
    for Adam and for SGD with momentum, and where predict spends it."""
    X, y = synthetic_data(n=BATCH * 200)
    warm_up(X, y)
    sizes = [N_FEATURES, *HIDDEN, N_CLASSES]
    n_batches = X.shape[0] // BATCH
    for solver in ("adam", "sgd"):
        model = lucidnet.MLPClassifier(**mlp_params(0, solver)).fit(X[:1000], y[:1000])
        Y = model._label_binarizer.transform(y).astype(bool)
        phases, n_steps = {}, 0
        raw = []
        for _ in range(rounds):
            n_steps += profile_step(model, X, Y, phases)
            raw.append(raw_matmul_epoch(X, sizes, BATCH, X.dtype) / n_batches)
        print(f"\nProfile of one float32 {solver} training step (batch {BATCH}), {n_steps} steps")
        print(phase_table(phases, n_steps, median(raw), "(the 8 matrix products alone)"))
    predict_profile(model, X, rounds)


def predict_profile(model, X, rounds):
    """predict against its 3 forward products alone, on the same data."""
    weights = [W.astype(X.dtype) for W in model.coefs_]
    outs = [np.empty((X.shape[0], W.shape[1]), X.dtype) for W in weights]
    rates = {"predict": [], "3 forward products alone": []}
    for _ in range(rounds):
        seconds, _ = timed(model.predict, X)
        rates["predict"].append(X.shape[0] / seconds)
        start = time.perf_counter()
        a = X
        for W, out in zip(weights, outs):
            a = np.matmul(a, W, out=out)
        rates["3 forward products alone"].append(X.shape[0] / (time.perf_counter() - start))
    limit = np.array(rates["3 forward products alone"])
    rows = [
        [name, f"{median(r):,.0f}", f"{100 * median(np.array(r) / limit):.0f}%"]
        for name, r in rates.items()
    ]
    print(f"\nProfile of predict (float32, {X.shape[0]:,} rows at once)")
    print(markdown_table(["what", "samples/s", "share of the forward products"], rows))


def phase_table(phases, n_steps, limit_seconds=None, limit_name=""):
    total = sum(phases.values()) / n_steps
    rows = [
        [name, f"{1e6 * s / n_steps:.0f}", f"{100 * s / n_steps / total:.0f}%"]
        for name, s in phases.items()
    ]
    rows.append(["total", f"{1e6 * total:.0f}", "100%"])
    if limit_seconds is not None:
        rows.append(
            [limit_name, f"{1e6 * limit_seconds:.0f}", f"{100 * limit_seconds / total:.0f}%"]
        )
    return markdown_table(["phase", "us per step", "share"], rows)


def conv(rounds):
    """Table (f): convolutional networks against PyTorch, then where a step goes."""
    import conv as conv_benchmark

    conv_benchmark.print_speed(rounds)
    for name, (shape, batch, _) in conv_benchmark.NETWORKS.items():
        X, y = conv_benchmark.synthetic_inputs(shape, n=batch * 40)
        X = X.reshape(len(X), -1)
        model = conv_benchmark.lucidnet_model(name, 0).fit(X[:batch], y[:batch])
        Y = model._label_binarizer.transform(y).astype(bool)
        X = model._validated_X(X)
        phases, n_steps = {}, 0
        for _ in range(rounds):
            n_steps += profile_step(model, X, Y, phases, batch)
        print(
            f"\nProfile of one training step of the {name} network (batch {batch}), {n_steps} steps"
        )
        print(phase_table(phases, n_steps))


HEAVY_MODULES = ("sklearn.model_selection", "matplotlib", "pandas", "numba")

# Prints, at exit, which of HEAVY_MODULES the command imported.
IMPORTS_PROBE = """
import atexit, runpy, sys
heavy = sys.argv.pop(1).split(",")
atexit.register(lambda: print("IMPORTED", *[m for m in heavy if m in sys.modules], file=sys.stderr))
sys.argv = ["lucidnet", *sys.argv[1:]]
runpy.run_module("lucidnet.cli.main", run_name="__main__")
"""


def startup_commands(workdir):
    """name -> argv of each start-up case; builds the model file and CSV they read."""
    import os

    import pandas as pd
    from sklearn.datasets import load_iris

    frame = load_iris(as_frame=True).frame
    data, five, model = (os.path.join(workdir, f) for f in ("iris.csv", "five.csv", "iris.npz"))
    frame.to_csv(data, index=False)
    frame.drop(columns="target").head(5).to_csv(five, index=False)
    lucidnet_command = [os.path.join(os.path.dirname(sys.executable), "lucidnet")]
    subprocess.run(
        [*lucidnet_command, "train", data, "--target", "target", "--out", model, "--quiet"],
        check=True, capture_output=True,
    )  # fmt: skip
    del pd
    python = [sys.executable, "-c"]
    return {
        'python -c "import numpy"': [*python, "import numpy"],
        'python -c "import lucidnet"': [*python, "import lucidnet"],
        'python -c "import sklearn.neural_network"': [*python, "import sklearn.neural_network"],
        "from lucidnet import MLPClassifier": [*python, "from lucidnet import MLPClassifier"],
        "from sklearn.neural_network import MLPClassifier": [
            *python, "from sklearn.neural_network import MLPClassifier"
        ],
        "lucidnet --help": [*lucidnet_command, "--help"],
        "lucidnet info model.npz": [*lucidnet_command, "info", model],
        "lucidnet predict model.npz five-rows.csv": [*lucidnet_command, "predict", model, five],
    }  # fmt: skip


FIRST_FIT = """
import sys, time
start = time.perf_counter()
import warnings
import numpy as np
from lucidnet import MLPClassifier
warnings.simplefilter("ignore")
n_rows, epochs = int(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(0)
X, y = rng.standard_normal((n_rows, 784), dtype=np.float32), rng.integers(10, size=n_rows)
MLPClassifier(hidden_layer_sizes=(256, 128), batch_size=128, max_iter=epochs).fit(X, y)
print(time.perf_counter() - start)
"""


FIRST_FITS = {"2,000 rows, 1 epoch": (2000, 1), "60,000 rows, 3 epochs": (60_000, 3)}


def first_fit_rows(rounds, workdir):
    """A first fit in a fresh process, 784-256-128-10 (235,146 parameters):
    with numba's disk cache, with an empty cache (kernels compiled when
    loaded), and without numba (the NumPy form). The short fit should never
    load the kernels; the long one loads them during its second epoch."""
    import os

    settings = {
        "kernels loaded from numba's cache": {},
        "kernels compiled (empty cache)": {"NUMBA_CACHE_DIR": "(fresh)"},
        "NumPy form (LUCIDNET_NO_NUMBA=1)": {"LUCIDNET_NO_NUMBA": "1"},
    }
    times = {(fit, name): [] for fit in FIRST_FITS for name in settings}
    for r in range(max(rounds, 3)):
        for fit, (n_rows, epochs) in FIRST_FITS.items():
            for name, extra in settings.items():
                env = dict(os.environ, **extra)
                if "NUMBA_CACHE_DIR" in extra:
                    env["NUMBA_CACHE_DIR"] = os.path.join(workdir, f"numba-cache-{fit}-{r}")
                argv = [sys.executable, "-c", FIRST_FIT, str(n_rows), str(epochs)]
                out = subprocess.run(argv, env=env, check=True, capture_output=True, text=True)
                times[fit, name].append(float(out.stdout.split()[-1]))
    return [[fit, name, f"{1000 * median(t):.0f}"] for (fit, name), t in times.items()]


def startup(rounds):
    """Wall time of short commands in fresh processes, against importing NumPy."""
    import tempfile

    with tempfile.TemporaryDirectory() as workdir:
        commands = startup_commands(workdir)
        times = {name: [] for name in commands}
        for _ in range(max(rounds, 5)):
            for name, argv in commands.items():  # interleaved: one of each per round
                start = time.perf_counter()
                subprocess.run(argv, check=True, capture_output=True)
                times[name].append(time.perf_counter() - start)
        first_fit = first_fit_rows(rounds, workdir)
        imported = {}
        for name, argv in commands.items():
            if argv[0].endswith("lucidnet"):
                probe = [sys.executable, "-c", IMPORTS_PROBE, ",".join(HEAVY_MODULES), *argv[1:]]
                err = subprocess.run(probe, capture_output=True, text=True).stderr
                line = [ln for ln in err.splitlines() if ln.startswith("IMPORTED")]
                imported[name] = ", ".join(line[-1].split()[1:]) or "none" if line else "?"
    base = np.array(times['python -c "import numpy"'])
    rows = [
        [name, f"{1000 * median(t):.0f}", f"{median(np.array(t) / base):.1f}x",
         imported.get(name, "")]
        for name, t in times.items()
    ]  # fmt: skip
    ours = np.array(times['python -c "import lucidnet"'])
    ours_mlp = np.array(times["from lucidnet import MLPClassifier"])
    theirs = np.array(times['python -c "import sklearn.neural_network"'])
    theirs_mlp = np.array(times["from sklearn.neural_network import MLPClassifier"])
    print(
        f"\nStart-up: wall time of a fresh process, median of {max(rounds, 5)} interleaved rounds"
    )
    header = ["command", "ms", "/ import numpy", f"imports any of {', '.join(HEAVY_MODULES)}"]
    print(markdown_table(header, rows))
    print("\nA first fit in a fresh process, from the first line (import, data, fit) of a "
          "784-256-128-10 MLP, batch 128 (ms, median)")  # fmt: skip
    print(markdown_table(["fit", "kernels", "ms"], first_fit))
    print(
        f"import lucidnet / import sklearn.neural_network: {median(ours / theirs):.2f}x; "
        f"from lucidnet import MLPClassifier / from sklearn.neural_network import "
        f"MLPClassifier: {median(ours_mlp / theirs_mlp):.2f}x"
    )


def resident_kb(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def memory_child(library):
    """Run in a fresh process: fit once, print JSON with the memory figures."""
    warnings.simplefilter("ignore", ConvergenceWarning)
    before_data = resident_kb("VmRSS")
    X, y = synthetic_data()
    cls = lucidnet.MLPClassifier if library == "lucidnet" else sk.MLPClassifier
    cls(**mlp_params(0)).fit(X, y)
    figures = {
        "before_data_kb": before_data,
        "data_bytes": X.nbytes,
        "peak_kb": resident_kb("VmHWM"),
    }
    print(json.dumps(figures))


def memory(rounds):
    rows = []
    for library in ("lucidnet", "scikit-learn"):
        runs = []
        for _ in range(max(1, rounds // 2)):
            out = subprocess.run(
                [sys.executable, __file__, "--memory-child", library],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            runs.append(json.loads(out.strip().splitlines()[-1]))
        peak = median([r["peak_kb"] for r in runs]) / 1024
        base = median([r["before_data_kb"] for r in runs]) / 1024
        data = runs[0]["data_bytes"] / 2**20
        rows.append(
            [library, f"{data:.0f}", f"{base:.0f}", f"{peak:.0f}", f"{peak - base - data:+.0f}"]
        )
    print("\n(e) Peak resident memory of the float32 throughput fit (fresh process each)")
    header = ["library", "data MB", "process before data MB", "peak MB", "peak - process - data MB"]
    print(markdown_table(header, rows))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--cases", default=",".join(CASES), help=f"any of {', '.join(CASES)}")
    parser.add_argument("--memory-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        return memory_child(args.memory_child)
    cases = args.cases.split(",")
    unknown = set(cases) - set(CASES)
    if unknown:
        parser.error(f"unknown case(s) {', '.join(sorted(unknown))}; expected {', '.join(CASES)}")
    warnings.simplefilter("ignore", ConvergenceWarning)
    print(describe_machine())
    print(f"command: python benchmarks/speed.py --rounds {args.rounds} --cases {args.cases}")
    if torch_available():
        import torch

        print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads")
    else:
        print("PyTorch not installed: pip install -e '.[bench]' to compare with it")
    for case in cases:
        globals()[case](args.rounds)


if __name__ == "__main__":
    sys.exit(main())
