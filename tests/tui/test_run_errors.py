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


def test_the_command_in_a_terminal_reaches_live_and_draws_the_chains(tmp_path):
    """`make demo` as a user runs it, in a terminal: the source is opened before Textual starts,
    so its lists are in before the screen is mounted (rows given to a screen still mounting
    once stopped the dashboard at "syncing" for good, while every in-process test passed)."""
    import fcntl
    import os
    import pty
    import re
    import select
    import struct
    import termios
    import time

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "kubetriage", "--demo", "midwestmtg"],
                            stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
                            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
                                 "TERM": "xterm-256color"})
    os.close(slave)
    try:
        shown, deadline = "", time.monotonic() + 60
        while not ("2 chains" in shown and "live" in shown) and time.monotonic() < deadline:
            if select.select([master], [], [], 0.5)[0]:
                shown += re.sub(r"\x1b\[[0-9;?<>]*[A-Za-z]", "",
                                os.read(master, 65536).decode(errors="replace"))
        assert "2 chains" in shown and "live" in shown, shown[-400:]
        os.write(master, b"q")
        assert proc.wait(timeout=15) == 0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, 9)
        os.close(master)


async def test_a_bug_in_the_source_worker_ends_the_dashboard_with_it():
    """A bug while the rows load is said by the command (one line, exit 2), not hidden behind a
    screen frozen at "syncing" for good."""
    from kubetriage.cluster.source import ClusterSource
    from kubetriage.tui.app import KubetriageApp

    source = await ClusterSource.open(demo="healthy")
    bug = RuntimeError("a bug while loading rows")

    def broken(*args, **kwargs):
        raise bug

    source.store.subscribe = broken  # type: ignore[method-assign]  # the bug, planted
    app = KubetriageApp(source=source)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            for _ in range(100):
                if app.crash is not None:
                    break
                await pilot.pause(0.05)
        assert app.crash is bug and app.return_code == 2
    finally:
        await source.close()
