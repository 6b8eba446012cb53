"""Exceptions lucidnet raises on purpose."""

from ._bytes import byte_text

__all__ = ["ModelFileError", "NetworkTooLargeError", "TrainingDivergedError"]


class TrainingDivergedError(FloatingPointError, ValueError):
    """Training produced a non-finite loss or weights (the learning rate is
    usually too large). The message names the update or epoch.

    A ``ValueError`` too, as scikit-learn raises one for non-finite weights,
    so code written to catch scikit-learn's error catches this one.

    Examples
    --------
    >>> import numpy as np
    >>> from lucidnet import NeuralNetwork, TrainingDivergedError
    >>> nn = NeuralNetwork([1, 1], "identity", random_state=0)
    >>> try:
    ...     nn.fit(np.array([[1e3]]), np.array([1.0]), learning_rate=10.0, epochs=1000)
    ... except TrainingDivergedError as error:
    ...     print(error)
    training diverged: at update 23 of 1000 the loss became inf. Try a smaller
    learning_rate than 10 (the weights were restored to their values before fit).
    """


class ModelFileError(ValueError):
    """A model file could not be read: missing, truncated, corrupted, tampered
    with, of a newer format, or not a lucidnet model at all.

    The message names the file and the problem; ``path`` and ``problem`` hold
    them separately.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    problem : str
        What is wrong with it.

    Attributes
    ----------
    path : str
    problem : str

    Examples
    --------
    >>> from lucidnet import ModelFileError, load
    >>> try:
    ...     load("no-such-model.npz")
    ... except ModelFileError as error:
    ...     print(error.path, "|", error.problem)
    no-such-model.npz | no such file
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

    Parameters
    ----------
    estimator : str
        The estimator's name.
    parameters : iterable of str
        The estimator parameters that would make the network smaller.
    needed, available : int
        Bytes.
    layer : str
        The layer that needs the most.
    amount : str, default='about'
        How ``needed`` is worded ('about', 'at least').

    Attributes
    ----------
    estimator : str
    parameters : tuple of str
    needed, available : int
    layer : str
    amount : str

    Examples
    --------
    >>> from lucidnet import NetworkTooLargeError
    >>> error = NetworkTooLargeError(
    ...     "ConvNetClassifier", ["batch_size"], 2**33, 2**30, "the first Conv2D")
    >>> print(error)
    training this ConvNetClassifier needs about 8 GiB of memory, and 1 GiB is
    available; the most goes to the first Conv2D: make batch_size smaller
    >>> print(error.describe({"batch_size": "--batch-size"}))
    training this ConvNetClassifier needs about 8 GiB of memory, ... make --batch-size smaller
    """

    def __init__(self, estimator: str, parameters, needed, available, layer, amount="about"):
        self.estimator, self.parameters, self.amount = estimator, tuple(parameters), amount
        self.needed, self.available, self.layer = needed, available, layer
        super().__init__(self.describe())

    def describe(self, names=None) -> str:
        """The message, naming each parameter as ``names`` does: only those
        ``names`` has, when it has any (the command has no option for some).

        Parameters
        ----------
        names : dict of str to str or None, default=None
            Another name for each parameter.

        Returns
        -------
        message : str
        """
        names = names or {}
        named = [names[p] for p in self.parameters if p in names]
        knobs = " or ".join(named or self.parameters)
        return (
            f"training this {self.estimator} needs {self.amount} {byte_text(self.needed)} of "
            f"memory, and {byte_text(self.available)} is available; the most goes to "
            f"{self.layer}: make {knobs} smaller"
        )
