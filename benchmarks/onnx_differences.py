"""The largest difference between onnxruntime and lucidnet, per model kind.

    python benchmarks/onnx_differences.py

Each model is fitted briefly on a real dataset (scikit-learn's digits and
diabetes) or, for the signals, a synthetic one, exported with
``lucidnet.to_onnx`` and run by onnxruntime on its training rows. The table
gives, for each output, the largest absolute difference divided by the
largest magnitude of lucidnet's own output (the measure ``make test`` holds
below 1e-5 in float32 and 1e-12 in float64, tests/io/onnx_runs.py), and how
many labels are identical. A float32 row is a float32 model in a float32
graph; a float64 row, a float64 model in a float64 graph (whose convolutions
are gathered windows, as onnxruntime runs no Conv in double: see
lucidnet/io/onnx_windows.py). The figures vary a little with the machine's
instruction set (the order of sums in the products).
"""

import warnings

from _common import unset_openblas_overrides

unset_openblas_overrides()

import numpy as np  # noqa: E402
from _common import describe_machine, markdown_table  # noqa: E402
from sklearn.datasets import load_diabetes, load_digits  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402

import lucidnet  # noqa: E402


def run(exported, X):
    import onnxruntime

    session = onnxruntime.InferenceSession(
        exported.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    return session.run(None, {session.get_inputs()[0].name: X})


def relative(actual, expected) -> float:
    return float(np.abs(actual - expected).max() / np.abs(expected).max())


def models():
    """(kind, dtype, fitted model, X, what the graph's outputs should be)."""
    digits, digit = load_digits(return_X_y=True)
    digits = digits / 16
    diabetes, progression = load_diabetes(return_X_y=True)
    rng = np.random.default_rng(0)
    signals = rng.normal(size=(300, 32)).cumsum(axis=1)
    trend = signals[:, -8:].mean(axis=1) - signals[:, :8].mean(axis=1)
    small = dict(max_iter=20, random_state=0)
    two_targets = np.c_[progression, diabetes[:, 2]]
    for dtype in (np.float32, np.float64):
        X, Xd = digits.astype(dtype), diabetes.astype(dtype)
        clf = lucidnet.MLPClassifier((32,), **small).fit(X, digit)
        yield "MLPClassifier, 10 classes", dtype, clf, X, "classifier"
        clf = lucidnet.MLPClassifier((32,), **small).fit(X, digit % 2)
        yield "MLPClassifier, binary", dtype, clf, X, "classifier"
        clf = lucidnet.MLPClassifier((32,), **small).fit(X, np.c_[digit % 2, digit > 4])
        yield "MLPClassifier, two labels", dtype, clf, X, "classifier"
        dense = dict(hidden_layer_sizes=(32,), **small)
        reg = lucidnet.MLPRegressor(**dense).fit(Xd, progression)
        yield "MLPRegressor, one output", dtype, reg, Xd, "regressor"
        reg = lucidnet.MLPRegressor(**dense).fit(Xd, two_targets)
        yield "MLPRegressor, two outputs", dtype, reg, Xd, "regressor"
        ae = lucidnet.Autoencoder(n_components=4, hidden_layer_sizes=(16,), dtype=dtype.__name__)
        yield "Autoencoder, dense", dtype, ae.set_params(**small).fit(X), X, "autoencoder"
        yield from convolutional(digits, digit, signals, trend, dtype)
    network = lucidnet.NeuralNetwork([64, 16, 10], random_state=0)
    network.fit(digits, np.eye(10)[digit] * 0.8 - 0.4, learning_rate=0.05, epochs=2000)
    yield "NeuralNetwork (classic)", np.float64, network, digits, "classic"


def convolutional(digits, digit, signals, trend, dtype):
    """The convolutional models' rows, trained in ``dtype``."""
    X = digits.astype(dtype)
    typed = dict(random_state=0, dtype=np.dtype(dtype).name)
    conv = dict(input_shape=(8, 8), conv_layers=(8, 16), max_iter=3, **typed)
    yield "ConvNetClassifier, 2-D", dtype, lucidnet.ConvNetClassifier(**conv).fit(X, digit), \
        X, "classifier"  # fmt: skip
    residual = dict(conv, batch_norm=True, residual=True, head="global_avg")
    clf = lucidnet.ConvNetClassifier(**residual).fit(X, digit)
    yield "ConvNetClassifier, residual, batch norm", dtype, clf, X, "classifier"
    X = signals.astype(dtype)
    reg = lucidnet.ConvNetRegressor(input_shape=(32,), conv_layers=(4, 4), max_iter=5, **typed)
    yield "ConvNetRegressor, 1-D", dtype, reg.fit(X, trend), X, "regressor"
    X = digits.astype(dtype)
    ae = lucidnet.Autoencoder(n_components=4, conv_layers=(4,), input_shape=(8, 8), max_iter=20)
    yield "Autoencoder, convolutional", dtype, ae.set_params(**typed).fit(X), X, "autoencoder"


def compare(model, X, kind, dtype):
    """{output: largest relative difference}, and 'n of n' identical labels."""
    outputs = run(lucidnet.to_onnx(model, dtype=dtype), X)
    if kind == "classifier":
        label, probabilities = outputs
        expected = model.predict(X)
        same = int(np.all(label.reshape(len(X), -1) == expected.reshape(len(X), -1), axis=1).sum())
        found = {"probabilities": relative(probabilities, model.predict_proba(X))}
        return found, f"{same:,} of {len(X):,}"
    if kind == "regressor":
        return {"values": relative(outputs[0], model.predict(X))}, ""
    if kind == "classic":
        return {"output": relative(outputs[0], model.predict(X))}, ""
    codes = model.transform(X)
    expected = [codes, model.inverse_transform(codes), model.score_samples(X)]
    names = ["codes", "reconstruction", "scores"]
    return {name: relative(a, e) for name, a, e in zip(names, outputs, expected)}, ""


def main():
    print(describe_machine())
    import onnxruntime

    print(f"onnxruntime {onnxruntime.__version__}\n")
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for name, dtype, model, X, kind in models():
            found, labels = compare(model, X, kind, dtype)
            differences = ", ".join(f"{output} {value:.1e}" for output, value in found.items())
            rows.append([name, np.dtype(dtype).name, differences, labels])
    print(markdown_table(["model", "dtype", "largest relative difference", "labels identical"],
                         rows))  # fmt: skip


if __name__ == "__main__":
    main()
