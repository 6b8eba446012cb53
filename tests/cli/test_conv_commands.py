"""``lucidnet train --conv`` on images and signals, from .npz and CSV files."""

import numpy as np
import pytest
from sklearn.datasets import load_digits

pd = pytest.importorskip("pandas")
# 60 epochs, all of them: this file is about convolutions, not about when to stop
FAST = ["--conv", "4,8", "--hidden", "16", "--max-iter", "60", "--quiet", "--no-early-stopping"]


@pytest.fixture(scope="module")
def images(tmp_path_factory):
    """The digits as an .npz of 8x8 images and as a CSV of 64 pixel columns."""
    folder = tmp_path_factory.mktemp("images")
    X, y = load_digits(return_X_y=True)
    X, y = X[:600], y[:600]
    np.savez(folder / "digits.npz", X=X.reshape(-1, 8, 8), y=y)
    frame = pd.DataFrame(X, columns=[f"p{i}" for i in range(64)]).assign(digit=y)
    frame.to_csv(folder / "digits.csv", index=False)
    frame.assign(name=[f"img{i}" for i in range(600)]).to_csv(folder / "named.csv", index=False)
    return folder


def test_npz_images_train_a_convnet_that_info_describes(run, images, tmp_path):
    model = tmp_path / "cnn.npz"
    status, out, err = run("train", images / "digits.npz", "--target", "y", "--out", model, *FAST)
    assert status == 0, err
    assert "ConvNetClassifier(conv_layers=(4, 8)" in out and "input_shape=(8, 8)" in out
    assert float(out.split("Accuracy: ")[1].split()[0]) > 0.8
    status, out, err = run("info", model)
    assert status == 0, err
    assert "(n, 8, 8, 4)" in out and "conv2d 3x3" in out
    assert "standardized together" in out


def test_csv_pixels_with_input_shape_predict_and_evaluate(run, images, tmp_path):
    model = tmp_path / "cnn.npz"
    status, out, err = run("train", images / "digits.csv", "--target", "digit",
                           "--input-shape", "8,8", "--out", model, *FAST)  # fmt: skip
    assert status == 0, err
    status, out, err = run("predict", model, images / "digits.csv")
    assert status == 0, err
    assert out.splitlines()[0] == "prediction" and len(out.splitlines()) == 601
    status, out, err = run("evaluate", model, images / "digits.csv", "--target", "digit")
    assert status == 0, err
    assert float(out.split("Accuracy: ")[1].split()[0]) > 0.8


@pytest.mark.parametrize(
    "extra, match",
    [
        (["--input-shape", "8,8"], "--input-shape goes with --conv"),
        (["--conv", "4", "--solver", "lbfgs"], "--conv needs --solver adam or sgd"),
        (["--conv", "4", "--input-shape", "7,7"], "needs a multiple of 49 feature columns"),
        (["--conv", "4", "--input-shape", "0,8"], "expected 1 to 3 positive sizes"),
    ],
)
def test_wrong_convolutional_options_exit_2_with_a_message(run, images, tmp_path, extra, match):
    args = ["train", images / "digits.csv", "--target", "digit", "--out", tmp_path / "m.npz"]
    if "0,8" in extra:
        with pytest.raises(SystemExit) as exit_info:
            run(*args, *extra)
        assert exit_info.value.code == 2
        return
    status, _, err = run(*args, *extra, "--max-iter", "1", "--quiet")
    assert status == 2 and match in err


def test_a_text_column_is_refused_by_conv_and_fine_once_ignored(run, images, tmp_path):
    args = ["train", images / "named.csv", "--target", "digit", "--out", tmp_path / "m.npz"]
    status, _, err = run(*args, "--input-shape", "8,8", *FAST)
    assert status == 2 and "'name' holds text: leave it out with --ignore" in err
    status, _, err = run(*args, "--input-shape", "8,8", "--ignore", "name", *FAST)
    assert status == 0, err


@pytest.mark.parametrize("option", ["--hidden", "--conv"])
def test_a_network_too_large_for_memory_exits_2_naming_the_option(run, images, tmp_path, option):
    status, out, err = run("train", images / "digits.npz", "--target", "y", "--out",
                           tmp_path / "m.npz", option, 10**9, "--quiet")  # fmt: skip
    assert status == 2
    assert err.startswith("lucidnet train: error: ") and err.count("\n") == 1
    assert f"make {option} smaller" in err and "is available" in err
    assert "Traceback" not in err and "bug" not in err and not (tmp_path / "m.npz").exists()


def test_an_autoencoder_too_large_for_memory_names_the_option(run, images, tmp_path):
    status, out, err = run("train", images / "digits.csv", "--autoencoder", 2, "--hidden", 10**9,
                           "--out", tmp_path / "m.npz", "--quiet")  # fmt: skip
    assert status == 2 and "make --hidden smaller" in err and err.count("\n") == 1


def test_conv_auto_on_signals_trains_the_fully_convolutional_network(run, tmp_path):
    rng = np.random.default_rng(0)
    y = np.arange(80) % 2
    steps = np.arange(24)
    X = np.sin(steps * (1 + y[:, None]) / 4) + 0.3 * rng.standard_normal((80, 24))
    path = tmp_path / "signals.csv"
    pd.DataFrame(X, columns=[f"t{i}" for i in range(24)]).assign(kind=y).to_csv(path, index=False)
    model = tmp_path / "fcn.npz"
    status, out, err = run("train", path, "--target", "kind", "--conv", "auto", "--max-iter", "2",
                           "--quiet", "--out", model)  # fmt: skip
    assert status == 0, err
    assert "ConvNetClassifier(conv_layers='auto', hidden_layer_sizes='auto'" in out
    status, out, err = run("info", model)
    assert status == 0, err
    for row in ("conv1d 8 padding same", "conv1d 5 padding same", "global avg pool", "batch norm"):
        assert row in out
    assert "(n, 24, 256)" in out and "learning_rate='auto' ('plateau')" in out


def test_conv_auto_is_refused_for_an_autoencoder(run, images, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        run("train", images / "digits.csv", "--autoencoder", "2", "--conv", "auto",
            "--out", tmp_path / "m.npz")  # fmt: skip
    assert exit_info.value.code == 2
    assert "with --autoencoder give the filters" in capsys.readouterr().err
    assert not (tmp_path / "m.npz").exists()
