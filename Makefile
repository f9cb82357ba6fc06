# The family helpline: `make run` to try it, `make test` for everything CI checks.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.11
APP := .venv/bin
RASA := .venv-rasa/bin
# pip's configured extra indexes here print one warning per package; they mean nothing. The
# filter never fails (grep finds nothing to print), so with pipefail a failing pip still does.
QUIET_PIP := { grep -v "WARNING: Location" || true; }

export PYTHONPATH := $(CURDIR)
export RASA_TELEMETRY_ENABLED := false
export ACTION_ENDPOINT_URL ?= http://127.0.0.1:$(or $(ACTION_PORT),5055)/webhook

# The model is named after what it was trained from: unchanged data reuses it. nlu/language.py
# is the app's and the actions' language helper, outside the model (a lint contract keeps it so).
TRAINING_INPUTS := bot/config.yml bot/domain.yml bot/rasa-py311.lock $(shell find nlu bot/data -type f -not -name '*.pyc' -not -path nlu/language.py | sort)
MODEL := models/bot-$(shell cat $(TRAINING_INPUTS) | sha256sum | cut -c1-16).tar.gz
export RASA_MODEL := $(CURDIR)/$(MODEL)

.PHONY: help run run-prod run-prod-demo supervised-config bench test lint format train bot-test nlu-eval facts screening-eval safety-eval pytest

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

run: .venv/installed .venv-rasa/installed $(MODEL)  ## everything up: SQLite, console SMS, simulator
	$(APP)/flask --app webhooks migrate
	$(APP)/flask --app webhooks seed-demo
	@echo "simulator: http://127.0.0.1:$${WEB_PORT:-8000}/simulator/   (Ctrl-C stops everything)"
	HELPLINE_REGION=$${HELPLINE_REGION:-CN-51-demo} $(APP)/honcho start -f Procfile

# The production layout on one machine (README, Production); every setting can be overridden.
# It is production: it refuses to start without the secrets (README, Configuration).
run-prod: export APP_ENV ?= production
run-prod: export DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/helpline?connect_timeout=3
run-prod: export REDIS_URL ?= redis://127.0.0.1:6379/0
run-prod: export RASA_REPLICAS ?= 2
run-prod: export RASA_URLS ?= $(shell p=$(or $(RASA_PORT),5005); seq -s, -f 'http://127.0.0.1:%g' $$p $$((p + $(RASA_REPLICAS) - 1)))
run-prod: export RASA_ENDPOINTS ?= bot/endpoints-prod.yml
run-prod: export RASA_TRACKER_STORE_URL ?= postgresql://postgres@127.0.0.1:5432/helpline_rasa
run-prod: export RASA_LOCK_STORE_HOST ?= 127.0.0.1
run-prod: export RASA_LOCK_STORE_PORT ?= 6379
run-prod: export RASA_LOCK_STORE_DB ?= 1
run-prod: export TICKET_LOCK_LIFETIME ?= 5
run-prod: export SQL_POOL_SIZE ?= 5
run-prod: export SQL_MAX_OVERFLOW ?= 5
run-prod: export WEB_WORKERS ?= 4
run-prod: export WEB_THREADS ?= 8
run-prod: export QUEUE_CONSUMERS ?= 2
run-prod: export PROMETHEUS_MULTIPROC_DIR ?= $(CURDIR)/instance/metrics
run-prod: .venv/installed .venv-rasa/installed $(MODEL)  ## the production layout here, supervised: PostgreSQL, Redis, 2 Rasa replicas
	@# Both databases on the PostgreSQL server, if missing (the URLs without driver and query).
	for url in "$${DATABASE_URL/+psycopg/}" "$$RASA_TRACKER_STORE_URL"; do \
		db="$${url##*/}"; db="$${db%%\?*}"; server="$${url%/*}/postgres"; \
		psql "$$server" -tAc "SELECT 1 FROM pg_database WHERE datname = '$$db'" | grep -q 1 || \
			psql "$$server" -c "CREATE DATABASE \"$$db\""; \
	done
	$(APP)/flask --app webhooks migrate
	[ "$${APP_ENV:-development}" = production ] || $(APP)/flask --app webhooks seed-demo
	rm -rf "$$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$$PROMETHEUS_MULTIPROC_DIR"
	$(MAKE) --no-print-directory supervised-config
	@echo "supervised: a process that dies is started again. Ctrl-C stops everything;"
	@echo "  $(APP)/supervisorctl -c $(SUPERVISOR_DIR)/helpline.conf status   shows each process"
	exec $(APP)/supervisord --nodaemon -c $(SUPERVISOR_DIR)/helpline.conf

run-prod-demo:  ## run-prod with the demo county, its logins and development secrets, to try it
	$(MAKE) --no-print-directory run-prod APP_ENV=development

# The Procfile as a supervisord config: every process started again when it dies. run-prod runs
# it; a server's own supervisord can include it instead (README, Production).
SUPERVISOR_DIR ?= $(CURDIR)/instance/supervisor
supervised-config: .venv/installed  ## the Procfile as supervisord's config, in instance/supervisor/
	mkdir -p $(SUPERVISOR_DIR)
	umask 077 && $(APP)/honcho export -f Procfile -t webhooks/deploy -s /bin/bash -a helpline \
		-l $(SUPERVISOR_DIR) -c queue=$${QUEUE_CONSUMERS:-2},rasa=$${RASA_REPLICAS:-1} \
		supervisord $(SUPERVISOR_DIR)

bench: .venv/installed .venv-rasa/installed $(MODEL)  ## bare Rasa against the full path at 1, 8 and 32 senders (bench-results/)
	$(APP)/python -m tests.bench.bench --out "$${BENCH_OUT:-bench-results}"

test: lint facts bot-test nlu-eval safety-eval pytest  ## everything CI checks

lint: .venv/installed  ## ruff check and format check, import contracts (pyproject.toml)
	$(APP)/ruff check .
	$(APP)/ruff format --check .
	$(APP)/lint-imports

format: .venv/installed  ## ruff format and fixes
	$(APP)/ruff format .
	$(APP)/ruff check --fix .

train: $(MODEL)  ## train the Rasa model unless one from the same data exists

bot-test: $(MODEL)  ## validate the bot data, run the test stories and the action unit tests
	$(RASA)/rasa data validate --config bot/config.yml --domain bot/domain.yml --data nlu bot/data --fail-on-warnings
	$(RASA)/rasa test core --model $(MODEL) --stories tests/bot --fail-on-prediction-errors --out build/rasa-test
	$(RASA)/pytest tests/actions tests/nlu -q -p no:cacheprovider

nlu-eval: $(MODEL)  ## intent and programme accuracy on the held-out set, per intent and script
	$(RASA)/python tests/nlu/evaluate.py $(MODEL)

facts: .venv/installed  ## every programme figure with its source and age (fails on one without)
	$(APP)/python -m actions.eligibility facts --region CN-51-demo > /dev/null
	$(APP)/python -m actions.eligibility facts --region CN

screening-eval: .venv/installed .venv-rasa/installed $(MODEL)  ## replay family stories through the bot: questions asked, right results (STORIES=file.jsonl)
	$(APP)/python -m tests.screening.evaluate $(STORIES)

safety-eval: .venv/installed  ## danger screen recall and false alarms on the tuning and blind sets
	$(APP)/python -m tests.safety.evaluate

pytest: .venv/installed .venv-rasa/installed .venv/chromium $(MODEL)
	$(APP)/pytest tests --ignore=tests/actions --ignore=tests/nlu

.venv/installed: requirements.txt
	test -x $(APP)/python || $(PYTHON) -m venv .venv
	$(APP)/pip install -q -r requirements.txt 2>&1 | $(QUIET_PIP)
	touch $@

# Browser tests drive Debian's chromium through Playwright; Playwright's own download is not used.
.venv/chromium: | .venv/installed
	(command -v chromium && dpkg -s fonts-noto-cjk) >/dev/null 2>&1 || (apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk)
	touch $@

# Rasa 3.6 declares Python <3.11 but runs on it with this exact lock; never resolve it afresh.
.venv-rasa/installed: bot/rasa-py311.lock bot/requirements-extra.txt
	test -x $(RASA)/python || $(PYTHON) -m venv .venv-rasa
	$(RASA)/pip install -q --no-deps --ignore-requires-python -r bot/rasa-py311.lock 2>&1 | $(QUIET_PIP)
	$(RASA)/pip install -q --no-deps -r bot/requirements-extra.txt 2>&1 | $(QUIET_PIP)
	touch $@

# Order-only: the name already says what the model was trained from. --force: Rasa's own cache
# knows the data and config but not our components' code (nlu/*.py), so it would restore a
# classifier trained on the old code's tokens.
$(MODEL): | .venv-rasa/installed
	$(RASA)/rasa train --force --config bot/config.yml --domain bot/domain.yml --data nlu bot/data \
		--out models --fixed-model-name $(basename $(basename $(notdir $@)))
	ls -t models/bot-*.tar.gz | tail -n +4 | xargs -r rm --
