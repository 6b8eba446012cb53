# `make demo` and `make test` each create .venv when it is missing and
# (re)install the project only when pyproject.toml changed since the last time.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[bench]'
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/lucidnet demo digits

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

test: lint
	$(BIN)/python -m pytest

# Not part of `make test`: several minutes of timing, side by side with
# scikit-learn and PyTorch (the `bench` extra installs torch's CPU build).
bench: $(VENV)/.installed-bench
	$(BIN)/python benchmarks/speed.py

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .ruff_cache .hypothesis
