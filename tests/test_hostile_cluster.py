"""One cluster full of hostile data (tests/hostile.py: escapes, bidi and invisible characters and
markup in names, messages and logs, a 100,000-character message, 100,000 log lines, a gzip bomb
for a release record, names that climb out of a folder) served to the dashboard, `check` in every
format, `verify` and the actions. No escape, bidi or invisible character reaches the terminal,
markup stays text, nothing is written outside the chosen folder, memory stays bounded (each run
measures its own peak, VmHWM), and every screen opens."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile import FORBIDDEN, MARKUP, write_hostile_scenario

# main() with the peak RSS of this process written to a file: the CLI as a user runs it
RUN = """
import sys
from kubetriage.cli import main
code = main(sys.argv[2:])
with open(sys.argv[1], "w") as f:
    f.write(next(line.split()[1] for line in open("/proc/self/status")
                 if line.startswith("VmHWM:")))
raise SystemExit(code)
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    return write_hostile_scenario(tmp_path_factory.mktemp("hostile") / "scenario")


@pytest.fixture
def folder(tmp_path) -> Path:
    """The folder the user works in, two levels down: a name climbing out lands in tmp_path."""
    work = tmp_path / "a" / "b" / "work"
    work.mkdir(parents=True)
    return work


def env(tmp_path: Path, repo: Path) -> dict[str, str]:
    return {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state"),
            "XDG_CONFIG_HOME": str(tmp_path / "config"), "HOME": str(tmp_path / "home"),
            "PYTHONPATH": str(repo)}


def written(tmp_path: Path) -> list[str]:
    return sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())


def clean(text: str) -> list[str]:
    return [f"U+{ord(c):04X}" for c in FORBIDDEN if c in text]


def cli(tmp_path: Path, repo: Path, folder: Path, *argv: str) -> tuple[int, str, str, int]:
    peak = tmp_path / "peak"
    proc = subprocess.run([sys.executable, "-c", RUN, str(peak), *argv], cwd=folder,
                          env=env(tmp_path, repo), capture_output=True, text=True, timeout=180)
    hwm = int(peak.read_text()) // 1024
    peak.unlink()
    return proc.returncode, proc.stdout, proc.stderr, hwm


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_check_on_a_hostile_cluster(hostile, tmp_path, repo, folder, fmt):
    code, out, err, hwm = cli(tmp_path, repo, folder, "check", "--demo", str(hostile), "-o", fmt)
    assert code == 1 and err == "", err
    assert clean(out) == []
    assert all(part in out for part in MARKUP.split(" ")), "markup is printed as text"
    if fmt == "json":
        findings = json.loads(out)["findings"]
        assert len(findings) >= 8
        # a name with its invisible characters removed is another object's: written out instead
        commands = [r["command"] for f in findings for r in f["remediations"] if r["command"]]
        assert "flux reconcile helmrelease release -n hostile" not in commands
        assert "flux reconcile helmrelease rel\\u200bease -n hostile" in commands
        assert {"ad\\u200bmin", "rel\\u200bease"} <= {f["object"]["name"] for f in findings}
    assert hwm < 300, f"check peaked at {hwm} MiB"
    assert written(tmp_path) == []


def test_verify_and_its_actions_on_a_hostile_cluster(hostile, tmp_path, repo, folder):
    code, out, err, hwm = cli(tmp_path, repo, folder, "verify", "--demo", str(hostile),
                              "--reconcile", "--timeout", "2s", "--stability", "1s",
                              "--report", "report.md")
    assert code == 1 and err == "", err
    assert clean(out) == []
    # the release with an invisible character in its name is refused, the other requested
    assert "is not a valid Kubernetes name" in out and "hostile-release: requested at" in out
    report = (folder / "report.md").read_text()
    assert clean(report) == []
    audit = (tmp_path / "state" / "kubetriage" / "audit.log").read_text()
    assert clean(audit) == [] and audit.isascii(), "the audit log is safe to cat"
    outcomes = {json.loads(line)["object"]["name"]: json.loads(line)["outcome"]
                for line in audit.splitlines()}
    assert outcomes == {"hostile-release": "succeeded", "rel\u200bease": "refused"}
    assert hwm < 300, f"verify peaked at {hwm} MiB"
    assert written(tmp_path) == ["a/b/work/report.md", "state/kubetriage/audit.log"]


def test_the_dashboard_on_a_hostile_cluster(hostile, tmp_path, repo, folder):
    proc = subprocess.run([sys.executable, "-c",
                           "from tests.tui.hostile_walk import main; main()", str(hostile)],
                          cwd=folder, env=env(tmp_path, repo), capture_output=True, text=True,
                          timeout=240)
    assert proc.returncode == 0, proc.stderr[-3000:]
    walk = json.loads(proc.stdout)
    pods = ("osc", "bidi", "zero-width", "traversal", "markup", "plain")
    assert walk["opened"] == [
        *(f"panel {p}" for p in ("chains", "namespaces", "releases", "pods", "events")), "help",
        "pod osc", "pod osc actions", "pod osc yaml",
        *(screen for p in pods[1:] for screen in (f"pod {p}", f"pod {p} actions")),
        "pod plain following", "pod plain after 100k lines",
        "release 'hostile-release'", "fix 'hostile-release'",
        "release 'rel\\u200bease'", "fix 'rel\\u200bease'"], "every screen opened"
    assert walk["forbidden"] == {}, "no escape, bidi or invisible character on any screen"
    assert walk["markup_literal"], "markup is shown as text"
    assert walk["log_lines"] >= 100_000
    assert walk["saves"] == {p: "saved" if p == "plain" else "refused" for p in pods}
    assert walk["vmhwm_mib"] < 400, f"the dashboard peaked at {walk['vmhwm_mib']} MiB"
    assert written(tmp_path) == ["a/b/work/plain-pod.app.previous.log"]
