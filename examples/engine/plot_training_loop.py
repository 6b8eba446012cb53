"""
The engine's training loop, written out
=======================================

lucidnet's estimators are a scikit-learn face on :mod:`lucidnet.engine`. Here
we skip the estimator and train a network with the engine's pieces directly:
:class:`lucidnet.engine.Sequential` of :class:`lucidnet.engine.Dense` and
:class:`lucidnet.engine.Activation` layers,
:class:`lucidnet.engine.SoftmaxCrossEntropy` as the loss and
:class:`lucidnet.engine.Adam` as the optimizer. Every minibatch takes four
steps: forward, loss, backward, update. Then we check that
:meth:`lucidnet.engine.Sequential.train_step` is exactly those four steps.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from lucidnet.engine import Activation, Adam, Dense, Sequential, SoftmaxCrossEntropy

# %%
# Data, with one-hot targets
# --------------------------
# The engine's losses compare the network's output with a target of the same
# shape: for 10 classes, each target is a row of 10 numbers, a 1 for the
# class and 0 elsewhere. (Integer labels of shape (n,) do not fit the
# (n, 10) output: the engine has no label encoder; the estimators do that.)
X, y = load_digits(return_X_y=True)
X = X / 16
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)
Y_train = np.eye(10)[y_train]
print("X_train", X_train.shape, "Y_train", Y_train.shape, "first row:", Y_train[0])


def make_network(seed):
    """64 pixels -> 64 ReLU units -> 10 logits (the loss applies the softmax)."""
    rng = np.random.default_rng(seed)
    return Sequential([Dense(64, 64, rng=rng), Activation("relu"), Dense(64, 10, rng=rng)])


# %%
# Passing the integer labels instead is a mistake NumPy reports in its own
# words, from inside the loss: 32 labels do not make a (32, 10) target.
scratch = make_network(seed=0)
try:
    loss, optimizer = SoftmaxCrossEntropy(), Adam(scratch.parameters())
    scratch.train_step(X_train[:32], y_train[:32], loss, optimizer)
except ValueError as error:
    print("integer labels:", error)

# %%
# The loop
# --------
# Each epoch shuffles the training rows and walks through them in minibatches
# of 32. For one batch:
#
# 1. ``forward(X_batch, training=True)``: each layer computes its output and
#    keeps what its backward needs; the result is the (32, 10) logits.
# 2. ``value_and_gradient(Y_batch, logits)``: the mean cross-entropy of the
#    batch and its gradient with respect to the logits, ``(softmax - Y) / 32``.
# 3. ``backward(dlogits)``: the layers in reverse order turn the gradient of
#    their output into the gradient of their input and leave the gradient of
#    each weight in its ``Parameter.grad``.
# 4. ``step()``: Adam updates every parameter from its ``grad``.
network = make_network(seed=0)
loss = SoftmaxCrossEntropy()
optimizer = Adam(network.parameters(), learning_rate=0.003)
rng = np.random.default_rng(42)
batch_size, n_epochs = 32, 30

losses, test_accuracy = [], []
for epoch in range(n_epochs):
    order = rng.permutation(len(X_train))
    batch_losses = []
    for start in range(0, len(order), batch_size):
        rows = order[start : start + batch_size]
        X_batch, Y_batch = X_train[rows], Y_train[rows]
        logits = network.forward(X_batch, training=True)  # 1. forward
        value, dlogits = loss.value_and_gradient(Y_batch, logits)  # 2. loss
        network.backward(dlogits)  # 3. backward
        optimizer.step()  # 4. update
        batch_losses.append(value)
    losses.append(np.mean(batch_losses))
    predicted = network.forward(X_test).argmax(axis=1)  # training=False: prediction
    test_accuracy.append(np.mean(predicted == y_test))
    if epoch % 5 == 4:
        print(f"epoch {epoch + 1:2d}: loss {losses[-1]:.4f}, test accuracy {test_accuracy[-1]:.3f}")

# %%
# The same with ``train_step``
# ----------------------------
# ``Sequential.train_step(X, Y, loss, optimizer)`` does steps 1 to 4 and
# returns the batch loss. A second network from the same seed, with the same
# batches, ends with the same weights to the last bit.
twin = make_network(seed=0)
twin_optimizer = Adam(twin.parameters(), learning_rate=0.003)
rng = np.random.default_rng(42)
twin_losses = []
for _ in range(n_epochs):
    order = rng.permutation(len(X_train))
    batch_losses = [
        twin.train_step(X_train[rows], Y_train[rows], loss, twin_optimizer)
        for rows in np.array_split(order, range(batch_size, len(order), batch_size))
    ]
    twin_losses.append(np.mean(batch_losses))

same = all(
    np.array_equal(p.value, q.value) for p, q in zip(network.parameters(), twin.parameters())
)
print("identical weights:", same, " identical losses:", losses == twin_losses)

# %%
# The loss per epoch
# ------------------
# The mean of the batch losses of each epoch (each measured before its batch's
# update), and the test accuracy after each epoch.
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2), layout="constrained")
epochs = np.arange(1, n_epochs + 1)
ax1.plot(epochs, losses, "o-", label="loop written out")
ax1.plot(epochs, twin_losses, "x", color="k", label="Sequential.train_step")
ax1.set_yscale("log")
ax1.set(xlabel="epoch", ylabel="mean cross-entropy (log scale)", title="Training loss")
ax1.legend()
ax2.plot(epochs, test_accuracy, "o-", color="C1")
ax2.set(xlabel="epoch", ylabel="accuracy on 450 test images", title="Test accuracy")
fig.suptitle("Sequential([Dense(64, 64), Activation('relu'), Dense(64, 10)]) with Adam")
plt.show()
