"""Mini-batches of an epoch: in scikit-learn's order, or chunk by chunk."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["BatchSampler", "ChunkedBatches"]


class BatchSampler:
    """Yields the mini-batches of one epoch, in a new random order when shuffling.

    Shuffling permutes the order kept from the epoch before with ``rng``, as
    scikit-learn permutes its sample indices: with the same RandomState, both
    see the same batches. Dense batches are gathered with ``np.take`` into
    buffers allocated once, instead of a fresh fancy-indexed copy per batch.
    """

    def __init__(self, X, Y, sample_weight, batch_size, shuffle, rng):
        self.X, self.Y, self.w = X, Y, sample_weight
        self.batch_size, self.shuffle, self.rng = batch_size, shuffle, rng
        self.n_samples = X.shape[0]
        self.order = np.arange(X.shape[0])
        self.dense = not sp.issparse(X)
        if self.dense and shuffle:
            self.X_buffer = np.empty((batch_size, *X.shape[1:]), dtype=X.dtype)
            self.Y_buffer = np.empty((batch_size, Y.shape[1]), dtype=Y.dtype)

    def epoch(self):
        n = self.X.shape[0]
        if not self.shuffle:
            for start in range(0, n, self.batch_size):
                stop = min(start + self.batch_size, n)
                w = None if self.w is None else self.w[start:stop]
                yield self.X[start:stop], self.Y[start:stop], w
            return
        self.rng.shuffle(self.order)
        for start in range(0, n, self.batch_size):
            idx = self.order[start : start + self.batch_size]
            m = idx.shape[0]
            if self.dense:
                # mode="clip" skips a bounds check per index (a permutation is in
                # bounds): a third of the cost of gathering a batch.
                Xb = np.take(self.X, idx, axis=0, out=self.X_buffer[:m], mode="clip")
                Yb = np.take(self.Y, idx, axis=0, out=self.Y_buffer[:m], mode="clip")
            else:
                Xb, Yb = self.X[idx], self.Y[idx]
            yield Xb, Yb, (None if self.w is None else self.w[idx])


class ChunkedBatches:
    """Yields the mini-batches of one epoch over rows read a chunk at a time.

    For rows that do not fit in memory: ``chunks.read(i)`` gives the ``i``-th
    chunk's ``(X, y)``, and ``encode(X, y)`` turns it into what the network
    trains on, ``(X, Y, sample_weight)``. When shuffling, every epoch reads the
    chunks in a new order drawn from ``rng`` and shuffles each chunk's rows as
    :class:`BatchSampler` does; a batch never spans two chunks, so only one
    chunk is in memory. (A chunk whose rows run in the file's order, sorted by
    class or by date, would still give batches of one kind: the command writes
    its chunks as random samples of the file; see ``cli/streamed_training.py``.)
    """

    def __init__(self, chunks, encode, batch_size, shuffle, rng):
        self.chunks, self.encode = chunks, encode
        self.batch_size, self.shuffle, self.rng = batch_size, shuffle, rng
        self.n_samples = chunks.n_samples

    def epoch(self):
        n = self.chunks.n_chunks
        for i in self.rng.permutation(n) if self.shuffle else range(n):
            X, Y, w = self.encode(*self.chunks.read(i))
            size = min(self.batch_size, X.shape[0])
            yield from BatchSampler(X, Y, w, size, self.shuffle, self.rng).epoch()
