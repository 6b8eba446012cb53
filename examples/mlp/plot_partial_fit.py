"""
Learning in increments with ``partial_fit``
===========================================

When data arrive a batch at a time (from a stream, or from a file too large
to hold), ``partial_fit`` of :class:`lucidnet.MLPClassifier` trains on each
batch as it comes: one epoch of the stochastic solver (``'adam'`` or ``'sgd'``) over that
batch, from where the previous call left the weights. The first call must name
every class (``classes=``), since the first batch may not hold them all.

We feed the 8x8 digits to a network in 25 batches and follow the test
accuracy after each, against a network fitted on all the data at once; then we
see what happens when the batches do not arrive shuffled.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from lucidnet import MLPClassifier

X, y = load_digits(return_X_y=True)
X = X / 16
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)
classes = np.unique(y)
settings = dict(hidden_layer_sizes=(64,), learning_rate_init=0.003, batch_size=32, random_state=0)

# %%
# The reference: ``fit`` on all the data
# --------------------------------------
# ``fit`` makes many epochs over the whole training set and stops when the
# loss no longer improves.
full = MLPClassifier(**settings).fit(X_train, y_train)
full_accuracy = full.score(X_test, y_test)
print(f"fit on all {len(X_train)} images: {full.n_iter_} epochs, test accuracy {full_accuracy:.3f}")

# %%
# The stream
# ----------
# The training images, shuffled, arrive in 25 batches of about 54. One model
# sees each batch once (one ``partial_fit`` call); another makes five calls on
# each batch before the next arrives, as one would when a batch is cheap to
# keep for a moment but will not come back.
n_batches = 25
batches = np.array_split(np.random.default_rng(0).permutation(len(X_train)), n_batches)


def stream(order, passes):
    """Test accuracy after each batch of ``order`` (index arrays), with
    ``passes`` partial_fit calls per batch."""
    model = MLPClassifier(**settings)
    scores = []
    for batch in order:
        for _ in range(passes):
            model.partial_fit(X_train[batch], y_train[batch], classes=classes)
        scores.append(model.score(X_test, y_test))
    return model, scores


once, once_scores = stream(batches, passes=1)
five, five_scores = stream(batches, passes=5)
print(f"one pass per batch:   test accuracy {once_scores[-1]:.3f} after all {n_batches} batches")
print(f"five passes per batch: test accuracy {five_scores[-1]:.3f}")

# %%
# What if the stream is sorted?
# -----------------------------
# ``partial_fit`` assumes that each batch looks like the data as a whole. Here
# the same images arrive sorted by digit: all the 0s first, then the 1s, and so
# on. Each batch then pulls the network towards the one or two digits it
# holds.
sorted_batches = np.array_split(np.argsort(y_train, kind="stable"), n_batches)
drifting, sorted_scores = stream(sorted_batches, passes=5)
print(f"sorted stream, five passes per batch: test accuracy {sorted_scores[-1]:.3f}")
counts = np.bincount(drifting.predict(X_test), minlength=10)
print("how often it predicts each digit on the test set (0 to 9):", counts)

# %%
# The accuracy after each batch
# -----------------------------
fig, ax = plt.subplots(figsize=(9, 5), layout="constrained")
steps = np.arange(1, n_batches + 1)
ax.plot(steps, once_scores, "o-", label="shuffled stream, 1 partial_fit per batch")
ax.plot(steps, five_scores, "s-", label="shuffled stream, 5 partial_fit per batch")
ax.plot(steps, sorted_scores, "^-", label="sorted by digit, 5 partial_fit per batch")
ax.axhline(full_accuracy, color="k", ls="--", label=f"fit on all data ({full.n_iter_} epochs)")
ax.set_xlabel(f"batches received (about {len(X_train) // n_batches} images each)")
ax.set_ylabel("test accuracy")
ax.set_ylim(0, 1.02)
ax.set_title("MLPClassifier.partial_fit on the 8x8 digits, one batch at a time")
ax.legend(loc="center right")
plt.show()

# %%
# Seeing each image once, the shuffled stream climbs steadily but ends well
# below ``fit``: it is one pass over the data (two Adam steps of 32 images per
# batch), where ``fit`` made dozens of passes. Five calls per batch get much
# closer, every image then seen five times. (The numbers are printed above.)
#
# The sorted stream never gets off the floor. After each batch the network
# mostly predicts the digits of the batches it has just seen, so it is right
# only on them, and at the end it calls every test image a 9: each batch
# overwrites what the earlier ones taught. ``partial_fit`` learns well from a
# stream only when each batch is a fair sample of the whole; shuffle before
# streaming, or keep a mixed buffer of past images to train on with the new.
