# symcli: every target bootstraps .venv from nothing but Python.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CONFORMANCE ?= ../shared/conformance/run_eval.py

.PHONY: all demo test conformance fuzz bench clean

all: test

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	@$(BIN)/python samples/demo.py

test: $(STAMP)
	$(BIN)/python -m pytest -p no:cacheprovider tests

conformance: $(STAMP)
	$(BIN)/python $(CONFORMANCE) --symcli "$(BIN)/symcli" -j 2

fuzz: $(STAMP)
	SYMCLI_FUZZ_EXAMPLES=5000 $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_fuzz.py

bench: $(STAMP)
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build *.egg-info
