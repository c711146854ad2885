"""Every line kubetriage writes to stderr is cleaned as stdout is: object names from a dump, a
flag's value quoted back by the parser, a library's log record."""

from __future__ import annotations

import json
import os
import subprocess
import sys

HOSTILE = "e\x1b]0;PWN\x07x"  # sets the terminal's title, then rings its bell
CONTROLS = ("\x1b", "\x07", "\x9b")


def run(*argv: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kubetriage", *argv], capture_output=True,
                          text=True, timeout=60, env={**os.environ, **env})


def test_a_dump_error_naming_a_hostile_pod_is_cleaned(tmp_path):
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": HOSTILE, "namespace": "a"}}
    (tmp_path / "pods.json").write_text(json.dumps({"apiVersion": "v1", "kind": "List",
                                                    "items": [pod, pod]}))
    proc = run("check", "--from-dump", str(tmp_path))
    assert proc.returncode == 2 and "duplicate Pod a/ex (" in proc.stderr, proc.stderr
    assert not any(c in proc.stderr for c in CONTROLS), repr(proc.stderr)


def test_log_records_shown_with_debug_are_cleaned(tmp_path):
    # the library logs the plugin's own error text (with KUBETRIAGE_DEBUG=1), and so do we
    plugin = tmp_path / "plugin.py"
    plugin.write_text(f"import sys\nsys.exit({HOSTILE!r})\n")
    config = tmp_path / "config"
    config.write_text(json.dumps({
        "apiVersion": "v1", "kind": "Config", "current-context": "dev",
        "clusters": [{"name": "c", "cluster": {"server": "http://127.0.0.1:1"}}],
        "contexts": [{"name": "dev", "context": {"cluster": "c", "user": "u"}}],
        "users": [{"name": "u", "user": {"exec": {
            "apiVersion": "client.authentication.k8s.io/v1", "command": sys.executable,
            "args": [str(plugin)]}}}]}))
    proc = run("check", "--kubeconfig", str(config), KUBETRIAGE_DEBUG="1")
    assert proc.returncode == 2 and proc.stderr.count("returned 1. ex") >= 2, proc.stderr
    assert not any(c in proc.stderr for c in CONTROLS), repr(proc.stderr)
