# fever_desk — every command works from a fresh clone: the first target that needs it builds .venv.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run test lint bench bundle clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	@if [ "$$(uname)" = "Linux" ] && [ -z "$$DISPLAY$$WAYLAND_DISPLAY$$QT_QPA_PLATFORM" ]; then \
		echo "No display found. On a desktop, run 'make run' from its terminal; on a server use"; \
		echo "  xvfb-run make run                     (a virtual screen; apt-get install xvfb), or"; \
		echo "  QT_QPA_PLATFORM=offscreen make run   (no window at all, for smoke tests)"; \
		exit 2; \
	fi
	$(BIN)/fever-desk

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

test: $(STAMP) lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m bench

bundle: $(STAMP)
	$(BIN)/pyinstaller --noconfirm --clean --distpath dist --workpath build/pyinstaller installer/fever_desk.spec
	QT_QPA_PLATFORM=offscreen dist/fever-desk/fever-desk --version

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache .hypothesis .bench
