"""Training on rows read chunk by chunk (``_fit_chunks``, what the command's
streamed train uses) runs ``fit``'s own epoch loop over them."""

import numpy as np
import pytest
from sklearn.datasets import load_digits

from lucidnet import MLPClassifier, MLPRegressor


class ListChunks:
    """Chunks of in-memory arrays, counting the reads."""

    def __init__(self, X, y, size):
        self.parts = [(X[i : i + size], y[i : i + size]) for i in range(0, len(X), size)]
        self.n_chunks, self.n_samples, self.reads = len(self.parts), len(X), 0

    def read(self, i):
        self.reads += 1
        return self.parts[i]


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X / 16, y


def test_unshuffled_chunks_train_exactly_as_fit(digits):
    """Without shuffling, chunks whose sizes are multiples of the batch size
    give fit's very batches: the same weights, loss curve, validation scores
    and early stop."""
    X, y = digits
    X_val, y_val = X[1500:], y[1500:]
    X, y = X[:1500], y[:1500]
    settings = dict(hidden_layer_sizes=(16,), batch_size=50, shuffle=False, random_state=0,
                    early_stopping=True, max_iter=40)  # fmt: skip
    whole = MLPClassifier(**settings).fit(X, y, X_val=X_val, y_val=y_val)
    chunks = ListChunks(X, y, 250)
    chunked = MLPClassifier(**settings)._fit_chunks(chunks, X[:20], y[:20], X_val, y_val)
    assert chunked.loss_curve_ == whole.loss_curve_
    assert chunked.validation_scores_ == whole.validation_scores_
    for a, b in zip(chunked.coefs_, whole.coefs_):
        np.testing.assert_array_equal(a, b)
    assert chunks.reads == 6 * chunked.n_iter_ and chunked.t_ == 1500 * chunked.n_iter_


def test_shuffled_chunks_learn_and_are_seeded(digits):
    X, y = digits
    settings = dict(hidden_layer_sizes=(32,), random_state=0, max_iter=30)
    models = [
        MLPRegressor(**settings)._fit_chunks(ListChunks(X[:1400], y[:1400], 300), X[:5], y[:5],
                                              None, None)  # fmt: skip
        for _ in range(2)
    ]
    np.testing.assert_array_equal(models[0].coefs_[0], models[1].coefs_[0])
    whole = MLPRegressor(**settings).fit(X[:1400], y[:1400]).score(X[1400:], y[1400:])
    assert models[0].score(X[1400:], y[1400:]) > whole - 0.05
    classes = MLPClassifier(**settings)._fit_chunks(
        ListChunks(X[:1400], y[:1400], 300), X[:10], y[:10], None, None
    )
    assert list(classes.classes_) == list(range(10))
    whole = MLPClassifier(**settings).fit(X[:1400], y[:1400]).score(X[1400:], y[1400:])
    assert classes.score(X[1400:], y[1400:]) > whole - 0.03


def test_early_stopping_on_chunks_needs_validation_rows(digits):
    X, y = digits
    with pytest.raises(ValueError, match="needs X_val and y_val"):
        MLPClassifier(early_stopping=True)._fit_chunks(ListChunks(X, y, 100), X[:10], y[:10],
                                                       None, None)  # fmt: skip
