"""Ctrl-C and closed pipes (issue 16, section 2): an interrupted command exits
130 and writes nothing; a closed standard output never costs ``train`` its model."""

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import lucidnet

pd = pytest.importorskip("pandas")
# Training that lasts until it is interrupted: many epochs, none stopping early,
# and wide enough that Adam's own tol stop comes after many seconds, not before
# the interrupt (one hidden layer of 64 converged in 1.4 s on a quiet machine).
FOREVER = ["--max-iter", "100000", "--no-early-stopping", "--hidden", "256,256"]


def lucidnet_process(*args, **options):
    env = dict(os.environ, PYTHONUNBUFFERED="1")  # lines as they are printed
    return subprocess.Popen(
        [sys.executable, "-m", "lucidnet", *map(str, args)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, **options,
    )  # fmt: skip


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3000, 8))
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(8)])
    frame["y"] = np.sin(X[:, 0] * 3) + X[:, 1] * X[:, 2]
    path = tmp_path_factory.mktemp("interrupts") / "table.csv"
    frame.to_csv(path, index=False)
    return path


def interrupt_training(args, started="Training "):
    """Start ``lucidnet train``, send SIGINT once training has started; returns
    (status, stdout, stderr)."""
    process = lucidnet_process("train", *args)
    lines = []
    for line in process.stdout:  # blocks until training starts (or the command ends)
        lines.append(line)
        if line.startswith(started):
            break
    time.sleep(1.0)  # well inside the epochs
    assert process.poll() is None, "".join(lines) + process.stderr.read()
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    return process.returncode, "".join(lines) + out, err


@pytest.mark.parametrize("kind", [["--target", "y"], ["--autoencoder", "2"]])
def test_ctrl_c_in_train_exits_130_and_leaves_an_existing_model_as_it_was(table, tmp_path, kind):
    existing = tmp_path / "existing.npz"
    existing.write_bytes(b"an older model, to be kept")
    os.utime(existing, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    before = existing.stat()
    status, out, err = interrupt_training([table, *kind, "--out", existing, *FOREVER])
    assert status == 130, (out, err)
    assert err.count("\n") == 1 and err.startswith("lucidnet train: interrupted; nothing written")
    assert f"{existing} left as it was" in err
    assert "Saved" not in out and "evaluation" not in out and "Reconstruction" not in out
    assert existing.read_bytes() == b"an older model, to be kept"
    assert existing.stat().st_mtime_ns == before.st_mtime_ns
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing.npz"]  # no stray file


def test_ctrl_c_in_train_without_an_existing_model_writes_none(table, tmp_path):
    model = tmp_path / "model.npz"
    status, _, err = interrupt_training([table, "--target", "y", "--out", model, *FOREVER])
    assert status == 130 and f"nothing written to {model}" in err
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_while_predict_writes_leaves_no_partial_file(table, tmp_path, run, monkeypatch):
    model, out = tmp_path / "m.npz", tmp_path / "predictions.csv"
    status, _, err = run("train", table, "--target", "y", "--out", model, "--max-iter", "3",
                         "--hidden", "4", "--quiet")  # fmt: skip
    assert status == 0, err

    def write_then_interrupt(self, file, **options):
        file.write("prediction\n0.5\n")  # part of the table, then Ctrl-C
        raise KeyboardInterrupt

    monkeypatch.setattr(pd.DataFrame, "to_csv", write_then_interrupt)
    for command in ("predict", "transform"):
        status, _, err = run(command, model, table, "--out", out)
        if command == "transform":  # not an autoencoder: refused before any writing
            assert status == 2
            continue
        assert status == 130 and err == f"lucidnet predict: interrupted; nothing written to {out}\n"
        assert list(tmp_path.iterdir()) == [model]


def test_train_into_a_closed_pipe_still_saves_the_model(table, tmp_path):
    model = tmp_path / "m.npz"
    train = lucidnet_process("train", table, "--target", "y", "--out", model,
                             "--max-iter", "5", "--hidden", "4", "--quiet")  # fmt: skip
    head = subprocess.run(["head", "-3"], stdin=train.stdout, capture_output=True, text=True)
    train.stdout.close()  # head has gone: the pipe is closed
    err = train.stderr.read()
    status = train.wait(timeout=60)
    assert len(head.stdout.splitlines()) == 3
    assert status == 141, err  # 128 + SIGPIPE, as `yes | head` gives
    assert err == (
        "lucidnet train: standard output was closed before the report ended (broken pipe); "
        f"the model was saved to {model}\n"
    )
    assert lucidnet.load(model).predict(pd.read_csv(table).drop(columns="y")).shape == (3000,)


def test_predict_into_a_closed_pipe_stops_without_a_traceback(table, tmp_path, run):
    model = tmp_path / "m.npz"
    status, _, err = run("train", table, "--target", "y", "--out", model, "--max-iter", "3",
                         "--hidden", "4", "--quiet")  # fmt: skip
    assert status == 0, err
    big = tmp_path / "big.csv"
    pd.concat([pd.read_csv(table)] * 20).to_csv(big, index=False)  # more than a pipe holds
    predict = lucidnet_process("predict", model, big)
    head = subprocess.run(["head", "-2"], stdin=predict.stdout, capture_output=True, text=True)
    predict.stdout.close()
    err = predict.stderr.read()
    assert predict.wait(timeout=60) == 141
    assert head.stdout.splitlines()[0] == "prediction"
    assert "Traceback" not in err and "Exception ignored" not in err


@pytest.mark.parametrize("sent, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_stopped_streamed_train_removes_its_copy_of_the_rows(table, tmp_path, sent, status):
    """Ctrl-C, or SIGTERM (kill, a scheduler's time limit), during the epochs of
    a train in chunks: the binary copy of the rows goes with the command."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = dict(os.environ, PYTHONUNBUFFERED="1", TMPDIR=str(temporary))
    process = subprocess.Popen(
        [sys.executable, "-m", "lucidnet", "train", str(table), "--target", "y", "--out",
         str(tmp_path / "m.npz"), "--chunk-rows", "500", *FOREVER],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    for line in process.stdout:
        if line.startswith("Training "):
            break
    time.sleep(1.0)
    assert process.poll() is None and len(list(temporary.iterdir())) == 1  # the copy
    process.send_signal(sent)
    _, err = process.communicate(timeout=60)
    assert process.returncode == status, err
    assert "nothing written to" in err and ("terminated" in err) == (sent == signal.SIGTERM)
    assert list(temporary.iterdir()) == [] and not (tmp_path / "m.npz").exists()
