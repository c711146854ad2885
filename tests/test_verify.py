"""The "Reconcile and verify" walkthrough against the embedded server: its verdicts, its report's
tables against the server's final state, and the stability window catching a regression."""

from __future__ import annotations

import asyncio

from kubetriage.actions import Actions
from kubetriage.core.resources import by_kind
from kubetriage.health import pod_row
from kubetriage.report.verification import release_row, render_verification
from kubetriage.verify import Walkthrough
from tests.actions.conftest import audit_lines, open_source

HR = by_kind("helm.toolkit.fluxcd.io/v2", "HelmRelease")
POD = by_kind("v1", "Pod")


def table(markdown: str, heading: str) -> list[list[str]]:
    """The rows of the table under `heading` (header and rule dropped)."""
    lines = markdown.split(heading, 1)[1].split("\n\n#", 1)[0].splitlines()
    rows = [line for line in lines if line.startswith("| ")]
    return [[c.strip() for c in row.strip("|").split(" | ")] for row in rows[2:]]


async def test_fix_forward_then_verify_with_reconcile(audit_path):
    """midwestmtg, TASK-008's option A: delete the hook Job, then verify --reconcile. The
    releases all come Ready (the backend's upgrade, then the bot that depends on it), and the
    report's tables are the server's state when the run ended."""
    source = await open_source()
    try:
        actions = Actions(source)
        job = source.store.get("Job", "midwestmtg", "midwestmtg-backend-migration")
        assert (await actions.run(await actions.plan("delete-hook-job", job),
                                  confirmed=True)).ok
        events = []
        walk = Walkthrough(source, namespace="midwestmtg", reconcile=True, timeout=15,
                           stability=1, actions=actions, on_event=events.append)
        v = await walk.run()
        steps = {s.id: s.status for s in v.steps}
        assert steps["sources"] == steps["reconcile"] == steps["releases"] == "passed"
        assert steps["pods"] == steps["services"] == steps["stability"] == "passed"
        assert v.ok  # fixed and verified: Endpoints followed the new backend and frontend pods
        # the audit log has the Job and one reconcile per release
        assert [line["action"] for line in audit_lines(audit_path)] == \
            ["delete-hook-job"] + ["reconcile"] * 4
        state = source.demo.state
        for hr in state.list(HR, "midwestmtg"):
            assert hr["status"]["lastHandledReconcileAt"] == \
                hr["metadata"]["annotations"]["reconcile.fluxcd.io/requestedAt"]
        markdown = render_verification(v)
        releases = table(markdown, "### HelmReleases")
        server_releases = sorted(state.list(HR, "midwestmtg"),
                                 key=lambda o: o["metadata"]["name"])
        assert [r[:2] for r in releases] == [[f"midwestmtg/{o['metadata']['name']}", "True"]
                                             for o in server_releases]
        assert [r[:2] for r in releases] == [list(release_row(o)[:2]) for o in server_releases]
        pods = table(markdown, "### Pods")
        server_pods = sorted(state.list(POD, "midwestmtg"), key=lambda o: o["metadata"]["name"])
        assert [p[0] for p in pods] == [f"midwestmtg/{o['metadata']['name']}"
                                        for o in server_pods]
        assert [p[2] for p in pods] == [pod_row(o)[2] for o in server_pods]
        names = {p[0]: p[2] for p in pods}
        assert "midwestmtg/midwestmtg-backend-migration-kwtdz" not in names  # went with its Job
        assert names["midwestmtg/midwestmtg-backend-migration-p7z4c"] == "Completed"
        changed = table(markdown, "## What changed during the run")
        assert any("HelmRelease midwestmtg/midwestmtg-backend" in row[1]
                   and "Ready=True" in row[3] for row in changed)
        assert any(e.step == "releases" and "discord-bot: Ready" in e.message for e in events)
    finally:
        await source.close()


async def test_stability_window_catches_a_crash_coming_back(audit_path):
    source = await open_source("healthy")
    try:
        walk = Walkthrough(source, stability=5)
        run = asyncio.create_task(walk.run())
        while next(s for s in walk.steps if s.id == "stability").status != "running":
            await asyncio.sleep(0.05)
        pod = next(p for p in source.demo.state.list(POD) if p["status"].get("phase") ==
                   "Running" and p["spec"].get("containers"))
        meta = pod["metadata"]
        source.demo.state.restart_container(meta["namespace"], meta["name"],
                                            pod["spec"]["containers"][0]["name"])
        v = await run
        stability = next(s for s in v.steps if s.id == "stability")
        assert stability.status == "failed" and not v.ok
        assert any(f"Pod {meta['namespace']}/{meta['name']}" in d for d in stability.details)
    finally:
        await source.close()
