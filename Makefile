# Two commands on a fresh machine (README): `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## Set up, migrate and start the bot: SQLite file + console chat, no tokens needed.
run: $(STAMP)
	$(BIN)/backcheck run

## Set up and run the whole test suite, ruff and mypy.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench.replies
	$(BIN)/python -m bench.parser_accuracy
	$(BIN)/python -m bench.fanout
	$(BIN)/python -m bench.telegram
	$(BIN)/python -m bench.slack
	$(BIN)/python -m bench.message_lengths
	$(BIN)/python -m bench.stats

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
