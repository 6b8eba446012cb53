"""Every fenced code block of README.md runs, so the README cannot drift.

- ```python blocks are doctests, run in order in one namespace (a later block
  may use a model an earlier one fitted), with their outputs checked
  (ELLIPSIS and NORMALIZE_WHITESPACE on, as on the site's pages).
- ```console blocks: each ``$ lucidnet ...`` line is run (as
  ``python -m lucidnet`` with this Python) and what it prints, standard error
  then standard output, must match the lines shown under it (``...`` stands
  for any text, as in a doctest). It must exit with status 0.
- ```sh blocks hold only ``make`` lines (``make demo``, ``make test``): they are
  not run here (``make test`` cannot run itself, and ``make demo`` creates a
  virtual environment); the test only checks that nothing else hides there.

Everything runs in a temporary copy of docs/data, where the README's data
files are (docs/data/make_guide_data.py writes them).
"""

import doctest
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DATA = ROOT / "docs" / "data"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def blocks(language):
    return [body for lang, body in FENCE.findall(README.read_text()) if lang == language]


@pytest.fixture
def in_data_copy(tmp_path, monkeypatch):
    shutil.copytree(DATA, tmp_path / "data")
    monkeypatch.chdir(tmp_path / "data")


def test_the_readme_has_no_block_this_test_does_not_run():
    languages = {lang for lang, _ in FENCE.findall(README.read_text())}
    assert languages <= {"python", "console", "sh"}, languages
    assert blocks("python") and blocks("console")
    for body in blocks("sh"):
        commands = [line.split("#")[0].strip() for line in body.splitlines()]
        assert all(c.startswith("make ") for c in commands if c), body


def test_the_python_blocks_run_with_the_outputs_shown(in_data_copy):
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    namespace = {"__name__": "readme"}
    for number, body in enumerate(blocks("python"), start=1):
        assert ">>> " in body, f"python block {number} is not in doctest form"
        test = parser.get_doctest(body, namespace, f"README python block {number}", "README.md", 0)
        runner.run(test, clear_globs=False)
        namespace = test.globs
    failed, attempted = runner.summarize(verbose=False)
    assert attempted and not failed, f"{failed} of {attempted} README examples failed (above)"


def console_steps():
    for body in blocks("console"):
        command, shown = None, []
        for line in body.splitlines():
            if line.startswith("$ "):
                if command:
                    yield command, shown
                command, shown = line[2:], []
            else:
                shown.append(line)
        if command:
            yield command, shown


def test_the_console_blocks_print_what_they_show(in_data_copy):
    checker = doctest.OutputChecker()
    steps = list(console_steps())
    assert steps
    for command, shown in steps:
        words = shlex.split(command)
        assert words[0] == "lucidnet", command
        done = subprocess.run([sys.executable, "-m", "lucidnet", *words[1:]],
                              capture_output=True, text=True, timeout=120)  # fmt: skip
        printed = done.stderr + done.stdout
        assert done.returncode == 0, f"$ {command}\n{printed}"
        expected = "\n".join(shown).strip() + "\n"
        assert checker.check_output(expected, printed.strip() + "\n", FLAGS), (
            f"$ {command}\nshown in README.md:\n{expected}\nprinted:\n{printed}"
        )
