"""benchmarks/conv.py's networks are the same in lucidnet and in PyTorch.

In a subprocess: the benchmark sets its own environment (OMP_WAIT_POLICY,
OpenBLAS's kernel), which the tests leave alone."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")  # the `bench` extra's reference
BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
CHECK = """
import conv
for name, (shape, batch, _) in conv.NETWORKS.items():
    X, y = conv.synthetic_inputs(shape, n=batch)
    model = conv.lucidnet_model(name, 0).fit(X, y)
    ours = sorted(p.value.size for p in model.network_.parameters())
    theirs = sorted(p.numel() for p in conv.torch_network(name).parameters())
    kinds = sorted({type(layer).__name__ for layer in model.network_.layers})
    print(name, "|", ours, "|", theirs, "|", kinds)
"""


def test_each_network_has_the_same_weights_in_both_and_nothing_else():
    src = str(BENCHMARKS.parent / "src")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-W", "ignore", "-c", CHECK], cwd=BENCHMARKS, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = [line.split(" | ") for line in done.stdout.splitlines() if " | " in line]
    assert len(rows) == 3
    for name, ours, theirs, kinds in rows:
        assert ours == theirs, name  # a weight and a bias per layer, of the same sizes
        assert "BatchNormalization" not in kinds and "GlobalAvgPool" not in kinds
