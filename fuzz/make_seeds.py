"""Write the seed corpora of the fuzz targets: real model files and data files.

    .venv/bin/python fuzz/make_seeds.py    # rewrites fuzz/seeds/load and fuzz/seeds/read_table

Small networks, so that each seed is a few kilobytes: libFuzzer caps the length
of the inputs it makes at the longest seed's.
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.datasets import load_diabetes, load_iris, make_multilabel_classification
from sklearn.exceptions import ConvergenceWarning

import lucidnet
from lucidnet.cli.main import main as lucidnet_command

SEEDS = Path(__file__).parent / "seeds"


def layered_models() -> dict:
    """Convolutional networks and autoencoders: the layer-list model files."""
    rng = np.random.default_rng(0)
    images, signals = rng.standard_normal((30, 6, 6)), rng.standard_normal((30, 12, 2))
    labels = np.arange(30) % 3
    tiny = {"max_iter": 2, "random_state": 0}
    return {
        "convnet-2d-batch-norm": lucidnet.ConvNetClassifier(
            conv_layers=(2, 3), hidden_layer_sizes=(4,), batch_norm=True, dropout=0.2, **tiny
        ).fit(images, labels),
        "convnet-1d-strides-float32": lucidnet.ConvNetRegressor(
            conv_layers=(2,),
            kernel_size=[(3,)],
            strides=2,
            padding=1,
            pool_size=None,
            input_shape=(12,),
            hidden_layer_sizes=(3,),
            **tiny,
        ).fit(signals.astype(np.float32), signals[:, 0, 0]),  # fmt: skip
        "autoencoder-dense-noise": lucidnet.Autoencoder(
            n_components=2, hidden_layer_sizes=(5,), noise=0.1, masking=0.2, **tiny
        ).fit(images.reshape(30, -1)),
        "autoencoder-conv": lucidnet.Autoencoder(
            n_components=2, conv_layers=(2,), hidden_layer_sizes=(), **tiny
        ).fit(images),
    }


def model_seeds(folder: Path) -> None:
    X, y = load_iris(return_X_y=True)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    species = np.array(["setosa", "versicolor", "virginica"])[y]
    Y = make_multilabel_classification(len(X), n_features=4, n_classes=3, random_state=0)[1]
    frame = pd.DataFrame(X.astype(np.float32), columns=["sepal_l", "sepal_w", "petal_l", "petal_w"])
    small = {"hidden_layer_sizes": (3,), "max_iter": 5, "random_state": 0}
    models = {
        "classifier-binary": lucidnet.MLPClassifier(**small).fit(X, y > 0),
        "classifier-multiclass-strings": lucidnet.MLPClassifier(**small).fit(X, species),
        "classifier-multilabel-early-stopping": lucidnet.MLPClassifier(
            **small, early_stopping=True
        ).fit(X, Y),
        "classifier-float32-feature-names": lucidnet.MLPClassifier(
            hidden_layer_sizes=(3, 2), activation="tanh", max_iter=5, random_state=0
        ).fit(frame, y),
        "classifier-class-weight-dropout": lucidnet.MLPClassifier(
            **small, class_weight={0: 1.0, 1: 2.0, 2: 0.5}, dropout=0.25
        ).fit(X, y),
        "classifier-lbfgs-one-class": lucidnet.MLPClassifier(**small, solver="lbfgs").fit(
            X, np.zeros(len(X))
        ),
        "regressor": lucidnet.MLPRegressor(**small).fit(X, X[:, 0]),
        "regressor-multioutput-float32": lucidnet.MLPRegressor(
            **small, solver="lbfgs", activation="logistic"
        ).fit(X.astype(np.float32), X[:, :2]),
        "regressor-poisson": lucidnet.MLPRegressor(**small, loss="poisson").fit(X, y),
        "neural-network": lucidnet.NeuralNetwork([4, 3, 1], "tanh", random_state=0),
        "neural-network-logistic": lucidnet.NeuralNetwork([4, 2, 2, 1], "logistic"),
        **layered_models(),
    }
    for name, model in models.items():
        lucidnet.save(model, folder / f"{name}.npz")
    # The same arrays deflated, as np.savez_compressed writes them.
    with np.load(folder / "classifier-binary.npz") as npz:
        np.savez_compressed(folder / "classifier-binary-deflated.npz", **dict(npz))


def command_seeds(folder: Path, data: Path) -> None:
    """Models written by `lucidnet train`, with their column preprocessing."""
    fast = ["--hidden", "3", "--max-iter", "5", "--quiet"]
    for name, target in (("mixed", "label"), ("diabetes", "target"), ("iris", "species")):
        out = folder / f"train-{name}.npz"
        lucidnet_command(
            ["train", str(data / f"{name}.csv"), "--target", target, "--out", str(out), *fast]
        )


def data_seeds(folder: Path) -> None:
    rng = np.random.default_rng(0)
    iris = load_iris(as_frame=True)
    frame = iris.frame.assign(species=np.asarray(iris.target_names)[iris.target])
    frame.drop(columns="target").iloc[::10].to_csv(folder / "iris.csv", index=False)
    load_diabetes(as_frame=True, scaled=False).frame.iloc[:15].to_csv(
        folder / "diabetes.csv", index=False
    )
    n = 20
    mixed = pd.DataFrame(
        {
            "size": rng.normal(10, 3, n).round(2),
            "colour": rng.choice(["red", "green", "blue"], n),
            "weight": rng.normal(50, 10, n).round(1),
            "label": rng.choice(["good", "fair", "bad"], n),
        }
    )
    mixed.to_csv(folder / "mixed.csv", index=False)
    (folder / "missing-and-quoted.csv").write_text(
        'species,island,bill_mm,sex,note\nAdelie,Torgersen,39.1,male,"a, b"\n'
        'Adelie,Torgersen,,female,""\nGentoo,Biscoe,46.1,,"say ""hi"""\nChinstrap,Dream,NA,male,x\n'
    )
    (folder / "semicolons.csv").write_text("a;b;c\n1,5;2;x\n3;4;y\n")
    (folder / "tabs-utf8.csv").write_text("név\tér\tcél\n1\t2\té\n3\t4\tü\n", encoding="utf-8")
    (folder / "odd-numbers.csv").write_text("x,y\n1e300,inf\n-0,nan\n?,n/a\n 7 ,0x10\n")
    np.savez(folder / "arrays.npz", X=rng.normal(size=(6, 3)), y=np.arange(6) % 2)


def main() -> None:
    warnings.simplefilter("ignore", ConvergenceWarning)
    for target in ("load", "read_table"):
        shutil.rmtree(SEEDS / target, ignore_errors=True)
        (SEEDS / target).mkdir(parents=True)
    data_seeds(SEEDS / "read_table")
    model_seeds(SEEDS / "load")
    # The command trains on the larger tables; they are not seeds themselves.
    scratch = SEEDS / "load" / "_data"
    scratch.mkdir()
    mixed = pd.read_csv(SEEDS / "read_table" / "mixed.csv")
    pd.concat([mixed] * 4).to_csv(scratch / "mixed.csv", index=False)
    load_diabetes(as_frame=True, scaled=False).frame.to_csv(scratch / "diabetes.csv", index=False)
    iris = load_iris(as_frame=True)
    iris.frame.assign(species=np.asarray(iris.target_names)[iris.target]).drop(
        columns="target"
    ).to_csv(scratch / "iris.csv", index=False)
    command_seeds(SEEDS / "load", scratch)
    shutil.rmtree(scratch)
    for target in ("load", "read_table"):
        files = sorted((SEEDS / target).iterdir())
        print(f"{target}: {len(files)} seeds, largest {max(f.stat().st_size for f in files)} bytes")


if __name__ == "__main__":
    main()
