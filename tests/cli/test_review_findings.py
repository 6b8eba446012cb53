"""What a review of the command found, each kept as a test."""

import numpy as np
import pytest

pd = pytest.importorskip("pandas")
FAST = ["--max-iter", "5", "--hidden", "4", "--quiet"]


@pytest.fixture
def junk(tmp_path):
    rng = np.random.default_rng(0)
    x1, x2 = rng.standard_normal(100), rng.standard_normal(100)
    y = (3 * x1 + x2).round(3).astype(object)
    y[rng.choice(100, 15, replace=False)] = "bad"
    pd.DataFrame({"x1": x1, "x2": x2, "y": y}).to_csv(tmp_path / "target.csv", index=False)
    x3 = x1.round(2).astype(object)
    x3[:14] = "n.a."
    frame = pd.DataFrame({"id": np.arange(1000, 1100), "x1": x1, "x3": x3, "y": 3 * x1})
    frame.to_csv(tmp_path / "feature.csv", index=False)
    return tmp_path


def test_a_mostly_numeric_target_with_text_cells_is_refused_not_classified(run, junk):
    status, out, err = run("train", junk / "target.csv", "--target", "y",
                           "--out", junk / "m.npz", *FAST)  # fmt: skip
    assert status == 2 and "target 'y' is mostly numbers (85% of its values)" in err
    assert "--task classification" in err and not (junk / "m.npz").exists()


def test_a_mostly_numeric_feature_read_as_text_and_a_row_number_are_pointed_out(run, junk):
    status, out, err = run("train", junk / "feature.csv", "--target", "y",
                           "--out", junk / "m.npz", *FAST)  # fmt: skip
    assert status == 0, err
    assert "column 'x3' is read as text" in out and "86% of its cells are numbers" in out
    assert "column 'id' counts up row by row" in out and "--ignore id" in out


def test_an_empty_out_is_refused_before_training(run, junk):
    status, out, err = run("train", junk / "feature.csv", "--target", "y", "--out", "", *FAST)
    assert status == 2 and "--out is empty" in err and "Training" not in out


def test_missing_model_columns_are_named_briefly(run, tmp_path):
    X = np.random.default_rng(0).standard_normal((40, 8, 8, 3))
    np.savez(tmp_path / "rgb.npz", X=X, y=np.arange(40) % 2)
    status, _, err = run("train", tmp_path / "rgb.npz", "--target", "y", "--conv", "2",
                         "--out", tmp_path / "m.npz", *FAST)  # fmt: skip
    assert status == 0, err
    np.savez(tmp_path / "gray.npz", X=X[..., 0], y=np.arange(40) % 2)
    status, _, err = run("predict", tmp_path / "m.npz", tmp_path / "gray.npz")
    assert status == 2 and "has no model input column 'x64'" in err
    assert "(128 in all)" in err and len(err) < 400


def test_a_python_model_predicts_on_an_npz_with_y(run, tmp_path):
    from lucidnet import MLPClassifier, save

    X, y = np.random.default_rng(0).standard_normal((30, 4)), np.arange(30) % 2
    save(MLPClassifier(max_iter=2).fit(X, y), tmp_path / "py.npz")
    np.savez(tmp_path / "data.npz", X=X, y=y)
    status, out, err = run("predict", tmp_path / "py.npz", tmp_path / "data.npz")
    assert status == 0, err
    assert len(out.splitlines()) == 31
