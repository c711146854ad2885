"""An exec credential plugin that never answers (a login waiting on a browser or a prompt nobody
sees) is killed after a deadline, and `check` says so in one line naming it, exit 2."""

from __future__ import annotations

import os
import subprocess
import sys

import yaml


def test_a_plugin_that_never_answers_times_out_and_is_killed(tmp_path):
    pidfile = tmp_path / "plugin.pid"
    plugin = tmp_path / "plugin.py"
    plugin.write_text(f"import os, time\nopen({str(pidfile)!r}, 'w').write(str(os.getpid()))\n"
                      "time.sleep(3600)\n")
    config = tmp_path / "config"
    config.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "dev",
        "clusters": [{"name": "c", "cluster": {"server": "http://127.0.0.1:1"}}],
        "contexts": [{"name": "dev", "context": {"cluster": "c", "user": "u"}}],
        "users": [{"name": "u", "user": {"exec": {
            "apiVersion": "client.authentication.k8s.io/v1", "command": sys.executable,
            "args": [str(plugin)], "interactiveMode": "Never"}}}]}))
    proc = subprocess.run([sys.executable, "-m", "kubetriage", "check", "--kubeconfig",
                           str(config)], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "KUBETRIAGE_EXEC_TIMEOUT": "1"})
    lines = proc.stderr.splitlines()
    assert proc.returncode == 2 and len(lines) == 1, proc.stderr
    assert lines[0].startswith(f"kubetriage: error: exec credential plugin {sys.executable!r} "
                               "of user 'u' gave no credential within 1 s"), lines[0]
    pid = int(pidfile.read_text())
    assert not os.path.exists(f"/proc/{pid}") or \
        open(f"/proc/{pid}/stat").read().split()[2] == "Z", "the plugin was left running"
