"""train reads a CSV file in chunks (--chunk-rows, or by itself for a file too
large to read whole): the column steps a whole read learns, hold-out rows
chosen by row, training from blocks that are random samples of the file, the
same model from the same command whatever the chunk size."""

import numpy as np
import pandas as pd
import pytest

from lucidnet.cli import model_inputs
from lucidnet.cli.file_survey import MedianSample, Moments, row_uniforms, scale_of
from lucidnet.io.model_file import read_model_file

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def mixed_csv(tmp_path_factory):
    """Numbers and text, missing cells in both, a category only late in the
    file, and a text column whose first 300 rows are all numbers."""
    rng = np.random.default_rng(0)
    n = 500
    frame = pd.DataFrame(
        {
            "a": rng.normal(5, 2, n),
            "b": rng.integers(0, 100, n).astype(float),
            "color": rng.choice(["red", "green", "blue"], n),
            "size": rng.choice(["S", "M", "L", "XL"], n),
            "late": [str(i % 7) for i in range(n)],
        }
    )
    frame["y"] = np.where(frame["a"] + (frame["color"] == "red") * 2 > 6, "yes", "no")
    frame.loc[rng.choice(n, 30), "a"] = np.nan
    frame.loc[rng.choice(n, 20), "color"] = np.nan
    frame.loc[400:, "size"] = frame.loc[400:, "size"].replace("XL", "XXL")
    frame.loc[300:, "late"] = rng.choice(["p", "q"], n - 300)
    path = tmp_path_factory.mktemp("data") / "mixed.csv"
    frame.to_csv(path, index=False)
    return path


def trained(run, tmp_path, data, *options, name="model.npz"):
    out = tmp_path / name
    status, stdout, stderr = run("train", data, "--out", out, "--quiet", *options)
    assert status == 0, stderr
    return read_model_file(out), stdout


def test_streamed_steps_are_those_of_a_whole_read(run, tmp_path, mixed_csv):
    """With every row training (--test-size 0), the steps learned in chunks are
    the whole read's: medians, means and scales (to rounding), categories
    (the late text column's counted in a pass of its own), fill values."""
    options = ["--target", "y", "--test-size", "0", "--max-iter", "2"]
    whole, whole_out = trained(run, tmp_path, mixed_csv, *options, name="whole.npz")
    for rows in ["1", "37", "499"]:
        chunked, out = trained(run, tmp_path, mixed_csv, *options, "--chunk-rows", rows)
        a, b = whole.preprocessing, chunked.preprocessing
        assert a["categorical"] == b["categorical"] and a["missing"] == b["missing"]
        assert a["numeric"]["columns"] == b["numeric"]["columns"] == ["a", "b"]
        for key in ["mean", "scale"]:
            np.testing.assert_allclose(a["numeric"][key], b["numeric"][key], rtol=1e-12)
        assert f"Read {mixed_csv} in chunks of {int(rows):,} rows: 500 rows" in out
        # The same notes: the text column of numbers, the filled cells.
        for line in whole_out.splitlines()[1:3]:
            assert line in out


def test_the_same_command_gives_the_same_model_whatever_the_chunks(run, tmp_path, penguins_csv):
    options = ["--target", "species", "--max-iter", "30", "--random-state", "3"]
    first, out = trained(run, tmp_path, penguins_csv, *options, "--chunk-rows", "50", name="a.npz")
    again, _ = trained(run, tmp_path, penguins_csv, *options, "--chunk-rows", "50", name="b.npz")
    other, out_other = trained(run, tmp_path, penguins_csv, *options, "--chunk-rows", "7")
    for w, v, u in zip(first.model.coefs_, again.model.coefs_, other.model.coefs_):
        np.testing.assert_array_equal(w, v)
        # Other chunks add up the means and scales in another order: the last bits differ.
        np.testing.assert_allclose(w, u, rtol=1e-9, atol=1e-12)
    # The held-out rows are chosen per row: the same report from any chunk size.
    report = out.split("Held-out evaluation")[1].split("Saved")[0]
    assert report == out_other.split("Held-out evaluation")[1].split("Saved")[0]


def test_a_file_sorted_by_class_trains_as_well_as_a_whole_read(run, tmp_path, penguins_csv):
    """The penguins file runs species by species: blocks read in file order
    would be batches of one species; blocks that sample the file are not."""
    options = ["--target", "species", "--random-state", "0"]
    _, out = trained(run, tmp_path, penguins_csv, *options, "--chunk-rows", "40")
    accuracy = float(out.split("Accuracy: ")[1].split()[0])
    held_out = int(out.split("holding out ")[1].split()[0].replace(",", ""))
    assert accuracy >= 0.95 and 40 <= held_out <= 100  # 20% of 342 usable rows is 68


def test_regression_in_chunks_predicts_in_the_targets_units(run, tmp_path):
    from sklearn.datasets import load_diabetes

    frame = load_diabetes(as_frame=True, scaled=False).frame
    path = tmp_path / "diabetes.csv"
    frame.to_csv(path, index=False)
    model, out = trained(run, tmp_path, path, "--target", "target", "--chunk-rows", "64")
    r2 = float(out.split("R^2:")[1].split()[0])
    assert r2 > 0.3, out
    predictions = model.model.predict(np.zeros((1, 10)))  # the mean row
    assert 100 < predictions[0] < 200  # the target's units (its mean is 152), not standardized


def test_a_large_file_streams_by_itself(run, tmp_path, penguins_csv, monkeypatch):
    monkeypatch.setattr(model_inputs, "STREAM_ABOVE", 1)
    monkeypatch.setattr(model_inputs, "CHUNK_BYTES", 4000)
    out = tmp_path / "m.npz"
    status, stdout, stderr = run("train", penguins_csv, "--target", "species", "--out", out,
                                 "--max-iter", "5", "--quiet")  # fmt: skip
    assert status == 0 and "streaming it in chunks of 1,000 rows (--chunk-rows)" in stderr
    assert "in chunks of 1,000 rows" in stdout and out.exists()


def test_bad_cells_in_a_late_chunk_stop_before_any_file_is_written(run, tmp_path, penguins_csv):
    frame = pd.read_csv(penguins_csv, dtype=str, keep_default_na=False)
    frame.loc[300, "bill_depth_mm"] = "17,3"
    path = tmp_path / "slip.csv"
    frame.to_csv(path, index=False)
    out = tmp_path / "m.npz"
    status, _, stderr = run("train", path, "--target", "species", "--out", out,
                            "--chunk-rows", "25")  # fmt: skip
    assert status == 2 and not out.exists()
    assert "'17,3' in data row 301" in stderr, stderr  # the whole read's words and row


@pytest.mark.parametrize(
    "options, words",
    [
        (["--target", "species", "--solver", "lbfgs"], "--solver lbfgs needs every row"),
        (["--target", "nothing"], "has no target column 'nothing'"),
    ],
)
def test_what_does_not_stream_says_so(run, tmp_path, penguins_csv, options, words):
    out = tmp_path / "m.npz"
    status, _, stderr = run("train", penguins_csv, *options, "--out", out, "--chunk-rows", "50")
    assert status == 2 and words in stderr and not out.exists()


def test_row_hashes_are_uniform_and_independent_of_each_other():
    rows = np.arange(200_000)
    u, v = row_uniforms(rows, 0, 1), row_uniforms(rows, 0, 2)
    assert abs((u < 0.2).mean() - 0.2) < 0.005 and abs(np.corrcoef(u, v)[0, 1]) < 0.01
    assert np.array_equal(u[1000:1100], row_uniforms(rows[1000:1100], 0, 1))
    assert not np.array_equal(u, row_uniforms(rows, 1, 1))


def test_moments_merged_over_chunks_equal_numpys_over_all():
    rng = np.random.default_rng(1)
    values = rng.normal(1e6, 3.0, (1000, 3))
    values[rng.random((1000, 3)) < 0.1] = np.nan
    moments = Moments(3)
    for part in np.array_split(values, 17):
        moments.add(part)
    fill = np.nanmedian(values, axis=0)
    filled = np.where(np.isnan(values), fill, values)
    n, mean, m2 = moments.with_fill(fill, np.isnan(values).sum(axis=0))
    np.testing.assert_allclose(mean, filled.mean(axis=0), rtol=1e-14)
    np.testing.assert_allclose(scale_of(n, mean, m2), filled.std(axis=0), rtol=1e-9)
    assert scale_of(np.array([5.0]), np.array([0.1]), np.array([1e-40]))[0] == 1.0  # constant


def test_median_sample_is_exact_when_small_and_close_when_not(monkeypatch):
    from lucidnet.cli import file_survey

    monkeypatch.setattr(file_survey, "MEDIAN_SAMPLE", 2000)
    values = np.random.default_rng(2).exponential(1.0, 50_000)
    sample = MedianSample()
    for rows in np.array_split(np.arange(50_000), 9):
        sample.add(row_uniforms(rows, 0, 4), values[rows])
    assert not sample.exact and abs(sample.median() - np.median(values)) < 0.05
    small = MedianSample()
    small.add(row_uniforms(np.arange(999), 0, 4), values[:999])
    assert small.exact and small.median() == np.median(values[:999])


def test_tune_in_chunks_saves_what_train_in_chunks_saves(run, tmp_path, penguins_csv):
    """tune reads a large file as train does, its folds split the cache's
    training rows, and its best model is train's with the best settings."""
    out = tmp_path / "tuned.npz"
    status, stdout, stderr = run(
        "tune", penguins_csv, "--target", "species", "--grid", "hidden=4,16", "--cv", "3",
        "--max-iter", "20", "--out", out, "--chunk-rows", "60", "--quiet",
    )  # fmt: skip
    assert status == 0, stderr
    assert "x 3 folds = 6 fits on" in stdout and "(read in chunks)" in stdout
    command = stdout.split("The same model from train: ")[1].splitlines()[0].split()
    assert command[:3] == ["lucidnet", "train", str(penguins_csv)] and "--chunk-rows" in command
    again = tmp_path / "trained.npz"
    command[command.index("--out") + 1] = str(again)
    assert run(*command[1:], "--quiet")[0] == 0
    for a, b in zip(read_model_file(out).model.coefs_, read_model_file(again).model.coefs_):
        np.testing.assert_array_equal(a, b)


def test_cache_folds_split_the_training_rows(tmp_path):
    from lucidnet.cli.streamed_training import Blocks

    paths = []
    for i, n in enumerate([50, 0, 73]):
        path = tmp_path / f"block{i}.f64"
        np.column_stack([np.arange(n) + 1000 * i, np.zeros(n)]).tofile(path)
        paths.append(str(path))
    seen = []
    for k in range(3):
        inside = Blocks(paths, 1, None, (k, 3, True, 0))
        outside = Blocks(paths, 1, None, (k, 3, False, 0))
        assert inside.n_samples + outside.n_samples == 123 and inside.n_samples > 20
        rows = [inside.read_records(i)[0].ravel() for i in range(3)]
        others = [outside.read_records(i)[0].ravel() for i in range(3)]
        assert not set(np.concatenate(rows)) & set(np.concatenate(others))
        seen += list(np.concatenate(rows))
    assert sorted(seen) == sorted([*range(50), *range(2000, 2073)])  # each row in one fold


def test_train_streams_sooner_than_predict(run, tmp_path, penguins_csv, monkeypatch):
    """Training holds more per byte of CSV than predicting (the network inputs
    and their training copy): a file whose whole read predict takes in
    memory may be one train streams."""
    monkeypatch.setattr(model_inputs, "STREAM_ABOVE", penguins_csv.stat().st_size * 7)
    out = tmp_path / "m.npz"
    status, _, stderr = run("train", penguins_csv, "--target", "species", "--out", out,
                            "--max-iter", "5", "--quiet")  # fmt: skip
    assert status == 0 and "streaming it in chunks" in stderr
    status, _, stderr = run("predict", out, penguins_csv)
    assert status == 0 and "streaming" not in stderr


def test_an_autoencoder_trains_in_chunks_beside_an_incremental_pca(run, tmp_path, mixed_csv):
    """--autoencoder streams too: the whole read's steps, the error on the
    held-out rows beside scikit-learn's IncrementalPCA fitted on the same
    blocks, and a model that evaluate and transform then use."""
    options = ["--autoencoder", "3", "--ignore", "y", "--max-iter", "30"]
    whole, _ = trained(run, tmp_path, mixed_csv, *options, "--test-size", "0", name="w.npz")
    chunked, out = trained(run, tmp_path, mixed_csv, *options, "--test-size", "0",
                           "--chunk-rows", "45", name="c.npz")  # fmt: skip
    assert whole.preprocessing["categorical"] == chunked.preprocessing["categorical"]
    np.testing.assert_allclose(whole.preprocessing["numeric"]["scale"],
                               chunked.preprocessing["numeric"]["scale"], rtol=1e-12)  # fmt: skip
    model, out = trained(run, tmp_path, mixed_csv, *options, "--chunk-rows", "45")
    assert "Training Autoencoder(n_components=3" in out and "holding out" in out
    error = float(out.split("Autoencoder: ")[1].split()[0])
    pca_error = float(out.split("Incremental PCA with 3 components: ")[1].split()[0])
    assert 0 < error < 1.5 * pca_error  # it learned (PCA is a fair bar on these columns)
    assert 0 < model.model.reconstruction_error_ < 2 * error  # over every training row
    status, codes, _ = run("transform", tmp_path / "model.npz", mixed_csv)
    assert status == 0 and len(codes.splitlines()) == 501


def test_no_room_for_the_copy_of_the_rows_is_said_first(run, tmp_path, penguins_csv,
                                                        monkeypatch):  # fmt: skip
    import collections

    from lucidnet.cli import streamed_training

    usage = collections.namedtuple("usage", "total used free")
    monkeypatch.setattr(streamed_training.shutil, "disk_usage", lambda path: usage(1, 1, 1000))
    out = tmp_path / "m.npz"
    status, _, stderr = run("train", penguins_csv, "--target", "species", "--out", out,
                            "--chunk-rows", "50")  # fmt: skip
    assert status == 2 and "set TMPDIR to a folder with more room" in stderr
    assert "0.0 GiB free" in stderr and not out.exists()


def test_missing_cells_refused_are_counted_over_every_chunk(run, tmp_path, penguins_csv):
    """--missing error: the whole read's message, counted over the file, not a chunk."""
    out = tmp_path / "m.npz"
    options = ["--target", "species", "--missing", "error", "--out", out]
    whole = run("train", penguins_csv, *options)
    chunked = run("train", penguins_csv, *options, "--chunk-rows", "5")
    assert whole[0] == chunked[0] == 2 and chunked[2] == whole[2]
    assert "2 rows with a missing value (data rows 4, 272)" in whole[2]


def test_tune_in_chunks_refuses_lbfgs_in_its_grid(run, tmp_path, penguins_csv):
    """L-BFGS takes every row at each step: a grid setting with it is refused
    by name (it once trained on the few rows that set up the network)."""
    status, _, stderr = run("tune", penguins_csv, "--target", "species", "--grid",
                            "solver=adam,lbfgs", "--out", tmp_path / "m.npz", "--chunk-rows",
                            "50")  # fmt: skip
    assert status == 2 and "--grid setting solver=lbfgs" in stderr and "lbfgs" in stderr


def test_the_rows_kept_to_stop_early_are_capped_and_said(run, tmp_path, penguins_csv,
                                                         monkeypatch):  # fmt: skip
    from lucidnet.cli import streamed_training

    monkeypatch.setattr(streamed_training, "VALIDATION_BYTES", 8 * 20 * 8)  # 20 rows of 8
    _, out = trained(run, tmp_path, penguins_csv, "--target", "species", "--chunk-rows", "50",
                     "--max-iter", "300")  # fmt: skip
    kept = int(out.split("early stopping on ")[1].split()[0])
    n_fit = int(out.split(") on ")[1].split()[0].replace(",", ""))
    assert 10 <= kept <= 35  # 20 expected of ~274 training rows (a hash draws them)
    assert f"(on {kept / n_fit:.0%} of the training rows)" in out, out


@pytest.mark.parametrize("missing", ["impute", "drop"])
def test_the_second_pass_from_the_first_passs_numbers_writes_the_same_model(
    run, tmp_path, monkeypatch, missing
):
    """A file of numbers only: pass two reads the numbers pass one wrote, not
    the text again; the model is the one the text gives, bit for bit."""
    from sklearn.datasets import load_diabetes

    from lucidnet.cli import streamed_training

    frame = load_diabetes(as_frame=True, scaled=False).frame
    frame.loc[[3, 50, 200], "bmi"] = np.nan
    frame.loc[[7, 300], "target"] = np.nan
    path = tmp_path / "diabetes.csv"
    frame.to_csv(path, index=False)
    options = ["--target", "target", "--missing", missing, "--chunk-rows", "60", "--max-iter",
               "20"]  # fmt: skip
    fast, out = trained(run, tmp_path, path, *options, name="fast.npz")
    monkeypatch.setattr(streamed_training, "RAW_NUMBERS", False)
    slow, slow_out = trained(run, tmp_path, path, *options, name="slow.npz")
    for a, b in zip(fast.model.coefs_, slow.model.coefs_):
        np.testing.assert_array_equal(a, b)
    def report(text):  # all but the seconds
        return [line for line in text.split("Saved")[0].splitlines() if "time:" not in line]

    assert report(out) == report(slow_out)
