"""``network_``: the engine network an estimator trained, public and live."""

import numpy as np
import pytest
from sklearn.datasets import load_digits

from lucidnet import Autoencoder, ConvNetClassifier, MLPClassifier
from lucidnet.engine import Sequential


@pytest.mark.parametrize(
    "make",
    [
        lambda: MLPClassifier(hidden_layer_sizes=(8,), max_iter=3, random_state=0),
        lambda: ConvNetClassifier(input_shape=(8, 8), conv_layers=(4,), hidden_layer_sizes=(8,),
                                  max_iter=2, random_state=0),
        lambda: Autoencoder(n_components=2, max_iter=3, random_state=0),
    ],
)  # fmt: skip
def test_network_is_the_trained_one_and_missing_before_fit(make):
    X, y = load_digits(return_X_y=True)
    X, y = X[:200] / 16, y[:200]
    model = make()
    with pytest.raises(AttributeError, match="call fit or partial_fit first"):
        _ = model.network_
    model.fit(X) if isinstance(model, Autoencoder) else model.fit(X, y)
    network = model.network_
    assert isinstance(network, Sequential)
    rows = model._shape_input(X) if hasattr(model, "_shape_input") else X
    out = network.forward(rows.astype(network.dtype))
    if isinstance(model, Autoencoder):
        assert out.shape == X.shape  # the reconstructions
    else:  # the output layer's scores rank the classes as predict does
        assert np.array_equal(model.classes_[out.argmax(axis=1)], model.predict(X))


def test_mlp_network_follows_coefs_assigned_by_hand():
    X, y = load_digits(return_X_y=True)
    model = MLPClassifier(hidden_layer_sizes=(8,), max_iter=3, random_state=0).fit(X / 16, y)
    model.coefs_ = [np.zeros_like(c) for c in model.coefs_]
    assert not model.network_.layers[0].W.value.any()
