"""Reading the command line before argparse does, where argparse's own words
do not help: a misspelled option, and a value that starts with a minus sign.

argparse reports an unknown option of a subcommand with the top-level usage
(its subparsers hand unknown options up), and suggests a near name only from
Python 3.14 (``suggest_on_error``). So the chosen subcommand's parser checks
the options first, with its usage and "did you mean ...?". A value such as
``-8,-8`` looks like an option to argparse, which then says "expected one
argument"; joined to its option (``--input-shape=-8,-8``) it reaches the
option's own check and message.
"""

from __future__ import annotations

import argparse
import difflib
import re

__all__ = ["DefaultsHelpFormatter", "command_parser", "check_arguments"]

NEGATIVE = re.compile(r"-\.?\d")  # -8, -8,-8, -.5: values, as no option starts so


class DefaultsHelpFormatter(argparse.HelpFormatter):
    """Each option's help ends with its default, when it has one worth saying
    (not None, not False) and the help does not give it already."""

    def _get_help_string(self, action):
        help_text = action.help or ""
        default = action.default
        if (
            action.option_strings
            and not any(default is v for v in (None, False, argparse.SUPPRESS))
            and "default" not in help_text
        ):
            help_text += (" " if help_text else "") + "(default: %(default)s)"
        return help_text


def command_parser(parser, subcommands, argv):
    """The parser of the subcommand ``argv`` chooses (``train``, ``demo xor``),
    or None when it chooses none; ``subcommands`` maps names to parsers."""
    words = [word for word in argv if not word.startswith("-")]
    if not words or words[0] not in subcommands:
        return None
    nested = f"{words[0]} {words[1]}" if len(words) > 1 else None
    return subcommands.get(nested) or subcommands[words[0]]


def check_arguments(parser, argv) -> list[str]:
    """``argv`` with negative values joined to their options; an unknown option
    is a usage error of ``parser``, naming the nearest known one."""
    options = {name: action for action in parser._actions for name in action.option_strings}
    joined, unknown = [], []
    for i, word in enumerate(argv):
        if word == "--":  # the rest are positional, whatever they look like
            joined += argv[i:]
            break
        if NEGATIVE.match(word) and joined and _takes_value(options, joined[-1]):
            joined[-1] = f"{joined[-1]}={word}"
            continue
        if word.startswith("-") and word != "-" and not NEGATIVE.match(word):
            name = word.split("=", 1)[0]
            if not _option(options, name):
                unknown.append(name)
        joined.append(word)
    if unknown:
        parser.error(
            f"unrecognized option{'s' if len(unknown) > 1 else ''} "
            + ", ".join(_suggest(name, options) for name in unknown)
        )
    return joined


def _option(options, name):
    """The action ``name`` stands for, also as argparse's unique abbreviation."""
    if name in options:
        return options[name]
    if not name.startswith("--"):
        return None
    matches = {options[o] for o in options if o.startswith(name)}
    return matches.pop() if len(matches) == 1 else None


def _takes_value(options, word) -> bool:
    action = None if "=" in word else _option(options, word)
    return action is not None and action.nargs != 0


def _suggest(name, options) -> str:
    """``'--taget (did you mean --target?)'``: compared without the dashes,
    which every option shares."""
    bare = {option.lstrip("-"): option for option in options if option.startswith("--")}
    near = difflib.get_close_matches(name.lstrip("-"), bare, n=1)
    return f"{name} (did you mean {bare[near[0]]}?)" if near else name
