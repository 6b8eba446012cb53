"""Shared set-up for the benchmarks: a BLAS report and a clean OpenBLAS environment."""

import os
import platform
import sys


def unset_openblas_overrides():
    """Drop OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE for this process, then re-exec so
    OpenBLAS (loaded with NumPy) picks its own kernel; and give PyTorch its best
    setting on a shared machine, OMP_WAIT_POLICY=PASSIVE (its OpenMP threads
    then sleep instead of spinning between operations; NumPy's OpenBLAS uses
    its own threads, which this does not touch). Benchmarks only: tests and CI
    keep the machine's environment."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # read when PyTorch loads
    names = [n for n in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if n in os.environ]
    if names and "numpy" not in sys.modules:
        for n in names:
            del os.environ[n]
    elif names:
        for n in names:
            del os.environ[n]
        os.execv(sys.executable, [sys.executable, *sys.argv])


def describe_machine() -> str:
    import numpy as np
    from threadpoolctl import threadpool_info

    lines = [f"python {platform.python_version()}, numpy {np.__version__}, cores {os.cpu_count()}"]
    lines.append(f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', '(unset)')}")
    for pool in threadpool_info():
        if pool.get("user_api") == "blas":
            lines.append(
                f"BLAS: {pool.get('internal_api')} {pool.get('version')}, "
                f"kernel {pool.get('architecture')}, threads {pool.get('num_threads')}"
            )
    return "\n".join(lines)


def markdown_table(header, rows) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)
