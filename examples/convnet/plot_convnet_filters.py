"""
What a convolutional network learns on the digits, and where it goes wrong
==========================================================================

:class:`lucidnet.MLPClassifier` reads an 8x8 digit as 64 unrelated numbers:
move a stroke one pixel and it sees different inputs.
:class:`lucidnet.ConvNetClassifier` with ``input_shape=(8, 8)`` reads the same
row as an image and slides small filters over it, so a pattern learned in one
place is found everywhere. This example trains both on the same split, draws
the convolution's first filters and what they make of one digit, and shows
the test images the network got wrong.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from lucidnet import ConvNetClassifier, MLPClassifier

# %%
# The data: 1,797 images of 8x8 pixels in 17 grey levels, scaled to [0, 1].
# Each row of ``X`` is one image, row by row; a quarter is kept for testing.
X, y = load_digits(return_X_y=True)
X = X / 16
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, random_state=0, stratify=y
)
print(f"{len(X_train)} training and {len(X_test)} test images of {X.shape[1]} pixels")

# %%
# Training both
# -------------
# ``input_shape=(8, 8)`` is all the convolutional network needs to know about
# the data. Its defaults (32 and 64 filters, ``max_iter=200``) take a few
# seconds on an idle machine; to keep this example quick it uses 16 and 32
# filters and 30 epochs at a larger learning rate. The MLP keeps its
# defaults (one hidden layer of 100, 200 epochs).
cnn = ConvNetClassifier(
    input_shape=(8, 8),
    conv_layers=(16, 32),
    learning_rate_init=0.003,
    max_iter=30,
    random_state=0,
)
mlp = MLPClassifier(random_state=0)
with warnings.catch_warnings():
    # Both stop at max_iter while the loss still falls a little; that is fine here.
    warnings.simplefilter("ignore", ConvergenceWarning)
    cnn.fit(X_train, y_train)
    mlp.fit(X_train, y_train)

for name, model in [("ConvNetClassifier", cnn), ("MLPClassifier", mlp)]:
    score = model.score(X_test, y_test)
    wrong = round((1 - score) * len(y_test))
    print(f"{name:18s} test accuracy {score:.4f} ({wrong} wrong)")
print("input shape the network took:", cnn.input_shape_)

# %%
# ``input_shape_`` is ``(8, 8, 1)``: height, width and one channel (grey).
# The benchmark ``python benchmarks/conv.py`` compares both estimators with
# their defaults over 5 splits (:doc:`/guide/convnet`): a median
# test accuracy of 98.67% for the convolutional network against 98.00%.
#
# The first layer's filters
# -------------------------
# The estimator keeps the network it trained, a
# :class:`lucidnet.engine.Sequential`, in its fitted attribute ``network_``.
# Its layers are the engine's; the
# first is a :class:`lucidnet.engine.Conv2D` whose kernel ``W`` has the shape
# ``(height, width, input channels, filters)``. Each filter is a 3x3 pattern of
# weights: red where a dark pixel lowers its response, blue where it raises it.
network = cnn.network_
print(" -> ".join(type(layer).__name__ for layer in network.layers))
print(
    f"{sum(p.value.size for p in network.parameters()):,} weights and biases in all, against "
    f"{sum(w.size + b.size for w, b in zip(mlp.coefs_, mlp.intercepts_)):,} in the MLP"
)
first = network.layers[0]
kernels = first.W.value[:, :, 0, :]
print(type(first).__name__, "kernel shape", first.W.value.shape)

n_filters = kernels.shape[-1]
fig, axes = plt.subplots(2, n_filters // 2, figsize=(9, 3.2), layout="constrained")
for i, ax in enumerate(axes.ravel()):
    limit = np.abs(kernels[:, :, i]).max()
    ax.imshow(kernels[:, :, i], cmap="RdBu", vmin=-limit, vmax=limit)
    ax.set_title(f"filter {i}", fontsize=9)
    ax.set_axis_off()
fig.suptitle("The first convolution's 16 filters (3x3; red negative, blue positive)")

# %%
# A 3x3 filter is hard to read alone; what it does to an image is easier.
# The layer's ``forward`` takes a batch shaped ``(n, height, width,
# channels)``: here one test digit. Each map is that filter's response at
# every position ('same' padding keeps the 8x8 size), before the ReLU. Each
# filter answers to a different part of the strokes: one side of a stroke,
# its top or bottom edge, the stroke itself.
image = X_test[0].reshape(1, 8, 8, 1)
maps = first.forward(image)[0]  # (8, 8, 16)
print("one digit through the first layer:", image.shape, "->", maps.shape)

fig, axes = plt.subplots(2, n_filters // 2 + 1, figsize=(10, 3.2), layout="constrained")
axes[0, 0].imshow(image[0, :, :, 0], cmap="gray_r")
axes[0, 0].set_title(f"input: {y_test[0]}", fontsize=9)
axes[1, 0].set_visible(False)
for i in range(n_filters):
    ax = axes[i // (n_filters // 2), 1 + i % (n_filters // 2)]  # 0-7 on top, as above
    limit = np.abs(maps[:, :, i]).max() or 1
    ax.imshow(maps[:, :, i], cmap="RdBu", vmin=-limit, vmax=limit)
    ax.set_title(f"filter {i}", fontsize=9)
for ax in axes.ravel():
    ax.set_axis_off()
fig.suptitle("One test digit and the 16 maps of the first convolution")

# %%
# The mistakes
# ------------
# Every test image the network got wrong, with its true label and the
# network's answer. Most are digits a person would hesitate over too.
predicted = cnn.predict(X_test)
wrong = np.flatnonzero(predicted != y_test)
print(f"the convolutional network got {len(wrong)} of {len(y_test)} test images wrong:")
print("true:     ", y_test[wrong])
print("predicted:", predicted[wrong])

columns = max(len(wrong), 4)
fig, axes = plt.subplots(1, columns, figsize=(1.5 * columns, 2.4), layout="constrained")
for ax in axes:
    ax.set_axis_off()
for ax, i in zip(axes, wrong):
    ax.imshow(X_test[i].reshape(8, 8), cmap="gray_r")
    ax.set_title(f"true {y_test[i]}\npredicted {predicted[i]}", fontsize=9)
fig.suptitle("Test images the convolutional network got wrong")

# %%
# Does the MLP miss the same images? Mostly not: the two models make
# different mistakes.
mlp_wrong = np.flatnonzero(mlp.predict(X_test) != y_test)
both = np.intersect1d(wrong, mlp_wrong)
print(f"MLPClassifier got {len(mlp_wrong)} wrong; {len(both)} of them are also "
      "among the convolutional network's")

plt.show()
