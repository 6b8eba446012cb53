"""``evaluate`` refuses a target column that cannot be the one the model predicts."""

import pytest

pd = pytest.importorskip("pandas")

FAST = ["--max-iter", "200", "--hidden", "16", "--quiet"]


@pytest.fixture(scope="module")
def models(penguins_csv, tmp_path_factory):
    """A classifier of text classes (species) and one of integer classes (a
    0/1/2 code), both trained on the penguins file."""
    from lucidnet.cli.main import main

    folder = tmp_path_factory.mktemp("models")
    frame = pd.read_csv(penguins_csv)
    frame["code"] = frame["species"].map({"Adelie": 0, "Chinstrap": 1, "Gentoo": 2})
    frame["ratio"] = (frame["bill_length_mm"] / frame["bill_depth_mm"]).round(3)
    frame.to_csv(folder / "coded.csv", index=False)
    paths = {"text": folder / "text.npz", "integers": folder / "integers.npz"}
    for target, path in [("species", paths["text"]), ("code", paths["integers"])]:
        others = ",".join({"species", "code", "ratio"} - {target})  # not features: answers
        args = ["train", folder / "coded.csv", "--target", target, "--out", path, *FAST]
        assert main([str(a) for a in [*args, "--ignore", others]]) == 0
    return paths, folder / "coded.csv"


@pytest.mark.parametrize(
    "classes, column, message",
    [
        ("text", "body_mass_g", "target 'body_mass_g' holds numbers (like '"),
        ("text", "code", "target 'code' holds numbers (like '0'), but the model's classes are"),
        ("integers", "species", "target 'species' holds text (like 'Adelie'), but the model's"),
        ("integers", "ratio", "target 'ratio' holds numbers with decimals (like '"),
        ("text", "island", "none of the values of target 'island' (like '"),
        ("integers", "body_mass_g", "none of the values of target 'body_mass_g' (like '"),
    ],
)
def test_evaluate_refuses_a_target_column_of_another_type(models, run, classes, column, message):
    paths, data = models
    status, out, err = run("evaluate", paths[classes], data, "--target", column)
    assert status == 2 and out == ""
    assert message in err and err.count("\n") == 1
    known = "Adelie, Chinstrap, Gentoo" if classes == "text" else "0, 1, 2"
    assert f"({known}): is {column!r} the column the model predicts?" in err


@pytest.mark.parametrize("classes, column", [("text", "species"), ("integers", "code")])
def test_evaluate_on_the_right_column_still_reports(models, run, classes, column):
    paths, data = models
    status, out, err = run("evaluate", paths[classes], data, "--target", column)
    assert status == 0, err
    accuracy = float(out.split("Accuracy: ")[1].split()[0])
    assert accuracy > 0.8
