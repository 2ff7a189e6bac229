# Two commands for a fresh machine:  make run  (portal with demo data)  and  make test  (whole suite).
# Both are idempotent: stamps in .stamps/ make a second run skip what is already done.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .stamps
PYTEST_ARGS ?=
PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: run test setup setup-test lint messages lock clean

run: setup
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py load_states
	$(PY) manage.py load_questionnaire
	$(PY) manage.py load_demo
	./scripts/run-local.sh

test: setup-test lint
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest $(PYTEST_ARGS)

setup: $(STAMPS)/system $(STAMPS)/python node_modules/.package-lock.json $(MO_FILES)

setup-test: setup $(STAMPS)/system-test

lint: setup-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/djlint --lint --quiet $(wildcard templates */templates)
	DJANGO_SECRET_KEY=check DJANGO_ALLOWED_HOSTS=check POSTGRES_PASSWORD=check docker-compose -f docker-compose.yml config -q

$(STAMPS)/system: scripts/system-packages.sh
	./scripts/system-packages.sh
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/system-test: scripts/system-packages.sh
	./scripts/system-packages.sh --test
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/python: pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@mkdir -p $(STAMPS) && touch $@

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po
	msgfmt --check-format -o $@ $<

# For developers: refresh the catalogues after changing strings, then translate and commit the .po files.
messages: $(STAMPS)/python
	$(PY) manage.py makemessages --all --no-location --no-obsolete --ignore .venv --ignore node_modules --ignore staticfiles --ignore tests --ignore bench

# For developers: pin the exact versions after changing dependencies in pyproject.toml.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --disable-pip-version-check ".[dev]"
	.lock-venv/bin/pip freeze --exclude-editable | grep -v '^omnibus' > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf $(STAMPS) $(VENV) node_modules staticfiles db.sqlite3 $(MO_FILES)
