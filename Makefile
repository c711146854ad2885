# The two commands of the README. Both create .venv at the repo root and install into it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: demo test lint sim bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

# Reinstall when the project's dependencies change; editable so edits need no reinstall. The
# install's own chatter goes to a log, shown only when it fails. The demo needs no test extras.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install -q -e . > $(VENV)/install.log 2>&1 || { cat $(VENV)/install.log; exit 1; }
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[test]' > $(VENV)/install.log 2>&1 || { cat $(VENV)/install.log; exit 1; }
	touch $(VENV)/.installed $@

demo: $(VENV)/.installed
	$(PY) -m kubetriage --demo midwestmtg

test: $(VENV)/.installed-test lint
	$(PY) -m pytest -q -n 4 --dist loadgroup

# the layers (import-linter contracts in pyproject.toml), ruff's rules and pyright (basic, over the
# package: [tool.pyright]) hold on every run
lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check -q kubetriage tests bench scripts
	$(VENV)/bin/lint-imports --no-cache > $(VENV)/lint-imports.log || { cat $(VENV)/lint-imports.log; exit 1; }
	$(VENV)/bin/pyright > $(VENV)/pyright.log 2>&1 || { cat $(VENV)/pyright.log; exit 1; }

sim: $(VENV)/.installed
	$(PY) -m kubetriage sim --scenario midwestmtg --kubeconfig-out $(VENV)/kubeconfig

clean:
	rm -rf $(VENV) build dist *.egg-info
