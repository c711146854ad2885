"""A user mistake starting the dashboard is one line and exit 2, before the screen is taken
over: no flash of the dashboard, no escape sequences, no traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("args, line", [
    (["--demo", "midwestmgt"], "kubetriage: error: unknown scenario 'midwestmgt'; known: "),
    (["--kubeconfig", "/nonexistent/kubeconfig"],
     "kubetriage: error: kubeconfig /nonexistent/kubeconfig: no such file"),
    (["--demo", "midwestmtg", "--theme", "neon"], "kubetriage: error: --theme neon: unknown theme"),
], ids=["unknown-scenario", "missing-kubeconfig", "unknown-theme"])
def test_mistakes_are_one_line_before_the_screen(tmp_path, args, line):
    out = subprocess.run([sys.executable, "-m", "kubetriage", *args], capture_output=True,
                         text=True, timeout=60, stdin=subprocess.DEVNULL,
                         env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "TERM": "xterm"})
    assert out.returncode == 2
    assert out.stdout == ""
    assert out.stderr.startswith(line) and out.stderr.count("\n") == 1
    assert "\x1b" not in out.stderr and "Traceback" not in out.stderr
