"""``lucidnet tune``: the search's table and scores, where its fits run, and
the model it saves (issue 19, section 3)."""

import shlex
import socket
import time

import numpy as np
import pytest
from sklearn.datasets import load_diabetes, load_iris
from sklearn.model_selection import StratifiedKFold, cross_val_score, train_test_split

from lucidnet import MLPClassifier
from lucidnet.cli.search_space import Range, parse_grid, random_settings
from lucidnet.cli.tabular import transform
from lucidnet.io.model_file import read_model_file

pd = pytest.importorskip("pandas")
FAST = ["--max-iter", "15", "--cv", "3", "--quiet"]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tune")
    iris = load_iris(as_frame=True)
    frame = iris.frame.assign(species=np.asarray(iris.target_names)[iris.target])
    frame.drop(columns="target").to_csv(folder / "iris.csv", index=False)
    load_diabetes(as_frame=True, scaled=False).frame.to_csv(folder / "diabetes.csv", index=False)
    return folder


def table_rows(out):
    """The table's rows as lists of cells, header first."""
    lines = out.split("\n\n")[1].splitlines()
    return [line.split() for line in lines]


def without_fit_times(out):
    return [row[:-2] if row[-1] == "s" else row for row in table_rows(out)]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # 15 epochs
def test_grid_table_is_every_setting_best_first_scored_as_a_hand_run_cross_val_score(
    files, tmp_path, run
):
    data, model = files / "iris.csv", tmp_path / "m.npz"
    status, out, _ = run(
        "tune",
        data,
        "--target",
        "species",
        "--out",
        model,
        *FAST,
        "--grid",
        "hidden=4,8-4 alpha=1e-4,0.5",
        "--no-early-stopping",
    )
    assert status == 0, out
    header, *rows = table_rows(out)
    assert header == ["rank", "hidden", "alpha", "mean", "accuracy", "std", "fit", "time"]
    assert [row[0] for row in rows] == ["1", "2", "3", "4"]
    assert {(row[1], row[2]) for row in rows} == {
        ("4", "0.0001"), ("4", "0.5"), ("8-4", "0.0001"), ("8-4", "0.5")
    }  # fmt: skip
    means = [float(row[3]) for row in rows]
    assert means == sorted(means, reverse=True)
    # By hand: train's split and column steps (kept in the saved model), then
    # scikit-learn's cross_val_score over stratified folds seeded alike.
    frame = pd.read_csv(data)
    y = frame["species"].to_numpy()
    train_rows, _ = train_test_split(np.arange(150), test_size=0.2, random_state=0, stratify=y)
    steps = read_model_file(model).preprocessing
    X = transform(steps, frame, str(data))[train_rows]
    folds = StratifiedKFold(3, shuffle=True, random_state=0)
    for row in rows:
        hidden = tuple(int(size) for size in row[1].split("-"))
        estimator = MLPClassifier(hidden, alpha=float(row[2]), max_iter=15, random_state=0)
        scores = cross_val_score(estimator, X, y[train_rows], cv=folds)
        assert f"{scores.mean():.4f}" == row[3] and f"{scores.std():.4f}" == row[4]
    best = " ".join(f"{name}={value}" for name, value in zip(header[1:3], rows[0][1:3]))
    assert f"Best: {best} (mean accuracy {rows[0][3]} over the folds)" in out


def test_jobs_and_a_local_cluster_find_the_same_scores_as_one_process(files, tmp_path, run):
    common = ["--target", "target", *FAST, "--grid", "hidden=4,8 learning_rate_init=0.01,0.03"]
    outputs = {}
    for where in (["--jobs", "1"], ["--jobs", "2"], ["--cluster", "local:2"]):
        model = tmp_path / f"{where[1]}.npz"
        status, out, err = run("tune", files / "diabetes.csv", "--out", model, *common, *where)
        assert status == 0, err
        outputs[where[1]] = (without_fit_times(out), read_model_file(model).model)
    assert "on a local dask cluster of 2 worker processes" in out
    X = np.random.default_rng(0).normal(size=(20, 10))
    (table, model), *others = outputs.values()
    assert len(table) == 5 and table[0][3:5] == ["mean", "R^2"]
    for other_table, other_model in others:
        assert other_table == table
        assert np.array_equal(other_model.predict(X), model.predict(X))


@pytest.mark.parametrize(
    "data, target, grid",
    [
        ("iris.csv", "species", "hidden=4,8-4 alpha=1e-4,0.5 activation=relu,tanh max-iter=15"),
        ("diabetes.csv", "target", "hidden=8,16 max-iter=10,20 batch_size=32,64"),
    ],
)
def test_the_saved_model_is_trains_with_the_best_settings(files, tmp_path, run, data, target, grid):
    model, again = tmp_path / "tuned.npz", tmp_path / "trained.npz"
    status, out, err = run("tune", files / data, "--target", target, "--out", model, "--quiet",
                           "--cv", "2", "--grid", grid)  # fmt: skip
    assert status == 0, err
    command = out.split("The same model from train: ")[1].splitlines()[0]
    words = shlex.split(command)
    assert words[:2] == ["lucidnet", "train"]
    words[words.index("--out") + 1] = str(again)
    status, trained_out, err = run(*words[1:], "--quiet")
    assert status == 0, err
    X = transform(read_model_file(model).preprocessing, pd.read_csv(files / data), data)
    tuned, trained = read_model_file(model).model, read_model_file(again).model
    predict = getattr(tuned, "predict_proba", tuned.predict)
    assert np.array_equal(predict(X), getattr(trained, predict.__name__)(X))
    # The held-out score is printed as train prints it.
    report = out[out.index("Held-out evaluation") :].split("\n\nSaved")[0]
    assert report and report in trained_out
    assert ("Accuracy: " if target == "species" else "R^2: ") in report


def test_random_draws_are_seeded_and_within_their_ranges(files, tmp_path, run):
    space = parse_grid("hidden=4..12 alpha=1e-5..1e-1 dropout=0..0.5 activation=relu,tanh",
                       random=True)  # fmt: skip
    assert space["alpha"] == Range(1e-5, 1e-1, integer=False)
    draws = random_settings(space, 400, seed=3)
    assert draws == random_settings(space, 400, seed=3) != random_settings(space, 400, seed=4)
    hidden = [d["hidden"][0] for d in draws]
    assert set(hidden) == set(range(4, 13))
    alpha = np.array([d["alpha"] for d in draws])
    assert 1e-5 <= alpha.min() and alpha.max() <= 1e-1
    assert 0.3 < np.mean(alpha < 1e-3) < 0.7  # log-uniform: half the draws below the middle
    dropout = np.array([d["dropout"] for d in draws])
    assert 0 <= dropout.min() and dropout.max() <= 0.5 and 0.3 < np.mean(dropout < 0.25) < 0.7
    assert {d["activation"] for d in draws} == {"relu", "tanh"}
    grid = ["--grid", "hidden=4..12 alpha=1e-4..1e-1", "--random", "3"]
    outputs = []
    for name in ("a", "b"):
        status, out, err = run("tune", files / "iris.csv", "--target", "species",
                               "--out", tmp_path / f"{name}.npz", *FAST, *grid)  # fmt: skip
        assert status == 0, err
        outputs.append(without_fit_times(out))
    assert outputs[0] == outputs[1] and len(outputs[0]) == 4


@pytest.mark.parametrize(
    "grid, expected",
    [
        ("", "--grid is empty; expected"),
        ("hidden", "'hidden' is not name=v1,v2,..."),
        ("hidden=", "hidden= has an empty value"),
        ("hidden=8,,16", "has an empty value"),
        ("alhpa=1e-3", "unknown name 'alhpa' (did you mean alpha?); the names are train's "
                       "options hidden, dropout"),
        ("hidden=8 hidden=16", "hidden is given twice"),
        ("hidden=8,8", "hidden=8,8 lists 8 twice"),
        ("hidden=8,x", "hidden=x: expected layer sizes"),
        ("dropout=1.5", "dropout=1.5: expected a number in [0, 1)"),
        ("activation=relu,sigmoid", "activation=sigmoid: expected one of identity, logistic"),
        ("alpha=-1", "The 'alpha' parameter of MLPClassifier must be a float"),
        ("alpha=1e-5..1e-1", "is a range, which goes with --random N"),
        ("solver=lbfgs dropout=0.2", "--grid setting solver=lbfgs dropout=0.2: --dropout needs"),
        ("hidden_layer_sizes=8", "unknown name 'hidden_layer_sizes'"),
    ],
)  # fmt: skip
def test_a_bad_grid_is_one_line_saying_what_was_expected(files, tmp_path, run, grid, expected):
    model = tmp_path / "m.npz"
    model.write_bytes(b"an existing model")
    status, out, err = run("tune", files / "iris.csv", "--target", "species", "--out", model,
                           "--grid", grid)  # fmt: skip
    assert status == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("lucidnet tune: error: ") and expected in err, err
    assert model.read_bytes() == b"an existing model"


@pytest.mark.parametrize(
    "options, expected",
    [
        (["--grid", "hidden=4", "--cv", "200"], "--cv 200: more folds than the 120 training rows"),
        (["--grid", "hidden=4", "--hidden", "8"], "hidden is both in --grid and given as --hidden"),
        (["--grid", "solver=sgd learning_rate_init=10,1000", "--no-early-stopping"],
         "every setting failed (solver=sgd learning_rate_init="),
    ],
)  # fmt: skip
def test_a_failed_search_leaves_an_existing_out_file(files, tmp_path, run, options, expected):
    model = tmp_path / "m.npz"
    model.write_bytes(b"an existing model")
    data = files / ("diabetes.csv" if "sgd" in options[1] else "iris.csv")
    target = "target" if "sgd" in options[1] else "species"
    status, _, err = run("tune", data, "--target", target, "--out", model, "--quiet",
                         "--max-iter", "5", *options)  # fmt: skip
    assert status == 2 and expected in err, err
    assert model.read_bytes() == b"an existing model"


def test_an_unreachable_cluster_fails_fast_naming_its_address(files, tmp_path, run):
    with socket.socket() as free:  # a port nothing listens on
        free.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{free.getsockname()[1]}"
    start = time.perf_counter()
    status, out, err = run(
        "tune",
        files / "iris.csv",
        "--target",
        "species",
        "--out",
        tmp_path / "m.npz",
        "--grid",
        "hidden=4",
        "--cluster",
        address,
    )
    assert status == 2 and time.perf_counter() - start < 15
    assert err == (
        f"lucidnet tune: error: --cluster {address}: no dask scheduler answered within 5 s; "
        f"start one with 'dask scheduler' and workers with 'dask worker {address}', or use "
        "--cluster local:N\n"
    )
    assert out == "" and not (tmp_path / "m.npz").exists()  # said before reading the file
