"""
A convolutional network to ONNX, run by onnxruntime
===================================================

:func:`lucidnet.to_onnx` writes a fitted model as an ONNX graph, which
onnxruntime runs from C++, C#, Java, JavaScript or a phone as well as from
Python: a model trained with lucidnet can be served where there is no Python
at all. This example trains a small :class:`lucidnet.ConvNetClassifier` on
the digits, exports it, runs the graph in onnxruntime and compares its labels
and probabilities with lucidnet's own, on the digits the network is least
sure of, where a difference would change an answer first. It needs the
``onnx`` extra (``pip install 'lucidnet[onnx]'``); the user guide's
:doc:`/guide/onnx` says what each model kind's graph takes and gives.
"""

import tempfile
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import onnxruntime
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

import lucidnet

# %%
# A small network on the digits
# -----------------------------
# 8x8 images scaled to [0, 1], in float32 (the type of the graph, below). Two
# convolutions of 8 and 16 filters and 15 epochs: a few seconds, and enough
# for a network that is right most of the time and unsure some of it.
X, y = load_digits(return_X_y=True)
X = (X / 16).astype(np.float32)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)
clf = lucidnet.ConvNetClassifier(
    input_shape=(8, 8), conv_layers=(8, 16), max_iter=15, random_state=0
)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)  # 15 epochs
    clf.fit(X_train, y_train)
print(f"test accuracy: {clf.score(X_test, y_test):.3f}")

# %%
# Export
# ------
# :func:`lucidnet.to_onnx` returns an ``onnx.ModelProto``; its bytes are the
# ``.onnx`` file. The graph takes ``X``, rows of 64 pixels as lucidnet takes
# them, and turns them into the channels-first images ONNX's convolutions
# want by itself. Its outputs are named as skl2onnx names scikit-learn's.
exported = lucidnet.to_onnx(clf)
path = Path(tempfile.mkdtemp()) / "digits.onnx"
path.write_bytes(exported.SerializeToString())
print(f"{path.name}: {path.stat().st_size:,} bytes, opset {exported.opset_import[0].version}")
print("nodes:", ", ".join(dict.fromkeys(node.op_type for node in exported.graph.node)))

# %%
# Run in onnxruntime
# ------------------
# What a service would do, in whichever language: load the file, feed ``X``,
# read ``label`` and ``probabilities``.
session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
for value in [*session.get_inputs(), *session.get_outputs()]:
    print(f"{value.name}: {value.type} {value.shape}")
label, probabilities = session.run(None, {"X": X_test})

# %%
# Compare
# -------
# Labels identical, and probabilities within about a millionth: float32 keeps
# some 7 significant digits, and the two runtimes add the same products in a
# different order. ``make test`` holds every model kind below a relative
# 1e-5 in float32.
expected = clf.predict_proba(X_test)
print(f"labels identical: {np.sum(label == clf.predict(X_test))} of {len(X_test)}")
print(f"largest difference in a probability: {np.abs(probabilities - expected).max():.1e}")

# %%
# The least sure digits
# ---------------------
# Where the network hesitates between two classes, a difference in the
# probabilities would flip a label first. The six test digits whose largest
# probability is smallest, with lucidnet's probabilities (bars) and
# onnxruntime's (dots) for each class: they fall on each other.
unsure = np.argsort(expected.max(axis=1))[:6]
fig, axes = plt.subplots(2, 6, figsize=(11, 4), height_ratios=[1, 1.3], layout="constrained")
for image_ax, bars_ax, i in zip(axes[0], axes[1], unsure):
    image_ax.imshow(X_test[i].reshape(8, 8), cmap="gray_r")
    image_ax.set_title(f"true {y_test[i]}, said {label[i]}", fontsize=9)
    image_ax.set_axis_off()
    bars_ax.bar(range(10), expected[i], color="C0", label="lucidnet")
    bars_ax.plot(range(10), probabilities[i], "o", color="C1", ms=4, label="onnxruntime")
    bars_ax.set_xticks(range(10))
    bars_ax.tick_params(labelsize=7)
    bars_ax.set_ylim(0, 1)
axes[1, 0].set_ylabel("probability")
axes[1, -1].legend(fontsize=8, loc="upper right")
fig.suptitle("The six least sure test digits: lucidnet's probabilities and onnxruntime's")

# %%
# Every difference
# ----------------
# All 4,500 probabilities of the test set: how far onnxruntime's is from
# lucidnet's, against lucidnet's. The dashed line is float32's spacing at each
# probability (``np.spacing``, the gap to the next float32): the differences
# are from one to a few tens of units of it, rounding in the last bits, and
# stay an order of magnitude below the tests' bound (dotted) even for the
# largest probabilities. Equal probabilities, a difference of 0, have no place
# on a log scale and are counted in the title.
p = expected.ravel()
difference = np.abs(probabilities - expected).ravel()
order = np.argsort(p)
fig, ax = plt.subplots(figsize=(7, 3.8), layout="constrained")
differs = difference > 0
ax.scatter(p[differs], difference[differs], s=4, alpha=0.4, label="a probability")
ax.plot(p[order], np.spacing(p[order]), "k--", lw=0.8, label="float32 spacing")
ax.axhline(1e-5, color="k", ls=":", lw=0.8, label="make test's bound (1e-5)")
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("lucidnet's probability")
ax.set_ylabel("|onnxruntime - lucidnet|")
ax.legend(loc="lower right", fontsize=8)
ax.set_title(f"The test set's probabilities ({np.sum(~differs):,} of {p.size:,} equal)")

plt.show()
