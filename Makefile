# Two entry points for a fresh clone (see README.md):
#   make lab   - set everything up and open JupyterLab on examples/
#   make test  - set everything up and run every test layer (slow sweeps left out:
#                make test-slow runs them)
# Everything lives in .venv; nothing is installed outside it except Debian's
# chromium, which the browser tests need.

VENV ?= .venv
PYTHON ?= python3
BIN := $(abspath $(VENV))/bin
export PATH := $(BIN):$(PATH)
export MPLBACKEND := Agg
# Our machines run as root; JupyterLab refuses that unless told.
LAB_ARGS ?= $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: lab test test-slow screenshots setup build lint lint-python lint-js test-python test-js test-ui test-package chromium ui-setup clean

setup: $(VENV)/.installed

# Runs once per change of its prerequisites; bash_kernel is the non-Python
# kernel the browser tests use.
$(VENV)/.installed: pyproject.toml package.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,test,examples]"
	$(BIN)/jupyter labextension develop . --overwrite
	$(BIN)/jupyter server extension enable --sys-prefix jupyter_nbrefactor
	$(BIN)/python -m ipykernel install --sys-prefix
	$(BIN)/python -m bash_kernel.install --sys-prefix
	touch $@

# pip's editable install builds the TypeScript once; rebuild so src/ changes count.
build: setup
	jlpm build

lab: build
	cd examples && jupyter lab $(LAB_ARGS) big_messy_notebook.ipynb

# The gates first (cheapest, and a failure there is the first thing to fix); pytest
# last, so its summary line closes the output.
test: lint test-js test-package test-ui test-python

# Configured in pyproject.toml (ruff, mypy) and package.json (stylelint, prettier,
# eslint); .pre-commit-config.yaml runs the Python ones before each commit.
lint: lint-python lint-js

lint-python: setup
	ruff check .
	ruff format --check .
	mypy

lint-js: setup
	jlpm lint:check

# -m "not slow": the minutes-long sweeps (@pytest.mark.slow) run with `make test-slow`
test-python: setup
	python -m pytest -q -m "not slow"

test-slow: setup
	python -m pytest -q -m slow

# --silent: console output of the code under test only buries the counts
test-js: build
	jlpm test --silent

test-package: setup
	bash scripts/check-package.sh

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium; }

ui-setup: build chromium
	cd ui-tests && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 jlpm install

# A free port (playwright.config.js), so a `make lab` on 8888 can keep running; the
# server's log goes to ui-tests/jupyter-server.log. On a failure, failures.js
# repeats each failed test's errors and the server's last errors at the end.
test-ui: ui-setup
	cd ui-tests && { CI=1 jlpm playwright test || { node failures.js; exit 1; }; }

# The documentation's screenshots (docs/images/) are rewritten only here.
screenshots: ui-setup
	cd ui-tests && CI=1 UPDATE_DOCS_IMAGES=1 jlpm playwright test tests/extract.spec.ts tests/health.spec.ts tests/warnings.spec.ts tests/graph.spec.ts

clean:
	rm -rf $(VENV) node_modules ui-tests/node_modules lib jupyter_nbrefactor/labextension dist
