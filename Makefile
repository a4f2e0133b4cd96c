# Two commands matter: `make run` (the gateway with demo data) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
WITH_SERVICES := $(BIN)/python -m gateway.devservices --

.PHONY: run test bench lint check install clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(WITH_SERVICES) $(BIN)/jembatan dev

test: $(STAMP)
	$(WITH_SERVICES) sh scripts/test.sh

bench: $(STAMP)
	$(WITH_SERVICES) $(BIN)/python bench/run_all.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

check: $(STAMP)
	$(BIN)/jembatan menus check

clean:
	sh scripts/stop-embedded-redis.sh .run
	rm -rf $(VENV) .run instance
