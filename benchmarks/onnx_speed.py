"""Predictions per second: onnxruntime running ``lucidnet.to_onnx``'s graph
beside lucidnet's own ``predict``.

    python benchmarks/onnx_speed.py [--rounds 7] [--threads 1]

Two models, each fitted briefly on synthetic data (the weights do not change
the cost): an MLP (``MLPClassifier((128, 64))`` on 64 features, 10 classes)
and a ConvNet (``ConvNetClassifier`` with its image defaults on 8x8 images,
10 classes: two 3x3 convolutions of 32 and 64 filters, 2x2 pools, a dense
layer of 128), both float32. Two uses: one row at a time (a service answering
single requests, where the per-call overhead is everything) and batches of
1,000 rows. lucidnet's ``predict`` and onnxruntime's ``run`` (labels and
probabilities, the whole graph) alternate in rounds after a warm-up; the
table gives the median rows per second over rounds and the median ratio of
rounds. onnxruntime runs with ``--threads`` intra-op threads (1 by default,
as lucidnet's BLAS is then pinned to 1 too, for a like-for-like figure).
Figures vary by machine.
"""

import argparse
import os
import time
import warnings

from _common import unset_openblas_overrides

unset_openblas_overrides()

import numpy as np  # noqa: E402
from _common import describe_machine, markdown_table  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

import lucidnet  # noqa: E402

BATCH = 1_000
SINGLE_CALLS = 300  # one-row calls per round
BATCH_CALLS = 5  # batch calls per round


def models():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2_000, 64)).astype(np.float32)
    y = rng.integers(0, 10, size=len(X))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp = lucidnet.MLPClassifier((128, 64), max_iter=2, random_state=0).fit(X, y)
        conv = lucidnet.ConvNetClassifier(input_shape=(8, 8), max_iter=1, random_state=0)
        conv.fit(X, y)
    return {"MLP (64-128-64-10)": mlp, "ConvNet (8x8, 32-64 filters)": conv}, X


def session_of(model, threads):
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return onnxruntime.InferenceSession(
        lucidnet.to_onnx(model).SerializeToString(), options, providers=["CPUExecutionProvider"]
    )


def rows_per_second(call, rows, n_calls):
    start = time.perf_counter()
    for _ in range(n_calls):
        call(rows)
    return n_calls * len(rows) / (time.perf_counter() - start)


def measure(model, session, X, rounds):
    """{(use, who): [rows per second per round]}, the two alternating."""
    uses = {"one row": (X[:1], SINGLE_CALLS), f"batch of {BATCH:,}": (X[:BATCH], BATCH_CALLS)}
    callers = {
        "lucidnet": model.predict,
        "onnxruntime": lambda rows: session.run(None, {"X": rows}),
    }
    for rows, _ in uses.values():  # warm-up: first calls allocate and compile
        for call in callers.values():
            rows_per_second(call, rows, 3)
    found = {}
    for _ in range(rounds):
        for use, (rows, n_calls) in uses.items():
            for who, call in callers.items():
                found.setdefault((use, who), []).append(rows_per_second(call, rows, n_calls))
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    print(describe_machine())
    print(f"onnxruntime threads {args.threads}; rounds {args.rounds}; pid {os.getpid()}\n")
    found_models, X = models()
    table = []
    with threadpool_limits(args.threads):
        for name, model in found_models.items():
            session = session_of(model, args.threads)
            found = measure(model, session, X, args.rounds)
            for use in ("one row", f"batch of {BATCH:,}"):
                ours, theirs = found[(use, "lucidnet")], found[(use, "onnxruntime")]
                ratio = np.median(np.array(theirs) / np.array(ours))
                table.append([name, use, f"{np.median(ours):,.0f}", f"{np.median(theirs):,.0f}",
                              f"{ratio:.1f}x"])  # fmt: skip
    header = ["model", "rows per call", "lucidnet predict (rows/s)", "onnxruntime (rows/s)",
              "onnxruntime / lucidnet"]  # fmt: skip
    print(markdown_table(header, table))


if __name__ == "__main__":
    main()
