"""
Training on a file larger than memory
=====================================

``lucidnet train`` reads a CSV file whole when it can, and in chunks of rows
when reading it whole would take more than 1 GiB (or a quarter of the free
memory), or when told to with ``--chunk-rows``. In chunks it reads the file
twice (once to learn the columns' medians, scales and categories, once to
write the rows as numbers to a temporary binary copy in blocks that are
random samples of the file) and then trains epoch after epoch on that copy,
one block in memory at a time. Here a file of 150,000 rows is trained on
both ways, each command in a process of its own so that its peak memory can
be read; the streamed one stays near the memory of the command itself,
whatever the file's size.
"""

import os
import subprocess
import sys
import tempfile
import time

import matplotlib.pyplot as plt
import numpy as np

# %%
# A table of 24 numeric columns and a label of three classes, a nonlinear
# function of six of them plus noise (28 MB of CSV text).
rng = np.random.default_rng(0)
n_rows, n_columns = 150_000, 24
X = rng.standard_normal((n_rows, n_columns)).astype(np.float32)
score = np.sin(X[:, 0] * 2) + X[:, 1] * X[:, 2] + np.abs(X[:, 3]) - X[:, 4] ** 2
label = np.digitize(score + 0.3 * rng.standard_normal(n_rows), [-0.8, 0.4])
folder = tempfile.mkdtemp()
data = os.path.join(folder, "table.csv")
header = ",".join([f"x{i}" for i in range(n_columns)] + ["label"])
np.savetxt(data, np.column_stack([X, label]), fmt=["%.5g"] * n_columns + ["%d"],
           delimiter=",", header=header, comments="")  # fmt: skip
print(f"{data}: {os.path.getsize(data) / 1e6:.0f} MB")

# %%
# Each command runs in a child process, whose peak memory (resident set size)
# the operating system reports when it ends (``os.wait4``, on Linux and macOS).


def run(command):
    """The command's standard output, and its peak memory in MB."""
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             text=True)  # fmt: skip
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    assert child.returncode == 0, output
    return output, usage.ru_maxrss / (2**20 if sys.platform == "darwin" else 2**10)


runs, said = {}, {}
for name, extra in [("chunks of 5,000 rows", ["--chunk-rows", "5000"]),
                    ("chunks of 30,000 rows", ["--chunk-rows", "30000"]),
                    ("whole file", [])]:  # fmt: skip
    command = [sys.executable, "-m", "lucidnet", "train", data, "--target", "label",
               "--out", os.path.join(folder, "model.npz"), "--max-iter", "10", "--quiet",
               *extra]  # fmt: skip
    start = time.perf_counter()
    said[name], peak = run(command)
    seconds = time.perf_counter() - start
    accuracy = float(said[name].split("Accuracy: ")[1].split()[0])
    runs[name] = (peak, seconds, accuracy)
    print(f"{name}: peak {peak:.0f} MB, {seconds:.1f} s, held-out accuracy {accuracy}")

# %%
# The streamed run's own account: the chunks, the held-out rows drawn row by
# row (a seeded hash of each row's number), the rows kept to stop early by.
print(said["chunks of 30,000 rows"].split("Held-out")[0])

# %%
# Peak memory against the file's size: a whole read holds every cell as text
# first, then as numbers; chunks hold one chunk, one block of the binary copy
# and the rows kept for early stopping.
names = list(runs)
fig, (memory, accuracy) = plt.subplots(1, 2, figsize=(9, 3.2))
memory.barh(names, [runs[n][0] for n in names], color=["C0", "C0", "C1"])
memory.axvline(os.path.getsize(data) / 1e6, color="k", linestyle=":", label="file size")
memory.set_xlabel("peak memory, MB")
memory.legend(loc="lower right")
accuracy.barh(names, [runs[n][2] for n in names], color=["C0", "C0", "C1"])
accuracy.set_xlim(0.5, 1.0)
accuracy.set_xlabel("held-out accuracy")
accuracy.set_yticks([])
fig.tight_layout()
plt.show()
