"""to_onnx of autoencoders: codes, reconstructions and scores from X, and
reconstructions from codes, equal to transform, inverse_transform and
score_samples (relative 1e-5 in float32, 1e-12 in float64), dense and
convolutional, in both types."""

import numpy as np
import pytest

pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

from lucidnet import Autoencoder, to_onnx  # noqa: E402

from .onnx_runs import assert_close, run  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def X():
    """80 rows of 48 features in [0, 1]: 6x8 one-channel images, or signals."""
    rng = np.random.default_rng(0)
    return rng.uniform(size=(80, 48)).astype(np.float32)


SETTINGS = {
    "dense": dict(hidden_layer_sizes=(12,)),
    "linear": dict(hidden_layer_sizes=()),
    "denoising, logistic output, dropout": dict(
        hidden_layer_sizes=(10, 6),
        noise=0.1,
        masking=0.1,
        dropout=0.2,
        output_activation="logistic",
        activation="tanh",
    ),  # fmt: skip
    "images": dict(conv_layers=(4, 3), input_shape=(6, 8), hidden_layer_sizes=(8,)),
    "images, odd pooled sizes": dict(conv_layers=(3,), input_shape=(6, 8), pool_size=(4, 3)),
    "signals": dict(conv_layers=(4,), input_shape=(24,), kernel_size=5, hidden_layer_sizes=()),
}


def assert_autoencoder_exported(ae, X, dtype=np.float32, **kwargs):
    codes, reconstruction, scores = run(to_onnx(ae, dtype=dtype, **kwargs), X)
    assert_close(codes, ae.transform(X), dtype)
    assert_close(reconstruction, ae.inverse_transform(ae.transform(X)), dtype)
    assert_close(scores, ae.score_samples(X), dtype)
    decoder = to_onnx(ae, dtype=dtype, method="inverse_transform")
    assert [i.name for i in decoder.graph.input] == ["codes"]
    elsewhere = codes * 1.5 + 0.25  # codes no input gave
    (reconstruction,) = run(decoder, elsewhere)
    assert_close(reconstruction, ae.inverse_transform(elsewhere), dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("settings", SETTINGS.values(), ids=SETTINGS.keys())
def test_codes_reconstructions_and_scores(X, settings, dtype):
    """Each autoencoder trained and exported in each type; the convolutional
    ones' float64 graphs gather windows (onnx_windows), decoders included."""
    ae = Autoencoder(n_components=3, max_iter=5, random_state=0, dtype=np.dtype(dtype).name)
    X = X.astype(dtype)
    assert_autoencoder_exported(ae.set_params(**settings).fit(X), X, dtype)


def test_a_float64_autoencoder_to_the_last_bits(X):
    X = X.astype(np.float64)
    ae = Autoencoder(n_components=3, hidden_layer_sizes=(10,), max_iter=5, random_state=0)
    assert_autoencoder_exported(ae.set_params(dtype="float64").fit(X), X, np.float64)


def test_shaped_images_in_and_only_the_wanted_output(X):
    ae = Autoencoder(n_components=2, conv_layers=(3,), input_shape=(6, 8), max_iter=3)
    ae.set_params(random_state=0).fit(X)
    images = X.reshape(-1, 6, 8, 1)
    exported = to_onnx(ae, shaped_input=True)
    assert [o.name for o in exported.graph.output] == ["codes", "reconstruction", "scores"]
    (scores,) = run(exported, images, names=["scores"])
    assert_close(scores, ae.score_samples(images), np.float32)
