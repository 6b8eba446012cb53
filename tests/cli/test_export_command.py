"""``lucidnet export MODEL OUT.onnx``: model files saved from Python become ONNX
graphs that predict as the model does; others are refused, saying why."""

import io

import numpy as np
import pytest

import lucidnet

onnxruntime = pytest.importorskip("onnxruntime")

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def X():
    return np.random.default_rng(0).normal(size=(60, 3))


def outputs(path, X):
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(None, {"X": X})


def test_export_writes_a_graph_that_predicts_as_the_model(X, run, tmp_path):
    clf = lucidnet.MLPClassifier((4,), max_iter=20, random_state=0).fit(X, X[:, 0] > 0)
    lucidnet.save(clf, tmp_path / "clf.npz")
    status, out, err = run("export", tmp_path / "clf.npz", tmp_path / "clf.onnx")
    assert (status, err) == (0, "")
    assert "MLPClassifier" in out and "opset 18" in out
    label, _ = outputs(tmp_path / "clf.onnx", X.astype(np.float32))
    np.testing.assert_array_equal(label, clf.predict(X.astype(np.float32)))


def test_export_in_float64_with_an_opset(X, run, tmp_path):
    network = lucidnet.NeuralNetwork([3, 4, 2], "tanh", random_state=0)
    lucidnet.save(network, tmp_path / "nn.npz")
    args = ["--dtype", "float64", "--opset", "13"]
    status, out, _ = run("export", tmp_path / "nn.npz", tmp_path / "nn.onnx", *args)
    assert status == 0 and "float64" in out and "opset 13" in out
    (output,) = outputs(tmp_path / "nn.onnx", X)
    np.testing.assert_allclose(output, network.predict(X), rtol=1e-12, atol=1e-12)


def raw_columns(session, frame):
    """The CSV's columns as the graph's inputs: numbers as floats (missing:
    NaN), text as strings (missing: the empty string), each (n, 1)."""
    feeds = {}
    for spec in session.get_inputs():
        column = frame[spec.name]
        if spec.type == "tensor(string)":
            values = column.astype(object).where(column.notna(), "").astype(str)
            feeds[spec.name] = values.to_numpy().reshape(-1, 1)
        else:
            feeds[spec.name] = column.astype(float).to_numpy(np.float32).reshape(-1, 1)
    return feeds


@pytest.mark.parametrize("missing", ["impute", "drop"])
def test_a_model_trained_by_the_command_takes_the_raw_columns(penguins_csv, run, tmp_path, missing):
    """Text and missing cells, filled or not: the graph on the CSV's columns
    predicts as ``lucidnet predict`` on the CSV."""
    pd = pytest.importorskip("pandas")
    model = tmp_path / "species.npz"
    status, _, _ = run("train", penguins_csv, "--target", "species", "--max-iter", "30",
                       "--missing", missing, "--quiet", "--out", model)  # fmt: skip
    assert status == 0
    status, out, err = run("export", model, tmp_path / "species.onnx")
    assert (status, err) == (0, "") and "6 raw columns" in out
    frame = pd.read_csv(penguins_csv)
    if missing == "drop":  # predict refuses missing cells, and the graph cannot
        frame = frame.dropna().reset_index(drop=True)
    frame.loc[0, "island"] = "Atlantis"  # a category never seen: all zeros, as predict
    frame.to_csv(tmp_path / "rows.csv", index=False)
    status, predicted, _ = run("predict", model, tmp_path / "rows.csv", "--proba")
    expected = pd.read_csv(io.StringIO(predicted))
    session = onnxruntime.InferenceSession(
        str(tmp_path / "species.onnx"), providers=["CPUExecutionProvider"]
    )
    assert [spec.name for spec in session.get_inputs()] == [
        c for c in frame.columns if c != "species"
    ]
    label, probabilities = session.run(None, raw_columns(session, frame))
    assert label.tolist() == expected["prediction"].tolist()
    columns = [c for c in expected.columns if c.startswith("probability_")]
    np.testing.assert_allclose(probabilities, expected[columns], rtol=1e-5, atol=1e-6)


def test_a_convolutional_network_exports(run, tmp_path):
    images = np.random.default_rng(0).normal(size=(20, 6, 6, 1)).astype(np.float32)
    conv = lucidnet.ConvNetClassifier(max_iter=1, random_state=0).fit(images, [0, 1] * 10)
    lucidnet.save(conv, tmp_path / "conv.npz")
    status, out, err = run("export", tmp_path / "conv.npz", tmp_path / "conv.onnx")
    assert (status, err) == (0, "") and "ConvNetClassifier" in out
    label, _ = outputs(tmp_path / "conv.onnx", images.reshape(20, -1))
    np.testing.assert_array_equal(label, conv.predict(images))


def test_export_never_writes_over_the_model(X, run, tmp_path):
    path = tmp_path / "reg.npz"
    lucidnet.save(lucidnet.MLPRegressor(hidden_layer_sizes=(3,), max_iter=2).fit(X, X[:, 0]), path)
    before = path.read_bytes()
    status, _, err = run("export", path, path)
    assert status == 2 and "same file" in err
    assert path.read_bytes() == before


def test_info_says_what_an_onnx_file_is(X, run, tmp_path):
    reg = lucidnet.MLPRegressor(hidden_layer_sizes=(3,), max_iter=2).fit(X, X[:, :2])
    lucidnet.save(reg, tmp_path / "reg.npz")
    run("export", tmp_path / "reg.npz", tmp_path / "reg.onnx", "--opset", "15")
    status, out, err = run("info", tmp_path / "reg.onnx")
    assert (status, err) == (0, "")
    assert "a lucidnet MLPRegressor as ONNX" in out and "ai.onnx 15" in out
    assert "X: float (N, 3)" in out and "variable: float (N, 2)" in out


def test_info_on_someone_elses_onnx_file(X, run, tmp_path):
    skl2onnx = pytest.importorskip("skl2onnx")
    from sklearn.linear_model import LinearRegression

    exported = skl2onnx.to_onnx(LinearRegression().fit(X, X[:, 0]), X[:1].astype(np.float32))
    (tmp_path / "linear.onnx").write_bytes(exported.SerializeToString())
    status, out, _ = run("info", tmp_path / "linear.onnx")
    assert status == 0 and "not written by lucidnet (producer: skl2onnx" in out
    assert "X: float (?, 3)" in out and "variable: float" in out
    (tmp_path / "text.onnx").write_text("not a graph")
    status, _, err = run("info", tmp_path / "text.onnx")
    assert status == 2 and "not a readable ONNX file" in err
