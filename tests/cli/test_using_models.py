"""``predict``, ``evaluate`` and ``transform`` as people use them (issue 16,
section 4): a category or a class the model never saw, and the target column
taken from the model."""

import io

import numpy as np
import pytest

import lucidnet
from lucidnet.cli.main import main
from lucidnet.cli.tabular import input_names, transform
from lucidnet.io.model_file import read_model_file

pd = pytest.importorskip("pandas")

FAST = ["--max-iter", "30", "--hidden", "8", "--quiet"]


@pytest.fixture(scope="module")
def penguins_table(penguins_csv):
    """``penguins_frame()`` as written, cells as text: ``penguins_table()`` is a copy."""
    frame = pd.read_csv(penguins_csv, dtype=str)
    return frame.copy


@pytest.fixture(scope="module")
def penguins(tmp_path_factory, penguins_table):
    """A species classifier, an autoencoder, and files for them: the training
    table, and the same with 'Anvers' for ``island`` in rows 5, 6 and 300 and
    'Cormorant' for ``sex`` in row 7."""
    folder = tmp_path_factory.mktemp("using")
    frame = penguins_table()
    frame.to_csv(folder / "penguins.csv", index=False, na_rep="NA")
    unseen = frame.copy()
    unseen.loc[[5, 6, 300], "island"] = "Anvers"
    unseen.loc[7, "sex"] = "Cormorant"
    unseen.to_csv(folder / "anvers.csv", index=False, na_rep="NA")
    paths = {"data": folder / "penguins.csv", "anvers": folder / "anvers.csv"}
    for name, options in [
        ("clf", ["--target", "species"]),
        ("ae", ["--autoencoder", "2", "--ignore", "species"]),
    ]:
        paths[name] = folder / f"{name}.npz"
        args = ["train", paths["data"], *options, "--out", paths[name], *FAST]
        assert main([str(a) for a in args]) == 0
    return paths


def unseen_note(err):
    lines = [line for line in err.splitlines() if "not trained on" in line]
    assert len(lines) == 1, err
    return lines[0]


def test_predict_keeps_every_row_with_a_category_the_model_never_saw(penguins, run):
    status, out, err = run("predict", penguins["clf"], penguins["anvers"])
    assert status == 0, err
    predicted = pd.read_csv(io.StringIO(out))["prediction"]
    assert len(predicted) == 344
    note = unseen_note(err)
    assert "island 3 rows ('Anvers')" in note and "sex 1 row ('Cormorant')" in note
    assert "--strict" in note
    # the other rows are predicted as before, and an unseen category encodes as
    # none of the known ones (scikit-learn's handle_unknown='ignore')
    _, before, _ = run("predict", penguins["clf"], penguins["data"])
    before = pd.read_csv(io.StringIO(before))["prediction"]
    others = np.setdiff1d(np.arange(344), [5, 6, 7, 300])
    assert (predicted[others] == before[others]).all()
    loaded = read_model_file(penguins["clf"])
    steps = loaded.preprocessing
    frame = pd.read_csv(penguins["data"], dtype=str).iloc[[5, 6, 7, 300]]
    X = transform(steps, frame, "penguins.csv")  # rows as they were, then unseen: all zeros
    names = np.array(input_names(steps))
    X[np.ix_([0, 1, 3], np.char.startswith(names, "island="))] = 0
    X[np.ix_([2], np.char.startswith(names, "sex="))] = 0
    expected = loaded.model.predict(X)
    assert list(predicted[[5, 6, 7, 300]]) == list(expected)


@pytest.mark.parametrize("command", ["predict", "evaluate", "transform"])
def test_strict_refuses_a_category_the_model_never_saw(penguins, run, command):
    model = penguins["ae" if command == "transform" else "clf"]
    status, out, err = run(command, model, penguins["anvers"], "--strict")
    assert status == 2 and out == ""
    assert "column 'island' has the category 'Anvers' (data row 6;" in err
    assert err.count("\n") == 1


def test_evaluate_and_transform_keep_rows_with_an_unseen_category(penguins, run):
    status, out, err = run("evaluate", penguins["clf"], penguins["anvers"])
    assert status == 0, err
    assert "344 rows" in out and "Accuracy: " in out
    assert "island 3 rows ('Anvers')" in unseen_note(out + err)
    status, out, err = run("transform", penguins["ae"], penguins["anvers"])
    assert status == 0, err
    assert len(pd.read_csv(io.StringIO(out))) == 344
    assert "island 3 rows ('Anvers')" in unseen_note(err)
    status, out, err = run("evaluate", penguins["ae"], penguins["anvers"])
    assert status == 0 and "island 3 rows ('Anvers')" in unseen_note(out + err)


def test_many_unseen_values_are_counted_and_a_few_shown(penguins, penguins_table, run, tmp_path):
    frame = penguins_table()
    frame["island"] = [f"Isle {i}" for i in range(len(frame))]
    frame.to_csv(tmp_path / "isles.csv", index=False, na_rep="NA")
    status, out, err = run("predict", penguins["clf"], tmp_path / "isles.csv")
    assert status == 0, err
    note = unseen_note(err)
    assert "island 344 rows (344 values: 'Isle 0', 'Isle 1', 'Isle 2', ...)" in note
    assert "Isle 10" not in note and len(note) < 300


def test_evaluate_says_which_classes_the_model_never_saw(penguins, penguins_table, run, tmp_path):
    frame = penguins_table()
    frame.loc[[0, 1, 2], "species"] = "Emperor"
    frame.loc[3, "species"] = "Macaroni"
    frame.to_csv(tmp_path / "emperor.csv", index=False, na_rep="NA")
    status, out, err = run("evaluate", penguins["clf"], tmp_path / "emperor.csv", "--target",
                           "species")  # fmt: skip
    assert status == 0, err
    lines = [line for line in out.splitlines() if "Emperor" in line and "never" in line]
    assert len(lines) == 1, out
    assert "'Emperor', 'Macaroni'" in lines[0] and "4 rows" in lines[0]
    assert "Emperor" in out.split("Confusion matrix")[1]  # still in the report


def test_evaluate_takes_the_target_column_from_the_model(penguins, run):
    status, out, err = run("evaluate", penguins["clf"], penguins["data"])
    assert status == 0, err
    assert "target 'species'" in out and "Accuracy: " in out
    # --target overrides: a column the model cannot predict is refused as before
    status, _, err = run("evaluate", penguins["clf"], penguins["data"], "--target", "island")
    assert status == 2 and "none of the values of target 'island'" in err


def test_evaluate_without_the_target_column_says_where_it_came_from(
    penguins, penguins_table, run, tmp_path
):
    penguins_table().drop(columns="species").to_csv(tmp_path / "unlabelled.csv", index=False)
    status, _, err = run("evaluate", penguins["clf"], tmp_path / "unlabelled.csv")
    assert status == 2
    assert "has no target column 'species'" in err and "--target" in err


def test_a_model_saved_from_python_still_needs_target(run, tmp_path):
    X, y = np.random.default_rng(0).normal(size=(40, 3)), np.arange(40) % 2
    model = lucidnet.MLPClassifier(hidden_layer_sizes=(4,), max_iter=5).fit(X, y)
    lucidnet.save(model, tmp_path / "py.npz")
    table = pd.DataFrame(X, columns=["a", "b", "c"]).assign(label=y)
    table.to_csv(tmp_path / "t.csv", index=False)
    status, _, err = run("evaluate", tmp_path / "py.npz", tmp_path / "t.csv")
    assert status == 2 and "--target COLUMN is needed" in err
    status, out, err = run("evaluate", tmp_path / "py.npz", tmp_path / "t.csv", "--target", "label")
    assert status == 0, err
