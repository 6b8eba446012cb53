"""Write the small CSV files that docs/guide/command.rst (and README.md) train on.

Run from anywhere: ``python docs/data/make_guide_data.py``. The tables come
from scikit-learn's bundled datasets; what is added to them (an ID column, a
few missing cells, a text column, a typo, a column too large to scale) is
fixed here, so the files are the same on every run. It also draws
guide_iris_train.png with ``lucidnet train ... --plot`` (matplotlib and the
``cli`` extra needed).
"""

import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.datasets import load_diabetes, load_iris

HERE = Path(__file__).parent
IRIS_COLUMNS = ["sepal_length", "sepal_width", "petal_length", "petal_width"]


def iris_frame():
    iris = load_iris()
    frame = pd.DataFrame(iris.data, columns=IRIS_COLUMNS)
    frame.insert(0, "plant_id", [f"P{i:03d}" for i in range(1, len(frame) + 1)])
    frame["species"] = iris.target_names[iris.target]
    return frame


def diabetes_frame():
    diabetes = load_diabetes(scaled=False)
    names = ["age", "sex", "bmi", "bp", "tc", "ldl", "hdl", "tch", "ltg", "glu"]
    frame = pd.DataFrame(diabetes.data, columns=names)
    frame["sex"] = frame["sex"].astype(int)  # coded 1 and 2 by the dataset
    # A text column: the body-mass index in three groups (a category, one-hot encoded).
    frame.insert(3, "bmi_group", pd.cut(frame["bmi"], [0, 25, 30, 100],
                                        labels=["under 25", "25 to 30", "30 and over"],
                                        right=False).astype(str))
    frame["progression"] = diabetes.target.astype(int)
    return frame


def main():
    iris = iris_frame()
    iris.loc[[7, 60, 120], "sepal_width"] = np.nan  # a few missing cells
    iris.loc[95, "petal_width"] = np.nan
    iris.to_csv(HERE / "guide_iris.csv", index=False)

    new = iris_frame().loc[[0, 55, 140, 100]].drop(columns="species")
    new["plant_id"] = ["N001", "N002", "N003", "N004"]
    new.loc[140, "petal_length"] = np.nan  # a missing cell in new data
    new.to_csv(HERE / "guide_iris_new.csv", index=False)

    typo = iris_frame().loc[[0, 1, 2]].drop(columns="species").astype({"petal_length": str})
    typo.loc[1, "petal_length"] = "1.4 cm"
    typo.to_csv(HERE / "guide_iris_typo.csv", index=False)

    diabetes = diabetes_frame()
    diabetes.to_csv(HERE / "guide_diabetes.csv", index=False)
    new = diabetes.loc[[0, 1, 2]].drop(columns="progression")
    new["bmi_group"] = ["30 and over", "not recorded", "under 25"]  # one the model never saw
    new.to_csv(HERE / "guide_diabetes_new.csv", index=False)

    huge = iris_frame().drop(columns="plant_id")
    huge.insert(0, "distance", huge["sepal_length"] * 1e300)  # its squares overflow float64
    huge.to_csv(HERE / "guide_huge.csv", index=False)

    # The picture docs/guide/command.rst shows: what --plot draws for the iris model.
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            [sys.executable, "-m", "lucidnet", "train", "guide_iris.csv",
             "--target", "species", "--ignore", "plant_id", "--quiet",
             "--out", str(Path(folder) / "iris.npz"), "--plot", "guide_iris_train.png"],
            check=True, stdout=subprocess.DEVNULL, cwd=HERE,
        )  # fmt: skip


if __name__ == "__main__":
    main()
