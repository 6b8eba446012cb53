"""Options checked by the command itself, before any work, with its own message."""

import pytest

from lucidnet.cli.main import main


@pytest.mark.parametrize("value", ["-1", "4294967296", "1.5", "seven"])
@pytest.mark.parametrize(
    "command",
    [
        ["train", "data.csv", "--target", "y", "--out", "m.npz"],
        ["demo", "xor"],
        ["demo", "digits"],
    ],
)
def test_random_state_out_of_range_is_a_usage_error(capsys, command, value):
    with pytest.raises(SystemExit) as info:
        main([*command, "--random-state", value])
    err = capsys.readouterr().err
    assert info.value.code == 2
    assert (
        f"argument --random-state: expected a whole number from 0 to 4294967295, got {value}" in err
    )
    assert "Traceback" not in err and "sklearn" not in err


def test_largest_random_state_is_accepted(capsys):
    assert main(["demo", "xor", "--random-state", "4294967295", "--epochs", "10"]) in (0, 1)
    assert "error" not in capsys.readouterr().err


def test_empty_names_in_ignore_are_an_error(capsys, tmp_path):
    """An empty name between commas is refused, once the file's columns say
    the value is no column's name (a column may be named 'id,date')."""
    data = tmp_path / "data.csv"
    data.write_text("id,date,x,y\n" + "".join(f"{i},d{i},{i % 3},{i % 2}\n" for i in range(30)))
    status = main(["train", str(data), "--target", "y", "--out", str(tmp_path / "m.npz"),
                   "--ignore", "id,,date"])  # fmt: skip
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1
    assert "--ignore 'id,,date' is no column's name, and not column names separated by commas" in (
        err
    )
    assert not (tmp_path / "m.npz").exists()
