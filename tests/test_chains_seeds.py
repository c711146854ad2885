"""Each seed scenario's diagnosis names the chains DESIGN.md's table names: root, members and the
evidence line. Scenarios not yet shipped are skipped, visibly."""

from __future__ import annotations

import functools

import pytest

from kubetriage.diagnosis import diagnose
from kubetriage.sim import scenario


def report_of(name):
    if name not in scenario.names():
        pytest.skip(f"scenario {name} not shipped yet")
    return _report(name)


@functools.cache
def _report(name):  # a scenario loads in seconds; the tests only read its report
    return diagnose(scenario.load(name).dump.snapshot())


def chain_rooted(report, code, kind, name_part):
    by_id = {f.id: f for f in report.findings}
    for chain in report.chains:
        root = by_id[chain.root]
        if root.check == code and root.object.kind == kind and name_part in root.object.name:
            return root, [by_id[i] for i in chain.links]
    raise AssertionError(f"no chain rooted at {code} {kind} *{name_part}*: "
                         f"{[c.root for c in report.chains]}")


def names(members, kind):
    return {f.object.name for f in members if f.object.kind == kind}


def test_midwestmtg_migration_hook_is_the_root_of_the_release_failures():
    report = report_of("midwestmtg")
    by_id = {f.id: f for f in report.findings}
    chain = next(c for c in report.chains
                 if any("Multiple head revisions" in line for line in by_id[c.root].evidence))
    root = by_id[chain.root]
    assert root.object.kind in ("Job", "Pod") and "migrat" in root.object.name
    members = [by_id[i] for i in chain.links]
    releases = names(members, "HelmRelease")
    assert {"midwestmtg-backend", "midwestmtg-frontend", "midwestmtg-discord-bot"} <= releases
    assert any('host not found in upstream "midwestmtg-backend"' in line
               for f in members if f.object.kind == "Pod" for line in f.evidence)
    pull = [f for f in report.findings if f.check == "KT-202"]
    assert pull and all(f.id not in chain.links for f in pull)
    assert "0.12.0" in pull[0].summary and "0.1.12" in pull[0].summary
    assert not [f for f in report.findings if "redis" in f.object.name and f.rank >= 2]


def test_registry_rebuild_x509_root_covers_every_failing_pull_from_the_registry():
    report = report_of("registry-rebuild")
    root, members = chain_rooted(report, "KT-203", "Node", "beckerbox")
    x509 = {f.id for f in report.findings if f.check == "KT-202" and f.facts["cause"] == "x509"}
    assert len(x509) >= 5 and x509 <= {f.id for f in members}
    assert any("x509" in line for line in root.evidence)


def test_registry_rebuild_sealed_secrets_chain_covers_the_releases_they_block():
    report = report_of("registry-rebuild")
    root, members = chain_rooted(report, "KT-302", "Deployment", "sealed-secrets")
    assert len(names(members, "SealedSecret")) == 5
    blocked = names(members, "HelmRelease")
    assert {"ccbot", "triager-orchestrator", "triager-redis", "midwestmtg-backend",
            "midwestmtg-discord-bot"} <= blocked
    assert any("no key could decrypt" in line for line in root.evidence)
    assert any("New key written" in line for line in root.evidence)


def test_registry_rebuild_external_init_image_is_its_own_chain():
    report = report_of("registry-rebuild")
    root, members = chain_rooted(report, "KT-202", "Pod", "velero")
    assert names(members, "HelmRelease") == {"velero"}


def test_homelab_drift_findings():
    report = report_of("homelab-drift")
    found = {f.check: f for f in report.findings}
    assert "no registry host" in found["KT-202"].summary
    assert "specific to node asuna" in found["KT-202"].summary
    assert "revision 62" in found["KT-502"].summary
    assert "otel-collector" in found["KT-601"].summary
    assert {f.object.name for f in report.findings if f.check == "KT-501"} == {
        "family-assistant-enhanced-hpa", "whisper-hpa"}
    root, members = chain_rooted(report, "KT-207", "Pod", "homelab-dashboard")
    assert "429" in root.summary
    assert any(f.check == "KT-208" and "598" in f.summary for f in members)


def test_staging_networkpolicy_explains_the_jgroups_timeouts():
    report = report_of("staging")
    root, members = chain_rooted(report, "KT-403", "NetworkPolicy", "keycloak")
    assert "7800" in root.summary and root.severity == "error"
    assert any(f.check == "KT-201" and "keycloak" in f.object.name for f in members)
    summaries = " ".join(f.summary for f in report.findings)
    assert "RuntimeError: Observability not initialized" in summaries
    assert "404: /health/startup does not exist" in summaries
    assert "port 9801, which no container declares" in summaries


def test_staging_tells_one_chain_per_cause_the_policy_first():
    report = report_of("staging")
    by_id = {f.id: f for f in report.findings}
    roots = [by_id[c.root] for c in report.chains]
    assert [(r.check, r.object.kind) for r in roots] == [
        ("KT-403", "NetworkPolicy"), ("KT-207", "Deployment"), ("KT-207", "Deployment"),
        ("KT-201", "Pod")]
    mcp = "Deployment staging-mcp-server-langgraph/staging-mcp-server-langgraph"
    assert roots[1].summary.startswith(f"4 of 4 pods of {mcp}: liveness and readiness probes "
                                       "of container cloud-sql-proxy fail: connection refused "
                                       "on port 9801")
    assert roots[2].summary.startswith(f"3 of 4 pods of {mcp}: startup probe of container "
                                       "mcp-server-langgraph fails: the app answers 404")
    assert "Observability not initialized" in roots[3].summary
    # Keycloak's refused probe is a symptom of its crash, under the policy
    keycloak = [by_id[i] for i in report.chains[0].links]
    assert {(f.check, f.object.kind) for f in keycloak} >= {("KT-201", "Pod"), ("KT-207", "Pod")}


def test_staging_advice_follows_the_probe_that_kills_the_container():
    report = report_of("staging")
    crash = {(f.object.name[-5:], f.facts["container"]): f for f in report.findings
             if f.check == "KT-201"}
    killed = crash[("kt8zn", "mcp-server-langgraph")]
    assert "its startup probe fails" in killed.summary and "one-shot" not in killed.summary
    assert not any("Job" in r.title for r in killed.remediations)
    assert not any("cloud-sql-proxy" in line for line in killed.evidence)
    assert any("failed startup probe, will be restarted" in line for line in killed.evidence)
    proxy = crash[("hx4mp", "cloud-sql-proxy")]
    assert "its liveness probe fails (exit 143: SIGTERM)" in proxy.summary
    assert any("failed liveness probe, will be restarted" in line for line in proxy.evidence)


def test_dapr_local_findings():
    report = report_of("dapr-local")
    summaries = " ".join(f.summary for f in report.findings)
    assert "Python module 'dapr' is not installed" in summaries
    assert "non-root policy" in summaries
    # the Permission denied crash comes later in its timeline; tests/checks/test_crashloop.py
    # proves that cause on the log line itself


def test_healthy_has_nothing_at_error_or_above():
    report = report_of("healthy")
    assert [f.id for f in report.findings if f.rank >= 2] == []
