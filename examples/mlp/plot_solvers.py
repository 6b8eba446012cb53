"""
The solvers' learning curves compared
=====================================

:class:`lucidnet.MLPClassifier` trains with one of three solvers: ``'sgd'``
(mini-batch stochastic gradient descent, with optional momentum and a
learning-rate schedule), ``'adam'`` (the default) and ``'lbfgs'`` (a
quasi-Newton method that uses the whole training set at every iteration).

We train the same network on the 8x8 digits with each, and draw the training
loss after every epoch (``loss_curve_``). SGD's settings matter a lot: the
learning rate, momentum and the schedule decide whether it creeps or races.
L-BFGS has no epochs and so no ``loss_curve_``; we show its final loss.
"""

import time
import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from lucidnet import MLPClassifier

# %%
# The data and the settings
# -------------------------
# Pixels scaled to [0, 1]. Every model has one hidden layer of 64 ReLU units,
# the same random start, and at most 100 epochs (iterations for L-BFGS).
X, y = load_digits(return_X_y=True)
X = X / 16
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0)

common = dict(hidden_layer_sizes=(64,), max_iter=100, random_state=0, alpha=1e-4)
settings = {
    "sgd, rate 0.01": dict(solver="sgd", learning_rate_init=0.01, momentum=0.0),
    "sgd, rate 0.1": dict(solver="sgd", learning_rate_init=0.1, momentum=0.0),
    "sgd, 0.01 + momentum 0.9": dict(
        solver="sgd", learning_rate_init=0.01, momentum=0.9, nesterovs_momentum=False
    ),
    "sgd, 0.01 + Nesterov 0.9": dict(
        solver="sgd", learning_rate_init=0.01, momentum=0.9, nesterovs_momentum=True
    ),
    "sgd, 0.1 invscaling + Nesterov": dict(
        solver="sgd", learning_rate_init=0.1, learning_rate="invscaling", momentum=0.9
    ),
    "adam, rate 0.001": dict(solver="adam", learning_rate_init=0.001),
    "lbfgs": dict(solver="lbfgs"),
}
styles = {name: "-" for name in settings}
styles["sgd, 0.01 + Nesterov 0.9"] = ":"  # it lies on top of the two curves before it

# %%
# Training
# --------
# Some models would go on improving after 100 epochs; that is the point of the
# comparison, so we silence the warning that says they have not converged.
models, seconds = {}, {}
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    for name, options in settings.items():
        start = time.perf_counter()
        models[name] = MLPClassifier(**common, **options).fit(X_train, y_train)
        seconds[name] = time.perf_counter() - start

print(f"{'solver':30} {'epochs':>6} {'final loss':>10} {'test acc':>8}  fit time (varies)")
for name, model in models.items():
    print(
        f"{name:30} {model.n_iter_:>6} {model.loss_:>10.4f} "
        f"{model.score(X_test, y_test):>8.3f}  {seconds[name]:.2f} s"
    )
print("lbfgs has loss_curve_:", hasattr(models["lbfgs"], "loss_curve_"))

# %%
# The learning curves
# -------------------
# The training loss (cross-entropy plus the small L2 term) after each epoch,
# on a log scale. L-BFGS is drawn as a horizontal line at its final loss, with
# its number of iterations: an iteration is one pass over all the data, like an
# epoch, but it makes one update where SGD and Adam make one per batch of 200.
fig, (ax, ax_acc) = plt.subplots(1, 2, figsize=(12, 5.5), width_ratios=[2, 1], layout="constrained")
for name, model in models.items():
    if hasattr(model, "loss_curve_"):
        epochs = range(1, len(model.loss_curve_) + 1)
        ax.plot(epochs, model.loss_curve_, styles[name], label=name, lw=2)
lbfgs = models["lbfgs"]
ax.axhline(lbfgs.loss_, color="k", ls="--", label=f"lbfgs: final loss ({lbfgs.n_iter_} iterations)")
ax.set_yscale("log")
ax.set_xlabel("epoch")
ax.set_ylabel("training loss (log scale)")
ax.set_title("Training loss after each epoch")
ax.legend(fontsize="small", loc="center right")

names = list(models)
accuracies = [models[name].score(X_test, y_test) for name in names]
bars = ax_acc.barh(names, accuracies, color=[f"C{i}" for i in range(len(names) - 1)] + ["k"])
ax_acc.bar_label(bars, fmt="%.3f", padding=3, fontsize="small")
ax_acc.set_xlim(0.5, 1.05)
ax_acc.invert_yaxis()
ax_acc.set_xlabel("test accuracy")
ax_acc.set_title("Test accuracy at the end")
fig.suptitle("MLPClassifier(hidden_layer_sizes=(64,)) on the 8x8 digits, one model per solver")
plt.show()

# %%
# What the figure says: without momentum, SGD at rate 0.01 has barely started
# after 100 epochs. A rate ten times larger, or momentum 0.9 at the same rate
# (once gathered, momentum multiplies each step by about 1 / (1 - 0.9) = 10),
# follow the same curve: the three middle curves lie on top of each other. The
# ``'invscaling'`` schedule shrinks the rate as ``0.1 / (t + 1) ** 0.5`` with ``t``
# the number of samples seen, and so stalls early. Adam's default rate of
# 0.001 adapts each weight's step and ends lowest of the stochastic solvers.
#
# L-BFGS reaches a training loss hundreds of times lower in fewer than 50
# full-batch iterations, yet not the best test accuracy: it fits the 1,257
# training images almost exactly. It suits small datasets like this one; on
# large ones each iteration is a pass over all the data, and the stochastic
# solvers, which update once per batch of 200, get further for the same time.
