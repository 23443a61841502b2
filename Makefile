# The single entry point: `make run` starts the service, `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PY := .venv/bin/python
UV := $(shell command -v uv 2>/dev/null)
WITH_SERVICES := ./scripts/with-services.sh
PORT ?= 8000

.PHONY: help install env run worker beat test contract contract-real e2e-real lint schema compose-check ci bench clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

install: .venv/.synced  ## Create .venv with the locked dependencies (uv)

.venv/.synced: pyproject.toml uv.lock
	@if [ -z "$(UV)" ]; then python3 -m pip install -q "uv==0.13.9"; fi
	@$$(command -v uv) sync --frozen --quiet
	@touch $@

.env:
	@$(MAKE) -s env

env:  ## Write .env (mode 0600) with freshly generated secrets (keeps an existing one)
	@python3 scripts/make_env.py .env

run: install .env  ## Start the service on http://127.0.0.1:$(PORT) (gunicorn; SQLite and inline tasks unless configured)
	@$(PY) manage.py migrate --noinput -v0
	@$(PY) manage.py collectstatic --noinput -v0
	@echo "Bridge on http://127.0.0.1:$(PORT)  (API docs: /api/docs/, admin: /admin/)"
	@echo "Create a token:  $(PY) manage.py tokens create --name me --scopes 'read:* admin:*'"
	@exec .venv/bin/gunicorn -c gunicorn.conf.py --bind 127.0.0.1:$(PORT) config.wsgi

worker: install .env  ## Start a Celery worker (needs CELERY_BROKER_URL)
	@exec .venv/bin/celery -A config worker --loglevel=INFO

beat: install .env  ## Start the Celery beat scheduler (needs CELERY_BROKER_URL)
	@exec .venv/bin/celery -A config beat --loglevel=INFO

test: install  ## Run the whole test suite on real PostgreSQL and Redis (started if needed)
	@DOTENV_FILE= $(WITH_SERVICES) .venv/bin/pytest -n 2 $(PYTEST_ARGS)

contract: install  ## Contract scenarios (tests/contract) against the in-process fakes
	@CONTRACT_TARGET=fake $(WITH_SERVICES) .venv/bin/pytest -q tests/contract $(PYTEST_ARGS)

REAL_VARS := REAL_BASEROW_URL REAL_BASEROW_ADMIN_EMAIL REAL_BASEROW_ADMIN_PASSWORD \
  REAL_BASEROW_WORKSPACE_ID REAL_BASEROW_DATABASE_ID REAL_BASEROW_DB_TOKEN \
  REAL_DOCMOST_URL REAL_DOCMOST_EMAIL REAL_DOCMOST_PASSWORD

contract-real: install  ## The same scenarios against running real Baserow and Docmost (REAL_* variables)
	@missing=""; for v in $(REAL_VARS); do [ -n "$${!v:-}" ] || missing="$$missing $$v"; done; \
	if [ -n "$$missing" ]; then \
	  echo "make contract-real needs:$$missing"; \
	  echo "  eval \"\$$(real_baserow.sh info | sed 's/export /export REAL_/')\""; \
	  echo "  eval \"\$$(real_docmost.sh info | sed 's/export /export REAL_/')\""; \
	  echo "then point REAL_BASEROW_DATABASE_ID / REAL_BASEROW_DB_TOKEN at a database of your own (README)."; \
	  exit 2; \
	fi
	@CONTRACT_TARGET=real $(WITH_SERVICES) .venv/bin/pytest -q -p no:xdist tests/contract $(PYTEST_ARGS)

E2E_VARS := REAL_BASEROW_URL REAL_BASEROW_ADMIN_EMAIL REAL_BASEROW_ADMIN_PASSWORD \
  REAL_BASEROW_WORKSPACE_ID REAL_DOCMOST_URL REAL_DOCMOST_EMAIL REAL_DOCMOST_PASSWORD

e2e-real: install  ## The bridge's real processes end to end on running real Baserow and Docmost (README)
	@missing=""; for v in $(E2E_VARS); do [ -n "$${!v:-}" ] || missing="$$missing $$v"; done; \
	if [ -n "$$missing" ]; then \
	  echo "make e2e-real needs:$$missing"; \
	  echo "  eval \"\$$(real_baserow.sh info | sed 's/export /export REAL_/')\""; \
	  echo "  eval \"\$$(real_docmost.sh info | sed 's/export /export REAL_/')\""; \
	  exit 2; \
	fi
	@DOTENV_FILE= $(WITH_SERVICES) .venv/bin/pytest -q -p no:xdist -m e2e_real tests/e2e_real $(PYTEST_ARGS)

lint: install  ## ruff (lint + format check), the layout's import contracts (import-linter) and mypy
	@.venv/bin/ruff check .
	@.venv/bin/ruff format --check .
	@.venv/bin/lint-imports --no-cache
	@DOTENV_FILE= SECRET_KEY=typecheck TOKEN_PEPPER=typecheck $(WITH_SERVICES) .venv/bin/mypy .

schema: install  ## Validate the OpenAPI schema (fails on warnings)
	@DOTENV_FILE= SECRET_KEY=schema TOKEN_PEPPER=schema $(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

migrations-check: install  ## Fail if a model change lacks its migration
	@DOTENV_FILE= SECRET_KEY=check TOKEN_PEPPER=check $(PY) manage.py makemigrations --check --dry-run

compose-check:  ## Validate docker-compose.yml without a Docker engine
	@SECRET_KEY=x TOKEN_PEPPER=x POSTGRES_PASSWORD=x BASEROW_SECRET_KEY=x DOCMOST_APP_SECRET=x \
	  docker-compose -f docker-compose.yml config -q && echo "docker-compose.yml is valid"

bench: install  ## Benchmark GET /api/v1/tokens/me against a bare DRF view (gunicorn + wrk)
	@$(WITH_SERVICES) $(PY) bench/run.py

clean:  ## Remove the virtualenv and local state
	rm -rf .venv staticfiles db.sqlite3
