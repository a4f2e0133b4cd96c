#!/bin/sh
# The whole suite: lint, import rules, menu check, then pytest. Run through `make test`.
set -eu
BIN=.venv/bin
export PATH="$PWD/$BIN:$PATH"
echo "== ruff"; ruff check . && ruff format --check .
echo "== types"; mypy
echo "== import rules"; lint-imports
echo "== menus"; jembatan menus check
# Four processes on two cores: many tests wait on Redis, PostgreSQL, subprocesses or the browser.
echo "== pytest"; pytest -n "${PYTEST_WORKERS:-4}" "$@"
