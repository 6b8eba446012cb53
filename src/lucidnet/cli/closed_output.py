"""Standard output whose reader may go away: ``lucidnet train ... | head -3``.

When the reader closes the pipe, writing raises ``BrokenPipeError``. ``train``
must not lose its model to that (its report is the lesser part of its work),
so its output goes through :class:`GuardedOutput`, which points standard output
at the null device on the first broken pipe, as Python's documentation on
SIGPIPE advises, and lets the command finish. The command then exits with
``BROKEN_PIPE``, 128 + SIGPIPE: the status a shell shows for a program stopped
by a closed pipe (``yes | head`` gives it too).
"""

from __future__ import annotations

import os
import sys

BROKEN_PIPE = 141  # 128 + SIGPIPE (13)


def silence_stdout() -> None:
    """Point the standard output's file at the null device, so that what is
    still buffered, and Python's flush at exit, go nowhere without an error."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


class GuardedOutput:
    """A text stream that delegates to ``stream`` and, on a broken pipe,
    silences standard output and remembers it in ``broken`` (no exception)."""

    def __init__(self, stream):
        self._stream = stream
        self.broken = False

    def write(self, text):
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._break()
            return len(text)

    def flush(self):
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._break()

    def _break(self) -> None:
        self.broken = True
        silence_stdout()

    def __getattr__(self, name):
        return getattr(self._stream, name)
