"""Data files shaped like the ones people bring to the ``lucidnet`` command."""

import numpy as np
import pytest

from lucidnet.cli.main import main

MEASUREMENTS = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
# species: (rows, islands, mean bill length, bill depth, flipper length, body mass)
SPECIES = {
    "Adelie": (152, ["Torgersen", "Biscoe", "Dream"], 38.8, 18.3, 190, 3700),
    "Chinstrap": (68, ["Dream"], 48.8, 18.4, 196, 3733),
    "Gentoo": (124, ["Biscoe"], 47.5, 15.0, 217, 5076),
}


def penguins_frame(seed=0):
    """A table of the Palmer penguins' shape: 344 rows; two rows without any
    body measurement or sex, nine more without sex (NaN, written as NA)."""
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(seed)
    parts = []
    for species, (n, islands, length, depth, flipper, mass) in SPECIES.items():
        parts.append(
            pd.DataFrame(
                {
                    "species": species,
                    "island": rng.choice(islands, n),
                    "bill_length_mm": rng.normal(length, 2.8, n).round(1),
                    "bill_depth_mm": rng.normal(depth, 1.0, n).round(1),
                    "flipper_length_mm": rng.normal(flipper, 6, n).round(),
                    "body_mass_g": (rng.normal(mass, 450, n) // 25 * 25),
                    "sex": rng.choice(["male", "female"], n),
                }
            )
        )
    frame = pd.concat(parts, ignore_index=True)
    frame[MEASUREMENTS[2:]] = frame[MEASUREMENTS[2:]].astype("Int64")  # written as 181, not 181.0
    frame = frame.astype(object)
    frame.loc[[3, 271], [*MEASUREMENTS, "sex"]] = np.nan
    frame.loc[[8, 9, 10, 11, 47, 178, 218, 256, 268], "sex"] = np.nan
    return frame


@pytest.fixture(scope="session")
def penguins_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("penguins") / "penguins.csv"
    penguins_frame().to_csv(path, index=False, na_rep="NA")
    return path


@pytest.fixture
def run(capsys):
    """``run(*args)``: the exit status, standard output and error of one command."""

    def run_command(*args):
        status = main([str(a) for a in args])
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return run_command
