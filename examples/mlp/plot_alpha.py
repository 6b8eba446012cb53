"""
Regularization across ``alpha``
===============================

``alpha`` is the strength of the L2 penalty that :class:`lucidnet.MLPClassifier`
adds to its loss: ``alpha / 2 * ||W||^2`` over every weight matrix, divided by the
number of samples as in scikit-learn (biases are not penalized). A small
``alpha`` lets the weights grow as large as fitting the training points wants;
a large one keeps them small, which makes the learned function smoother.

On a noisy two-moons dataset, we train the same network with alpha from 1e-4
to 10 and draw each decision boundary, with the training and test accuracy in
its title: the boundary goes from following single points to a smooth curve,
and then, when the penalty wins, to nearly a straight line.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_moons
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from lucidnet import MLPClassifier

# %%
# The data
# --------
# 200 points of two interleaved half circles with noise, so that the classes
# overlap: no boundary can be right everywhere, and one that tries overfits.
X, y = make_moons(n_samples=200, noise=0.3, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.4, random_state=0)
print(f"{len(X_train)} training points, {len(X_test)} test points")

# %%
# One network per alpha
# ---------------------
# Two hidden layers of 30 ReLU units, trained to convergence by L-BFGS (the
# solver that suits small datasets; some of these networks need over a
# thousand iterations, hence ``max_iter=5000``), each from the same random
# start, so that only ``alpha`` changes from one model to the next.
alphas = [1e-4, 1e-2, 0.3, 1.0, 3.0, 10.0]
models = []
for alpha in alphas:
    model = make_pipeline(
        StandardScaler(),
        MLPClassifier(
            hidden_layer_sizes=(30, 30), solver="lbfgs", alpha=alpha, max_iter=5000, random_state=1
        ),
    )
    models.append(model.fit(X_train, y_train))

for alpha, model in zip(alphas, models):
    mlp = model[-1]
    norm = np.sqrt(sum(float(np.sum(W**2)) for W in mlp.coefs_))
    print(
        f"alpha={alpha:<7g} train {model.score(X_train, y_train):.3f}  "
        f"test {model.score(X_test, y_test):.3f}  ||W|| = {norm:6.1f}  "
        f"iterations {mlp.n_iter_}"
    )

# %%
# The decision boundaries
# -----------------------
# Colours show the predicted probability of the second class (blue), the black
# line where it is 0.5; circles are training points, triangles test points.
x_min, x_max = X[:, 0].min() - 0.5, X[:, 0].max() + 0.5
y_min, y_max = X[:, 1].min() - 0.5, X[:, 1].max() + 0.5
xx, yy = np.meshgrid(np.linspace(x_min, x_max, 150), np.linspace(y_min, y_max, 150))
grid = np.c_[xx.ravel(), yy.ravel()]

fig, axes = plt.subplots(2, 3, figsize=(12, 7.5), sharex=True, sharey=True, layout="constrained")
for ax, alpha, model in zip(axes.ravel(), alphas, models):
    proba = model.predict_proba(grid)[:, 1].reshape(xx.shape)
    filled = ax.contourf(xx, yy, proba, levels=np.linspace(0, 1, 11), cmap="RdBu", alpha=0.6)
    ax.contour(xx, yy, proba, levels=[0.5], colors="k", linewidths=1.5)
    ax.scatter(X_train[:, 0], X_train[:, 1], c=y_train, cmap="RdBu", edgecolors="k", s=25)
    ax.scatter(X_test[:, 0], X_test[:, 1], c=y_test, cmap="RdBu", edgecolors="k", s=35, marker="^")
    ax.set_title(
        f"alpha = {alpha:g}\ntrain {model.score(X_train, y_train):.2f}, "
        f"test {model.score(X_test, y_test):.2f}"
    )
for ax in axes[-1]:
    ax.set_xlabel("$x_1$")
for ax in axes[:, 0]:
    ax.set_ylabel("$x_2$")
fig.colorbar(filled, ax=axes, label="P(class 1)", shrink=0.6)
fig.suptitle("MLPClassifier(hidden_layer_sizes=(30, 30), solver='lbfgs') across alpha")
plt.show()

# %%
# What the penalty does to the weights
# ------------------------------------
# The size of all the weights together, ``||W||``, against alpha, with the two
# accuracies. With little penalty the weights are large and the training
# accuracy is the highest; the test accuracy is best in between.
norms = [np.sqrt(sum(float(np.sum(W**2)) for W in m[-1].coefs_)) for m in models]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
ax1.semilogx(alphas, norms, "o-")
ax1.set(xlabel="alpha", ylabel="||W|| (all weight matrices)", title="Weight size against alpha")
ax2.semilogx(alphas, [m.score(X_train, y_train) for m in models], "o-", label="train")
ax2.semilogx(alphas, [m.score(X_test, y_test) for m in models], "s-", label="test")
ax2.set(xlabel="alpha", ylabel="accuracy", title="Accuracy against alpha")
ax2.legend()
plt.show()
