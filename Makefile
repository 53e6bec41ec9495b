# Prevent safeguarding assistant. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
GUIDANCE := $(wildcard guidance/*.yml guidance/examples/*.yml)

help: ## Show this help
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt
	@PY310=$$(scripts/find-python310.sh) && { [ -x $(PY) ] || $$PY310 -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed ## Create the Python 3.10 venv and install the assistant

data/nlu/_generated_guidance.yml domain/_generated.yml &: $(GUIDANCE) $(wildcard referral_forms/*.yml) bot/build_data.py $(VENV)/.installed
	PYTHONPATH=. $(PY) -m bot.build_data

data: data/nlu/_generated_guidance.yml domain/_generated.yml ## Generate Rasa data from guidance/

model: install data ## Train the model if its inputs changed (cached per hash)
	@PYTHONPATH=. $(PY) scripts/model.py > /dev/null

migrate: install ## Bring the databases to the newest schema (Alembic; also run by make run)
	@. scripts/env.sh && $(PY) -m bot.store.migrate

run: install data migrate ## Install, train if needed, and run the assistant (REST on :5005)
	@scripts/run.sh "$$(PYTHONPATH=. $(PY) scripts/model.py)"

prod-deps: ## Install PostgreSQL, Redis and haproxy (Debian packages) if missing
	@command -v redis-server >/dev/null && command -v haproxy >/dev/null && ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || { \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq postgresql redis-server haproxy >/dev/null; }

prod: install data prod-deps ## Production profile on loopback: PostgreSQL, Redis, haproxy, REPLICAS=2 Rasa + action servers, workers
	@. scripts/env.sh && $(PY) scripts/prod.py --replicas $(or $(REPLICAS),2) --model "$$(PYTHONPATH=. $(PY) scripts/model.py)"

shell: install data migrate ## Talk to the assistant in the terminal (rasa shell)
	@scripts/run.sh "$$(PYTHONPATH=. $(PY) scripts/model.py)" shell

invite: install migrate ## One-time invite code for a member of staff: make invite CHANNEL=telegram ORG=st-marys ROLE=dsl
	@. scripts/env.sh && $(PY) -m bot.enrolment invite --channel $(or $(CHANNEL),webchat) --label "$(LABEL)" $(if $(ORG),--org "$(ORG)" --role $(or $(ROLE),teacher))

telegram: install ## Relay Telegram to the running assistant by polling (no public URL needed)
	@. scripts/env.sh && $(PY) -m bot.channels.telegram_polling

rotate-keys: install migrate ## Re-wrap every sealed row under the first master key (after adding a new one)
	@. scripts/env.sh && $(PY) -m bot.store.rotate

doctor: install migrate ## Check this deployment's settings (certificate, SMTP relay, updates key, public URL)
	@. scripts/env.sh && $(PY) -m bot.doctor

review: install migrate ## Run the Prevent team's review app on http://127.0.0.1:8060 (needs the inbox key)
	@. scripts/env.sh && [ -n "$$PREVENT_UPDATES_KEY" ] || export PREVENT_UPDATES_KEY_FILE="$${PREVENT_UPDATES_KEY_FILE:-$$PREVENT_VAR_DIR/keys/updates.key}"; \
	export PREVENT_REVIEW_ASSISTANT_CERT_FILE="$${PREVENT_REVIEW_ASSISTANT_CERT_FILE:-$$PREVENT_VAR_DIR/keys/assistant-signing.crt.pem}"; $(PY) -m bot.review

org: install migrate ## Register a school: make org NAME="St Mary's" AREA=southend
	@. scripts/env.sh && $(PY) -m bot.concerns.orgs add "$(NAME)" --area $(AREA)

review-admin: install migrate ## Create a review app admin: make review-admin NAME=alice
	@. scripts/env.sh && $(PY) -m bot.review.accounts create $(NAME) --role admin

validate: install data ## rasa data validate, failing on warnings
	@. scripts/env.sh && $(PY) -m rasa data validate --domain domain --data data --config config.yml --fail-on-warnings

test: $(VENV)/.installed-dev data lint ## Install what the tests need, lint, and run them all
	@. scripts/env.sh && $(PY) -m pytest

lint: $(VENV)/.installed-dev ## ruff over the project; mypy over the core (files in pyproject.toml)
	$(VENV)/bin/ruff check bot tests scripts
	$(VENV)/bin/mypy

bench: $(VENV)/.installed-dev data ## Benchmarks: latency, throughput, memory (figures, not asserts)
	@. scripts/env.sh && $(PY) -m tests.bench.run_bench $(or $(ARGS),--stock --prod --session)

eval: eval-risk eval-triage eval-guidance ## Score the assistant on the blind sets in eval/ (never trained on) and the dev sets

eval-risk: install ## Risk check on every eval/risk/*.yml: precision, recall, confusion matrix
	@. scripts/env.sh && $(PY) -m bot.risk.evaluate $(ARGS)

eval-triage: install ## Triage outcome accuracy on written cases, plain Python (bot/triage/evaluate.py)
	@. scripts/env.sh && $(PY) -m bot.triage.evaluate tests/triage/own_cases.yml $(wildcard eval/triage/*.yml)

eval-guidance: install ## Guidance routing, top-1 and key facts: dev paraphrases and every eval/guidance/*.yml
	@. scripts/env.sh && $(PY) -m bot.guidance.evaluate tests/guidance/dev_paraphrases.yml tests/guidance/holdout_paraphrases.yml tests/guidance/off_topic_questions.yml $(wildcard eval/guidance/*.yml)

clean: ## Remove generated data, models and var/ (keeps the venv)
	rm -rf models var data/nlu/_generated_guidance.yml domain/_generated.yml

.PHONY: help install data model migrate run prod-deps prod shell invite telegram rotate-keys doctor review org review-admin validate test lint bench eval eval-risk eval-triage eval-guidance clean
