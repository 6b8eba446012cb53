"""The ``lucidnet`` command."""

from __future__ import annotations

import argparse
import sys

from . import __version__


def _positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text}")
    return value


def _positive_float(text):
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lucidnet", description="Neural networks in plain NumPy.")
    parser.add_argument("--version", action="version", version=f"lucidnet {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="run one of the classic post's demos")
    demos = demo.add_subparsers(dest="demo", required=True)
    xor = demos.add_parser("xor", help="a [2, 2, 1] tanh network learns XOR")
    xor.add_argument("--random-state", type=int, default=0)
    xor.add_argument(
        "--epochs",
        type=_positive_int,
        default=10000,
        help="single-sample updates per attempt (default 10000)",
    )
    xor.add_argument("--learning-rate", type=_positive_float, default=0.2)
    digits = demos.add_parser("digits", help="[64, 100, 10] tanh on the 8x8 digits")
    digits.add_argument("--random-state", type=int, default=0)
    digits.add_argument(
        "--epochs", type=_positive_int, default=30000, help="single-sample updates (default 30000)"
    )
    digits.add_argument(
        "--learning-rate", type=_positive_float, default=None, help="default 0.02 (see the README)"
    )
    digits.add_argument("--hidden", type=_positive_int, default=100, help="hidden units")
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "demo":
        from . import demos

        if args.demo == "xor":
            solved = demos.xor_demo(args.random_state, args.learning_rate, args.epochs)
            return 0 if solved else 1
        learning_rate = args.learning_rate or demos.DIGITS_LEARNING_RATE
        demos.digits_demo(args.random_state, args.epochs, learning_rate, args.hidden)
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
