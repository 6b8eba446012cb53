import subprocess
import sys

import pytest

from lucidnet.cli.main import main


def test_demo_xor_prints_each_input_and_solves(capsys):
    assert main(["demo", "xor", "--random-state", "1"]) == 0
    out = capsys.readouterr().out
    for pattern in ("[0, 0]", "[0, 1]", "[1, 0]", "[1, 1]", "XOR solved"):
        assert pattern in out


def test_demo_digits_prints_the_report(capsys):
    main(["demo", "digits", "--epochs", "3000", "--hidden", "30", "--random-state", "2"])
    out = capsys.readouterr().out
    assert "Confusion matrix" in out and "precision" in out and "Training time" in out
    accuracy = float(out.split("Accuracy: ")[1].split()[0])
    assert accuracy > 0.8


def test_same_random_state_same_output(capsys):
    args = ["demo", "digits", "--epochs", "500", "--hidden", "10", "--random-state", "4"]
    main(args)
    first = capsys.readouterr().out.split("Training time")[0]
    main(args)
    assert capsys.readouterr().out.split("Training time")[0] == first


def test_bad_option_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        main(["demo", "digits", "--epochs", "0"])
    assert info.value.code == 2
    assert "positive integer" in capsys.readouterr().err


def test_python_dash_m_runs():
    done = subprocess.run(
        [sys.executable, "-m", "lucidnet", "--version"], capture_output=True, text=True
    )
    assert done.returncode == 0 and done.stdout.startswith("lucidnet ")


def test_demo_conv_prints_both_models_and_draws_filters_and_mistakes(capsys, tmp_path):
    plot = tmp_path / "conv.png"
    assert main(["demo", "conv", "--plot", str(plot)]) == 0
    out = capsys.readouterr().out
    assert "Confusion matrix" in out and "MLPClassifier()" in out
    cnn_line = next(line for line in out.splitlines() if line.startswith("ConvNetClassifier("))
    assert float(cnn_line.split()[2]) > 0.97
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
