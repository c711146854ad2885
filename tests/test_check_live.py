"""`kubetriage check` on the current context goes through the live source over HTTP and finds
what the scenario's dump shows: the same chains, root first."""

from __future__ import annotations

import subprocess
import sys

import orjson

from kubetriage.sim.server import run_in_thread


def check(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kubetriage", "check", "-o", "json", *args],
                          capture_output=True, text=True, timeout=120)


def chain_shape(report: dict) -> list[tuple[str, list[str]]]:
    by_id = {f["id"]: f for f in report["findings"]}
    name = lambda fid: "{kind} {namespace}/{name}".format(**by_id[fid]["object"])  # noqa: E731
    return sorted((name(c["root"]), sorted(map(name, c["links"]))) for c in report["chains"])


def test_live_context_matches_the_scenario_dump(tmp_path):
    # speed ~0: the timeline waits, so the live cluster is the dump's state
    with run_in_thread("midwestmtg", speed=1e-6) as sim:
        kubeconfig = sim.write_kubeconfig(tmp_path / "kubeconfig")
        live = check("--kubeconfig", str(kubeconfig))
    offline = check("--demo", "midwestmtg")
    assert live.returncode == offline.returncode == 1, live.stderr
    live_report, offline_report = orjson.loads(live.stdout), orjson.loads(offline.stdout)
    assert chain_shape(live_report) == chain_shape(offline_report)
    assert any("Multiple head revisions" in line
               for f in live_report["findings"] for line in f["evidence"])


def test_unknown_context_is_one_line(tmp_path):
    with run_in_thread("midwestmtg", speed=1e-6) as sim:
        kubeconfig = sim.write_kubeconfig(tmp_path / "kubeconfig")
        out = check("--kubeconfig", str(kubeconfig), "--context", "nope")
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and "nope" in out.stderr
    assert out.stderr.startswith("kubetriage: error: ")


def test_live_context_matches_the_dump_for_the_incident_scenarios(tmp_path):
    """The kinds issue 13 added (Flux sources, cert-manager, claims, classes, quotas) and the
    fields their checks read survive discovery, the watch and the store's slimming."""
    for name in ("flux-sources", "stateful-tools", "quota-and-limits", "init-and-crashes"):
        with run_in_thread(name, speed=1e-6) as sim:
            kubeconfig = sim.write_kubeconfig(tmp_path / f"{name}.kubeconfig")
            live = check("--kubeconfig", str(kubeconfig))
        offline = check("--demo", name)
        assert live.returncode == offline.returncode == 1, live.stderr
        assert chain_shape(orjson.loads(live.stdout)) == \
            chain_shape(orjson.loads(offline.stdout)), name
