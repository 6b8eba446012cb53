"""What lucidnet is measured against: PyTorch's training loop, and the bare
matrix products of one training step (the rate no NumPy loop can beat)."""

import time

import numpy as np


def torch_available() -> bool:
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def torch_epoch(X, y, hidden, batch_size, seed, dtype):
    """One epoch of Adam (lr 1e-3) on a relu MLP, the way a PyTorch user writes it.

    Returns the seconds taken, model construction included (as a fit's is).
    """
    import torch
    from torch import nn

    torch.manual_seed(seed)
    torch_dtype = torch.float32 if dtype == np.float32 else torch.float64
    start = time.perf_counter()
    sizes = [X.shape[1], *hidden]
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(n_in, n_out), nn.ReLU()]
    layers.append(nn.Linear(sizes[-1], int(y.max()) + 1))
    model = nn.Sequential(*layers).to(torch_dtype)
    torch_adam_epoch(model, X, y, batch_size)
    return time.perf_counter() - start


def torch_adam_epoch(model, X, y, batch_size):
    """One epoch of Adam (lr 1e-3) and cross-entropy over shuffled batches."""
    import torch
    from torch import nn

    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    X_t, y_t = torch.from_numpy(X), torch.from_numpy(y)
    order = torch.randperm(X.shape[0])
    for start_row in range(0, X.shape[0], batch_size):
        idx = order[start_row : start_row + batch_size]
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(X_t[idx]), y_t[idx])
        loss.backward()
        optimizer.step()


def raw_matmul_epoch(X, sizes, batch_size, dtype):
    """The 8 matrix products of one epoch of a 3-layer MLP, and nothing else.

    Per batch: 3 forward (``A @ W``), 3 weight gradients (``A.T @ dZ``) and 2
    input gradients (``dZ @ W.T``; the first layer's is never needed), each
    written into a buffer allocated beforehand, on consecutive slices of X.
    Returns the seconds taken.
    """
    rng = np.random.default_rng(0)
    weights = [rng.standard_normal((a, b)).astype(dtype) for a, b in zip(sizes[:-1], sizes[1:])]
    acts = [np.empty((batch_size, s), dtype) for s in sizes[1:]]
    grads = [np.empty((batch_size, s), dtype) for s in sizes[1:]]
    for g in grads:
        g[...] = 0.01
    dweights = [np.empty_like(w) for w in weights]
    n = X.shape[0] - X.shape[0] % batch_size
    start = time.perf_counter()
    for row in range(0, n, batch_size):
        inputs = [X[row : row + batch_size], *acts[:-1]]
        for a_in, w, a_out in zip(inputs, weights, acts):
            np.matmul(a_in, w, out=a_out)
        for i in range(len(weights) - 1, -1, -1):
            np.matmul(inputs[i].T, grads[i], out=dweights[i])
            if i > 0:
                np.matmul(grads[i], weights[i].T, out=grads[i - 1])
    return (time.perf_counter() - start) * X.shape[0] / n


def plain_numpy_epoch(X, y, hidden, batch_size, seed, dtype):
    """One epoch of Adam (lr 1e-3, L2 alpha 1e-4 as scikit-learn applies it) in
    the plain NumPy a tutorial would write: fresh arrays everywhere,
    fancy-indexed batches, Adam per array.

    The reference for what a straightforward loop costs on the same machine.
    """
    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    sizes = [X.shape[1], *hidden, int(y.max()) + 1]
    weights = [
        (rng.standard_normal((a, b)) * np.sqrt(2 / a)).astype(dtype)
        for a, b in zip(sizes[:-1], sizes[1:])
    ]
    biases = [np.zeros(b, dtype) for b in sizes[1:]]
    params = weights + biases
    moments = [np.zeros_like(p) for p in params]
    squares = [np.zeros_like(p) for p in params]
    Y = np.eye(sizes[-1], dtype=dtype)[y]
    order = rng.permutation(X.shape[0])
    for t, row in enumerate(range(0, X.shape[0], batch_size), start=1):
        idx = order[row : row + batch_size]
        acts = [X[idx]]
        for i, (W, b) in enumerate(zip(weights, biases)):
            z = acts[-1] @ W + b
            acts.append(np.maximum(z, 0) if i < len(weights) - 1 else z)
        p = np.exp(acts[-1] - acts[-1].max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        delta = (p - Y[idx]) / len(idx)
        grads_w, grads_b = [None] * len(weights), [None] * len(weights)
        for i in range(len(weights) - 1, -1, -1):
            grads_w[i] = acts[i].T @ delta + (1e-4 / len(idx)) * weights[i]
            grads_b[i] = delta.sum(axis=0)
            if i:
                delta = (delta @ weights[i].T) * (acts[i] > 0)
        lr = 1e-3 * np.sqrt(1 - 0.999**t) / (1 - 0.9**t)
        for p_, g, m, v in zip(params, grads_w + grads_b, moments, squares):
            m *= 0.9
            m += 0.1 * g
            v *= 0.999
            v += 0.001 * g * g
            p_ -= lr * m / (np.sqrt(v) + 1e-8)
    return time.perf_counter() - start
