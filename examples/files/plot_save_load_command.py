"""
Model files, and the ``lucidnet`` command on a CSV file
=======================================================

A trained lucidnet model is saved to one ``.npz`` file by
:func:`lucidnet.save` and read back by :func:`lucidnet.load`: the weights as
plain arrays and a description in JSON, no pickle, so loading a file never
runs code from it. The ``lucidnet`` command trains, describes and applies
such files from a CSV table, with no Python written. This example does both,
in a temporary folder, and runs the command as a shell would, printing what
it prints.
"""

import io
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.datasets import load_iris, load_wine

import lucidnet

folder = Path(tempfile.mkdtemp())

# %%
# Saving and loading from Python
# ------------------------------
# Any fitted lucidnet estimator (or the post's ``NeuralNetwork``) goes in a
# file with :func:`lucidnet.save`.
X, y = load_iris(return_X_y=True)
clf = lucidnet.MLPClassifier(max_iter=1000, random_state=0).fit(X, y)
path = folder / "iris.npz"
lucidnet.save(clf, path)
print(f"{path.name}: {path.stat().st_size:,} bytes")

# %%
# The file is an ordinary NumPy archive: ``np.load`` lists what it holds, with
# ``allow_pickle=False`` as lucidnet itself reads it. One entry is the
# metadata, JSON text stored as bytes; the others are the weights, one array
# per layer's matrix and bias.
with np.load(path, allow_pickle=False) as archive:
    for name in archive.files:
        print(f"  {name:12s} {archive[name].dtype}  {archive[name].shape}")
    metadata = json.loads(archive["metadata"].tobytes())
print("metadata keys:", ", ".join(metadata))
print("format:", metadata["format"], "version", metadata["format_version"])
print("architecture:", metadata["architecture"])

# %%
# :func:`lucidnet.load` checks every part of the file against the metadata
# before it builds the model (a damaged or edited file raises
# ``lucidnet.ModelFileError``), and the model it returns predicts exactly
# what the saved one did, to the last bit.
loaded = lucidnet.load(path)
print(type(loaded).__name__, "loaded")
print("same probabilities, bit for bit:",
      np.array_equal(loaded.predict_proba(X), clf.predict_proba(X)))

# %%
# The command on a CSV file
# -------------------------
# scikit-learn's wine table, written as a CSV with a header row: 13 numeric
# columns and the grape variety as text in a column ``cultivar``. Five rows
# without that column play new wines to predict.
wine = load_wine(as_frame=True)
table = wine.frame.drop(columns="target")
table["cultivar"] = wine.target_names[wine.target]
table.to_csv(folder / "wine.csv", index=False)
new = table.sample(5, random_state=1)
new.drop(columns="cultivar").to_csv(folder / "new.csv", index=False)
print(table.iloc[:3, [0, 1, 2, -1]])


def lucidnet_command(*arguments):
    """Run ``lucidnet ARGUMENTS`` in the folder, as a shell would, and print
    its output. ``python -m lucidnet`` is the ``lucidnet`` command, found
    whether or not the command is on the PATH."""
    print("$ lucidnet", *arguments)
    done = subprocess.run(
        [sys.executable, "-m", "lucidnet", *arguments],
        cwd=folder, capture_output=True, text=True, check=True,
    )
    print(done.stderr + done.stdout, end="")
    return done.stdout


# %%
# ``train`` reads the table, infers the task from the target column (text
# values: classification), standardizes the numeric columns, holds out 20% of
# the rows for a fair score, trains an :class:`lucidnet.MLPClassifier` with
# early stopping on 10% of the rest, prints the held-out report and saves the
# model with its column steps. ``--quiet`` leaves out the progress bar; the
# training time varies with the machine.
lucidnet_command(
    "train", "wine.csv", "--target", "cultivar", "--out", "wine.npz",
    "--plot", "wine.png", "--quiet",
)

# %%
# ``info`` describes a model file without running it: layers, training,
# classes, and the columns ``predict`` expects.
lucidnet_command("info", "wine.npz")

# %%
# ``predict`` takes the raw columns (the file knows how to scale them) and
# writes CSV; ``--proba`` adds each class's probability.
predictions = lucidnet_command("predict", "wine.npz", "new.csv", "--proba")

# %%
# The figures
# -----------
# ``--plot`` made ``wine.png``: the training and validation curves beside the
# held-out confusion matrix. Here it is, as the command drew it.
image = plt.imread(folder / "wine.png")
fig, ax = plt.subplots(figsize=(10, 10 * image.shape[0] / image.shape[1]), layout="constrained")
ax.imshow(image)
ax.set_axis_off()

# %%
# The probabilities ``predict`` wrote for the five new wines, read back from
# its CSV output with pandas, beside each wine's true cultivar (which
# ``new.csv`` did not hold). The network is sure of all five, and right.
probabilities = pd.read_csv(io.StringIO(predictions))
columns = [c for c in probabilities.columns if c.startswith("probability_")]
fig, ax = plt.subplots(figsize=(7, 3.2), layout="constrained")
left = np.zeros(len(probabilities))
for i, column in enumerate(columns):
    values = probabilities[column].to_numpy()
    ax.barh(range(len(values)), values, left=left, color=f"C{i}",
            label=column.removeprefix("probability_"))
    left += values
ax.set_yticks(range(len(probabilities)),
              [f"row {i + 1} (true {t})" for i, t in enumerate(new["cultivar"])])
ax.invert_yaxis()
ax.set_xlim(0, 1)
ax.set_xlabel("probability")
ax.set_title("lucidnet predict --proba on five wines")
ax.legend(loc="upper left", bbox_to_anchor=(1, 1))

plt.show()
shutil.rmtree(folder)  # the temporary folder and its files
