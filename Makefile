# Junkan: `make run` starts the platform with demo data, `make test` runs the tests.
SHELL := /bin/bash
UV ?= $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/bin/uv)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run test bench lint format clean

$(CURDIR)/.tools/bin/uv:
	python3 -m venv $(CURDIR)/.tools
	$(CURDIR)/.tools/bin/pip install --quiet uv

setup: $(if $(findstring .tools,$(UV)),$(UV))
	$(UV) sync --frozen --quiet

run: setup
	$(UV) run junkan db upgrade
	$(UV) run junkan demo
	@echo
	@echo "Junkan: http://$(HOST):$(PORT)/app   API docs: http://$(HOST):$(PORT)/docs"
	@echo "Web sign-in (e-mail / password) and API credentials (client_id / client_secret) per company: var/demo-credentials.json"
	$(UV) run junkan serve --host $(HOST) --port $(PORT)

test: setup
	$(UV) run pytest

bench: setup
	$(UV) sync --frozen --quiet --group bench
	@for script in bench/*.py; do echo "== $$script"; $(UV) run --group bench python $$script || exit 1; done

lint: setup
	$(UV) run ruff check junkan tests bench
	$(UV) run ruff format --check junkan tests bench

format: setup
	$(UV) run ruff format junkan tests bench
	$(UV) run ruff check --fix junkan tests bench

clean:
	rm -rf .venv .tools var .pytest_cache .ruff_cache
