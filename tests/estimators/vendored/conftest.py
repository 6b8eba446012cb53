"""Runs scikit-learn's own MLP tests against lucidnet.

``test_sklearn_mlp.py`` is scikit-learn 1.9.1's
``sklearn/neural_network/tests/test_mlp.py`` (BSD-3-Clause, see
LICENSE-scikit-learn in this folder) with one line changed: it imports
``MLPClassifier, MLPRegressor`` from lucidnet instead of
``sklearn.neural_network``. Everything else is theirs, kept as is so that a
newer copy can be dropped in; what it needs from scikit-learn's own test
set-up is here, and so are the skips, each with its reason.
"""

import pytest

# Tests that read scikit-learn's private internals, which lucidnet does not have.
SKIPPED = {
    "test_gradient": (
        "calls scikit-learn's private _loss_grad_lbfgs(packed, X, y, ...); lucidnet's own "
        "gradient checks are tests/estimators/test_objective.py"
    ),
}


@pytest.fixture
def global_random_seed():
    """scikit-learn's fixture: the seed its CI runs every seeded test with by default."""
    return 42


def pytest_collection_modifyitems(config, items):
    for item in items:
        reason = SKIPPED.get(getattr(item, "originalname", None))
        if reason and "vendored" in str(item.path):
            item.add_marker(pytest.mark.skip(reason=reason))
