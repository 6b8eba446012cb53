"""What ``train`` learns from which rows (issue 16, sections 3 and 4): every
preprocessing step from the training rows only, and by default the number of
epochs from a validation split of them, so the held-out report stays honest."""

import math
import re

import numpy as np
import pytest
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split

import lucidnet
from lucidnet.io.model_file import read_model_file

pd = pytest.importorskip("pandas")
QUIET = ["--hidden", "16", "--quiet"]


@pytest.fixture(scope="module")
def diabetes(tmp_path_factory):
    path = tmp_path_factory.mktemp("diabetes") / "diabetes.csv"
    load_diabetes(as_frame=True).frame.to_csv(path, index=False)
    return path


def split_rows(n, test_size=0.2, random_state=0, stratify=None):
    """The training and held-out row positions, as ``train`` splits them."""
    return train_test_split(
        np.arange(n), test_size=test_size, random_state=random_state, stratify=stratify
    )


def test_scaling_is_learned_from_the_training_rows_only(run, diabetes, tmp_path):
    model = tmp_path / "m.npz"
    status, out, err = run("train", diabetes, "--target", "target", "--out", model,
                           "--max-iter", "5", *QUIET)  # fmt: skip
    assert status == 0, err
    frame = pd.read_csv(diabetes)
    training, held_out = split_rows(len(frame))
    assert f"on {len(training)} rows, holding out {len(held_out)}" in out
    numeric = read_model_file(model).preprocessing["numeric"]
    features = frame[numeric["columns"]]
    np.testing.assert_allclose(numeric["mean"], features.iloc[training].mean(), rtol=1e-12)
    np.testing.assert_allclose(numeric["scale"], features.iloc[training].std(ddof=0), rtol=1e-12)
    assert not np.allclose(numeric["mean"], features.mean(), rtol=1e-6)  # not all rows'


def test_a_category_found_only_in_held_out_rows_is_none_of_the_known_ones(run, tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=100), "kind": rng.choice(["a", "b"], 100)})
    frame["y"] = frame["x"] * 2 + (frame["kind"] == "a")
    _, held_out = split_rows(len(frame))
    frame.loc[held_out[0], "kind"] = "rare"  # in one held-out row only
    frame.to_csv(tmp_path / "t.csv", index=False)
    model = tmp_path / "m.npz"
    status, out, err = run("train", tmp_path / "t.csv", "--target", "y", "--out", model,
                           "--max-iter", "5", *QUIET)  # fmt: skip
    assert status == 0, err
    assert f"Held-out evaluation ({len(held_out)} rows" in out
    assert (
        "Note: 1 held-out row has a value of 'kind' that no training row has (rare): it "
        "encodes as none of the known ones" in out
    )
    assert read_model_file(model).preprocessing["categorical"]["categories"] == [["a", "b"]]


def test_by_default_training_stops_by_a_validation_split_of_the_training_rows(
    run, diabetes, tmp_path
):
    model = tmp_path / "m.npz"
    status, out, err = run("train", diabetes, "--target", "target", "--out", model,
                           "--max-iter", "1000", *QUIET)  # fmt: skip
    assert status == 0, err
    found = re.search(
        r"Early stopping at epoch (\d+): the validation score \(on 10% of the training rows\) "
        r"did not improve by more than 0.0001 for 10 consecutive epochs; the model keeps the "
        r"weights of epoch (\d+), its best", out
    )  # fmt: skip
    assert found, out
    stopped, best = map(int, found.groups())
    assert best < stopped < 1000 and f"({stopped} epochs)" in out
    assert "may help" not in out
    fitted = lucidnet.load(model)
    assert fitted.early_stopping and fitted.n_iter_ == stopped
    assert fitted.best_validation_score_ == max(fitted.validation_scores_)
    assert len(fitted.validation_scores_) == stopped


def test_without_early_stopping_the_held_out_rows_steer_neither_fit_nor_advice(
    run, diabetes, tmp_path, monkeypatch
):
    """They were passed to fit as X_val, and the note on --max-iter was read
    from their curve ('the held-out score was best at epoch ...'): the rows the
    report scores told the user what to do. Now everything printed before the
    held-out report is the same whatever the held-out targets are."""
    calls = []
    fit = lucidnet.MLPRegressor.fit

    def recording_fit(self, X, y, **kwargs):
        calls.append(sorted(kwargs))
        return fit(self, X, y, **kwargs)

    monkeypatch.setattr(lucidnet.MLPRegressor, "fit", recording_fit)
    frame = pd.read_csv(diabetes)
    _, held_out = split_rows(len(frame))
    shuffled = frame.copy()  # the held-out targets shuffled among themselves
    shuffled.loc[held_out, "target"] = np.random.default_rng(1).permutation(
        frame.loc[held_out, "target"].to_numpy()
    )
    shuffled.to_csv(tmp_path / "data.csv", index=False)
    printed = []
    for data in (diabetes, tmp_path / "data.csv"):
        status, out, err = run("train", data, "--target", "target", "--out", tmp_path / "m.npz",
                               "--max-iter", "300", "--no-early-stopping", *QUIET)  # fmt: skip
        assert status == 0, err
        before_report = out.split("Held-out evaluation")[0].replace(str(data), "DATA")
        printed.append([line for line in before_report.splitlines() if "time:" not in line])
    assert calls == [[], []]  # no X_val, no y_val
    assert printed[0] == printed[1]
    assert "Note: --max-iter 300 reached with the training loss still falling" in out
    assert "held-out score" not in out and "a larger" not in out
    assert not lucidnet.load(tmp_path / "m.npz").early_stopping


def test_more_epochs_are_advised_only_while_the_validation_score_improves(run, diabetes, tmp_path):
    status, out, err = run("train", diabetes, "--target", "target", "--out", tmp_path / "m.npz",
                           "--max-iter", "3", *QUIET)  # fmt: skip
    assert status == 0, err
    assert re.search(
        r"Note: --max-iter 3 reached with the validation score \(on 10% of the training rows\) "
        r"still improving \(best at epoch [23]\); a larger --max-iter may help\.", out
    ), out  # fmt: skip


def test_classifiers_stop_by_the_validation_log_loss(run, penguins_csv, tmp_path):
    """Accuracy on a few dozen validation rows stays level for many epochs; the
    log-loss keeps telling better from worse."""
    model = tmp_path / "m.npz"
    status, out, err = run("train", penguins_csv, "--target", "species", "--out", model,
                           "--max-iter", "400", *QUIET)  # fmt: skip
    assert status == 0, err
    assert "the validation log-loss (on 10% of the training rows)" in out
    fitted = lucidnet.load(model)
    assert fitted.early_stopping
    kept = int(np.argmin(fitted.validation_loss_curve_))  # the first lowest loss
    assert f"the model keeps the weights of epoch {kept + 1}, its best" in out
    # the record holds accuracies, as the estimators document, and the kept epoch's
    n_rows = len(pd.read_csv(penguins_csv))
    n_validation = math.ceil(0.1 * (n_rows - math.ceil(0.2 * n_rows)))
    counts = np.asarray(fitted.validation_scores_) * n_validation
    assert np.allclose(counts, np.round(counts)) and max(fitted.validation_scores_) <= 1
    assert fitted.best_validation_score_ == fitted.validation_scores_[kept]


def test_too_few_rows_or_lbfgs_train_without_early_stopping(run, diabetes, tmp_path):
    small = tmp_path / "small.csv"
    pd.read_csv(diabetes).head(20).to_csv(small, index=False)  # 16 training rows
    for data, options in ((small, []), (diabetes, ["--solver", "lbfgs"])):
        model = tmp_path / "m.npz"
        status, out, err = run("train", data, "--target", "target", "--out", model,
                               "--max-iter", "5", *options, *QUIET)  # fmt: skip
        assert status == 0, err
        assert not lucidnet.load(model).early_stopping and "Early stopping" not in out


def test_help_describes_the_early_stopping_default(capsys):
    from lucidnet.cli.main import main

    with pytest.raises(SystemExit):
        main(["train", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--early-stopping, --no-early-stopping" in text
    assert "10% of the training rows" in text and "default: on" in text


def test_a_ctrl_c_in_the_first_epoch_is_an_interrupt_not_a_training_failure(
    run, penguins_csv, tmp_path, monkeypatch
):
    from lucidnet.estimators.base import BaseNetworkEstimator

    def interrupted(self, validation, objective):
        raise KeyboardInterrupt  # before any validation score is recorded

    monkeypatch.setattr(BaseNetworkEstimator, "_record_validation", interrupted)
    status, out, err = run("train", penguins_csv, "--target", "species",
                           "--out", tmp_path / "m.npz", *QUIET)  # fmt: skip
    assert status == 130 and err.startswith("lucidnet train: interrupted; nothing written")
    assert list(tmp_path.iterdir()) == []


def test_a_numeric_column_with_values_only_in_held_out_rows_is_named(run, tmp_path):
    """Its median over the training rows was NaN: train stopped with
    scikit-learn's 'Input X contains NaN' about the network's input."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=100), "b": np.nan, "y": rng.integers(0, 2, 100)})
    _, held_out = split_rows(100, stratify=frame["y"])
    frame.loc[held_out[:3], "b"] = 1.0
    data = tmp_path / "sparse.csv"
    frame.to_csv(data, index=False)
    status, out, err = run("train", data, "--target", "y", "--out", tmp_path / "m.npz", *QUIET)
    assert status == 2
    assert "column 'b' has no value in any of the 80 training rows" in err
    assert "--ignore b" in err and "NaN" not in err
    assert not (tmp_path / "m.npz").exists()
