"""The core never imports Textual: kubetriage check must run where Textual cannot, and the checks
stay testable without a screen. Imported in a fresh interpreter, then sys.modules is inspected."""

from __future__ import annotations

import subprocess
import sys

import pytest

CORE = ["kubetriage.core.snapshot", "kubetriage.checks.registry", "kubetriage.checks.chains",
        "kubetriage.diagnosis", "kubetriage.check_cli", "kubetriage.report.text",
        "kubetriage.cluster.store", "kubetriage.cluster.source", "kubetriage.actions",
        "kubetriage.verify", "kubetriage.sim.server"]


@pytest.mark.parametrize("module", CORE)
def test_core_module_does_not_import_textual(module):
    code = (f"import sys, {module}\n"
            "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_checks_do_not_import_rich():
    code = ("import sys, kubetriage.diagnosis\n"
            "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] == 'rich')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
