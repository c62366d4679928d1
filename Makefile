# Two entry points: `make play` (set up, then open the TUI) and `make test` (set up, then run every test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: play test bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,train]'
	touch $(STAMP)

play: $(STAMP)
	$(BIN)/simulator

# Lint and types; the project's own content (a user's content folder is theirs to check); the suite.
test: $(STAMP)
	$(BIN)/ruff check
	$(BIN)/mypy
	$(BIN)/simulator validate --strict scenarios rubrics
	$(BIN)/simulator test rubrics scenarios
	$(BIN)/python -m pytest -n auto

bench: $(STAMP)
	for f in bench/bench_*.py; do $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
