# Two commands: `make run` and `make test`. Both are idempotent and fast the second time.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DB ?= data/warehouse.duckdb
PORT ?= 8501
export CARBON_BUDGET_DB ?= $(DB)

.PHONY: run test install system-deps demo bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[test,spark]"
	touch $(STAMP)

install: $(STAMP)

# Debian chromium + CJK fonts (browser test, PNG/PDF export), pdftotext (report tests), Java (Spark tests); only when missing.
system-deps:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || ! fc-list 2>/dev/null | grep -qi "Noto Color Emoji" || ! command -v pdftotext >/dev/null || ! command -v java >/dev/null; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk fonts-noto-color-emoji poppler-utils default-jre-headless >/dev/null; \
	fi

$(DB): | $(STAMP)
	$(BIN)/carbon-budget --db $(DB) demo

demo: $(STAMP)
	$(BIN)/carbon-budget --db $(DB) demo

run: $(STAMP) $(DB)
	$(BIN)/carbon-budget --db $(DB) serve --port $(PORT)

test: $(STAMP) system-deps
	$(BIN)/python -m pytest

bench: $(STAMP)
	for b in warehouse_build nowcast_accuracy nowcast_real nowcast_speed pages ingest hostile_uploads plan measures accounts enterprise_scale; do $(BIN)/python benchmarks/$$b.py || exit 1; done

clean:
	rm -rf $(VENV) $(DB) $(DB).wal $(DB).meters $(DB).filings $(DB).publication
