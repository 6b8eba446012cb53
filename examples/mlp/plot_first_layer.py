"""
What the first layer learns
===========================

Each hidden unit of an MLP's first layer computes ``w . x + b`` on the raw
pixels: its weight vector ``w`` has one number per pixel, so it can be drawn as
an image of the same size as the input. ``coefs_[0]`` of a fitted
:class:`lucidnet.MLPClassifier` holds these vectors as columns, shape
(n_features, n_hidden).

We train on the 8x8 digits and draw the 32 weight images, before and after
training, then see how a stronger L2 penalty (``alpha``) changes them.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from lucidnet import MLPClassifier

X, y = load_digits(return_X_y=True)
X = X / 16  # pixels in [0, 1]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)

# %%
# Training
# --------
# 32 ReLU units in one hidden layer, trained by Adam at rate 0.01 until the
# loss stops improving. To see where the weights started, we also fit the same
# network (same ``random_state``, so the same starting weights) for a single
# epoch, which moves each weight by a few hundredths at most; it has not
# converged, and says so with a warning that we silence.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    start = MLPClassifier(
        hidden_layer_sizes=(32,), learning_rate_init=0.01, max_iter=1, random_state=0
    ).fit(X_train, y_train)

mlp = MLPClassifier(hidden_layer_sizes=(32,), learning_rate_init=0.01, random_state=0)
mlp.fit(X_train, y_train)
print("coefs_[0] shape:", mlp.coefs_[0].shape, "(64 pixels x 32 hidden units)")
print(f"after {mlp.n_iter_} epochs: test accuracy {mlp.score(X_test, y_test):.3f}")


def draw_units(weights, title):
    """One 8x8 image per hidden unit; a shared colour scale centred on zero
    (red: the unit responds to ink there, blue: ink there lowers it)."""
    limit = np.abs(weights).max()
    fig, axes = plt.subplots(4, 8, figsize=(9, 5), layout="constrained")
    for unit, ax in enumerate(axes.ravel()):
        image = ax.imshow(
            weights[:, unit].reshape(8, 8),
            cmap="RdBu_r",
            vmin=-limit,
            vmax=limit,
            interpolation="nearest",
        )
        ax.set_xticks([])
        ax.set_yticks([])
    fig.colorbar(image, ax=axes, shrink=0.8, label="weight")
    fig.suptitle(title)
    return fig


# %%
# Before and after
# ----------------
# The starting weights are noise: Glorot's uniform draw, within +-0.25 here.
# After training the weights are several times larger and have structure:
# many units weigh a few neighbouring pixels strongly, red where the strokes
# of some digits pass and blue where those of others do, so that the unit
# separates groups of digits. At 8x8 pixels these detectors are coarse, and
# with almost no penalty some pixels keep large isolated weights, often at the
# border, where few images have ink. The few faint units are dead: their
# ReLU is zero on every training image, so the data give them no gradient and
# they keep about their small starting weights, which only the penalty moves.
draw_units(start.coefs_[0], "First-layer weights after one epoch (nearly the random start)")
plt.show()

# %%
# After training:

draw_units(mlp.coefs_[0], f"First-layer weights after training ({mlp.n_iter_} epochs, alpha=1e-4)")
plt.show()

# %%
# With a stronger penalty
# -----------------------
# ``alpha=1`` makes large weights costly: the weights shrink to a third, the
# isolated large pixels disappear and the images become patches of strokes,
# for nearly the same test accuracy. Its dead units are blank: with a penalty
# this strong, the only gradient they get pulls their weights to zero.
smooth = MLPClassifier(
    hidden_layer_sizes=(32,), alpha=1.0, learning_rate_init=0.01, random_state=0
).fit(X_train, y_train)
print(f"alpha=1: {smooth.n_iter_} epochs, test accuracy {smooth.score(X_test, y_test):.3f}")
for name, model in [("one epoch", start), ("alpha=1e-4", mlp), ("alpha=1", smooth)]:
    W = model.coefs_[0]
    active = np.maximum(X_train @ W + model.intercepts_[0], 0).max(axis=0) > 0
    print(
        f"{name:>10}: largest |weight| {np.abs(W).max():.2f}, "
        f"mean |weight| {np.abs(W).mean():.3f}, units never active: {np.sum(~active)}"
    )
draw_units(smooth.coefs_[0], f"First-layer weights with alpha=1 ({smooth.n_iter_} epochs)")
plt.show()
