"""Exceptions lucidnet raises on purpose."""

__all__ = ["ModelFileError", "TrainingDivergedError"]


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
