# `make demo` and `make test` work on a fresh machine: each creates .venv with
# a Python new enough for Django 6 (3.12+) and installs the pinned packages.
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

# The first Python 3.12+ found: on PATH, then pyenv's installs.
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3 \
	$$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; done)

.PHONY: help demo test lint clean

help:
	@echo "make demo   start the dashboard on demo data at http://127.0.0.1:$(PORT)"
	@echo "make test   run the whole test suite, browser tests included"
	@echo "make lint   ruff"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (Django 6). Install one, or set PYTHON=/path/to/python3.12."; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

demo: $(VENV)/.installed
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py migrate --noinput --verbosity 0
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py demo --port $(PORT)

test: $(VENV)/.installed
	$(PY) -m pytest

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles
