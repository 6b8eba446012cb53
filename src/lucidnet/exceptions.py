"""Exceptions lucidnet raises on purpose."""

__all__ = ["TrainingDivergedError"]


class TrainingDivergedError(FloatingPointError):
    """Training produced a non-finite loss or weights (the learning rate is
    usually too large). The message names the update or epoch."""
