"""``lucidnet train --autoencoder K``, ``transform``, ``predict`` and ``info`` on an
autoencoder, and ``lucidnet demo autoencoder``."""

import numpy as np
import pytest
from sklearn.datasets import load_digits

pd = pytest.importorskip("pandas")
FAST = ["--hidden", "16", "--max-iter", "40", "--quiet"]


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    """Digit pixels, a text column and an ID column, as people's tables come."""
    folder = tmp_path_factory.mktemp("ae")
    X, y = load_digits(return_X_y=True)
    frame = pd.DataFrame(X[:400, ::4], columns=[f"p{i}" for i in range(16)])
    frame["parity"] = np.where(y[:400] % 2, "odd", "even")
    frame["id"] = [f"row{i}" for i in range(400)]
    frame.to_csv(folder / "digits.csv", index=False)
    return folder / "digits.csv"


def trained_model(table, folder, name, *options):
    """A model file trained by the command on the table (without its ID column)."""
    from lucidnet.cli.main import main

    path = folder / name
    assert main(["train", str(table), *options, "--ignore", "id", "--out", str(path), *FAST]) == 0
    return path


@pytest.fixture(scope="module")
def model(table, tmp_path_factory):
    return trained_model(table, tmp_path_factory.mktemp("models"), "ae.npz", "--autoencoder", "3")


@pytest.fixture(scope="module")
def classifier(table, tmp_path_factory):
    """A model that is not an autoencoder: parity from the pixels."""
    folder = tmp_path_factory.mktemp("models")
    return trained_model(table, folder, "clf.npz", "--target", "parity")


def test_train_needs_no_target_and_compares_with_pca(run, table, tmp_path):
    status, out, err = run("train", table, "--autoencoder", "3", "--ignore", "id",
                           "--out", tmp_path / "ae.npz", *FAST)  # fmt: skip
    assert status == 0, err
    assert "Training Autoencoder(n_components=3" in out and "holding out 80" in out
    # pixels are standardized numbers, parity two one-hot inputs: the units say both
    units = "(mean squared per network input: numbers standardized, text one-hot as 0/1)"
    assert f"Reconstruction error on the 80 held-out rows {units}:" in out
    ours = float(out.split("Autoencoder: ")[1].split()[0])
    pca = float(out.split("PCA with 3 components: ")[1].split()[0])
    assert 0 < ours and 0 < pca


def test_without_target_or_autoencoder_train_says_what_it_needs(run, table, tmp_path):
    status, _, err = run("train", table, "--out", tmp_path / "m.npz", *FAST)
    assert status == 2 and "--target COLUMN is needed" in err


def test_transform_writes_codes_per_row(run, model, table, tmp_path):
    status, out, err = run("transform", model, table)
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0] == "autoencoder0,autoencoder1,autoencoder2" and len(lines) == 401
    status, _, err = run("transform", model, table, "--out", tmp_path / "codes.csv")
    assert status == 0 and "Wrote 400 codes" in err
    codes = pd.read_csv(tmp_path / "codes.csv")
    assert codes.shape == (400, 3)


def test_predict_writes_reconstructions_in_data_units_and_errors(run, model, table):
    status, out, err = run("predict", model, table)
    assert status == 0, err
    from io import StringIO

    back = pd.read_csv(StringIO(out))
    assert list(back.columns[:2]) == ["p0", "p1"] and back.columns[-1] == "reconstruction_error"
    assert {"parity=even", "parity=odd"} <= set(back.columns)
    original = pd.read_csv(table)
    # numbers come back in the data's units: near the pixels, not near standardized values
    assert np.corrcoef(back["p5"], original["p5"])[0, 1] > 0.5
    assert abs(back["p5"].mean() - original["p5"].mean()) < 2
    assert (back["reconstruction_error"] >= 0).all()


def test_transform_refuses_a_model_that_is_not_an_autoencoder(run, classifier, table):
    status, _, err = run("transform", classifier, table)
    assert status == 2 and "transform takes an autoencoder" in err
    assert "this file holds an MLPClassifier" in err


def test_info_shows_encoder_code_and_decoder(run, model):
    status, out, err = run("info", model)
    assert status == 0, err
    assert "encoder dense 1" in out and "code" in out and "decoder output" in out


def test_demo_autoencoder_beats_pca_and_draws(run, tmp_path):
    plot = tmp_path / "ae.png"
    status, out, err = run("demo", "autoencoder", "--plot", plot)
    assert status == 0, err
    rows = [line.split() for line in out.splitlines() if line.strip()[:1].isdigit()]
    assert [int(r[0]) for r in rows] == [2, 8]
    assert all(float(r[2]) < float(r[1]) for r in rows)  # the autoencoder's error is lower
    assert plot.read_bytes()[:4] == b"\x89PNG"


def test_a_code_as_wide_as_the_inputs_is_refused_before_training(run, table, tmp_path):
    # 16 pixel columns and the two one-hot columns of parity: 18 network inputs
    status, out, err = run("train", table, "--autoencoder", "18", "--ignore", "id",
                           "--out", tmp_path / "ae.npz", *FAST)  # fmt: skip
    assert status == 2 and "Training" not in out
    assert "--autoencoder 18 must be less than the 18 network inputs" in err
    assert "a code as wide as the input" in err


def test_early_stopping_validates_on_training_rows_not_the_held_out_ones(
    run, table, tmp_path, monkeypatch
):
    from lucidnet import Autoencoder

    fits, fit = [], Autoencoder.fit

    def recording_fit(self, X, *args, **kwargs):
        fits.append((self, len(X), kwargs.get("X_val")))
        return fit(self, X, *args, **kwargs)

    monkeypatch.setattr(Autoencoder, "fit", recording_fit)
    status, out, err = run("train", table, "--autoencoder", "3", "--ignore", "id",
                           "--early-stopping", "--out", tmp_path / "ae.npz", *FAST)  # fmt: skip
    assert status == 0, err
    [(model, n_rows, X_val)] = fits
    assert X_val is None  # the held-out rows stay unseen
    assert f"on {n_rows} rows, holding out 80" in out
    assert model.early_stopping and len(model.validation_scores_) == model.n_iter_
    assert model.best_validation_score_ == max(model.validation_scores_)


def test_target_with_autoencoder_is_a_usage_error_that_suggests_ignore(capsys, table, tmp_path):
    from lucidnet.cli.main import main

    model = tmp_path / "ae.npz"
    with pytest.raises(SystemExit) as info:
        main(["train", str(table), "--autoencoder", "2", "--target", "parity", "--out", str(model)])
    err = capsys.readouterr().err
    assert info.value.code == 2 and err.startswith("usage: lucidnet train")
    assert "lucidnet train: error: argument --target: not allowed with argument" in err
    assert "--autoencoder" in err.splitlines()[-1] and "--ignore COLUMN" in err
    assert not model.exists()


def test_the_hidden_default_in_the_help_is_the_autoencoders(run, capsys, table, tmp_path):
    from lucidnet.cli.main import main

    with pytest.raises(SystemExit):
        main(["train", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "128 with --autoencoder; with --conv, none for signals and 128 for images" in help_text
    status, out, err = run("train", table, "--autoencoder", "2", "--ignore", "id,parity",
                           "--max-iter", "1", "--quiet", "--out", tmp_path / "ae.npz")  # fmt: skip
    assert status == 0, err
    assert "hidden_layer_sizes=(128,)" in out


def error_lines(out):
    """The units and the autoencoder's figure, as train and evaluate print them."""
    header, figure = out.split("Reconstruction error on ")[1].splitlines()[:2]
    return header.split(" (", 1)[1], figure


def test_evaluate_prints_the_reconstruction_error_train_prints(run, table, tmp_path):
    model = tmp_path / "ae.npz"
    status, trained, err = run("train", table, "--autoencoder", "3", "--ignore", "id",
                               "--test-size", "0", "--out", model, *FAST)  # fmt: skip
    assert status == 0, err
    status, evaluated, err = run("evaluate", model, table)  # no --target
    assert status == 0, err
    # train scores its 400 training rows here; evaluate the same 400 rows of the file
    assert "Reconstruction error on the 400 training rows (" in trained
    assert evaluated.startswith(f"Reconstruction error on the 400 rows of {table} (")
    assert error_lines(evaluated) == error_lines(trained)  # the same units, the same figure
    # ... the mean of the errors predict writes per row
    status, predicted, err = run("predict", model, table)
    assert status == 0, err
    from io import StringIO

    per_row = pd.read_csv(StringIO(predicted))["reconstruction_error"]
    printed = float(evaluated.split("Autoencoder: ")[1].split()[0])
    assert printed == pytest.approx(per_row.mean(), abs=5e-6)


def test_evaluate_an_autoencoder_refuses_a_target_and_others_take_the_models(
    run, model, classifier, table
):
    status, out, err = run("evaluate", model, table, "--target", "parity")
    assert status == 2 and out == ""
    assert "--target is not for an autoencoder" in err
    status, out, err = run("evaluate", classifier, table)  # its target is in the model file
    assert status == 0 and "target 'parity'" in out, err


@pytest.mark.parametrize(
    "name, article",
    [("Autoencoder", "an"), ("MLPRegressor", "an"), ("ConvNetClassifier", "a"),
     ("NeuralNetwork", "a")],
)  # fmt: skip
def test_messages_name_a_model_with_the_article_it_takes(name, article):
    import lucidnet
    from lucidnet.cli.reports import with_article

    model = getattr(lucidnet, name).__new__(getattr(lucidnet, name))
    assert with_article(model) == f"{article} {name}"


# ------------------------------------------------ small data (issue 16, section 5)
@pytest.fixture(scope="module")
def numbers(tmp_path_factory):
    """Tables of random numbers: 300 rows, 1 row, and 20 rows of 40 columns."""
    folder = tmp_path_factory.mktemp("small")
    rng = np.random.default_rng(0)
    for name, shape in {"r300": (300, 6), "r1": (1, 6), "r20": (20, 40)}.items():
        columns = [f"c{i}" for i in range(shape[1])]
        pd.DataFrame(rng.normal(size=shape), columns=columns).to_csv(
            folder / f"{name}.csv", index=False
        )
    return folder


@pytest.mark.parametrize("table_name, options", [("r300", ["--test-size", "0.999"]), ("r1", [])])
def test_too_few_rows_to_hold_out_are_refused_as_for_a_target(
    run, numbers, tmp_path, table_name, options
):
    data, n = numbers / f"{table_name}.csv", 300 if table_name == "r300" else 1
    for kind in (["--autoencoder", "2"], ["--target", "c0"]):
        status, out, err = run("train", data, *kind, "--out", tmp_path / "m.npz", *options, *FAST)
        assert status == 2 and err.count("\n") == 1, err
        assert err.startswith(f"lucidnet train: error: {data}: cannot hold out --test-size ")
        assert f" of {n} rows (" in err and "bug" not in err
    assert not (tmp_path / "m.npz").exists()


def test_fewer_training_rows_than_components_keep_the_model_and_skip_pca(run, numbers, tmp_path):
    model = tmp_path / "ae.npz"
    status, out, err = run("train", numbers / "r20.csv", "--autoencoder", "30",
                           "--out", model, *FAST)  # fmt: skip
    assert status == 0, err
    assert "Autoencoder: " in out and f"Saved the model to {model}" in out
    assert (
        "PCA with 30 components: not compared (PCA needs at least 30 training rows; there are 16)"
        in out
    )
    status, out, err = run("transform", model, numbers / "r20.csv")
    assert status == 0 and len(out.splitlines()) == 21, err


# ------------------------------------------------ messages (issue 16, section 6)
def test_the_comparison_with_pca_says_which_error_is_lower(run, table, tmp_path):
    status, out, err = run("train", table, "--autoencoder", "3", "--ignore", "id",
                           "--out", tmp_path / "ae.npz", *FAST)  # fmt: skip
    assert status == 0, err
    ours = float(out.split("Autoencoder: ")[1].split()[0])
    pca = float(out.split("PCA with 3 components: ")[1].split()[0])
    side = "below" if ours < pca else "above"
    assert f"(the autoencoder's error is {abs(ours / pca - 1):.0%} {side} PCA's)" in out
    assert "for the autoencoder" not in out


def test_plot_with_autoencoder_is_refused_before_training(run, table, tmp_path):
    plot = ["--plot", tmp_path / "ae.png"]
    status, out, err = run("train", table, "--autoencoder", "3", "--ignore", "id",
                           "--out", tmp_path / "ae.npz", *plot, *FAST)  # fmt: skip
    assert status == 2 and out == "" and "--plot draws classifiers and regressors" in err
    assert list(tmp_path.iterdir()) == []
