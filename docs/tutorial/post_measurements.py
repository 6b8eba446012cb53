"""The measurements behind the tutorial's first page (docs/tutorial/the_post.rst).

Runs the post's network as it wrote it (docs/data/post_code.py), the same
code with its tanh derivative fixed, and lucidnet's NeuralNetwork on the
post's two experiments, over many seeds, and prints what the page shows.
The page includes this script's output as it prints it during ``make docs``,
so no figure on the page can drift from what the code does. About 80 s of
processor time in two processes (about 40 s on two idle cores; 1 min 55 s
measured on a busy 2-core machine); the figures are the same on every run
(every start is seeded).

Run it from the repository's root::

    python docs/tutorial/post_measurements.py
"""

import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

XOR_STARTS = 60  # seeds 0..59
DIGITS_SEEDS = 10  # seeds 0..9
SATURATED = 0.99  # |tanh| above this: the true derivative 1 - a**2 is below 0.02


def post_module():
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data"))
    import post_code

    return post_code


def fixed_tanh_deriv(a):
    """The derivative of tanh at z, from a = tanh(z), which is what the post passes."""
    return 1.0 - a**2


def post_network(post_code, layers, seed, fixed):
    np.random.seed(seed)  # noqa: NPY002 (the post draws from NumPy's global generator)
    nn = post_code.NeuralNetwork(layers, "tanh")
    if fixed:
        nn.activation_deriv = fixed_tanh_deriv
    return nn


def hidden_activations(weights, X):
    """The first layer's tanh outputs, from a matrix with the bias as its last row."""
    W = weights[0]
    return np.tanh(X @ W[:-1] + W[-1])


def show_derivatives():
    print("(a) tanh's derivative at z, from a = tanh(z)")
    print(f"{'z':>5} {'a':>8} {'true 1-a**2':>12} {'post 1-tanh(a)**2':>18}")
    for z in [0.0, 0.5, 1.0, 2.0, 3.0, 5.0]:
        a = np.tanh(z)
        print(f"{z:5.1f} {a:8.4f} {1 - a**2:12.4f} {1 - np.tanh(a) ** 2:18.4f}")
    a = np.linspace(-1, 1, 20001)
    print(f"smallest post value over a in [-1, 1]: {np.min(1 - np.tanh(a) ** 2):.4f}")
    print()


def xor_solved(predict):
    X = [[0, 0], [0, 1], [1, 0], [1, 1]]
    return all((float(np.ravel(predict(x))[0]) > 0.5) == bool(t) for x, t in zip(X, [0, 1, 1, 0]))


def xor_start(seed):
    """Which of the three networks solve XOR from this seed: (post, fixed, lucidnet)."""
    from lucidnet import NeuralNetwork

    post_code = post_module()
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    y = np.array([0, 1, 1, 0])
    solved = []
    for fixed in (False, True):
        nn = post_network(post_code, [2, 2, 1], seed, fixed)
        nn.fit(X, y)  # the post's settings: 10,000 updates at learning rate 0.2
        solved.append(xor_solved(nn.predict))
    nn = NeuralNetwork([2, 2, 1], "tanh", random_state=seed).fit(X, y)
    solved.append(xor_solved(nn.predict))
    return solved


def xor_runs(pool):
    post, fixed, lucidnet = np.sum(list(pool.map(xor_start, range(XOR_STARTS))), axis=0)
    print("(b) XOR, [2, 2, 1] tanh, 10,000 updates at learning rate 0.2,")
    print(f"    seeds 0..{XOR_STARTS - 1}; solved: all four outputs on the right side of 0.5")
    print(f"the post's code:             {post:2d} of {XOR_STARTS} solved")
    print(f"its derivative fixed:        {fixed:2d} of {XOR_STARTS} solved")
    print(f"lucidnet NeuralNetwork:      {lucidnet:2d} of {XOR_STARTS} solved")
    print()


NETWORKS = {  # name: (label, learning rate)
    "post": ("the post's code", 0.2),
    "fixed": ("its derivative fixed", 0.2),
    "lucidnet": ("lucidnet NeuralNetwork", 0.2),
    "lucidnet 0.02": ("lucidnet NeuralNetwork", 0.02),
}


def digits_split(seed):
    """(accuracy, share of saturated hidden outputs) of each network on this split."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import LabelBinarizer

    from lucidnet import NeuralNetwork

    post_code = post_module()
    digits = load_digits()
    X = digits.data.astype(np.float64)
    X -= X.min()  # as the post: the values scaled to [0, 1]
    X /= X.max()
    X_train, X_test, y_train, y_test = train_test_split(
        X, digits.target, test_size=0.25, random_state=seed
    )
    labels = LabelBinarizer().fit_transform(y_train)
    results = {}
    for name, (_, rate) in NETWORKS.items():
        if name in ("post", "fixed"):
            nn = post_network(post_code, [64, 100, 10], seed, fixed=name == "fixed")
            nn.fit(X_train, labels, learning_rate=rate, epochs=30000)
            out = np.array([nn.predict(x) for x in X_test])
        else:
            nn = NeuralNetwork([64, 100, 10], "tanh", random_state=seed)
            nn.fit(X_train, labels, learning_rate=rate, epochs=30000)
            out = nn.predict(X_test)
        accuracy = np.mean(out.argmax(axis=1) == y_test)
        hidden = hidden_activations(nn.weights, X_test)
        results[name] = (accuracy, np.mean(np.abs(hidden) > SATURATED))
    return results


def digits_runs(pool):
    splits = list(pool.map(digits_split, range(DIGITS_SEEDS)))
    print("(c) digits, [64, 100, 10] tanh, 30,000 updates, 75/25 splits,")
    print(f"    seeds 0..{DIGITS_SEEDS - 1}; saturated: hidden outputs on the test set")
    print(f"    with |a| > {SATURATED}")
    print(
        f"{'network':<24} {'rate':>5} {'median acc.':>12} {'min':>6} {'max':>6} {'saturated':>10}"
    )
    for name, (label, rate) in NETWORKS.items():
        accuracy, saturated = np.array([split[name] for split in splits]).T
        print(
            f"{label:<24} {rate:>5} {100 * np.median(accuracy):11.1f}% "
            f"{100 * accuracy.min():5.1f}% {100 * accuracy.max():5.1f}% "
            f"{100 * np.median(saturated):9.1f}%"
        )


def main():
    show_derivatives()
    # Every run is seeded on its own, so two processes give what one would.
    with ProcessPoolExecutor(max_workers=2) as pool:
        xor_runs(pool)
        digits_runs(pool)


if __name__ == "__main__":
    main()
