"""CSV files read as a person means them: the separator, the header, the cells."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lucidnet
from lucidnet.cli.data_files import DataError, read_table
from lucidnet.cli.main import main

pd = pytest.importorskip("pandas")

FAST = ["--max-iter", "30", "--hidden", "8", "--quiet"]


def run(capsys, *args):
    status = main([str(a) for a in args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def measurements(n=60, seed=0):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "length": rng.normal(40, 5, n).round(1),
            "depth": rng.normal(17, 2, n).round(1),
            "island": rng.choice(["Biscoe", "Dream", "Torgersen"], n),
        }
    )
    frame["species"] = np.where(frame.length > 40, "Gentoo", "Adelie")
    return frame


@pytest.mark.parametrize("separator", [",", ";", "\t", "|"])
def test_separator_is_sniffed(tmp_path, separator):
    frame = measurements()
    path = tmp_path / "data.txt"
    frame.to_csv(path, index=False, sep=separator)
    read = read_table(path)
    assert list(read.columns) == list(frame.columns)
    assert read["length"].astype(float).tolist() == frame["length"].tolist()
    assert read["island"].tolist() == frame["island"].tolist()


def test_semicolon_and_tab_files_train_the_same_model_as_the_comma_file(tmp_path, capsys):
    frame = measurements()
    models = {}
    for name, separator in [("comma.csv", ","), ("semicolon.csv", ";"), ("tab.tsv", "\t")]:
        frame.to_csv(tmp_path / name, index=False, sep=separator)
        models[name] = tmp_path / f"{name}.npz"
        status, out, err = run(
            capsys, "train", tmp_path / name, "--target", "species", "--out", models[name], *FAST
        )
        assert status == 0, err
        assert "3 feature columns (2 numeric, 1 text) -> 5 network inputs" in out
    weights = [lucidnet.load(m).coefs_[0] for m in models.values()]
    assert all(np.array_equal(weights[0], w) for w in weights[1:])


def test_a_single_column_file_is_read(tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("length\n1.5\n2\n3.25\n")
    read = read_table(path)
    assert list(read.columns) == ["length"] and read["length"].tolist() == ["1.5", "2", "3.25"]


def test_a_quoted_cell_holding_the_other_separator_does_not_fool_the_sniffer(tmp_path):
    path = tmp_path / "quoted.csv"
    path.write_text('name,city\n"Smith; John",Paris\n"Doe; Jane",Rome\n')
    assert read_table(path)["name"].tolist() == ["Smith; John", "Doe; Jane"]


def test_decimal_commas_in_a_semicolon_file_are_numbers(tmp_path):
    path = tmp_path / "european.csv"
    path.write_text("length;depth;name\n39,1;18,7;a,b\n-0,5;17;c\n")
    read = read_table(path)
    assert read["length"].tolist() == ["39.1", "-0.5"]
    assert read["depth"].tolist() == ["18.7", "17"]
    assert read["name"].tolist() == ["a,b", "c"]  # not a number: left as written
    comma_file = tmp_path / "comma.csv"
    comma_file.write_text('length,depth\n"39,1",2\n')
    assert read_table(comma_file)["length"].tolist() == ["39,1"]  # only without commas


@pytest.mark.parametrize(
    "header, names",
    [("a,b,a", "'a'"), ("a, b, a, b", "'a', 'b'"), ("a;b;a", "'a'"), ("x,a.1,a,a", "'a'")],
)
def test_duplicate_header_names_are_refused_naming_them(tmp_path, header, names):
    path = tmp_path / "dup.csv"
    separator = ";" if ";" in header else ","
    path.write_text(header + "\n" + separator.join("1" * len(header.split(separator))) + "\n")
    with pytest.raises(DataError) as info:
        read_table(path)
    assert str(info.value) == (
        f"{path}: the header row names {names} more than once; every column needs a name of its own"
    )


def test_more_cells_than_header_names_is_refused(tmp_path):
    path = tmp_path / "shifted.csv"
    path.write_text("a,b\n1,2,3\n4,5,6\n")  # pandas would take 1 and 4 as row labels
    with pytest.raises(DataError, match="the data rows have more cells than the header row's 2"):
        read_table(path)


def test_empty_header_names_are_counted(tmp_path):
    path = tmp_path / "index.csv"
    path.write_text(",a,b\n0,1,2\n")  # pandas' to_csv with its index
    with pytest.raises(DataError, match=r"has 1 empty column name.*often a saved row index"):
        read_table(path)


PIECES = [",", ";", "\t", "|", "\n", "\r", '"', " ", "a", "b", "1", "2.5", "3,5", "NA", "?", "-"]


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.lists(st.sampled_from(PIECES) | st.text(max_size=3), max_size=40).map("".join))
def test_any_text_file_is_read_or_refused_with_a_data_error(tmp_path, text):
    path = tmp_path / "any.csv"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        frame = read_table(path)
    except DataError as exc:
        assert str(exc).startswith(f"{path}: ")
    else:
        assert len(frame) > 0 and frame.columns.is_unique
