"""
A layer of your own, with its gradient checked
==============================================

A layer of :mod:`lucidnet.engine` is a subclass of :class:`lucidnet.engine.Layer`
with three methods:

* ``forward(X, training=False)`` returns the output and, in training, keeps
  what ``backward`` will need;
* ``backward(dY, need_input_grad=True)`` receives ``dL/dY``, writes each
  parameter's gradient into its ``grad`` array *in place*, and returns
  ``dL/dX`` (or ``None`` when ``need_input_grad`` is False);
* ``parameters()`` lists its :class:`lucidnet.engine.Parameter` objects.

We write a parametric ReLU, whose negative slope is learned for each unit,
check its backward against central differences with
:func:`lucidnet.engine.check_gradients`, watch the check catch a bug, and then
train a network with it on the digits.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from lucidnet.engine import (
    Activation,
    Adam,
    Dense,
    Layer,
    Parameter,
    Sequential,
    SoftmaxCrossEntropy,
    check_gradients,
)

# %%
# The layer
# ---------
# For each unit ``j``, ``y = x`` where ``x > 0`` and ``y = a_j * x`` elsewhere.
# With ``dY`` the gradient of the loss with respect to ``y``, over a batch::
#
#     dX   = dY * (1 if x > 0 else a_j)        (n_samples, n_units)
#     da_j = sum over samples of dY * min(x, 0) (n_units,)
#
# ``Sequential`` moves every parameter into one shared buffer when it is built,
# so the layer reads ``self.slope.value`` at each call instead of keeping the
# array, and writes the gradient with ``out=`` or ``[...] =``.


class PReLU(Layer):
    """Parametric ReLU: a learned negative slope per unit, starting at ``init``."""

    def __init__(self, n_units, init=0.25, dtype=np.float64):
        super().__init__()
        # Not a weight to penalize: an L2 penalty would pull the slopes to 0 (a ReLU).
        self.slope = Parameter(np.full(n_units, init, dtype=dtype), "slope", regularize=False)

    def forward(self, X, training=False):
        if training:
            self._input = X  # what backward needs
        return np.where(X > 0, X, self.slope.value * X)

    def backward(self, dY, need_input_grad=True):
        X = self._input
        np.sum(dY * np.minimum(X, 0), axis=0, out=self.slope.grad)
        if not need_input_grad:
            return None
        return dY * np.where(X > 0, 1.0, self.slope.value)

    def parameters(self):
        return [self.slope]

    def __repr__(self):
        return f"PReLU({self.slope.value.size})"


# %%
# The gradient check
# ------------------
# ``check_gradients(layer, X)`` runs the layer forward on ``X`` in float64,
# backward with a random ``dY``, and compares ``dL/dX`` and every parameter's
# gradient with central differences. It returns the relative error of each and
# raises ``AssertionError`` when one exceeds ``rtol`` (1e-6 by default).
rng = np.random.default_rng(0)
layer = PReLU(5)
layer.slope.value[:] = rng.uniform(0, 0.5, size=5)
errors = check_gradients(layer, rng.standard_normal((8, 5)))
print({name: f"{error:.1e}" for name, error in errors.items()})
print(f"largest relative error: {max(errors.values()):.1e}")


# %%
# A bug it catches: forgetting that the slope multiplies only the negative
# inputs, this version sums ``dY * X`` over all of them. Its forward pass is
# right, so the network would still train, only worse; the check says where.
class BuggyPReLU(PReLU):
    def backward(self, dY, need_input_grad=True):
        np.sum(dY * self._input, axis=0, out=self.slope.grad)  # wrong: all inputs
        return dY * np.where(self._input > 0, 1.0, self.slope.value)


try:
    check_gradients(BuggyPReLU(5), rng.standard_normal((8, 5)))
except AssertionError as error:
    print(str(error).split(";")[0])

# %%
# On real data
# ------------
# The digits, with one-hot targets, and two networks that differ only in the
# activation after the hidden layer: our PReLU, and the engine's ReLU. Both
# train for 25 epochs with Adam from the same starting weights.
X, y = load_digits(return_X_y=True)
X = X / 16
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)
Y_train = np.eye(10)[y_train]


def train(activation, n_epochs=25, batch_size=32):
    init = np.random.default_rng(1)
    network = Sequential([Dense(64, 64, rng=init), activation, Dense(64, 10, rng=init)])
    loss, optimizer = SoftmaxCrossEntropy(), Adam(network.parameters(), learning_rate=0.003)
    order_rng = np.random.default_rng(2)
    curve = []
    for _ in range(n_epochs):
        order = order_rng.permutation(len(X_train))
        batches = np.array_split(order, range(batch_size, len(order), batch_size))
        curve.append(
            np.mean([network.train_step(X_train[b], Y_train[b], loss, optimizer) for b in batches])
        )
    accuracy = np.mean(network.forward(X_test).argmax(axis=1) == y_test)
    return network, curve, accuracy


prelu_net, prelu_curve, prelu_accuracy = train(PReLU(64))
relu_net, relu_curve, relu_accuracy = train(Activation("relu"))
print(prelu_net)
print(f"test accuracy: PReLU {prelu_accuracy:.3f}, ReLU {relu_accuracy:.3f}")
slopes = prelu_net.layers[1].slope.value
print(
    f"learned slopes: min {slopes.min():.3f}, median {np.median(slopes):.3f}, "
    f"max {slopes.max():.3f}"
)

# %%
# The loss curves, and the slopes the 64 units learned (all started at 0.25).
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2), layout="constrained")
epochs = np.arange(1, len(prelu_curve) + 1)
ax1.plot(epochs, prelu_curve, "o-", label=f"PReLU (test accuracy {prelu_accuracy:.3f})")
ax1.plot(epochs, relu_curve, "s-", label=f"ReLU (test accuracy {relu_accuracy:.3f})")
ax1.set_yscale("log")
ax1.set(
    xlabel="epoch",
    ylabel="mean training cross-entropy (log scale)",
    title="Dense(64, 64) -> activation -> Dense(64, 10)",
)
ax1.legend()
ax2.hist(slopes, bins=20, color="C0", edgecolor="k")
ax2.axvline(0.25, color="k", ls="--", label="starting slope 0.25")
ax2.set(xlabel="learned negative slope", ylabel="hidden units", title="PReLU slopes after training")
ax2.legend()
plt.show()

# %%
# The PReLU network's training loss stays a little below the ReLU network's,
# for about the same test accuracy: on 8x8 digits a learned slope buys little.
# The slopes themselves moved far from 0.25 and apart: most units keep a
# small positive slope, a few exceed 1 (steeper for negative inputs than for
# positive ones) and a few turned negative, so that those units respond to
# a negative input with a positive output, as ``|x|`` does. Nothing in the
# engine had to change for any of this: a layer that keeps the contract and
# passes ``check_gradients`` works in ``Sequential``, with every optimizer.
