# Every target sets itself up: .venv is built on first use from requirements.lock (the exact
# versions CI tested), then the project itself without its dependencies.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
UV_VERSION := 0.13.9

.PHONY: run test lint bench demo clean lock

$(STAMP): pyproject.toml requirements.lock
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $(STAMP)

# Re-resolve requirements.lock from pyproject.toml (dependencies and [dev] extras) for Python 3.11
# on Linux, keeping the current pins where they still fit; `make lock UPGRADE=1` moves every
# package to its newest version. uv runs from a throw-away venv.
lock:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(PY) -m venv "$$tmp" && "$$tmp/bin/pip" install -q uv==$(UV_VERSION) && \
	"$$tmp/bin/uv" pip compile -q pyproject.toml --extra dev --python-version 3.11 \
	  --python-platform x86_64-manylinux_2_28 $(if $(UPGRADE),--upgrade) \
	  --custom-compile-command "make lock" -o requirements.lock

run: $(STAMP)
	$(BIN)/tdkt demo --if-missing
	$(BIN)/streamlit run app.py --server.port 8501 --server.headless true

test: $(STAMP)
	bash scripts/ensure-chromium
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest -n 2

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

demo: $(STAMP)
	$(BIN)/tdkt demo

clean:
	rm -rf $(VENV) data/demo.sqlite*
