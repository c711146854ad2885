# The two commands of the README. Both create .venv at the repo root and install into it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: demo test sim bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

# Reinstall when the project's dependencies change; editable so edits need no reinstall.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[test]'
	touch $@

demo: $(VENV)/.installed
	$(PY) -m kubetriage --demo midwestmtg

test: $(VENV)/.installed
	$(PY) -m pytest -q -n 4

sim: $(VENV)/.installed
	$(PY) -m kubetriage sim --scenario midwestmtg --kubeconfig-out $(VENV)/kubeconfig

clean:
	rm -rf $(VENV) build dist *.egg-info
