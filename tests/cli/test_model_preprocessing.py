"""The column steps stored in a model file are checked before they are used."""

import json

import numpy as np
import pytest

from lucidnet.cli.main import main

pd = pytest.importorskip("pandas")


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    folder = tmp_path_factory.mktemp("model")
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=40), "b": rng.normal(size=40)})
    frame["y"] = np.where(frame.a + frame.b > 0, "up", "down")
    frame.to_csv(folder / "data.csv", index=False)
    path = folder / "model.npz"
    args = ["train", folder / "data.csv", "--target", "y", "--out", path, "--max-iter", "5"]
    assert main([str(a) for a in [*args, "--hidden", "3", "--quiet"]]) == 0
    return path


def with_metadata_text(model, folder, edit):
    """A copy of ``model`` whose metadata JSON text is ``edit(text)``."""
    with np.load(model, allow_pickle=False) as npz:
        entries = {name: npz[name] for name in npz.files}
    text = edit(entries["metadata"].tobytes().decode())
    entries["metadata"] = np.frombuffer(text.encode(), dtype=np.uint8)
    path = folder / "edited.npz"
    with open(path, "wb") as file:
        np.savez(file, **entries)
    return path


def set_first_mean(value_text):
    """Replace the first stored mean by ``value_text`` written as raw JSON."""

    def edit(text):
        metadata = json.loads(text)
        metadata["preprocessing"]["numeric"]["mean"][0] = "PLACEHOLDER"
        return json.dumps(metadata).replace('"PLACEHOLDER"', value_text)

    return edit


@pytest.mark.parametrize(
    "value_text",
    [str(10**400), "true", "false", "NaN", "Infinity", "1e400", '"0.5"', "null", "[1.0]"],
)
def test_non_finite_or_non_numeric_preprocessing_numbers_are_refused(
    model, tmp_path, capsys, value_text
):
    path = with_metadata_text(model, tmp_path, set_first_mean(value_text))
    status = main(["info", str(path)])
    err = capsys.readouterr().err
    assert status == 2, err
    assert "preprocessing has invalid means" in err and "Traceback" not in err


def test_an_ordinary_number_in_the_preprocessing_is_accepted(model, tmp_path, capsys):
    path = with_metadata_text(model, tmp_path, set_first_mean("0.25"))
    assert main(["info", str(path)]) == 0
