# ruff: noqa: E741  (the post names its layer index `l`; kept as written)
"""A faithful port of the classic post's ``NeuralNetwork`` loop, for benchmarks.

The post's code, changed only where it could not run or was wrong: Python 3
syntax, a seeded ``np.random.RandomState``, a weight set-up that works for any
number of layers, and the derivative taken at the pre-activation (written
with the activated value ``a`` as ``1 - a**2``, where the post computed
``1 - tanh(a)**2``). Without that fix the post's code reaches much lower
accuracy, and comparing times would not compare like with like. Everything
else is the post's: one random sample per update, a bias unit appended with
``np.ones`` at every layer on every step, the list of deltas.
"""

import numpy as np


def tanh(x):
    return np.tanh(x)


def tanh_deriv(a):
    return 1.0 - a**2  # of the activated value a = tanh(z)


class PostNeuralNetwork:
    def __init__(self, layers, seed=0):
        self.random = np.random.RandomState(seed)
        self.activation = tanh
        self.activation_deriv = tanh_deriv
        self.weights = []
        for i in range(1, len(layers)):
            shape = (layers[i - 1] + 1, layers[i])
            self.weights.append((2 * self.random.random_sample(shape) - 1) * 0.25)

    def fit(self, X, y, learning_rate=0.2, epochs=10000):
        X = np.atleast_2d(X)
        temp = np.ones([X.shape[0], X.shape[1] + 1])
        temp[:, 0:-1] = X  # adding the bias unit to the input layer
        X = temp
        y = np.array(y)
        for _k in range(epochs):
            i = self.random.randint(X.shape[0])
            a = [X[i]]
            for l in range(len(self.weights)):
                hidden_inputs = np.ones([self.weights[l].shape[1] + 1])
                hidden_inputs[0:-1] = self.activation(np.dot(a[l], self.weights[l]))
                a.append(hidden_inputs)
            error = y[i] - a[-1][:-1]
            deltas = [error * self.activation_deriv(a[-1][:-1])]
            l = len(a) - 2
            # The last layer before the output is handled separately because of
            # the lack of bias node in output
            deltas.append(deltas[-1].dot(self.weights[l].T) * self.activation_deriv(a[l]))
            for l in range(len(a) - 3, 0, -1):
                deltas.append(deltas[-1][:-1].dot(self.weights[l].T) * self.activation_deriv(a[l]))
            deltas.reverse()
            for i in range(len(self.weights) - 1):
                layer = np.atleast_2d(a[i])
                delta = np.atleast_2d(deltas[i])
                self.weights[i] += learning_rate * layer.T.dot(delta[:, :-1])
            i += 1
            layer = np.atleast_2d(a[i])
            delta = np.atleast_2d(deltas[i])
            self.weights[i] += learning_rate * layer.T.dot(delta)
        return self

    def predict(self, x):
        a = np.array(x)
        for l in range(0, len(self.weights)):
            temp = np.ones(a.shape[0] + 1)
            temp[0:-1] = a
            a = self.activation(np.dot(temp, self.weights[l]))
        return a
