"""Rows as images or signals: the ``input_shape`` parameter and what it decides.

A convolutional estimator takes ``X`` as the usual 2-D table, one row per
sample, or already shaped ``(n_samples, *input_shape)``. Either way it is
validated as a table (scikit-learn's checks, ``n_features_in_``), then folded
into ``(n_samples, *spatial, channels)``, channels last, for the network.

The number of spatial axes comes from ``input_shape`` (one: signals, Conv1D;
two: images, Conv2D), else from ``X``: a table is one-channel signals,
``(n, h, w)`` and ``(n, h, w, c)`` arrays are images. A sample shape of two
axes is thus always ``(height, width)``; signals of several channels are
``input_shape=(length,)``, the channels being what is left: the last axis of
an ``X`` of shape ``(n, length, channels)``, or ``n_features / length`` of a
table (each step's channels next to each other).
"""

from __future__ import annotations

import math

import numpy as np
from sklearn.utils.validation import validate_data

from ..engine.conv import spatial_tuple

__all__ = ["ShapedInput", "is_int"]


def is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


class ShapedInput:
    """Mixed into a network estimator whose network takes images or signals."""

    def _per_conv_layer(
        self, name, value, n_layers, n_spatial, what=("convolutional layers", "convolutional layer")
    ) -> list:
        """A convolution setting for each of ``n_layers``: a list gives one per
        layer; anything else (an int, or a tuple with one int per spatial axis)
        is one value for all. Each becomes a tuple per spatial axis (or None).
        ``what`` names the layers in an error (plural, singular)."""
        values = list(value) if isinstance(value, list) else [value] * n_layers
        if len(values) != n_layers:
            raise ValueError(
                f"{name} has {len(values)} entries but there are {n_layers} {what[0]}; give "
                f"one {name} (an int, or a tuple of one per spatial axis) or a list of one per "
                f"{what[1]}."
            )
        return [None if v is None else spatial_tuple(v, n_spatial, name) for v in values]

    def _sample_shape(self, X):
        """``(X as a 2-D array or sparse matrix, one sample's shape as given)``."""
        if not hasattr(X, "shape") and not hasattr(X, "__array__"):
            X = np.asarray(X)
        if getattr(X, "ndim", 2) > 2:
            return np.asarray(X).reshape(X.shape[0], -1), tuple(X.shape[1:])
        return X, None

    def _resolve_input_shape(self, n_features, given) -> tuple[int, ...]:
        """``(*spatial, channels)`` from the parameter, the shape ``X`` came in and its width."""
        shape = self.input_shape
        if shape is None:
            if given is None:
                return (n_features, 1)
            if len(given) > 3:
                raise ValueError(
                    f"X has samples of shape {given}; without input_shape, samples of 2 or 3 "
                    "axes are images, (height, width) or (height, width, channels). Signals of "
                    "several channels take input_shape=(length,) with X of shape (n_samples, "
                    "length, channels)"
                )
            return given if len(given) == 3 else (*given, 1)
        shape = tuple(shape)
        if not 1 <= len(shape) <= 3 or not all(is_int(s) and s >= 1 for s in shape):
            raise ValueError(
                f"input_shape must be (length,), (height, width) or (height, width, "
                f"channels) of positive ints, got {self.input_shape!r}"
            )
        shape = tuple(int(s) for s in shape)  # NumPy ints too: the shape goes to JSON
        if len(shape) == 3:
            resolved = shape
        else:
            channels, left = divmod(n_features, math.prod(shape))
            if left or not channels:
                raise ValueError(
                    f"X has {n_features} features per sample, which input_shape={shape} "
                    f"does not divide into channels (a multiple of {math.prod(shape)} is needed)"
                )
            resolved = (*shape, channels)
        if math.prod(resolved) != n_features:
            raise ValueError(
                f"input_shape={shape} makes {math.prod(resolved)} values per sample, but X "
                f"has {n_features}"
            )
        if given is not None and given not in (resolved, resolved[:-1]):
            raise ValueError(f"X has samples of shape {given}, but input_shape says {resolved}")
        return resolved

    def _validate_X_y(self, X, y, first_pass, **kwargs):
        X, given = self._sample_shape(X)
        X, y = super()._validate_X_y(X, y, first_pass, **kwargs)
        if first_pass:
            self.input_shape_ = self._resolve_input_shape(X.shape[1], given)
            self._check_positions(self.input_shape_)
        self._check_given_shape(given)
        return self._shape_input(X), y

    def _check_positions(self, input_shape) -> None:
        """A hook: refuse, naming the layer and the parameters to change, a
        network whose layers would leave no position of ``input_shape``."""

    def _validated_X(self, X, ensure_all_finite=True):
        X, given = self._sample_shape(X)
        X = validate_data(
            self, X, accept_sparse=["csr", "csc"], reset=False, ensure_all_finite=ensure_all_finite
        )
        self._check_given_shape(given)
        return self._shape_input(X)

    def _check_given_shape(self, given):
        if given is not None and given not in (self.input_shape_, self.input_shape_[:-1]):
            raise ValueError(
                f"X has samples of shape {given}, but this {type(self).__name__} was fitted on "
                f"samples of shape {self.input_shape_}"
            )

    def _shape_input(self, X):
        if hasattr(X, "toarray"):
            X = X.toarray()
        return X.reshape(X.shape[0], *self.input_shape_)
