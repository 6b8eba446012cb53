"""Exceptions lucidnet raises on purpose."""

from ._bytes import byte_text

__all__ = ["ModelFileError", "NetworkTooLargeError", "TrainingDivergedError"]


class TrainingDivergedError(FloatingPointError, ValueError):
    """Training produced a non-finite loss or weights (the learning rate is
    usually too large). The message names the update or epoch.

    A ``ValueError`` too, as scikit-learn raises one for non-finite weights,
    so code written to catch scikit-learn's error catches this one.
    """


class ModelFileError(ValueError):
    """A model file could not be read: missing, truncated, corrupted, tampered
    with, of a newer format, or not a lucidnet model at all.

    The message names the file and the problem; ``path`` and ``problem`` hold
    them separately.
    """

    def __init__(self, path, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class NetworkTooLargeError(ValueError):
    """Training would need more memory than the system has available.

    Raised by ``fit`` before the network is made. ``parameters`` names the
    estimator parameters to change, ``needed`` and ``available`` are in
    bytes, ``layer`` says which layer needs the most; :meth:`describe` words
    it with other names for the parameters (the ``lucidnet`` command's options).
    """

    def __init__(self, estimator: str, parameters, needed, available, layer, amount="about"):
        self.estimator, self.parameters, self.amount = estimator, tuple(parameters), amount
        self.needed, self.available, self.layer = needed, available, layer
        super().__init__(self.describe())

    def describe(self, names=None) -> str:
        """The message, naming each parameter as ``names`` does: only those
        ``names`` has, when it has any (the command has no option for some)."""
        names = names or {}
        named = [names[p] for p in self.parameters if p in names]
        knobs = " or ".join(named or self.parameters)
        return (
            f"training this {self.estimator} needs {self.amount} {byte_text(self.needed)} of "
            f"memory, and {byte_text(self.available)} is available; the most goes to "
            f"{self.layer}: make {knobs} smaller"
        )
