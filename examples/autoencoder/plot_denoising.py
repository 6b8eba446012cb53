"""
A denoising autoencoder
=======================

An autoencoder learns to give back its input through a narrow code. Train it
on corrupted inputs while still asking for the clean ones back, and it learns
to remove the corruption: that is a denoising autoencoder. In
:class:`lucidnet.Autoencoder` it is one parameter: ``noise`` (the standard
deviation of Gaussian noise added to every input) or ``masking`` (the
fraction of inputs set to zero). The corruption is drawn afresh for each
batch in training only; ``transform`` and ``inverse_transform`` see the data
as given, and the target is always the clean input, so ``fit(X)`` takes the
clean data alone.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from lucidnet import Autoencoder

# %%
# Clean digits to learn from, and test digits with noise added
# ------------------------------------------------------------
# Pixels are scaled to [0, 1]; the test images get Gaussian noise of standard
# deviation 0.3, a third of the range.
X, y = load_digits(return_X_y=True)
X = X / 16
X_train, X_test = train_test_split(X, test_size=0.25, random_state=0)
sigma = 0.3
rng = np.random.default_rng(0)
X_noisy = X_test + sigma * rng.standard_normal(X_test.shape)


def error(images):
    """Mean squared difference per pixel from the clean test images."""
    return np.mean((images - X_test) ** 2)


print(f"error of the noisy test images themselves: {error(X_noisy):.4f}")

# %%
# Three models with a code of 16 numbers
# --------------------------------------
# PCA, an autoencoder trained on the clean digits, and the same autoencoder
# trained with ``noise=0.3``. Both autoencoders stop after 150 epochs to keep
# this example quick (the default is 500).
k = 16
pca = PCA(n_components=k, random_state=0).fit(X_train)
models = {f"PCA({k})": pca}
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    for name, noise in [("autoencoder", 0.0), ("denoising autoencoder", sigma)]:
        autoencoder = Autoencoder(n_components=k, noise=noise, max_iter=150, random_state=0)
        models[name] = autoencoder.fit(X_train)


def rebuild(model, images):
    return model.inverse_transform(model.transform(images))


cleaned = {name: rebuild(model, X_noisy) for name, model in models.items()}
for name, images in cleaned.items():
    print(f"{name:22s} noisy in: error {error(images):.4f}   "
          f"clean in: error {error(rebuild(models[name], X_test)):.4f}")

# %%
# Given clean images, the plain autoencoder rebuilds them best: that is what
# it was trained for. Given noisy ones, it passes much of the noise on, while
# the denoising autoencoder removes most of it; PCA, which keeps only the
# 16 directions of largest variance, removes noise too, but blurs the digits.
rows = {"clean": X_test, f"noisy (sigma {sigma})": X_noisy, **cleaned}
fig, axes = plt.subplots(len(rows), 10, figsize=(10, 6), layout="constrained")
for r, (name, images) in enumerate(rows.items()):
    for c in range(10):
        axes[r, c].imshow(images[c].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
        axes[r, c].set_xticks([])
        axes[r, c].set_yticks([])
    axes[r, 0].set_ylabel(name.replace(" ", "\n", 1), fontsize=9)
fig.suptitle("Noisy test digits, and what each model gives back")

# %%
# More or less noise than in training
# -----------------------------------
# The denoising autoencoder was trained at one noise level. Test images with
# noise from none to twice that show where it pays: above a little noise it
# is the best of the three, and without noise it gives up some accuracy.
levels = np.linspace(0, 2 * sigma, 9)
noise = rng.standard_normal(X_test.shape)
fig, ax = plt.subplots(figsize=(6.5, 4), layout="constrained")
ax.plot(levels, [error(X_test + s * noise) for s in levels], color="gray",
        linestyle="--", label="noisy input, unchanged")
for name, model in models.items():
    errors = [error(rebuild(model, X_test + s * noise)) for s in levels]
    ax.plot(levels, errors, marker=".", label=name)
ax.axvline(sigma, color="black", linewidth=0.8, linestyle=":")
ax.set_ylim(0, 0.1)
ax.text(sigma, 0.098, " trained at", va="top", fontsize=9)
ax.set_xlabel("standard deviation of the noise on the test images")
ax.set_ylabel("error against the clean images")
ax.set_title("Reconstruction error of noisy test digits")
ax.legend()

plt.show()
