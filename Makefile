# The two commands of README: `make demo` and `make test`. Each bootstraps what is missing.
VENV ?= .venv
PY := $(VENV)/bin/python
WORKSPACE ?= .nijta-demo

.PHONY: setup demo test test-fast lint clean

setup:
	@bash scripts/bootstrap.sh

demo: setup
	$(PY) -m nijta demo --workspace $(WORKSPACE)

test: setup
	$(PY) -m pytest

test-fast: setup
	$(PY) -m pytest -m "not slow"

lint: setup
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(WORKSPACE) .pytest_cache
