"""End-to-end tests of ``lucidnet train / predict / evaluate / info`` on files."""

import io
import json
import os
import subprocess
import sys
import zipfile

import numpy as np
import pytest
from sklearn.datasets import load_diabetes, load_iris
from sklearn.metrics import accuracy_score, r2_score

import lucidnet
from lucidnet.cli import commands
from lucidnet.cli.main import main

pd = pytest.importorskip("pandas")

FAST = ["--max-iter", "60", "--hidden", "16", "--quiet"]


def run(capsys, *args):
    """Exit status, standard output and standard error of one command."""
    status = main([str(a) for a in args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def mixed_frame(n=160, seed=0):
    """Numeric and text columns; the label depends on both."""
    rng = np.random.default_rng(seed)
    size = rng.normal(10, 3, n)
    weight = rng.normal(50, 10, n)
    colour = rng.choice(["red", "green", "blue"], n)
    score = (size - 10) / 3 + (colour == "red") * 1.5 - (colour == "blue") * 1.5
    label = np.where(score > 0.5, "good", np.where(score < -0.5, "bad", "fair"))
    return pd.DataFrame({"size": size, "colour": colour, "weight": weight, "label": label})


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("data")
    mixed = mixed_frame()
    mixed.to_csv(folder / "mixed.csv", index=False)
    iris = load_iris(as_frame=True)
    frame = iris.frame.assign(species=np.asarray(iris.target_names)[iris.target])
    frame.drop(columns="target").to_csv(folder / "iris.csv", index=False)
    load_diabetes(as_frame=True, scaled=False).frame.to_csv(folder / "diabetes.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def trained(files, tmp_path_factory):
    """A model trained by the command on mixed.csv, with its plot and output."""
    folder = tmp_path_factory.mktemp("model")
    model, plot = folder / "mixed.npz", folder / "mixed.png"
    status = main(
        ["train", str(files / "mixed.csv"), "--target", "label", "--out", str(model)]
        + ["--plot", str(plot), "--max-iter", "150", "--hidden", "16,8", "--quiet"]
    )
    assert status == 0
    return model, plot


def test_train_prints_the_task_the_report_and_writes_model_and_plot(files, tmp_path, capsys):
    model, plot = tmp_path / "m.npz", tmp_path / "m.png"
    status, out, err = run(
        capsys, "train", files / "mixed.csv", "--target", "label", "--out", model, "--plot", plot
    )
    assert status == 0, err
    assert "3 feature columns (2 numeric, 1 text)" in out
    assert "-> 5 network inputs" in out  # 2 numeric + 3 colours
    assert "Task: classification (target 'label' has text values" in out
    for part in ("Confusion matrix", "precision", "Accuracy:", "Training time:", "Saved the model"):
        assert part in out
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    loaded = lucidnet.load(model)
    assert sorted(loaded.classes_) == ["bad", "fair", "good"]
    assert loaded.verbose is False
    held_out = 32  # 20% of 160
    assert f"({held_out} rows, --test-size 0.2)" in out
    assert sorted(os.listdir(tmp_path)) == ["m.npz", "m.png"]  # no temporary files left


def test_same_random_state_same_model(files, tmp_path, capsys):
    outputs = []
    for name in ("a.npz", "b.npz"):
        status, out, _ = run(
            capsys,
            "train",
            files / "mixed.csv",
            "--target",
            "label",
            "--out",
            tmp_path / name,
            *FAST,
        )
        assert status == 0
        outputs.append(out.split("Training time")[1].split("Saved")[0].split("\n", 1)[1])
    assert outputs[0] == outputs[1]
    a, b = lucidnet.load(tmp_path / "a.npz"), lucidnet.load(tmp_path / "b.npz")
    assert all(np.array_equal(x, y) for x, y in zip(a.coefs_, b.coefs_))


def test_info_describes_architecture_training_classes_and_features(trained, capsys):
    status, out, _ = run(capsys, "info", trained[0])
    assert status == 0
    assert "MLPClassifier" in out and "format lucidnet-model version 2" in out
    assert f"lucidnet {lucidnet.__version__}" in out
    table = {line[:10].strip(): line[10:].split() for line in out.splitlines()[3:9]}
    assert table["input"] == ["(n,", "5)", "0"]  # 2 numeric columns + 3 colours
    assert table["hidden 1"] == ["(n,", "16)", "96", "relu"]  # 5 * 16 + 16
    assert table["hidden 2"] == ["(n,", "8)", "136", "relu"]
    assert table["output"] == ["(n,", "3)", "27", "softmax"]
    assert table["total"] == [str(96 + 136 + 27)]
    assert "Classes (3): bad, fair, good" in out
    assert "numeric, standardized: size, weight" in out
    assert "text, one-hot: colour (3 categories: blue, green, red)" in out
    assert "max_iter=150" in out and "Epochs run:" in out


def test_predict_writes_one_row_per_input_row_with_or_without_target(
    trained, files, tmp_path, capsys
):
    model = trained[0]
    status, out, _ = run(capsys, "predict", model, files / "mixed.csv")
    assert status == 0
    from_stdout = pd.read_csv(io.StringIO(out))
    assert list(from_stdout.columns) == ["prediction"] and len(from_stdout) == 160

    features_only = tmp_path / "features.csv"
    mixed_frame().drop(columns="label").to_csv(features_only, index=False)
    target = tmp_path / "predictions.csv"
    status, _, err = run(capsys, "predict", model, features_only, "--proba", "--out", target)
    assert status == 0 and "Wrote 160 predictions" in err
    written = pd.read_csv(target)
    assert list(written["prediction"]) == list(from_stdout["prediction"])
    probabilities = written[["probability_bad", "probability_fair", "probability_good"]]
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    best = probabilities.to_numpy().argmax(axis=1)
    assert list(np.array(["bad", "fair", "good"])[best]) == list(written["prediction"])


def test_evaluate_reports_what_predict_predicts(trained, files, tmp_path, capsys):
    model = trained[0]
    status, out, _ = run(capsys, "predict", model, files / "mixed.csv")
    predicted = pd.read_csv(io.StringIO(out))["prediction"]
    truth = mixed_frame()["label"]
    plot = tmp_path / "evaluation.png"
    status, out, _ = run(
        capsys, "evaluate", model, files / "mixed.csv", "--target", "label", "--plot", plot
    )
    assert status == 0
    assert f"Accuracy: {accuracy_score(truth, predicted):.4f}" in out
    assert "Confusion matrix" in out and plot.exists()


def test_iris_classification_learns(files, tmp_path, capsys):
    status, out, _ = run(
        capsys, "train", files / "iris.csv", "--target", "species", "--out", tmp_path / "i.npz",
        "--quiet", "--max-iter", "300", "--hidden", "20",
    )  # fmt: skip
    assert status == 0
    accuracy = float(out.split("Accuracy: ")[1].split()[0])
    assert accuracy > 0.85


def test_diabetes_regression_reports_r2_mae_rmse(files, tmp_path, capsys):
    model = tmp_path / "d.npz"
    status, out, _ = run(
        capsys, "train", files / "diabetes.csv", "--target", "target", "--out", model, *FAST
    )
    assert status == 0
    assert "Task: regression (target 'target' has 214 distinct integer values" in out
    assert "R^2:" in out and "MAE:" in out and "RMSE:" in out
    status, out, _ = run(capsys, "predict", model, files / "diabetes.csv")
    predicted = pd.read_csv(io.StringIO(out))["prediction"].to_numpy()
    truth = load_diabetes().target
    assert predicted.mean() == pytest.approx(truth.mean(), rel=0.2)  # in the data's units
    status, out, _ = run(capsys, "evaluate", model, files / "diabetes.csv", "--target", "target")
    assert status == 0
    r2 = float(out.split("R^2:")[1].split()[0])
    assert r2 == pytest.approx(r2_score(truth, predicted), abs=1e-4)
    assert r2 > 0.2


def test_npz_data_and_integer_classes(tmp_path, capsys):
    X, y = load_iris(return_X_y=True)
    data = tmp_path / "iris.npz"
    np.savez(data, X=X, y=y)
    status, out, _ = run(capsys, "train", data, "--target", "y", "--out", tmp_path / "m.npz", *FAST)
    assert status == 0
    assert "Task: classification (target 'y' has 3 distinct integer values" in out
    assert lucidnet.load(tmp_path / "m.npz").classes_.tolist() == [0, 1, 2]
    status, out, _ = run(
        capsys, "train", data, "--target", "y", "--out", tmp_path / "r.npz", "--task",
        "regression", *FAST,
    )  # fmt: skip
    assert status == 0 and "Task: regression (given with --task)" in out and "R^2:" in out


def test_a_model_saved_from_python_predicts_on_named_columns(tmp_path, capsys):
    frame = mixed_frame()[["size", "weight", "label"]]
    clf = lucidnet.MLPClassifier(hidden_layer_sizes=(4,), max_iter=5, random_state=0)
    with pytest.warns(Warning):
        clf.fit(frame[["size", "weight"]], frame["label"])
    lucidnet.save(clf, tmp_path / "py.npz")
    frame.to_csv(tmp_path / "data.csv", index=False)
    status, out, _ = run(capsys, "predict", tmp_path / "py.npz", tmp_path / "data.csv")
    assert status == 0
    expected = clf.predict(frame[["size", "weight"]])
    assert pd.read_csv(io.StringIO(out))["prediction"].tolist() == list(expected)
    status, out, _ = run(capsys, "info", tmp_path / "py.npz")
    assert "Features expected (2): size, weight" in out


def test_plot_without_matplotlib_prints_a_hint_and_goes_on(files, tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now fails
    plot = tmp_path / "p.png"
    status, out, err = run(
        capsys, "train", files / "mixed.csv", "--target", "label", "--out", tmp_path / "m.npz",
        "--plot", plot, *FAST,
    )  # fmt: skip
    assert status == 0 and "pip install 'lucidnet[plot]'" in err
    assert not plot.exists() and (tmp_path / "m.npz").exists()


def test_progress_bar_on_a_terminal_unless_quiet(files, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    args = ["train", files / "mixed.csv", "--target", "label", "--out", tmp_path / "m.npz"]
    status, _, err = run(capsys, *args, "--max-iter", "5", "--hidden", "4")
    assert status == 0 and "epoch" in err and "val_score" in err and "loss" in err
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    status, _, err = run(capsys, *args, "--max-iter", "5", "--hidden", "4", "--quiet")
    assert status == 0 and "epoch" not in err


def test_unexpected_errors_exit_1_with_a_traceback(files, tmp_path, capsys, monkeypatch):
    def broken(args):
        raise RuntimeError("boom")

    monkeypatch.setattr(commands, "info", broken)
    status, _, err = run(capsys, "info", tmp_path / "m.npz")
    assert status == 1 and "Traceback" in err and "RuntimeError: boom" in err


# ---------------------------------------------------------------- bad input
def write(path, text):
    path.write_text(text)
    return path


def damaged_models(model, folder):
    good = model.read_bytes()
    truncated = folder / "truncated.npz"
    truncated.write_bytes(good[: len(good) // 3])
    random_bytes = folder / "random.npz"
    random_bytes.write_bytes(np.random.default_rng(0).bytes(len(good)))
    renamed_zip = folder / "renamed.npz"
    with zipfile.ZipFile(renamed_zip, "w") as archive:
        archive.writestr("report.txt", "a zip file, but not a model")
    reshaped = folder / "reshaped.npz"
    with np.load(model, allow_pickle=False) as npz:
        entries = {name: npz[name] for name in npz.files}
    entries["coef_1"] = entries["coef_1"][:, :-1]
    with open(reshaped, "wb") as file:
        np.savez(file, **entries)
    return {
        "truncated": (truncated, "truncated"),
        "random": (random_bytes, "not a lucidnet model file"),
        "renamed": (renamed_zip, "no 'metadata' entry"),
        "reshaped": (reshaped, r"coef_1 has shape (16, 7)"),
    }


@pytest.mark.parametrize("kind", ["truncated", "random", "renamed", "reshaped"])
@pytest.mark.parametrize("command", ["info", "predict", "evaluate"])
def test_damaged_model_files_exit_2(trained, files, tmp_path, capsys, kind, command):
    path, message = damaged_models(trained[0], tmp_path)[kind]
    data = [files / "mixed.csv"] if command != "info" else []
    target = ["--target", "label"] if command == "evaluate" else []
    status, out, err = run(capsys, command, path, *data, *target)
    assert status == 2 and out == ""
    assert err.startswith(f"lucidnet {command}: error: {path}: ") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def bad_training_inputs(folder):
    mixed = mixed_frame()
    holes = mixed.copy()
    holes.loc[[3, 7, 8], "weight"] = np.nan
    holes.to_csv(folder / "holes.csv", index=False)
    return {
        "missing file": (folder / "absent.csv", "label", "absent.csv: no such file"),
        "empty file": (write(folder / "empty.csv", ""), "label", "empty.csv: the file is empty"),
        "header only": (write(folder / "header.csv", "a,b\n"), "b", "header but no data rows"),
        "absent target": (
            folder / "mixed.csv",
            "Label",
            "has no target column 'Label'; its columns are: size, colour, weight, label",
        ),
        "missing values": (
            folder / "holes.csv",
            "label",
            "column 'weight' has 3 rows with a missing value (data rows 4, 8, 9)",
        ),
        "target only": (write(folder / "one.csv", "y\n1\n2\n"), "y", "no features"),
        "one class": (write(folder / "same.csv", "x,y\n1,a\n2,a\n"), "y", "a single class 'a'"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "missing file",
        "empty file",
        "header only",
        "absent target",
        "missing values",
        "target only",
        "one class",
    ],
)
def test_bad_training_data_exits_2_naming_the_fault(tmp_path, capsys, case):
    mixed_frame().to_csv(tmp_path / "mixed.csv", index=False)
    data, target, message = bad_training_inputs(tmp_path)[case]
    model = tmp_path / "model.npz"
    strict = ["--missing", "error"] if case == "missing values" else []  # not the default
    status, out, err = run(
        capsys, "train", data, "--target", target, "--out", model, *strict, *FAST
    )
    assert status == 2
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert not model.exists()  # nothing half-made is left behind


def test_regression_on_a_text_target_is_refused(files, tmp_path, capsys):
    status, _, err = run(
        capsys, "train", files / "mixed.csv", "--target", "label", "--out", tmp_path / "m.npz",
        "--task", "regression",
    )  # fmt: skip
    assert status == 2 and "column 'label' has '" in err
    assert "numbers (the task is regression) were expected (160 such rows)" in err


def test_bad_prediction_data_exits_2_naming_the_fault(trained, tmp_path, capsys):
    model = trained[0]
    unseen = mixed_frame()
    unseen.loc[5, "colour"] = "purple"
    unseen.to_csv(tmp_path / "unseen.csv", index=False)
    renamed = mixed_frame().rename(columns={"weight": "mass"})
    renamed.to_csv(tmp_path / "renamed.csv", index=False)
    text = mixed_frame().astype({"size": object})
    text.loc[2, "size"] = "large"
    text.to_csv(tmp_path / "text.csv", index=False)
    cases = [  # an unseen category is predicted, unless --strict (test_using_models.py)
        ("unseen.csv", "column 'colour' has the category 'purple' (data row 6"),
        ("renamed.csv", "no model input column 'weight'; its columns are: size, colour, mass"),
        ("text.csv", "column 'size' has 'large' in data row 3, but numbers were expected"),
    ]
    for name, message in cases:
        out_file = tmp_path / f"{name}.predictions"
        status, out, err = run(
            capsys, "predict", model, tmp_path / name, "--out", out_file, "--strict"
        )
        assert status == 2 and message in err, err
        assert not out_file.exists()


def test_proba_needs_a_classifier(files, tmp_path, capsys):
    model = tmp_path / "r.npz"
    run(capsys, "train", files / "diabetes.csv", "--target", "target", "--out", model, *FAST)
    status, _, err = run(capsys, "predict", model, files / "diabetes.csv", "--proba")
    assert status == 2 and "--proba needs a classification model" in err


def test_an_existing_model_survives_a_failed_train(trained, files, tmp_path, capsys):
    model = tmp_path / "keep.npz"
    model.write_bytes(trained[0].read_bytes())
    status, _, _ = run(capsys, "train", files / "mixed.csv", "--target", "nope", "--out", model)
    assert status == 2 and model.read_bytes() == trained[0].read_bytes()


def test_tampered_preprocessing_is_a_model_file_error(trained, tmp_path, capsys):
    with np.load(trained[0], allow_pickle=False) as npz:
        entries = {name: npz[name] for name in npz.files}
    metadata = json.loads(entries["metadata"].tobytes())
    metadata["preprocessing"]["numeric"]["scale"][0] = -1.0
    entries["metadata"] = np.frombuffer(json.dumps(metadata).encode(), dtype=np.uint8)
    path = tmp_path / "tampered.npz"
    with open(path, "wb") as file:
        np.savez(file, **entries)
    status, _, err = run(capsys, "info", path)
    assert status == 2 and "preprocessing has a scale that is not positive" in err


def test_a_real_process_exits_2_with_one_line(trained, files, tmp_path):
    absent = tmp_path / "absent.npz"
    done = subprocess.run(
        [sys.executable, "-m", "lucidnet", "predict", str(absent), str(files / "mixed.csv")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == f"lucidnet predict: error: {absent}: no such file\n"


def test_info_on_an_lbfgs_model_which_has_no_loss_curve(files, tmp_path, capsys):
    model = tmp_path / "lbfgs.npz"
    status, _, err = run(capsys, "train", files / "iris.csv", "--target", "species", "--out", model,
                         "--solver", "lbfgs", *FAST)  # fmt: skip
    assert status == 0, err
    status, out, err = run(capsys, "info", model)
    assert status == 0, err
    assert "L-BFGS iterations:" in out and "Final training loss:" in out
