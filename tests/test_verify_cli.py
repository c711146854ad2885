"""`kubetriage verify` as CI runs it: progress lines, a report, exit 0/1/2."""

from __future__ import annotations

import re

import pytest

from kubetriage.cli import main
from kubetriage.sim.rbac import Deny, Rbac
from kubetriage.sim.server import run_in_thread


def test_midwestmtg_is_not_verified_and_the_report_names_the_hook_chain(tmp_path, capsys):
    report = tmp_path / "verify.md"
    code = main(["verify", "--demo", "midwestmtg", "--timeout", "20s", "--stability", "2s",
                 "--report", str(report)])
    out = capsys.readouterr().out
    assert code == 1
    assert "releases: failed: 3 of 4 releases not Ready" in out
    assert "Pod midwestmtg/midwestmtg-frontend-bb7d869dd-ww4w8: frontend: ImagePullBackOff" in out
    assert "stability: skipped: an earlier step failed" in out
    text = report.read_text()
    assert text.startswith("# Verification: kubetriage-sim: NOT VERIFIED")
    remains = text.split("## What remains", 1)[1].split("## Timeline", 1)[0]
    hook = next(line for line in remains.splitlines()
                if line.startswith("- **breaks** Job midwestmtg/midwestmtg-backend-migration"))
    assert "hook" in hook  # the hook Job in the chain, under its root
    assert "Multiple head revisions" in remains
    assert "| midwestmtg/redis | True |" in text


def test_healthy_is_verified(tmp_path, capsys):
    report = tmp_path / "verify.md"
    code = main(["verify", "--demo", "healthy", "--stability", "2s", "--report", str(report)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "stability: passed: nothing regressed in 2s" in out
    assert out.rstrip().endswith("verified")
    # a line per step, stamped with the real time since the command started: 52 sources and
    # 32 releases Ready at the first look are each step's one line, not a line apiece
    stamped = [line for line in out.splitlines() if line.startswith("[")]
    assert len(stamped) <= 10 and not any(": progress: " in line for line in stamped), out
    times = [float(re.match(r"\[\s*([\d.]+)s\]", line).group(1)) for line in stamped]
    assert times == sorted(times) and times[0] > 0 and times[-1] - times[0] >= 1.9  # 0.1 s stamps
    text = report.read_text()
    assert text.startswith("# Verification: kubetriage-sim: VERIFIED")
    assert "Nothing: every step passed." in text


@pytest.mark.parametrize("argv, message", [
    (["--demo", "healthy", "--timeout", "5 minutes"], "--timeout '5 minutes': not a duration"),
    (["--demo", "healthy", "--stability", "x"], "--stability 'x': not a duration"),
    (["--demo", "nope"], "unknown scenario 'nope'"),
    (["--kubeconfig", "/nonexistent/kubeconfig"],
     "kubeconfig /nonexistent/kubeconfig: no such file"),
    (["--demo", "healthy", "--context", "x"], "--demo runs the embedded cluster"),
    (["--demo", "healthy", "--report", "/nonexistent/dir/r.md"], "--report /nonexistent/dir/r.md"),
])
def test_usage_errors_are_one_line_and_exit_2(argv, message, capsys):
    assert main(["verify", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_reconcile_is_audited_per_release(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    code = main(["verify", "--demo", "healthy", "-n", "media", "--reconcile", "--stability",
                 "1s"])
    out = capsys.readouterr().out
    assert code == 0, out
    requested = [line for line in out.splitlines() if ": requested at " in line]
    lines = (tmp_path / "kubetriage" / "audit.log").read_text().splitlines()
    assert len(lines) == len(requested) > 0
    assert all('"action":"reconcile"' in line and '"outcome":"succeeded"' in line
               for line in lines)


def test_releases_the_user_may_not_read_are_not_verified_exit_3(tmp_path, capsys):
    """A user who may not list HelmReleases used to read "0 releases Ready" and VERIFIED."""
    deny = Rbac(deny=[Deny(verbs=("list", "watch"), resources=("helmreleases",))])
    with run_in_thread("healthy", speed=1e-6, rbac=deny) as sim:
        kubeconfig = sim.write_kubeconfig(tmp_path / "kubeconfig")
        report = tmp_path / "verify.md"
        code = main(["verify", "--kubeconfig", str(kubeconfig), "--stability", "1s",
                     "--report", str(report)])
    out = capsys.readouterr().out
    assert code == 3, out
    assert "releases: unseen: 0 releases Ready, but could not read HelmRelease: not allowed " \
           "across all namespaces (helmreleases.helm.toolkit.fluxcd.io is forbidden: " in out
    assert "pods: passed: " in out
    assert out.rstrip().splitlines()[-1].startswith(
        "NOT verified: Releases Ready: 0 releases Ready, but could not read HelmRelease: ")
    text = report.read_text()
    assert text.startswith("# Verification: kubetriage-sim: NOT VERIFIED: could not read "
                           "everything")
    assert "| Releases Ready | ⚠ could not read |" in text
    assert "## Could not be read" in text and "- HelmRelease: not allowed across" in text
