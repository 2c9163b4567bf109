# Plenary: `make run` sets up and starts a demo server; `make test` runs every check.
# Both work on a fresh Debian machine: missing system packages are installed with apt-get.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
EXTRAS := asr,openai-whisper,postgres,dev
HOST ?= 127.0.0.1
PORT ?= 8000
# The database, recordings and prepared models, for the server and the speech engines alike.
export PLENARY_DATA_DIR ?= $(CURDIR)/var

# Debian packages: speech synthesis and Apertium (offline translation between en, es, fr, pt, it;
# cg3 for its Italian pair), the Janus WebRTC gateway with the janus.js and adapter.js that
# Plenary serves (audio and video of the floor, docs/media.md), Redis for
# the channel-layer tests, Chromium for the browser tests, pango and fonts for PDF exports;
# gettext compiles the interface's catalogs (locale/); Amiri (Arabic) and WenQuanYi Micro Hei
# (Chinese) are the faces Plenary serves to pages and renders PDF exports with.
RUN_PACKAGES := apertium apertium-eng-spa apertium-fr-es apertium-es-pt apertium-spa-ita cg3 espeak-ng sox libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-hosny-amiri fonts-wqy-microhei gettext janus libjs-janus-gateway libjs-webrtc-adapter
# age and strace: the backup tests (encryption; no password on a command line); openssl:
# Redis over TLS; iproute2: the network namespaces of the browser tests (WebRTC).
TEST_PACKAGES := $(RUN_PACKAGES) redis-server chromium age strace openssl iproute2
# The production topology on one machine (deploy/cluster.py): PostgreSQL, Redis, nginx, TLS.
CLUSTER_PACKAGES := $(RUN_PACKAGES) postgresql redis-server nginx-light openssl

.PHONY: run test install messages system-run system-test lint typecheck clean cluster cluster-test system-cluster

run: system-run install messages
	$(BIN)/plenary migrate --no-input -v0
	$(BIN)/plenary demo
	$(BIN)/plenary models prepare
	@echo "Open http://$(HOST):$(PORT)/ and log in with one of the demo logins above."
	$(BIN)/plenary serve --host $(HOST) --port $(PORT)

test: system-test install messages lint typecheck
	$(BIN)/python -m pytest

# The interface's translations: locale/*/LC_MESSAGES/*.po compiled to .mo (not committed).
messages: install
	$(BIN)/plenary compilemessages --ignore=$(VENV) -v0

# PostgreSQL, Redis, two Daphne web processes, a recognition worker and nginx (TLS) on free
# local ports, in the production profile; Ctrl-C stops everything and removes it.
cluster: system-cluster install messages
	$(BIN)/python deploy/cluster.py

# The smoke suite and failure drills through nginx against such a cluster (tests/deploy).
cluster-test: system-cluster install
	$(BIN)/python -m pytest -m cluster tests/deploy

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Plenary needs Python 3.11+"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch==2.13.0 (pinned in pyproject.toml) is the CPU build; install it first so that
	# nothing pulls a CUDA build of several GB.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[$(EXTRAS)]'
	touch $@

system-run:
	@deploy/system-packages.sh $(RUN_PACKAGES)

system-test:
	@deploy/system-packages.sh $(TEST_PACKAGES)

system-cluster:
	@deploy/system-packages.sh $(CLUSTER_PACKAGES)

clean:
	rm -rf $(VENV) var/test.sqlite3* .mypy_cache .ruff_cache .pytest_cache locale/*/LC_MESSAGES/*.mo
