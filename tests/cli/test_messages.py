"""Messages a person can act on (issue 16, section 6): hints that paste into a
shell, every empty column at once, a misspelled option's suggestion, the
arrays of an .npz file, negative sizes, plurals, and defaults in --help."""

import shlex

import numpy as np
import pytest

from lucidnet.cli.main import main

pd = pytest.importorskip("pandas")

FAST = ["--max-iter", "20", "--hidden", "8", "--quiet"]


def birds(n=60, seed=0):
    """A table whose ID column's name has a space, as spreadsheets name them."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "Individual ID": [f"N{i}A{i % 7}" for i in range(n)],
            "Clutch Completion": rng.choice(["Yes", "No"], n),
            "Culmen Length (mm)": rng.normal(44, 5, n).round(1),
        }
    )
    frame["Species"] = np.where(frame["Culmen Length (mm)"] > 44, "Gentoo", "Adelie")
    return frame


def usage_error(capsys, *args):
    with pytest.raises(SystemExit) as info:
        main([str(a) for a in args])
    assert info.value.code == 2
    return capsys.readouterr().err


def pasted(hint_line, option="--ignore"):
    """The words after ``option`` in a line, as a shell reads them."""
    words = shlex.split(hint_line.split(option, 1)[1])
    return words[0]


def test_hints_quote_column_names_for_the_shell(run, tmp_path):
    birds().to_csv(tmp_path / "birds.csv", index=False)
    model = tmp_path / "m.npz"
    status, out, err = run("train", tmp_path / "birds.csv", "--target", "Species",
                           "--out", model, *FAST)  # fmt: skip
    assert status == 0, err
    note = next(line for line in out.splitlines() if "'Individual ID'" in line)
    assert "--ignore 'Individual ID'" in note
    assert pasted(note) == "Individual ID"
    # an ID the model never saw, refused with --strict: its hint is shell-safe too
    birds(seed=1).assign(**{"Individual ID": [f"M{i}" for i in range(60)]}).to_csv(
        tmp_path / "new.csv", index=False
    )
    status, _, err = run("predict", model, tmp_path / "new.csv", "--strict")
    assert status == 2 and "train again with --ignore 'Individual ID'" in err
    # a column that counts up row by row
    frame = birds().drop(columns="Individual ID").assign(**{"Row No": range(1, 61)})
    frame.to_csv(tmp_path / "rows.csv", index=False)
    status, out, err = run("train", tmp_path / "rows.csv", "--target", "Species",
                           "--out", model, *FAST)  # fmt: skip
    assert status == 0, err
    note = next(line for line in out.splitlines() if "counts up" in line)
    assert pasted(note) == "Row No"


def test_every_empty_column_is_named_at_once(run, tmp_path):
    frame = birds().assign(**{"Comments": np.nan, "Delta 15 N": np.nan, "Notes": np.nan})
    frame.to_csv(tmp_path / "empty.csv", index=False)
    status, out, err = run("train", tmp_path / "empty.csv", "--target", "Species",
                           "--out", tmp_path / "m.npz", *FAST)  # fmt: skip
    assert status == 2 and out == "" and err.count("\n") == 1
    assert "columns 'Comments', 'Delta 15 N', 'Notes' have no values" in err
    assert pasted(err) == "Comments,Delta 15 N,Notes"
    status, _, err = run("train", tmp_path / "empty.csv", "--target", "Species",
                         "--out", tmp_path / "m.npz", "--ignore", pasted(err), *FAST)  # fmt: skip
    assert status == 0, err


@pytest.mark.parametrize(
    "args, wrong, right",
    [
        (["train", "d.csv", "--taget", "y", "--out", "m.npz"], "--taget", "--target"),
        (["train", "d.csv", "--target", "y", "--max-iters", "5", "--out", "m.npz"],
         "--max-iters", "--max-iter"),
        (["train", "d.csv", "--taget=y"], "--taget", "--target"),  # before --out is missed
        (["evaluate", "m.npz", "d.csv", "--taget", "y"], "--taget", "--target"),
        (["predict", "m.npz", "d.csv", "--proab"], "--proab", "--proba"),
        (["demo", "xor", "--epocs", "5"], "--epocs", "--epochs"),
    ],
)  # fmt: skip
def test_a_misspelled_option_gets_the_subcommands_usage_and_a_suggestion(
    capsys, args, wrong, right
):
    err = usage_error(capsys, *args)
    command = " ".join(args[:2] if args[0] == "demo" else args[:1])
    assert err.startswith(f"usage: lucidnet {command} ")
    assert f"lucidnet {command}: error: unrecognized option {wrong} (did you mean {right}?)" in err


def test_an_unknown_option_without_a_near_name_and_extra_arguments(capsys):
    err = usage_error(capsys, "predict", "m.npz", "d.csv", "--zzz")
    assert err.startswith("usage: lucidnet predict ") and "unrecognized option --zzz" in err
    assert "did you mean" not in err
    err = usage_error(capsys, "predict", "m.npz", "d.csv", "more.csv")
    assert err.startswith("usage: lucidnet predict ")
    assert "lucidnet predict: error: unrecognized arguments: more.csv" in err


def test_abbreviated_options_still_work(run, tmp_path):
    birds().to_csv(tmp_path / "birds.csv", index=False)
    status, _, err = run("train", tmp_path / "birds.csv", "--targ", "Species", "--out",
                         tmp_path / "m.npz", "--ignore", "Individual ID", *FAST)  # fmt: skip
    assert status == 0, err


@pytest.mark.parametrize("form", [["--input-shape", "-8,-8"], ["--input-shape=-8,-8"]])
def test_a_negative_input_shape_gets_our_message(capsys, form):
    err = usage_error(capsys, "train", "d.csv", "--target", "y", "--out", "m.npz", "--conv", "4",
                      *form)  # fmt: skip
    assert "argument --input-shape: expected 1 to 3 positive sizes separated by commas" in err
    assert "got '-8,-8'" in err


@pytest.fixture
def npz_data(tmp_path):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(40, 3)), np.arange(40) % 2
    np.savez(tmp_path / "d.npz", X=X, y=y)
    np.savez(tmp_path / "labels.npz", X=X, labels=y)
    return tmp_path


def test_an_npz_file_names_its_arrays_when_the_target_is_wrong_or_missing(run, npz_data):
    out_model = npz_data / "m.npz"
    status, _, err = run("train", npz_data / "d.npz", "--target", "label", "--out", out_model)
    assert status == 2 and "has no target column 'label'" in err
    assert "the arrays X, y" in err and "--target y" in err
    status, _, err = run("train", npz_data / "d.npz", "--out", out_model)
    assert status == 2 and "the arrays X, y" in err and "--target y" in err
    status, _, err = run("train", npz_data / "labels.npz", "--target", "labels", "--out", out_model)
    assert status == 2 and "the arrays X, labels" in err


def test_counts_of_one_are_singular(run, tmp_path):
    frame = birds().drop(columns="Individual ID").assign(Region="Anvers")
    frame.to_csv(tmp_path / "one.csv", index=False)
    model = tmp_path / "m.npz"
    status, _, err = run("train", tmp_path / "one.csv", "--target", "Species", "--out", model,
                         "--ignore", "Clutch Completion,Culmen Length (mm)", *FAST)  # fmt: skip
    assert status == 0, err
    status, out, _ = run("info", model)
    assert "Region (1 category: Anvers)" in out
    assert "Features expected (1 column):" in out
    frame.iloc[:1][["Region", "Species"]].assign(Extra=1).to_csv(tmp_path / "row.csv", index=False)
    status, _, err = run("predict", model, tmp_path / "row.csv", "--out", tmp_path / "p.csv")
    assert status == 0 and "Wrote 1 prediction to" in err, err
    assert "ignoring column the model does not use: Extra" in err
    status, out, err = run("evaluate", model, tmp_path / "row.csv")
    assert status == 0 and "(1 row, target 'Species')" in out, err


def test_train_help_shows_each_options_default(capsys):
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    for shown in ["(default: relu)", "(default: adam)", "(default: 0.2)", "(default: impute)",
                  "(default: 0)", "(default 200; 500 with --autoencoder)"]:  # fmt: skip
        assert shown in help_text, shown
    assert "default: None" not in help_text and "default: False" not in help_text
