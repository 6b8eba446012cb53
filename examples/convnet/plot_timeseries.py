"""
Time series classification: GunPoint with the defaults
======================================================

GunPoint is one of the UCR archive's time series classification sets: the
x coordinate of an actor's right hand over 150 frames while she either
draws a replica gun from a holster, points it and puts it back, or points
her finger without a gun. 50 series train, 150 test (the archive's split).
The ``aeon`` package ships it, so no download is needed.

:class:`lucidnet.ConvNetClassifier` with nothing but ``input_shape`` set is,
for signals, the fully convolutional network (FCN) of Wang et al. (2017),
trained as Ismail Fawaz et al. (2019) train it: three convolutions of 128,
256 and 128 filters with batch normalization, global average pooling, Adam
on batches of ``min(n_samples // 10, 16)`` series, the learning rate halved
whenever the training loss stops improving. This example fits it, compares
it with the MLP and the 1-nearest-neighbour classifier, and shows how the
rate came down during training.
"""

import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
from aeon.datasets import load_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.neighbors import KNeighborsClassifier

from lucidnet import ConvNetClassifier, MLPClassifier

# %%
# The data
# --------
# aeon gives ``X`` as ``(n_series, n_channels, length)``; lucidnet's
# convolutions are channels-last, ``(n_series, length, channels)``.
X_train, y_train = load_classification("GunPoint", split="train")
X_test, y_test = load_classification("GunPoint", split="test")
X_train, X_test = X_train.transpose(0, 2, 1), X_test.transpose(0, 2, 1)
print("train", X_train.shape, "test", X_test.shape, "classes", np.unique(y_train))

fig, axes = plt.subplots(1, 2, figsize=(9, 3), sharey=True, layout="constrained")
for ax, label, name in zip(axes, ["1", "2"], ["gun", "no gun (finger)"]):
    for series in X_train[y_train == label][:5]:
        ax.plot(series[:, 0], color="C0" if label == "1" else "C1", alpha=0.8)
    ax.set_title(f"class {label}: {name}")
    ax.set_xlabel("frame")
axes[0].set_ylabel("hand x (z-normalized)")
fig.suptitle("Five training series of each class")

# %%
# Fitting with the defaults
# -------------------------
# ``input_shape=(150,)``: each sample is a signal of 150 steps (one
# channel). Everything else is left at its default ('auto', which for
# signals means the FCN; for images, a smaller pooled network).
cnn = ConvNetClassifier(input_shape=(150,), random_state=0)
start = time.perf_counter()
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)  # may run all 200 epochs
    cnn.fit(X_train, y_train)
seconds = time.perf_counter() - start
print(f"fitted in {seconds:.0f} s, {cnn.n_iter_} epochs")
print("layers:", " -> ".join(type(layer).__name__ for layer in cnn.network_.layers))

# %%
# Beside an MLP (scikit-learn's defaults, on the 150 values of each series
# as a row) and the 1-nearest-neighbour classifier (Euclidean distance), the
# classic baseline of this archive. The published FCN figure is the mean of
# 10 runs in Ismail Fawaz et al. (2019), repository hfawaz/dl-4-tsc, file
# results/results-uea-avg-std.csv (row Gun_Point): 100.0%.
flat_train, flat_test = X_train[:, :, 0], X_test[:, :, 0]
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    mlp = MLPClassifier(random_state=0).fit(flat_train, y_train)
knn = KNeighborsClassifier(n_neighbors=1).fit(flat_train, y_train)
scores = {
    "ConvNetClassifier\n(defaults: FCN)": cnn.score(X_test, y_test),
    "MLPClassifier": mlp.score(flat_test, y_test),
    "1-nearest\nneighbour": knn.score(flat_test, y_test),
}
for name, score in scores.items():
    print(f"{name.replace(chr(10), ' '):35s} {100 * score:.1f}%")

# %%
# Training: the loss, epoch by epoch, and the learning rate, halved each
# time the loss went ``n_iter_no_change`` (10) epochs without improving by
# ``tol``. Once the rate has come down, Adam's steps are small and the loss
# settles.
fig, axes = plt.subplots(1, 3, figsize=(12, 3.5), layout="constrained")
bars = axes[0].bar(range(3), [100 * s for s in scores.values()], color=["C0", "C7", "C7"])
axes[0].bar_label(bars, fmt="%.1f")
axes[0].axhline(100.0, color="k", ls="--", lw=1)
axes[0].text(1.5, 103, "published FCN: 100.0", ha="center", fontsize=8)
axes[0].set_xticks(range(3), list(scores), fontsize=8)
axes[0].set_ylim(50, 110)
axes[0].set_ylabel("test accuracy %")
axes[1].semilogy(cnn.loss_curve_)
axes[1].set_xlabel("epoch")
axes[1].set_ylabel("training loss")
axes[2].semilogy(cnn.learning_rate_curve_)
axes[2].set_xlabel("epoch")
axes[2].set_ylabel("learning rate")
fig.suptitle("GunPoint: test accuracy, and the FCN's training")

# %%
# The same comparison over three seeds, on GunPoint, ItalyPowerDemand and
# the 6-channel BasicMotions, with the published FCN and ResNet beside it,
# is on the :doc:`/guide/convnet` page (``python benchmarks/timeseries.py``).

plt.show()
