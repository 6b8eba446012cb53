"""The command never destroys a user's file: output paths are checked first,
and a model saved through a symbolic link lands where the link points."""

import os

import numpy as np
import pytest

import lucidnet
from lucidnet.cli import output_paths
from lucidnet.cli.main import main
from lucidnet.io.atomic import atomic_write

pd = pytest.importorskip("pandas")

FAST = ["--max-iter", "5", "--hidden", "3", "--quiet"]
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def run(capsys, *args):
    status = main([str(a) for a in args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture
def data(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=30).round(3), "b": rng.normal(size=30).round(3)})
    frame["y"] = np.where(frame.a > frame.b, "yes", "no")
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.fixture
def model(tmp_path, data, capsys):
    path = tmp_path / "model.npz"
    assert run(capsys, "train", data, "--target", "y", "--out", path, *FAST)[0] == 0
    return path


def other_names_for(path, how):
    """Another name of ``path``: the name itself, a relative path, a symbolic
    link or a hard link."""
    if how == "same name":
        return path
    if how == "relative":
        return os.path.relpath(path)
    other = path.parent / f"other-name-{how}"
    if how == "symlink":
        other.symlink_to(path.name)
    else:
        os.link(path, other)
    return other


@pytest.mark.parametrize("how", ["same name", "relative", "symlink", "hard link"])
@pytest.mark.parametrize("option", ["--out", "--plot"])
def test_train_output_same_as_data_is_refused_before_training(data, capsys, how, option):
    before = data.read_bytes()
    output = other_names_for(data, how)
    outputs = ["--out", output] if option == "--out" else ["--out", data.parent / "m.npz"]
    if option == "--plot":
        outputs += ["--plot", output]
    status, out, err = run(capsys, "train", data, "--target", "y", *outputs, *FAST)
    assert status == 2 and out == ""  # nothing read, nothing trained
    assert f"{option} is the same file as the data file {data}" in err
    assert err.count("\n") == 1
    assert data.read_bytes() == before


@pytest.mark.parametrize("how", ["same name", "symlink", "hard link"])
@pytest.mark.parametrize("which", ["model file", "data file"])
def test_predict_and_evaluate_outputs_same_as_an_input_are_refused(model, data, capsys, how, which):
    source = model if which == "model file" else data
    before = source.read_bytes()
    output = other_names_for(source, how)
    for command in (
        ["predict", model, data, "--out", output],
        ["evaluate", model, data, "--target", "y", "--plot", output],
    ):
        status, out, err = run(capsys, *command)
        assert status == 2 and out == ""
        assert f"is the same file as the {which} {source}" in err, err
        assert source.read_bytes() == before


def test_train_plot_same_as_out_is_refused(data, tmp_path, capsys):
    model = tmp_path / "m.npz"
    status, out, err = run(
        capsys, "train", data, "--target", "y", "--out", model, "--plot", model, *FAST
    )
    assert status == 2 and out == "" and "--plot is the same file as --out" in err
    assert not model.exists()


def test_output_in_a_missing_folder_is_refused_before_training(data, tmp_path, capsys):
    given = tmp_path / "no-such-folder" / "m.npz"
    status, out, err = run(capsys, "train", data, "--target", "y", "--out", given, *FAST)
    assert status == 2 and out == ""
    assert err == (
        f"lucidnet train: error: {given}: the folder {given.parent} does not exist (--out)\n"
    )


def test_output_that_is_a_folder_is_refused_before_training(data, tmp_path, capsys):
    status, out, err = run(capsys, "train", data, "--target", "y", "--out", tmp_path, *FAST)
    assert status == 2 and out == ""
    assert f"{tmp_path}: is a folder; --out needs a file name" in err


def test_output_in_an_unwritable_folder_is_refused_before_training(
    data, tmp_path, capsys, monkeypatch
):
    folder = tmp_path / "locked"
    folder.mkdir()
    real_access = os.access

    def no_write_in_locked(path, mode, **kwargs):
        if os.fspath(path) == str(folder) and mode & os.W_OK:
            return False
        return real_access(path, mode, **kwargs)

    monkeypatch.setattr(output_paths.os, "access", no_write_in_locked)
    given = folder / "m.npz"
    status, out, err = run(capsys, "train", data, "--target", "y", "--out", given, *FAST)
    assert status == 2 and out == ""
    assert f"{given}: cannot write in the folder {folder} (permission denied)" in err


@pytest.mark.skipif(IS_ROOT, reason="root may write in any folder")
def test_output_in_a_read_only_folder_is_refused_for_real(data, tmp_path, capsys):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        status, out, err = run(
            capsys, "predict", tmp_path / "absent.npz", data, "--out", folder / "p.csv"
        )
    finally:
        folder.chmod(0o755)
    assert status == 2 and "permission denied" in err


def test_saving_over_a_symlink_writes_through_it(model, data, tmp_path, capsys):
    kept = tmp_path / "models" / "current.npz"
    kept.parent.mkdir()
    kept.write_bytes(b"an old model")
    link = tmp_path / "latest.npz"
    link.symlink_to(kept)
    status, _, err = run(capsys, "train", data, "--target", "y", "--out", link, *FAST)
    assert status == 0, err
    assert link.is_symlink() and os.readlink(link) == str(kept)
    assert lucidnet.load(kept).classes_.tolist() == ["no", "yes"]
    predictions = tmp_path / "predictions.csv"
    predictions_link = tmp_path / "predictions-link.csv"
    predictions_link.symlink_to(predictions.name)  # dangling until written
    assert run(capsys, "predict", link, data, "--out", predictions_link)[0] == 0
    assert predictions_link.is_symlink() and len(pd.read_csv(predictions)) == 30
    assert sorted(p.name for p in kept.parent.iterdir()) == ["current.npz"]  # no temporary


def test_atomic_write_through_a_symlink_keeps_the_link_and_the_mode(tmp_path):
    target = tmp_path / "target.txt"
    target.write_text("old")
    target.chmod(0o640)
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    with atomic_write(link, "w") as file:
        file.write("new")
    assert link.is_symlink() and target.read_text() == "new"
    assert target.stat().st_mode & 0o777 == 0o640


def test_a_missing_folder_is_reported_by_the_path_given(model, tmp_path):
    given = tmp_path / "absent" / "model.npz"
    with pytest.raises(FileNotFoundError) as info:
        lucidnet.save(lucidnet.load(model), given)
    assert info.value.filename == str(given)
    assert ".tmp" not in str(info.value)
