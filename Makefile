# `make demo` and `make test` each create .venv when it is missing and
# (re)install the project only when pyproject.toml changed since the last time.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint docs bench fuzz fuzz-seeds clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-fuzz: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[fuzz]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-docs: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[docs]'
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

# The site, in docs/_build/html: offline, every warning an error, every
# gallery example run (examples/). -E: the commands whose output a page shows
# (programoutput) run again, never a stale copy from an earlier build.
docs: $(VENV)/.installed-docs
	$(BIN)/sphinx-build -E -W --keep-going -b html docs docs/_build/html
	$(BIN)/python docs/check_repr_links.py docs/_build/html

# Not part of `make test`: several minutes of timing, side by side with
# scikit-learn and PyTorch (the `bench` extra installs torch's CPU build).
bench: $(VENV)/.installed-bench
	$(BIN)/python benchmarks/speed.py

# Not part of `make test`: each fuzz target for FUZZ_SECONDS, one process.
# An input that raises anything but ModelFileError (load) / DataError
# (read_table), uses more than FUZZ_RSS_MB or runs longer than FUZZ_TIMEOUT
# seconds is a crash, written to fuzz/crashes/. Then the inputs found are
# merged into fuzz/corpus/TARGET, keeping only those that add coverage.
FUZZ_SECONDS ?= 600
FUZZ_RSS_MB ?= 2048
FUZZ_TIMEOUT ?= 10
FUZZ_TARGETS ?= load read_table
fuzz: $(VENV)/.installed-fuzz
	@mkdir -p fuzz/crashes
	@for target in $(FUZZ_TARGETS); do \
		mkdir -p fuzz/work/$$target fuzz/corpus/$$target; \
		log=fuzz/work/$$target.log; \
		echo "== fuzz_$$target for $(FUZZ_SECONDS) s (log: $$log)"; \
		$(BIN)/python fuzz/fuzz_$$target.py fuzz/work/$$target fuzz/corpus/$$target \
			fuzz/seeds/$$target -max_total_time=$(FUZZ_SECONDS) \
			-rss_limit_mb=$(FUZZ_RSS_MB) -timeout=$(FUZZ_TIMEOUT) \
			-artifact_prefix=fuzz/crashes/$$target- -print_final_stats=1 >$$log 2>&1 \
			|| { tail -n 40 $$log; echo "fuzz_$$target: CRASH, input in fuzz/crashes/"; exit 1; }; \
		grep -E '^#[0-9]+.*DONE|^Done|^stat::' $$log; \
		$(BIN)/python fuzz/fuzz_$$target.py -merge=1 fuzz/corpus/$$target \
			fuzz/work/$$target >>$$log 2>&1; \
		echo "fuzz/corpus/$$target: $$(ls fuzz/corpus/$$target | wc -l) files"; \
	done

# Rewrites fuzz/seeds/: real model files (saved and trained by the command) and data files.
fuzz-seeds: $(VENV)/.installed-fuzz
	$(BIN)/python fuzz/make_seeds.py

clean:
	rm -rf $(VENV) build docs/_build docs/auto_examples docs/api/generated src/*.egg-info .pytest_cache .ruff_cache .hypothesis
