# The README's commands. `make serve` and `make test` do all the set-up on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
PORT ?= 8000
STAMP = $(VENV)/.installed-stamp

.PHONY: install serve test lint check bench load clean

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

serve: $(STAMP)  ## serve the API on http://127.0.0.1:$(PORT) (HOST=0.0.0.0 to serve other machines)
	PORT=$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py "api:create_app()"

test: $(STAMP)  ## run the whole test suite
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

check: lint test

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache

bench: $(STAMP)  ## speed and memory figures, measured side by side (installs peers in .bench/)
	$(BIN)/python -m bench.run

load: $(STAMP)  ## 20,000 requests at concurrency 32 against gunicorn, one worker killed mid-run
	$(BIN)/python -m bench.load 20000 32
