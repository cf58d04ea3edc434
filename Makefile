# ratecheck: the README's two commands are `make report` and `make test`.
# Both create .venv, install the package (only when pyproject.toml changed) and ensure TeX.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.ratecheck-installed

.PHONY: report test test-slow tex bench verify clean

$(STAMP): pyproject.toml
	@bash .ci/ensure-venv "$(PYTHON)" "$(VENV)"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

tex:
	@bash .ci/ensure-tex

report: $(STAMP) tex
	$(BIN)/ratecheck report

# the default suite on every core (pytest-xdist; --dist loadfile keeps a file's module fixtures, e.g. the two
# report builds of tests/test_report.py, in one worker)
test: $(STAMP) tex
	$(BIN)/python -m pytest -n auto --dist loadfile

test-slow: $(STAMP) tex
	$(BIN)/python -m pytest -m slow

verify: $(STAMP)
	$(BIN)/ratecheck verify

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py --write BENCHMARKS.md

clean:
	rm -rf reports/build .pytest_cache
