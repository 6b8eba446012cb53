"""Would a second thread make Adam's update faster? (It does not; README, Speed.)

    python benchmarks/threaded_adam.py [--rounds 7]

Adam's fused update (``_compiled.adam_segment``) over the 235,146 float32
parameters of 784-256-128-10, as lucidnet runs it, against the same loop
split into two halves run by numba's ``prange``: first alone (median us per
update), then inside one epoch of ``MLPClassifier`` training on 30,000 x 784
rows, where OpenBLAS's two threads run the matrix products in between
(median of per-round ratios, serial / threaded, over interleaved rounds; the
fitted weights are checked equal). Each threading set-up runs in its own
process: numba's OpenMP threads spinning between calls (the default), or
sleeping (OMP_WAIT_POLICY=PASSIVE), and numba's own ``workqueue`` threads.
"""

import argparse
import os
import subprocess
import sys
import time
import warnings

from _common import unset_openblas_overrides

unset_openblas_overrides()

import numpy as np  # noqa: E402

SETUPS = {
    "OpenMP, threads spin (default)": {"OMP_WAIT_POLICY": "ACTIVE"},
    "OpenMP, OMP_WAIT_POLICY=PASSIVE": {"OMP_WAIT_POLICY": "PASSIVE"},
    "numba workqueue": {"NUMBA_THREADING_LAYER": "workqueue"},
}
HALF_AT_LEAST = 65_536  # segments shorter than this stay on one thread


def threaded_adam_block():
    """``_compiled.adam_block`` with each long segment split over two threads."""
    from numba import njit, prange

    from lucidnet.engine import _compiled

    @njit(parallel=True, nogil=True, error_model="numpy")
    def halves(w, g, m, v, lo0, hi0, *constants):
        chunk = (hi0 - lo0 + 1) // 2
        for h in prange(2):  # the loop body must call the vectorized loop, not inline it
            lo = lo0 + h * chunk
            hi = min(hi0, lo + chunk)
            _compiled.adam_segment(w[lo:hi], g[lo:hi], m[lo:hi], v[lo:hi], *constants)

    @njit(nogil=True, error_model="numpy")
    def block(w, g, m, v, starts, stops, regularized, alpha, divisor, b1, c1, b2, c2, lr, eps):
        for s in range(starts.shape[0]):
            constants = (regularized[s], alpha, divisor, b1, c1, b2, c2, lr, eps)
            if stops[s] - starts[s] < HALF_AT_LEAST:
                part = slice(starts[s], stops[s])
                _compiled.adam_segment(w[part], g[part], m[part], v[part], *constants)
            else:
                halves(w, g, m, v, starts[s], stops[s], *constants)

    return block


def child(rounds):
    from lucidnet import MLPClassifier
    from lucidnet.engine import _compiled, kernels

    kernels._numba_kernels()  # loaded from the start: every epoch takes the kernels
    serial, threaded = _compiled.adam_block, threaded_adam_block()
    rng = np.random.default_rng(0)
    n, f32 = 235_146, np.float32
    w, g = rng.standard_normal(n).astype(f32), rng.standard_normal(n).astype(f32)
    m, v = np.zeros_like(w), np.zeros_like(w)
    stops = np.cumsum([784 * 256, 256, 256 * 128, 128, 128 * 10, 10])
    starts = np.concatenate([[0], stops[:-1]])
    regularized = np.array([True, False] * 3)
    constants = (f32(1e-4), f32(128), f32(0.9), f32(0.1), f32(0.999), f32(0.001),
                 np.float64(-1e-3), f32(1e-8))  # fmt: skip
    times = {serial: [], threaded: []}
    for _ in range(201):
        for kernel in times:
            start = time.perf_counter()
            kernel(w, g, m, v, starts, stops, regularized, *constants)
            times[kernel].append(time.perf_counter() - start)
    alone = [1e6 * np.median(times[k][1:]) for k in (serial, threaded)]

    X = rng.standard_normal((30_000, 784)).astype(f32)
    y = rng.integers(0, 10, 30_000)

    def epoch(kernel):
        _compiled.adam_block = kernel
        model = MLPClassifier((256, 128), random_state=0, max_iter=1)
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # one epoch does not converge
            model.fit(X, y)
        return time.perf_counter() - start, model.coefs_

    epoch(serial), epoch(threaded)
    ratios = []
    for _ in range(rounds):
        (t_serial, w_serial), (t_threaded, w_threaded) = epoch(serial), epoch(threaded)
        assert all(np.array_equal(a, b) for a, b in zip(w_serial, w_threaded))
        ratios.append(t_serial / t_threaded)
    print(f"{alone[0]:.0f} {alone[1]:.0f} {np.median(ratios):.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.rounds)
    from _common import describe_machine, markdown_table

    print(describe_machine())
    rows = []
    for name, env in SETUPS.items():
        out = subprocess.run(
            [sys.executable, __file__, "--child", "--rounds", str(args.rounds)],
            env={**os.environ, **env}, check=True, capture_output=True, text=True,
        ).stdout.split()  # fmt: skip
        rows.append([name, out[0], out[1], f"{out[2]}x"])
    header = ["threads", "us alone, 1 thread", "us alone, 2 threads",
              "epoch speed-up with 2 threads"]  # fmt: skip
    print(markdown_table(header, rows))


if __name__ == "__main__":
    main()
