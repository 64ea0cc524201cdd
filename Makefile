# make run  : fresh Debian 12 + Python 3.11 -> venv, Debian packages, migrate, demo data, server on :8000
# make test : everything the tests need, then the whole suite (SQLite, PostgreSQL, Chromium)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000
RUNTIME_DEBS := fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 poppler-utils
TEST_DEBS := chromium libreoffice-calc-nogui libreoffice-writer-nogui

.DEFAULT_GOAL := help
.PHONY: help run test test-sqlite test-postgres test-browser lint debs test-debs migrate demo serve clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-14s %s\n", $$1, $$2}'

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.test: requirements-test.txt requirements.txt $(VENV)/.runtime
	$(PY) -m pip install -q -r requirements-test.txt
	touch $@

debs: ## Install the Debian packages the app needs (CJK fonts, HarfBuzz subsetting, poppler)
	scripts/debian-packages $(RUNTIME_DEBS)

test-debs: debs ## Install the Debian packages the tests need (Chromium, LibreOffice Calc and Writer)
	scripts/debian-packages $(TEST_DEBS)

migrate: $(VENV)/.runtime ## Apply database migrations
	$(PY) manage.py migrate --noinput

demo: migrate ## Load the demo (seed report, one user per role); safe to repeat
	$(PY) manage.py load_demo

run: debs demo ## Install everything, load the demo and serve http://$(HOST) with one background-job worker
	PY=$(PY) scripts/with-workers 1 $(PY) manage.py runserver $(HOST)

serve: debs $(VENV)/.runtime ## Production-like: gunicorn (gunicorn.conf.py), job workers, DEBUG off, throwaway PostgreSQL with the demo, http://$(HOST)
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')}" \
	AUDIT_HMAC_KEY="$${AUDIT_HMAC_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(32))')}" \
	BACKUP_HMAC_KEYS="$${BACKUP_HMAC_KEYS:-serve:$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(32))')}" \
	DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}" DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_SECURE_COOKIES=0 \
	scripts/with-postgres sh -c '$(PY) manage.py migrate --noinput -v0 && $(PY) manage.py load_demo \
	  && $(PY) manage.py collectstatic --noinput -v0 \
	  && PY=$(PY) scripts/with-workers $${JOBS_WORKERS:-2} $(VENV)/bin/gunicorn evalsite.wsgi -c gunicorn.conf.py --bind $(HOST)'

lint: $(VENV)/.test ## Ruff
	$(VENV)/bin/ruff check .

test-sqlite: $(VENV)/.test ## Unit and integration tests on SQLite (no browser)
	$(VENV)/bin/pytest -m "not browser" -p no:cacheprovider -n 2

# The PostgreSQL run leaves out what cannot differ between the two databases (marker db_agnostic: tests that never
# touch the database, and the PDF/DOCX layout and LibreOffice tests); the SQLite run has them. docs/testing.md
test-postgres: $(VENV)/.test ## The tests that touch the database, on a throwaway PostgreSQL 15 cluster
	scripts/with-postgres $(VENV)/bin/pytest -m "not browser and not db_agnostic" -p no:cacheprovider -n 2

# Each xdist worker has its own live_server, test database and Chromium.
test-browser: $(VENV)/.test test-debs ## Browser tests in Debian's Chromium
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(VENV)/bin/pytest -m browser -p no:cacheprovider -n 2

test: test-debs lint test-sqlite test-postgres test-browser ## The whole suite

clean: ## Remove the virtualenv and local database
	rm -rf $(VENV) db.sqlite3 staticfiles
