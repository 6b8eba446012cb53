"""benchmarks/timeseries.py's short version runs and prints its table."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("aeon")  # the datasets come bundled with aeon (the `bench` extra)

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def test_quick_timeseries_benchmark_prints_every_model_beside_the_published_figures():
    src = str(BENCHMARKS.parent / "src")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, "timeseries.py", "--quick", "--conv-params", "conv_layers=(8,)"],
        cwd=BENCHMARKS, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = [line.split(" | ") for line in done.stdout.splitlines() if "| ItalyPowerDemand" in line]
    models = [row[1] for row in rows]
    assert models == ["ConvNet (defaults)", "ConvNet (conv_layers=(8,))", "MLP (defaults)",
                      "1-NN (Euclidean)"]  # fmt: skip
    for row in rows:
        assert 0 <= float(row[2]) <= 100
        assert row[7:9] == ["96.1", "96.3 |"]  # published FCN and ResNet, Fawaz et al.
    assert float(rows[-1][2]) == pytest.approx(95.5, abs=0.1)  # 1-NN: deterministic
