"""Values that train cannot scale or learn from, named in one line, and column
names that hints and --ignore must carry whole (issue 16, final review)."""

import shlex

import numpy as np
import pytest
from sklearn.model_selection import train_test_split

import lucidnet
from lucidnet.exceptions import TrainingDivergedError

pd = pytest.importorskip("pandas")
QUIET = ["--hidden", "8", "--max-iter", "20", "--quiet"]


def table(n=100, seed=0):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n)})
    frame["y"] = 2 * frame["a"] + frame["b"]
    return frame


def held_out_rows(n=100):
    return train_test_split(np.arange(n), test_size=0.2, random_state=0)[1]


def train(run, frame, tmp_path, *options):
    """Train on ``frame`` over an existing model file; the status, output and
    error, and whether that file was left exactly as it was."""
    frame.to_csv(tmp_path / "data.csv", index=False)
    model = tmp_path / "m.npz"
    model.write_bytes(b"an existing model file")
    status, out, err = run("train", tmp_path / "data.csv", "--out", model, *QUIET, *options)
    return status, out, err, model.read_bytes() == b"an existing model file"


def assert_one_clear_line(err):
    assert err.startswith("lucidnet train: error: ") and err.count("\n") == 1, err
    for words in ("Traceback", "a bug", "contains NaN", "Input X", "sklearn", "scikit-learn"):
        assert words not in err, err


# ------------------------------------------------------------- huge values
@pytest.mark.parametrize(
    "values, overflows",
    [
        (lambda n: np.where(np.arange(n) % 2, 1e308, -1e308), "their sum, for the mean, overflows"),
        (
            lambda n: np.r_[1e200, np.zeros(n - 1)],
            "the squares in their standard deviation overflow",
        ),
    ],
    ids=["plus-minus 1e308", "one cell of 1e200"],
)
def test_a_column_too_large_to_scale_is_named_and_nothing_is_written(
    run, tmp_path, values, overflows
):
    """Before: a saved model with a NaN loss_ that info and predict refuse, or
    scikit-learn's 'Input X contains NaN'."""
    frame = table()
    frame["a"] = values(len(frame))
    status, out, err, kept = train(run, frame, tmp_path, "--target", "y")
    assert status == 2 and kept
    assert_one_clear_line(err)
    assert "column 'a' has values too large to scale" in err
    assert f"{overflows} float64" in err
    assert "Values up to 1e+150 in magnitude scale" in err
    assert err.rstrip().endswith("or leave it out with --ignore a")


def test_a_regression_target_too_large_to_scale_is_named(run, tmp_path):
    """Before: a traceback ending in 'a bug' from the held-out report (NaN predictions)."""
    frame = table()
    frame["y"] *= 1e300
    status, out, err, kept = train(run, frame, tmp_path, "--target", "y")
    assert status == 2 and kept
    assert_one_clear_line(err)
    assert "target 'y' has values too large to scale" in err and "--ignore" not in err


def test_several_columns_too_large_are_named_at_once(run, tmp_path):
    frame = table()
    frame[["a", "b"]] *= 1e200
    status, out, err, kept = train(run, frame, tmp_path, "--target", "y", "--task", "regression")
    assert status == 2 and kept
    assert "columns 'a', 'b' have values too large to scale" in err
    assert "--ignore a,b" in err


def test_a_held_out_value_beyond_the_training_scaling_is_named(run, tmp_path):
    """Its scaled value overflows though the training rows' scale is finite."""
    frame = table()
    frame["a"] *= 1e-3
    frame.loc[held_out_rows()[0], "a"] = 1e308
    status, out, err, kept = train(run, frame, tmp_path, "--target", "y")
    assert status == 2 and kept
    assert_one_clear_line(err)
    assert "column 'a' has values too large for the scaling learned from the training rows" in err
    assert f"(like 1e+308 in data row {held_out_rows()[0] + 1}: subtracting the mean" in err


def test_the_autoencoder_refuses_a_column_too_large_to_scale(run, tmp_path):
    frame = table().assign(c=lambda f: f["a"] - f["b"])
    frame.loc[3, "b"] = 1e200
    status, out, err, kept = train(run, frame, tmp_path, "--autoencoder", "1")
    assert status == 2 and kept
    assert "column 'b' has values too large to scale" in err


# --------------------------------------------------------------- divergence
def test_training_that_diverges_anyway_writes_nothing(run, tmp_path, monkeypatch):
    """The estimator's TrainingDivergedError, in the command's words."""

    def diverging_fit(self, X, y, **kwargs):
        raise TrainingDivergedError(
            "Training diverged in epoch 3: the loss became inf. Try a smaller "
            "learning_rate_init than 0.001 (or scale the input features); the weights were "
            "restored to where this call to fit started."
        )

    monkeypatch.setattr(lucidnet.MLPRegressor, "fit", diverging_fit)
    status, out, err, kept = train(run, table(), tmp_path, "--target", "y")
    assert status == 2 and kept
    assert_one_clear_line(err)
    assert "training diverged (in epoch 3: the loss became inf), so no model was written" in err
    assert "learning_rate_init" not in err  # not an option of the command


@pytest.mark.parametrize("curve", ["loss_curve_", "validation_scores_"])
def test_a_fit_whose_record_is_not_finite_writes_nothing(run, tmp_path, monkeypatch, curve):
    """Early stopping keeps the best weights when later epochs diverge, but the
    NaN in the record made a file that load refuses."""
    fit = lucidnet.MLPRegressor.fit

    def fit_then_diverge(self, X, y, **kwargs):
        fit(self, X, y, **kwargs)
        getattr(self, curve)[1] = float("nan")
        return self

    monkeypatch.setattr(lucidnet.MLPRegressor, "fit", fit_then_diverge)
    status, out, err, kept = train(run, table(), tmp_path, "--target", "y")
    assert status == 2 and kept
    assert_one_clear_line(err.replace("became nan", "became n"))
    assert "training diverged (in epoch 2: the " in err and "so no model was written" in err


def test_non_finite_held_out_predictions_are_an_error_not_a_traceback(run, tmp_path, monkeypatch):
    def overflowing(self, X):
        return np.full(len(X), np.inf)

    monkeypatch.setattr(lucidnet.MLPRegressor, "predict", overflowing)
    status, out, err, kept = train(run, table(), tmp_path, "--target", "y")
    assert status == 2 and kept
    assert_one_clear_line(err)
    assert "the model's predictions for 20 held-out rows are not finite" in err


# ------------------------------------------------- column names and --ignore
def awkward_table():
    """Columns whose names a shell or a comma-separated list would split."""
    frame = table()
    frame["a,b"] = np.nan  # empty: the hint names it
    frame["it's id"] = [f"row {i}" for i in range(len(frame))]  # an ID
    return frame


def pasted(err, option="--ignore"):
    """The arguments a hint gives, as a shell would split them."""
    return shlex.split(option + err.split(option, 1)[1].split(";")[0])


def test_a_column_named_with_a_comma_can_be_left_out_by_pasting_the_hint(run, tmp_path):
    status, out, err, kept = train(run, awkward_table(), tmp_path, "--target", "y")
    assert status == 2 and kept
    assert "column 'a,b' has no values" in err
    assert "leave it out with --ignore a,b" in err  # a,b needs no quotes in a shell
    status, out, err, _ = train(
        run, awkward_table(), tmp_path, "--target", "y", *pasted(err), "--ignore", "it's id"
    )
    assert status == 0, err
    assert "Left out with --ignore: 'a,b', it's id" in out


def test_a_hint_for_a_name_with_a_quote_pastes_back_whole(run, tmp_path):
    frame = awkward_table().drop(columns="a,b")
    status, out, err, _ = train(run, frame, tmp_path, "--target", "y")
    assert status == 0, err
    note = next(line for line in out.splitlines() if "distinct value" in line)
    arguments = pasted(note)
    assert arguments == ["--ignore", "it's id"]
    status, out, err, _ = train(run, frame, tmp_path, "--target", "y", *arguments)
    assert status == 0 and "distinct value" not in out


def test_ignore_takes_a_column_name_with_a_comma_whole_and_splits_other_values(run, tmp_path):
    frame = awkward_table().assign(**{"a,b": 1.0})
    status, out, err, _ = train(
        run, frame, tmp_path, "--target", "y", "--ignore", "a,b", "--ignore", "it's id,b"
    )
    assert status == 0, err
    assert "Left out with --ignore: 'a,b', it's id, b" in out
    assert "1 numeric, 0 text" in out


def test_hints_for_several_columns_with_commas_give_each_its_own_option(run, tmp_path):
    frame = table().assign(**{"p,q": np.nan, "r": np.nan})
    status, out, err, _ = train(run, frame, tmp_path, "--target", "y")
    assert status == 2
    assert "columns 'p,q', 'r' have no values" in err
    assert "leave them out with --ignore r --ignore p,q" in err


# ----------------------------------------------------------------- grammar
def test_one_held_out_row_is_one_row(run, tmp_path):
    frame = table(n=10).assign(c=lambda f: f["a"] - f["b"])
    status, out, err, _ = train(run, frame, tmp_path, "--autoencoder", "1", "--test-size", "0.1")
    assert status == 0, err
    assert "on 9 rows, holding out 1" in out
    assert "Reconstruction error on the 1 held-out row (" in out


def test_predict_and_evaluate_name_a_value_too_large_for_the_models_scaling(run, tmp_path):
    """Before: scikit-learn's 'Input X contains infinity' with a traceback."""
    frame = table()
    frame["a"] *= 1e-3
    status, out, err, _ = train(run, frame, tmp_path, "--target", "y")
    assert status == 0, err
    frame.loc[4, "a"] = 1e308
    frame.to_csv(tmp_path / "new.csv", index=False)
    for command in ("predict", "evaluate"):
        status, out, err = run(command, tmp_path / "m.npz", tmp_path / "new.csv")
        assert status == 2 and err.count("\n") == 1, err
        assert f"lucidnet {command}: error: " in err and "Traceback" not in err
        assert "column 'a' has values too large for the scaling learned" in err
        assert "(like 1e+308 in data row 5: " in err
