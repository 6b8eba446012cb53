"""predict and transform read a CSV file in chunks (--chunk-rows, or by
themselves for a file too large to read whole) with the same output and the
same notes as reading it whole, and write their output as they go."""

import io

import numpy as np
import pandas as pd
import pytest

from lucidnet.cli import model_inputs

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
FAST = ["--max-iter", "20", "--quiet"]


def same_table(a: str, b: str) -> bool:
    """The same CSV table: the same header and text cells; numbers equal to
    1e-12 (a matrix product of fewer rows may round its last bits otherwise)."""
    a, b = pd.read_csv(io.StringIO(a)), pd.read_csv(io.StringIO(b))
    assert list(a.columns) == list(b.columns) and a.shape == b.shape
    for column in a.columns:
        if a[column].dtype.kind == "f":
            np.testing.assert_allclose(a[column], b[column], rtol=1e-12, atol=1e-15)
        else:
            assert (a[column] == b[column]).all()
    return True


@pytest.fixture(scope="module")
def species_model(penguins_csv, tmp_path_factory):
    from lucidnet.cli.main import main

    path = tmp_path_factory.mktemp("models") / "species.npz"
    assert main(["train", str(penguins_csv), "--target", "species", "--out", str(path), *FAST]) == 0
    return path


@pytest.fixture(scope="module")
def new_penguins(penguins_csv, tmp_path_factory):
    """The penguins with islands the model never saw, in rows of several chunks,
    a column it does not use, and the missing cells of the original."""
    frame = pd.read_csv(penguins_csv, dtype=str, keep_default_na=False)
    frame.loc[[5, 120, 121, 300], "island"] = ["Anvers", "Anvers", "Cuverville", "Anvers"]
    frame["note"] = "x"
    path = tmp_path_factory.mktemp("data") / "new.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("chunk_rows", ["1", "50", "344", "1000"])
def test_predict_in_chunks_writes_what_the_whole_read_writes(run, species_model, new_penguins,
                                                             chunk_rows):  # fmt: skip
    whole = run("predict", species_model, new_penguins, "--proba")
    chunked = run("predict", species_model, new_penguins, "--proba", "--chunk-rows", chunk_rows)
    assert whole[0] == chunked[0] == 0, chunked[2]
    assert same_table(chunked[1], whole[1]) and len(whole[1].splitlines()) == 345
    # The notes count every chunk's rows: 4 rows of 2 unseen islands, the filled cells.
    assert chunked[2] == whole[2]
    assert "island 4 rows (2 values: 'Anvers', 'Cuverville')" in whole[2]
    assert "Missing values, as in training: filled" in whole[2] and "ignoring column" in whole[2]


def test_a_large_file_streams_by_itself_and_says_so(run, species_model, new_penguins, tmp_path,
                                                    monkeypatch):  # fmt: skip
    whole = run("predict", species_model, new_penguins, "--out", tmp_path / "whole.csv")
    monkeypatch.setattr(model_inputs, "STREAM_ABOVE", 1000)  # bytes a whole read may take
    monkeypatch.setattr(model_inputs, "CHUNK_BYTES", 2000)  # of text per chunk
    status, _, err = run("predict", species_model, new_penguins, "--out", tmp_path / "parts.csv")
    assert whole[0] == status == 0, err
    assert "would take about" in err and "streaming it in chunks of 1,000 rows" in err
    assert same_table((tmp_path / "parts.csv").read_text(), (tmp_path / "whole.csv").read_text())
    assert "Wrote 344 predictions to" in err


def test_a_bad_row_in_a_later_chunk_leaves_the_output_alone(run, species_model, new_penguins,
                                                            tmp_path):  # fmt: skip
    frame = pd.read_csv(new_penguins, dtype=str, keep_default_na=False)
    frame.loc[300, "bill_length_mm"] = "forty"
    bad = tmp_path / "bad.csv"
    frame.to_csv(bad, index=False)
    out = tmp_path / "predictions.csv"
    out.write_text("precious\n")
    status, _, err = run("predict", species_model, bad, "--out", out, "--chunk-rows", "100")
    assert status == 2 and "'forty' in data row 301" in err  # counted over all chunks
    assert out.read_text() == "precious\n"  # not replaced, not half-written
    assert not [p for p in tmp_path.iterdir() if p.name not in ("bad.csv", "predictions.csv")]


def test_transform_and_reconstructions_in_chunks(run, penguins_csv, tmp_path):
    model = tmp_path / "ae.npz"
    status, _, err = run("train", penguins_csv, "--autoencoder", "2", "--out", model, *FAST)
    assert status == 0, err
    for command in ("transform", "predict"):
        whole = run(command, model, penguins_csv)
        chunked = run(command, model, penguins_csv, "--chunk-rows", "64")
        assert whole[0] == chunked[0] == 0
        assert same_table(chunked[1], whole[1]) and len(chunked[1].splitlines()) == 345
    whole = run("evaluate", model, penguins_csv)
    chunked = run("evaluate", model, penguins_csv, "--chunk-rows", "64")
    assert whole[0] == chunked[0] == 0 and "344 rows" in chunked[1]
    assert whole[1].splitlines()[0] == chunked[1].splitlines()[0]  # what was measured
    errors = [float(out.split("Autoencoder:")[1].split()[0]) for out in (whole[1], chunked[1])]
    assert errors[0] == pytest.approx(errors[1], rel=1e-6)  # shown to 4 significant digits


def test_chunk_rows_reads_an_npz_whole_and_says_so(run, tmp_path):
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((60, 4)), np.arange(60) % 2
    np.savez(tmp_path / "data.npz", X=X, y=y)
    model = tmp_path / "model.npz"
    assert run("train", tmp_path / "data.npz", "--target", "y", "--out", model, *FAST)[0] == 0
    whole = run("predict", model, tmp_path / "data.npz")
    status, out, err = run("predict", model, tmp_path / "data.npz", "--chunk-rows", "7")
    assert status == 0 and out == whole[1]
    assert "--chunk-rows reads CSV files in chunks" in err and "read whole" in err


@pytest.mark.parametrize("chunk_rows", ["1", "100"])
def test_evaluate_in_chunks_reports_what_the_whole_read_reports(run, species_model, new_penguins,
                                                                tmp_path, chunk_rows):  # fmt: skip
    frame = pd.read_csv(new_penguins, dtype=str, keep_default_na=False)
    frame.loc[[0, 150, 151, 343], "species"] = "NA"  # no target: left out, in several chunks
    frame.loc[200, "species"] = "Emperor"  # a class the model never saw
    path = tmp_path / "labelled.csv"
    frame.to_csv(path, index=False)
    whole = run("evaluate", species_model, path)
    chunked = run("evaluate", species_model, path, "--chunk-rows", chunk_rows)
    assert whole[0] == chunked[0] == 0, chunked[2]
    assert chunked[1] == whole[1] and chunked[2] == whole[2]
    assert "Left out 4 rows with no value for the target 'species'" in whole[1]
    assert "1 class the model was never trained on: 'Emperor' (1 row" in whole[1]
    assert "island 4 rows" in whole[1] and "(340 rows, target 'species')" in whole[1]
