"""A column of numbers stays numbers: missing markers are missing, and a
stray non-number is reported, never turning every number into a category."""

import math

import numpy as np
import pytest

from lucidnet.cli.cells import (
    column_kind,
)
from lucidnet.cli.data_files import (
    DataError,
    read_table,
)

pd = pytest.importorskip("pandas")

FAST = ["--max-iter", "30", "--hidden", "8", "--quiet"]
MARKERS = ["?", "-", "n/a", "N/A", "NA", "null", "NULL", "none", "None", "nan", "NaN", "", " "]


def prices(n=200, seed=0):
    """Two numeric features and a price (a regression target, 2 decimals)."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"x1": rng.normal(size=n).round(3), "x2": rng.normal(size=n).round(3)})
    frame["price"] = (50 + 3 * frame.x1 - 2 * frame.x2 + rng.normal(size=n) * 0.3).round(2)
    return frame.astype(object)


@pytest.mark.parametrize("marker", MARKERS)
def test_missing_markers_in_a_numeric_column_count_as_missing(tmp_path, run, marker):
    frame = prices()
    frame.loc[5, "x1"] = marker
    frame.to_csv(tmp_path / "prices.csv", index=False)
    assert read_table(tmp_path / "prices.csv")["x1"].isna().sum() == 1
    status, out, err = run(
        "train", tmp_path / "prices.csv", "--target", "price", "--out", tmp_path / "m.npz", *FAST
    )
    assert status == 0, err
    assert "2 feature columns (2 numeric, 0 text) -> 2 network inputs" in out
    assert "filled 1 cell: x1 1 (median " in out


@pytest.mark.parametrize("stray", ["abc", "inf", "-inf", "12,5", "1.2.3", "3 kg", "TRUE"])
def test_a_stray_non_number_in_a_numeric_column_is_reported_with_row_and_value(
    tmp_path, run, stray
):
    frame = prices()
    frame.loc[6, "x2"] = stray
    frame.to_csv(tmp_path / "prices.csv", index=False)
    status, out, err = run(
        "train", tmp_path / "prices.csv", "--target", "price", "--out", tmp_path / "m.npz", *FAST
    )
    assert status == 2 and out == ""
    assert (
        f"column 'x2' holds numbers ({len(frame) - 1} of {len(frame)} values), but {stray!r} "
        "in data row 7 is not a number"
    ) in err
    assert err.count("\n") == 1 and len(err) < 300


def test_a_regression_target_with_a_missing_marker_stays_regression(tmp_path, run):
    frame = prices()
    frame.loc[17, "price"] = "?"
    frame.to_csv(tmp_path / "prices.csv", index=False)
    status, out, err = run(
        "train", tmp_path / "prices.csv", "--target", "price", "--out", tmp_path / "m.npz", *FAST
    )
    assert status == 0, err
    distinct = frame["price"].drop(17).nunique()
    assert f"Task: regression (target 'price' has {distinct} distinct non-integer values" in out
    assert "Left out 1 row with no value for the target 'price'" in out
    assert f"({math.ceil(0.2 * (len(frame) - 1))} rows, --test-size 0.2)" in out
    assert "R^2:" in out and "Confusion matrix" not in out


def test_a_regression_target_with_a_stray_cell_is_reported_not_classified(tmp_path, run):
    frame = prices()
    frame.loc[17, "price"] = "call us"
    frame.to_csv(tmp_path / "prices.csv", index=False)
    status, out, err = run(
        "train", tmp_path / "prices.csv", "--target", "price", "--out", tmp_path / "m.npz", *FAST
    )
    assert status == 2 and out == ""
    assert "column 'price' holds numbers" in err and "'call us' in data row 18" in err
    assert not (tmp_path / "m.npz").exists()


def test_several_stray_cells_are_counted(tmp_path):
    path = tmp_path / "data.csv"
    values = [str(i) for i in range(40)]
    values[3], values[30] = "x", "y"
    path.write_text("a\n" + "\n".join(values) + "\n")
    frame = read_table(path)
    with pytest.raises(DataError, match=r"but 'x' in data row 4 and 1 other cell is not"):
        column_kind(frame["a"], path, "a")


def test_a_column_with_many_non_numbers_is_text(tmp_path):
    # 8 numbers in 10 cells: sizes written "S", "M" or as numbers is text, not a slip
    path = tmp_path / "sizes.csv"
    path.write_text("size\n" + "\n".join(["S", "M", *map(str, range(36, 44))]) + "\n")
    assert column_kind(read_table(path)["size"], path, "size") == "text"
    # 9 of 10 is mostly numbers: the non-number is reported
    path.write_text("size\n" + "\n".join(["S", *map(str, range(36, 45))]) + "\n")
    with pytest.raises(DataError, match="holds numbers"):
        column_kind(read_table(path)["size"], path, "size")


def test_a_column_without_any_value_is_refused_naming_it(tmp_path, run):
    frame = prices()
    frame["notes"] = np.nan
    frame.to_csv(tmp_path / "prices.csv", index=False)
    status, _, err = run(
        "train", tmp_path / "prices.csv", "--target", "price", "--out", tmp_path / "m.npz", *FAST
    )
    assert status == 2
    assert "column 'notes' has no values (every cell is missing); leave it out with --ignore" in err
    status, _, err = run(
        "train", tmp_path / "prices.csv", "--target", "price", "--out", tmp_path / "m.npz",
        "--ignore", "notes", *FAST,
    )  # fmt: skip
    assert status == 0, err
