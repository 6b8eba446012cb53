"""The settings ``lucidnet tune`` searches, written as ``--grid`` gives them.

``hidden=64,128,128-64 alpha=1e-4,1e-3``: names separated by spaces, each with
its values separated by commas. The names are ``train``'s options without
their dashes (``hidden``, ``dropout``, ``activation``, ``solver``,
``max-iter``, ``conv``) and the estimator's own parameters (``alpha``,
``learning_rate_init``, ...), which ``train`` takes as ``--param NAME=VALUE``.
Layer sizes are joined by ``-`` (``128-64``: two layers), as the comma already
separates values. With ``--random N`` a value may be a range ``lo..hi``.
"""

from __future__ import annotations

import argparse
import difflib
import itertools
import math
from dataclasses import dataclass

import numpy as np

from .data_files import DataError

# train's options a grid may vary: the grid's name, then the attribute of the
# parsed arguments. The estimator parameters they set are the command's, not --param's.
OPTIONS = {"hidden": "hidden", "dropout": "dropout", "activation": "activation",
           "solver": "solver", "max-iter": "max_iter", "conv": "conv"}  # fmt: skip
SET_BY_THE_COMMAND = {
    "hidden_layer_sizes": "--hidden", "conv_layers": "--conv", "input_shape": "--input-shape",
    "activation": "--activation", "solver": "--solver", "max_iter": "--max-iter",
    "dropout": "--dropout", "early_stopping": "--early-stopping",
    "random_state": "--random-state", "progress_bar": "--quiet",
    "validation_fraction": "the command (10% of the training rows)",
    "verbose": "the command", "warm_start": "the command",
}  # fmt: skip
SOLVERS = ("adam", "sgd", "lbfgs")
SIGNIFICANT_DIGITS = 3  # of a float drawn by --random: what a person would type


@dataclass(frozen=True)
class Range:
    """``lo..hi`` for --random: integers drawn uniformly, floats log-uniformly
    when they span a factor of 10 or more above 0, else uniformly."""

    lo: float
    hi: float
    integer: bool

    def draw(self, rng):
        if self.integer:
            return int(rng.integers(self.lo, self.hi + 1))
        if self.lo > 0 and self.hi / self.lo >= 10:
            value = math.exp(rng.uniform(math.log(self.lo), math.log(self.hi)))
        else:
            value = rng.uniform(self.lo, self.hi)
        return min(max(float(f"{value:.{SIGNIFICANT_DIGITS}g}"), self.lo), self.hi)


def literal(text):
    """A parameter's value from its text: an integer, a float, true, false,
    none, or else the text itself (the estimator then checks it)."""
    lowered = text.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered == "none":
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text.strip()


def parameter_option(text):
    """argparse's type for ``--param NAME=VALUE``."""
    name, equals, value = text.partition("=")
    if not equals or not name.strip() or not value.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE (like alpha=0.001), got {text!r}")
    return name.strip(), literal(value)


def show(value) -> str:
    """A value as the command line writes it, and reads back the same."""
    if isinstance(value, (list, tuple)):
        return "-".join(map(str, value))
    if isinstance(value, bool) or value is None:
        return str(value).lower()
    return repr(value) if isinstance(value, float) else str(value)


def describe(setting) -> str:
    return " ".join(f"{name}={show(value)}" for name, value in setting.items())


def _estimator_classes():
    from ..estimators import ConvNetClassifier, ConvNetRegressor, MLPClassifier, MLPRegressor

    return (MLPClassifier, MLPRegressor, ConvNetClassifier, ConvNetRegressor)


def parameter_names() -> list[str]:
    """The estimator parameters ``--param`` and ``--grid`` may set."""
    names = set().union(*(cls().get_params() for cls in _estimator_classes()))
    return sorted(names - set(SET_BY_THE_COMMAND))


def set_parameters(model, given) -> None:
    """``--param NAME=VALUE`` pairs set on ``model``, checked by the estimator's
    own rules; DataError naming the pair at fault."""
    for name, value in given or []:
        if name in SET_BY_THE_COMMAND:
            raise DataError(f"--param {name}: set by {SET_BY_THE_COMMAND[name]}, not --param")
        if name not in model.get_params():
            valid = sorted(set(model.get_params()) - set(SET_BY_THE_COMMAND))
            raise DataError(
                f"--param {name}: {type(model).__name__} has no such parameter; it takes "
                f"{', '.join(valid)}{_near(name, valid)}"
            )
        model.set_params(**{name: value})
        try:
            model._validate_params()
        except (ValueError, TypeError) as exc:
            raise DataError(f"--param {name}={show(value)}: {exc}") from None


def parse_grid(text, random=False) -> dict:
    """``--grid``'s text as {name: list of values, or a Range (--random only)}."""
    if not text.strip():
        raise DataError(f"--grid is empty; expected {_EXAMPLE}")
    space, params = {}, None
    for item in text.split():
        name, equals, values = item.partition("=")
        if not equals or not name:
            raise DataError(f"--grid: {item!r} is not name=v1,v2,... (expected {_EXAMPLE})")
        if name.replace("_", "-") in OPTIONS:
            name = name.replace("_", "-")  # max_iter is --max-iter, as for the estimator
        elif name not in (params := params or parameter_names()):
            raise DataError(
                f"--grid: unknown name {name!r}{_near(name, [*OPTIONS, *params])}; the names "
                f"are train's options {', '.join(OPTIONS)} and the estimator's parameters "
                f"{', '.join(params)}"
            )
        if name in space:
            raise DataError(f"--grid: {name} is given twice; give all its values at once")
        space[name] = _values(name, values, random)
    return space


_EXAMPLE = '"hidden=64,128 alpha=1e-4,1e-3" (names separated by spaces, values by commas)'


def _near(name, names) -> str:
    near = difflib.get_close_matches(name, names, n=1)
    return f" (did you mean {near[0]}?)" if near else ""


def _values(name, text, random):
    if ".." in text and "," not in text:
        if not random:
            raise DataError(
                f"--grid: {name}={text} is a range, which goes with --random N; a grid "
                f"lists values: {name}=v1,v2,..."
            )
        return _range(name, text)
    parts = text.split(",")
    if not text or any(not part.strip() for part in parts):
        raise DataError(f"--grid: {name}={text} has an empty value; expected {name}=v1,v2,...")
    values = [_value(name, part) for part in parts]
    shown = [show(v) for v in values]
    twice = [v for v in shown if shown.count(v) > 1]
    if twice:
        raise DataError(f"--grid: {name}={text} lists {twice[0]} twice")
    return values


def _value(name, text):
    """One value of ``name``, checked as train checks its option (or, for an
    estimator parameter, as the estimator does)."""
    try:
        if name in ("hidden", "conv"):
            if name == "conv" and text.strip().lower() == "auto":
                return "auto"
            sizes = [int(part) for part in text.split("-")]
            if min(sizes) < 1:
                raise ValueError
            return sizes
        if name == "max-iter":
            value = int(text)
            if value < 1:
                raise ValueError
            return value
        if name == "dropout":
            value = float(text)
            if not 0 <= value < 1:
                raise ValueError
            return value
    except ValueError:
        raise DataError(f"--grid: {name}={text}: expected {_EXPECTED[name]}") from None
    if name in ("activation", "solver"):
        from ..engine.activations import HIDDEN_ACTIVATIONS

        choices = HIDDEN_ACTIVATIONS if name == "activation" else SOLVERS
        if text not in choices:
            raise DataError(f"--grid: {name}={text}: expected one of {', '.join(choices)}")
        return text
    value = literal(text)
    _check_parameter(name, value)
    return value


_EXPECTED = {
    "hidden": "layer sizes, '-' joining those of one network (like 64 or 128-64)",
    "conv": "auto, or filters per convolution joined by '-' (like 32-64)",
    "max-iter": "a positive integer",
    "dropout": "a number in [0, 1)",
}


def _check_parameter(name, value) -> None:
    """The first estimator that has ``name`` checks ``value`` by its own rules."""
    for cls in _estimator_classes():
        if name in cls().get_params():
            try:
                cls(**{name: value})._validate_params()
            except (ValueError, TypeError) as exc:
                raise DataError(f"--grid: {name}={show(value)}: {exc}") from None
            return


def _range(name, text):
    lo_text, _, hi_text = text.partition("..")
    if name in ("activation", "solver", "conv") or name == "hidden" and "-" in text:
        raise DataError(f"--grid: {name}={text}: {name} takes a list, not a range")
    lo, hi = (_value(name, part) for part in (lo_text, hi_text))
    if name == "hidden":
        lo, hi = lo[0], hi[0]
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (lo, hi))
    if not numbers or not lo < hi:
        raise DataError(f"--grid: {name}={text}: expected lo..hi, two numbers with lo < hi")
    integer = isinstance(lo, int) and isinstance(hi, int) and not _takes_floats(name)
    return Range(lo, hi, integer)


def _takes_floats(name) -> bool:
    """dropout, and parameters whose default is a float (alpha=1..100 draws floats)."""
    if name == "dropout":
        return True
    defaults = (cls().get_params().get(name) for cls in _estimator_classes())
    return any(isinstance(default, float) for default in defaults)


def grid_settings(space) -> list[dict]:
    """Every combination, the first name's values changing slowest."""
    names = list(space)
    return [dict(zip(names, values)) for values in itertools.product(*space.values())]


def random_settings(space, n, seed) -> list[dict]:
    """``n`` settings drawn by ``seed`` (the same every time), without repeats."""
    rng = np.random.default_rng(seed)
    settings, seen = [], set()
    for _ in range(n):
        setting = {}
        for name, spec in space.items():
            if isinstance(spec, Range):
                value = spec.draw(rng)
                setting[name] = [value] if name == "hidden" else value
            else:
                setting[name] = spec[int(rng.integers(len(spec)))]
        if describe(setting) not in seen:
            seen.add(describe(setting))
            settings.append(setting)
    return settings


def with_setting(args, setting) -> argparse.Namespace:
    """The arguments train would be given for ``setting``: its options set,
    its estimator parameters added to ``--param``'s."""
    chosen = argparse.Namespace(**{k: v for k, v in vars(args).items() if not callable(v)})
    chosen.param = list(args.param or [])
    for name, value in setting.items():
        if name in OPTIONS:
            setattr(chosen, OPTIONS[name], value)
        else:
            chosen.param.append((name, value))
    return chosen
