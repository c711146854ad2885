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


def test_a_terminal_that_vanishes_ends_the_dashboard(tmp_path):
    """No hangup reaches the dashboard when the terminal goes (its parent catches SIGHUP and
    waits, as make does): it must still end, not spin on its dead input."""
    import os
    import pty
    import select
    import time

    master, slave = pty.openpty()
    leader = ("import signal, subprocess, sys; signal.signal(signal.SIGHUP, lambda *a: None); "
              "sys.exit(subprocess.call(sys.argv[1:]))")
    proc = subprocess.Popen([sys.executable, "-c", leader, sys.executable, "-m", "kubetriage",
                             "--demo", "healthy"], stdin=slave, stdout=slave, stderr=slave,
                            start_new_session=True,
                            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "TERM": "xterm"})
    os.close(slave)
    try:
        shown, deadline = b"", time.monotonic() + 30
        while b"Chains" not in shown and time.monotonic() < deadline:
            if select.select([master], [], [], 0.5)[0]:
                shown += os.read(master, 65536)
        assert b"Chains" in shown, "the dashboard never drew"
        os.close(master)  # the terminal goes
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, 9)
            raise AssertionError("the dashboard outlived its terminal")
