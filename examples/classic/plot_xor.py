"""
XOR with the post's network
===========================

The first demo of the post "Neural Networks in Python": a 2-2-1 network
learns XOR.
"""

import numpy as np

from lucidnet import NeuralNetwork

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
y = np.array([0, 1, 1, 0])
nn = NeuralNetwork([2, 2, 1], activation="tanh")
nn.fit(X, y)
print(np.round(nn.predict(X).ravel(), 2))
