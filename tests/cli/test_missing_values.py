"""Missing cells: filled in (the default), their rows left out, or refused."""

import io
import json
import math

import numpy as np
import pytest
from sklearn.metrics import accuracy_score

import lucidnet
from lucidnet.io.model_file import read_model_file

pd = pytest.importorskip("pandas")

FAST = ["--max-iter", "80", "--hidden", "16", "--quiet"]
MEASUREMENTS = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]


def read_back(penguins_csv):
    """The penguins file as a person reads it: NA cells are missing."""
    return pd.read_csv(penguins_csv)


def training_rows(frame, target="species", test_size=0.2, random_state=0):
    """The rows ``train`` learns its steps from: all but the held-out ones, split
    as the command splits (stratified by class, --random-state 0)."""
    from sklearn.model_selection import train_test_split

    rows, _ = train_test_split(
        np.arange(len(frame)), test_size=test_size, random_state=random_state,
        stratify=frame[target],
    )  # fmt: skip
    return frame.iloc[rows]


@pytest.fixture(scope="module")
def imputing_model(penguins_csv, tmp_path_factory):
    from lucidnet.cli.main import main

    path = tmp_path_factory.mktemp("model") / "penguins.npz"
    args = ["train", penguins_csv, "--target", "species", "--out", path, *FAST]
    assert main([str(a) for a in args]) == 0
    return path


def test_penguins_with_na_cells_train_predict_and_evaluate_end_to_end(penguins_csv, tmp_path, run):
    frame = read_back(penguins_csv)
    model = tmp_path / "penguins.npz"
    status, out, err = run("train", penguins_csv, "--target", "species", "--out", model, *FAST)
    assert status == 0, err
    counts = frame.drop(columns="species").isna().sum()
    filled_line = next(line for line in out.splitlines() if line.startswith("Missing values"))
    assert filled_line.startswith(
        f"Missing values (--missing impute): filled {counts.sum()} cells: "
    )
    for column, n in counts.items():
        assert (f"{column} {n} (" in filled_line) == (n > 0)
    learned_from = training_rows(frame)  # the held-out rows shape nothing (issue 16)
    for column in MEASUREMENTS:
        assert f"{column} 2 (median {learned_from[column].median():g})" in filled_line
    assert "sex 11 (as 'missing')" in filled_line
    assert f"({math.ceil(0.2 * len(frame))} rows, --test-size 0.2)" in out  # no row lost

    status, out, err = run("predict", model, penguins_csv)
    assert status == 0, err
    predicted = pd.read_csv(io.StringIO(out))["prediction"]
    assert len(predicted) == len(frame)
    assert f"filled {counts.sum()} cells" in err

    status, out, err = run("evaluate", model, penguins_csv, "--target", "species")
    assert status == 0, err
    assert f"Accuracy: {accuracy_score(frame['species'], predicted):.4f}" in out
    assert f"({len(frame)} rows, target 'species')" in out


def test_fill_values_are_learned_at_training_and_kept_in_the_model_file(
    imputing_model, penguins_csv
):
    frame = read_back(penguins_csv)
    steps = read_model_file(imputing_model).preprocessing
    missing = steps["missing"]
    assert missing["strategy"] == "impute"
    medians = dict(zip(steps["numeric"]["columns"], missing["numeric"]))
    learned_from = training_rows(frame)  # the held-out rows shape nothing (issue 16)
    assert medians == {column: learned_from[column].median() for column in MEASUREMENTS}
    assert medians != {column: frame[column].median() for column in MEASUREMENTS}
    fills = dict(zip(steps["categorical"]["columns"], missing["categorical"]))
    # sex had missing cells: a category of their own; island had none: its mode
    assert fills == {"island": learned_from["island"].mode()[0], "sex": "missing"}
    sex = steps["categorical"]["categories"][steps["categorical"]["columns"].index("sex")]
    assert sorted(sex) == ["female", "male", "missing"]


def test_a_new_missing_cell_at_prediction_is_filled_as_in_training(
    imputing_model, penguins_csv, tmp_path, run
):
    frame = read_back(penguins_csv)
    complete = frame.dropna().head(6).drop(columns="species").reset_index(drop=True)
    holes = complete.astype(object)
    holes.loc[0, "body_mass_g"] = np.nan
    holes.loc[1, "island"] = np.nan  # never missing in training
    holes.loc[2, "sex"] = "?"  # a missing marker
    filled = complete.copy()
    learned_from = training_rows(frame)
    filled.loc[0, "body_mass_g"] = learned_from["body_mass_g"].median()
    filled.loc[1, "island"] = learned_from["island"].mode()[0]
    filled.loc[2, "sex"] = "missing"
    holes.to_csv(tmp_path / "holes.csv", index=False)
    filled.to_csv(tmp_path / "filled.csv", index=False)
    outputs = {}
    for name in ("holes.csv", "filled.csv"):
        status, out, err = run("predict", imputing_model, tmp_path / name, "--proba")
        assert status == 0, err
        outputs[name] = out
    assert outputs["holes.csv"] == outputs["filled.csv"]
    status, _, err = run("predict", imputing_model, tmp_path / "holes.csv")
    assert "Missing values, as in training: filled 3 cells: island 1 (as " in err
    assert "body_mass_g 1 (median " in err and "sex 1 (as 'missing')" in err


def test_rows_with_a_missing_target_are_left_out_with_a_line(penguins_csv, tmp_path, run):
    frame = read_back(penguins_csv)
    n_missing = int(frame["sex"].isna().sum())
    status, out, err = run(
        "train", penguins_csv, "--target", "sex", "--out", tmp_path / "m.npz", *FAST
    )
    assert status == 0, err
    assert f"Left out {n_missing} rows with no value for the target 'sex'" in out
    n_left = len(frame) - n_missing
    assert f"({math.ceil(0.2 * n_left)} rows, --test-size 0.2)" in out
    status, out, err = run("evaluate", tmp_path / "m.npz", penguins_csv, "--target", "sex")
    assert status == 0, err
    assert f"Left out {n_missing} rows with no value for the target 'sex'" in out
    assert f"({n_left} rows, target 'sex')" in out


def test_missing_drop_leaves_out_incomplete_rows(penguins_csv, tmp_path, run):
    frame = read_back(penguins_csv)
    incomplete = int(frame.isna().any(axis=1).sum())
    model = tmp_path / "m.npz"
    status, out, err = run(
        "train", penguins_csv, "--target", "species", "--out", model, "--missing", "drop", *FAST
    )
    assert status == 0, err
    n_left = len(frame) - incomplete
    assert f"Left out {incomplete} rows with a missing value (--missing drop); {n_left} left" in (
        out
    )
    assert f"({math.ceil(0.2 * n_left)} rows, --test-size 0.2)" in out
    assert "Missing values" not in out
    categories = read_model_file(model).preprocessing["categorical"]["categories"]
    assert "missing" not in sum(categories, [])
    # The model does not fill cells in: prediction on rows with holes says so.
    status, _, err = run("predict", model, penguins_csv)
    assert status == 2
    assert "the model was trained with --missing drop, so it does not fill them in" in err


def test_missing_error_refuses_the_first_column_with_a_missing_cell(penguins_csv, tmp_path, run):
    frame = read_back(penguins_csv)
    first = next(c for c in frame.columns if frame[c].isna().any())
    rows = ", ".join(str(i + 1) for i in np.flatnonzero(frame[first].isna()))
    status, out, err = run(
        "train", penguins_csv, "--target", "species", "--out", tmp_path / "m.npz",
        "--missing", "error", *FAST,
    )  # fmt: skip
    assert status == 2 and out == ""
    assert f"column {first!r} has {frame[first].isna().sum()} rows with a missing value" in err
    assert f"(data rows {rows})" in err


def without_fill_values(model, folder):
    """``model`` as written before --missing existed: no 'missing' step."""
    with np.load(model, allow_pickle=False) as npz:
        entries = {name: npz[name] for name in npz.files}
    metadata = json.loads(entries["metadata"].tobytes())
    del metadata["preprocessing"]["missing"]
    entries["metadata"] = np.frombuffer(json.dumps(metadata).encode(), dtype=np.uint8)
    path = folder / "old.npz"
    with open(path, "wb") as file:
        np.savez(file, **entries)
    return path


def test_old_model_files_without_fill_values_still_load_and_predict(penguins_csv, tmp_path, run):
    complete = read_back(penguins_csv).dropna()
    complete.to_csv(tmp_path / "complete.csv", index=False)
    model = tmp_path / "new.npz"
    assert (
        run("train", tmp_path / "complete.csv", "--target", "species", "--out", model, *FAST)[0]
        == 0
    )
    old = without_fill_values(model, tmp_path)
    assert isinstance(lucidnet.load(old), lucidnet.MLPClassifier)
    new_out, old_out = (run("predict", m, tmp_path / "complete.csv")[1] for m in (model, old))
    assert old_out == new_out and len(pd.read_csv(io.StringIO(old_out))) == len(complete)
    assert run("info", old)[0] == 0
    status, _, err = run("predict", old, penguins_csv)
    assert status == 2 and "the model file holds no values to fill them in with" in err


@pytest.mark.parametrize(
    "edit, problem",
    [
        (lambda m: m.update(strategy="guess"), "an unknown way of filling in missing values"),
        (lambda m: m["numeric"].__setitem__(0, "4000"), "invalid fill values for numbers"),
        (lambda m: m["numeric"].pop(), "invalid fill values for numbers"),
        (lambda m: m["categorical"].__setitem__(1, "unknown"), "invalid fill values for text"),
        (lambda m: m["categorical"].__setitem__(1, 3), "invalid fill values for text"),
    ],
)
def test_tampered_fill_values_are_a_model_file_error(imputing_model, tmp_path, run, edit, problem):
    with np.load(imputing_model, allow_pickle=False) as npz:
        entries = {name: npz[name] for name in npz.files}
    metadata = json.loads(entries["metadata"].tobytes())
    edit(metadata["preprocessing"]["missing"])
    entries["metadata"] = np.frombuffer(json.dumps(metadata).encode(), dtype=np.uint8)
    path = tmp_path / "tampered.npz"
    with open(path, "wb") as file:
        np.savez(file, **entries)
    status, _, err = run("info", path)
    assert status == 2 and f"its preprocessing has {problem}" in err


def test_info_says_how_missing_cells_are_treated(imputing_model, penguins_csv, tmp_path, run):
    status, out, _ = run("info", imputing_model)
    island = read_back(penguins_csv)["island"].mode()[0]
    assert status == 0
    assert (
        "Missing cells: filled in (--missing impute): numbers with the training median; "
        f"island with {island!r}, sex with 'missing'"
    ) in out
    model = tmp_path / "drop.npz"
    run("train", penguins_csv, "--target", "species", "--out", model, "--missing", "drop", *FAST)
    assert "Missing cells: not filled in (trained with --missing drop)" in run("info", model)[1]
    old = without_fill_values(model, tmp_path)
    assert "Missing cells: not filled in (no fill values in this model file)" in run("info", old)[1]
