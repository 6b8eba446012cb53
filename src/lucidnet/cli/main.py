"""The ``lucidnet`` command: parsing, dispatch, and exit statuses.

Exit status 0 on success; 2 for bad usage or bad input, with a one-line
message naming the file, column or value at fault; 1 for an unexpected error
(with its traceback, as it is a bug). The options themselves: parser.py.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import traceback

from ..exceptions import ModelFileError, TrainingDivergedError
from .arguments import check_arguments, command_parser
from .closed_output import BROKEN_PIPE, GuardedOutput, silence_stdout
from .data_files import DataError
from .parser import build_parser

USER_ERRORS = (DataError, ModelFileError, TrainingDivergedError)


def parse_arguments(argv=None) -> argparse.Namespace:
    """The parsed command line; a usage error (exit 2) names the subcommand
    and, for a misspelled option, the nearest known one."""
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    chosen = command_parser(parser, parser.subcommands, argv)
    if chosen is not None:
        argv = check_arguments(chosen, argv)
    args, extra = parser.parse_known_args(argv)
    if extra:
        (chosen or parser).error(f"unrecognized arguments: {' '.join(extra)}")
    return args


def _refuse_conflicting_options(args) -> None:
    """argparse's mutually exclusive groups cannot say what to do instead."""
    if args.command == "train" and args.autoencoder and args.conv == "auto":
        args.usage_error(
            "argument --conv: auto is a classifier's or regressor's network; with "
            "--autoencoder give the filters, e.g. --conv 16,32"
        )
    if args.command == "train" and args.autoencoder and args.target is not None:
        args.usage_error(
            "argument --target: not allowed with argument --autoencoder (an autoencoder "
            "learns the feature columns, with no target; to leave a column out, use --ignore "
            "COLUMN)"
        )


class Terminated(BaseException):
    """SIGTERM (``kill``, a job scheduler's time limit), raised where the
    command is, so that it leaves as Ctrl-C does: temporary files and folders
    (a streamed train's copy of the rows can be gigabytes) removed on the way
    out, where the default action would end the process at once."""


def _terminate(signum, frame):
    raise Terminated


def main(argv=None) -> int:
    args = parse_arguments(argv)
    _refuse_conflicting_options(args)
    stdout = sys.stdout
    if args.command in ("train", "tune"):  # a closed stdout must not cost the model
        sys.stdout = GuardedOutput(stdout)
    try:
        previous = signal.signal(signal.SIGTERM, _terminate)
    except ValueError:  # not the main thread (main called from a thread): as it was
        previous = None
    try:
        return _status(args, _outputs(args))
    finally:
        sys.stdout = stdout
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _status(args, outputs) -> int:
    try:
        status = _run(args)
        sys.stdout.flush()  # here, where a broken pipe is caught, not at exit
        if getattr(sys.stdout, "broken", False):
            print(
                f"lucidnet {args.command}: standard output was closed before the report ended "
                f"(broken pipe); the model was saved to {args.out}",
                file=sys.stderr,
            )
            return BROKEN_PIPE
        return status
    except USER_ERRORS as exc:
        message = " ".join(str(exc).split())  # one line, whatever the exception said
        print(f"lucidnet {args.command}: error: {message}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (``lucidnet predict ... | head``): not an error of
        # ours. Point stdout at devnull so that Python's exit flush stays quiet.
        silence_stdout()
        return BROKEN_PIPE
    except KeyboardInterrupt:
        print(f"lucidnet {args.command}: interrupted{_what_was_written(outputs)}", file=sys.stderr)
        return 130
    except Terminated:
        print(f"lucidnet {args.command}: terminated{_what_was_written(outputs)}", file=sys.stderr)
        return 128 + signal.SIGTERM
    except Exception:
        traceback.print_exc()
        print(
            f"lucidnet {args.command}: unexpected error (a bug: please report it with the "
            "traceback above)",
            file=sys.stderr,
        )
        return 1


def _outputs(args) -> dict:
    """The command's output files, each with what is on disk there (None: nothing)."""
    paths = [getattr(args, name, None) for name in ("out", "plot")]
    return {str(path): _state(path) for path in paths if path}


def _state(path):
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (found.st_mtime_ns, found.st_size, found.st_ino)


def _what_was_written(before) -> str:
    """'; nothing written to m.npz (left as it was)' after an interrupt: output
    files are written whole or not at all, so each changed or did not."""
    kept = [path for path, state in before.items() if _state(path) == state]
    written = [path for path in before if path not in kept]
    parts = []
    if kept:
        existing = [path for path in kept if before[path] is not None]
        left = f" ({', '.join(existing)} left as it was)" if existing else ""
        parts.append(f"nothing written to {' or '.join(kept)}{left}")
    if written:
        parts.append(f"{' and '.join(written)} written before the interrupt")
    return "".join(f"; {part}" for part in parts)


def _run(args) -> int:
    if args.command == "demo":
        from . import demos

        if args.demo == "xor":
            solved = demos.xor_demo(args.random_state, args.learning_rate, args.epochs)
            return 0 if solved else 1
        if args.demo in ("conv", "autoencoder"):
            return _plotting_demo(args, getattr(demos, f"{args.demo}_demo"))
        learning_rate = args.learning_rate or demos.DIGITS_LEARNING_RATE
        demos.digits_demo(args.random_state, args.epochs, learning_rate, args.hidden)
        return 0
    from . import commands

    if args.command == "tune":
        from .tune import tune

        return tune(args)
    if args.command == "transform":
        from . import autoencoding

        return autoencoding.transform(args)
    if args.command == "export":
        from .exporting import export

        return export(args)
    return getattr(commands, args.command)(args)


def _plotting_demo(args, demo) -> int:
    from .output_paths import check_outputs
    from .plotting import INSTALL_HINT, matplotlib_available

    plot = args.plot
    if plot:
        check_outputs({"--plot": plot}, {})
        if not matplotlib_available():
            print(INSTALL_HINT, file=sys.stderr)
            plot = None
    demo(args.random_state, plot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
