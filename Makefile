# Koppel: `make run` starts everything locally, `make test` runs the whole suite.
PYTHON ?= python3.11
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip

.PHONY: run test install install-test translations chromium migrate clean

# Debian's Chromium for the browser tests; needs root (or sudo) once per machine.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(VENV)/.runtime: requirements.txt
	@echo "==> Creating the virtualenv in $(VENV)"
	$(PYTHON) -m venv $(VENV)
	@echo "==> Installing the Python packages of requirements.txt (the first time takes a minute)"
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --progress-bar on -r requirements.txt
	touch $@

$(VENV)/.test: $(VENV)/.runtime requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.runtime translations

install-test: $(VENV)/.test translations chromium

# Compile the Dutch catalogue (translations/nl/LC_MESSAGES/messages.po) for Flask-Babel.
translations: $(VENV)/.runtime
	@echo "==> Compiling the translations"
	@if ls translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then $(VENV)/bin/pybabel compile -d translations; fi

chromium:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

run: install
	@echo "==> Starting Koppel (Postgres, migrations, sandboxes, demo merchant, portal, worker)"
	$(PY) -m worker.devstack

test: install-test
	$(PY) -m pytest

migrate: install
	$(PY) -m worker.migrate

clean:
	rm -rf $(VENV)
