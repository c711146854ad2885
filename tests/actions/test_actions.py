"""Every action against the embedded server: the server's state afterwards is what the
equivalent kubectl/flux command leaves, and each attempt leaves one audit line."""

from __future__ import annotations

import re
from datetime import datetime

from kubetriage.actions import Actions
from kubetriage.core.resources import by_kind
from tests.actions.conftest import audit_lines, eventually, open_source

HR = by_kind("helm.toolkit.fluxcd.io/v2", "HelmRelease")
HELMCHART = by_kind("source.toolkit.fluxcd.io/v1", "HelmChart")
JOB = by_kind("batch/v1", "Job")
POD = by_kind("v1", "Pod")
RFC3339_NANO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$")


def server_get(source, res, ns, name):
    return source.demo.state.get(res, ns, name)


def annotations(obj) -> dict:
    return obj["metadata"].get("annotations") or {}


async def test_reconcile_writes_requested_at_as_flux_and_the_controller_handles_it(
        midwest, actions, audit_path):
    hr = midwest.store.get("HelmRelease", "midwestmtg", "redis")
    plan = await actions.plan("reconcile", hr)
    assert plan.refused is None and plan.dry_run == "accepted by the server"
    assert plan.command == "flux reconcile helmrelease redis -n midwestmtg --context kubetriage-sim"
    result = await actions.run(plan, confirmed=True)
    assert result.ok
    stored = server_get(midwest, HR, "midwestmtg", "redis")
    assert annotations(stored)["reconcile.fluxcd.io/requestedAt"] == plan.requested_at
    assert RFC3339_NANO.match(plan.requested_at)
    outcome = await actions.follow(result, timeout=5)
    assert outcome.state == "Ready" and outcome.handled
    assert stored["status"]["lastHandledReconcileAt"] == plan.requested_at
    [line] = audit_lines(audit_path)
    assert line["action"] == "reconcile" and line["outcome"] == "succeeded"
    assert line["context"] == "kubetriage-sim" and line["user"] == "kubetriage-sim"
    assert line["object"] == {"kind": "HelmRelease", "apiVersion": "helm.toolkit.fluxcd.io/v2",
                              "namespace": "midwestmtg", "name": "redis"}
    assert datetime.fromisoformat(line["time"])


async def test_midwestmtg_fix_forward_delete_hook_job_then_reconcile_reaches_ready(
        midwest, actions, audit_path):
    job = midwest.store.get("Job", "midwestmtg", "midwestmtg-backend-migration")
    hook_pods = [p["metadata"]["name"] for p in midwest.store.owned_by(job["metadata"]["uid"])]
    assert hook_pods, "the scenario's hook Job has its crash-looping pod"
    result = await actions.run(await actions.plan("delete-hook-job", job), confirmed=True)
    assert result.ok
    assert server_get(midwest, JOB, "midwestmtg", "midwestmtg-backend-migration") is None
    # background propagation: the hook's pods go with it
    assert await eventually(lambda: all(server_get(midwest, POD, "midwestmtg", p) is None
                                        for p in hook_pods))
    await eventually(lambda: midwest.store.get("Job", "midwestmtg",
                                               "midwestmtg-backend-migration") is None)
    hr = midwest.store.get("HelmRelease", "midwestmtg", "midwestmtg-backend")
    result = await actions.run(await actions.plan("reset", hr), confirmed=True)
    outcome = await actions.follow(result, timeout=10)
    assert outcome.state == "Ready", outcome
    ready = next(c for c in server_get(midwest, HR, "midwestmtg", "midwestmtg-backend")
                 ["status"]["conditions"] if c["type"] == "Ready")
    assert ready["status"] == "True" and "upgrade succeeded" in ready["message"]
    assert [line["action"] for line in audit_lines(audit_path)] == ["delete-hook-job", "reset"]


async def test_a_plain_reconcile_of_an_exhausted_release_is_not_reported_ready(midwest, actions):
    """Its retries are exhausted: helm-controller handles the request and stays Stalled, as
    Flux does, even with the hook Job gone; the verdict is Failed, never a stale success."""
    job = midwest.store.get("Job", "midwestmtg", "midwestmtg-backend-migration")
    assert (await actions.run(await actions.plan("delete-hook-job", job), confirmed=True)).ok
    hr = midwest.store.get("HelmRelease", "midwestmtg", "midwestmtg-backend")
    result = await actions.run(await actions.plan("reconcile", hr), confirmed=True)
    outcome = await actions.follow(result, timeout=5)
    assert outcome.state == "Failed" and outcome.handled
    assert "Failed to upgrade after 4 attempt(s)" in outcome.message


async def test_reconcile_with_source_reconciles_the_chart_first(midwest, actions):
    hr = midwest.store.get("HelmRelease", "midwestmtg", "redis")
    plan = await actions.plan("reconcile-with-source", hr)
    # as flux does: the chart's repository (a fresh index), the chart, then the release
    assert [str(r.target) for r in plan.requests] == ["HelmRepository flux-system/bitnami",
                                                      "HelmChart flux-system/midwestmtg-redis",
                                                      "HelmRelease midwestmtg/redis"]
    assert plan.command.endswith("--with-source --context kubetriage-sim")
    assert (await actions.run(plan, confirmed=True)).ok
    chart = server_get(midwest, HELMCHART, "flux-system", "midwestmtg-redis")
    assert annotations(chart)["reconcile.fluxcd.io/requestedAt"] == plan.requested_at
    assert chart["status"]["lastHandledReconcileAt"] == plan.requested_at
    assert annotations(server_get(midwest, HR, "midwestmtg", "redis"))[
        "reconcile.fluxcd.io/requestedAt"] == plan.requested_at


async def test_force_and_reset_set_their_annotation_with_requested_at(midwest, actions):
    hr = midwest.store.get("HelmRelease", "midwestmtg", "midwestmtg-frontend")
    for action_id, key in (("force", "forceAt"), ("reset", "resetAt")):
        plan = await actions.plan(action_id, hr)
        assert (await actions.run(plan, confirmed=True)).ok
        got = annotations(server_get(midwest, HR, "midwestmtg", "midwestmtg-frontend"))
        assert got[f"reconcile.fluxcd.io/{key}"] == got["reconcile.fluxcd.io/requestedAt"] \
            == plan.requested_at
        assert f"--{action_id}" in plan.command


async def test_suspend_then_resume(midwest, actions):
    hr = midwest.store.get("HelmRelease", "midwestmtg", "redis")
    assert (await actions.run(await actions.plan("suspend", hr), confirmed=True)).ok
    assert server_get(midwest, HR, "midwestmtg", "redis")["spec"]["suspend"] is True
    await eventually(lambda: midwest.store.get("HelmRelease", "midwestmtg", "redis")
                     ["spec"].get("suspend"))
    suspended = midwest.store.get("HelmRelease", "midwestmtg", "redis")
    offers = {o.action.id: o.reason for o in await actions.offers(suspended)}
    assert offers["reconcile"] == "not applicable: it is suspended: resume it first"
    assert offers["resume"] is None
    plan = await actions.plan("resume", suspended)
    assert plan.command == "flux resume helmrelease redis -n midwestmtg --context kubetriage-sim"
    result = await actions.run(plan, confirmed=True)
    assert server_get(midwest, HR, "midwestmtg", "redis")["spec"]["suspend"] is False
    assert (await actions.follow(result, timeout=5)).state == "Ready"


async def test_delete_pod_is_replaced_by_its_replicaset(midwest, actions):
    pod = midwest.store.get("Pod", "midwestmtg", "midwestmtg-frontend-bb7d869dd-ww4w8")
    plan = await actions.plan("delete-pod", pod)
    assert plan.command == ("kubectl --context kubetriage-sim -n midwestmtg delete pod "
                            "midwestmtg-frontend-bb7d869dd-ww4w8")
    assert (await actions.run(plan, confirmed=True)).ok
    state = midwest.demo.state
    assert state.get(POD, "midwestmtg", "midwestmtg-frontend-bb7d869dd-ww4w8") is None
    assert await eventually(lambda: [p for p in state.list(POD, "midwestmtg")
                                     if p["metadata"]["name"].startswith(
                                         "midwestmtg-frontend-bb7d869dd-")])


async def test_delete_hpa_only_when_its_target_is_gone(audit_path):
    source = await open_source("homelab-drift")
    try:
        actions = Actions(source)
        orphans = []
        for hpa in source.store.list("HorizontalPodAutoscaler"):
            offer = next(o for o in await actions.offers(hpa)
                         if o.action.id == "delete-orphan-hpa")
            if offer.available:
                orphans.append(hpa)
            else:
                assert offer.reason.startswith("not applicable: its target Deployment")
        assert orphans, "homelab-drift has HPAs whose Deployment is gone"
        hpa = orphans[0]
        assert (await actions.run(await actions.plan("delete-orphan-hpa", hpa),
                                  confirmed=True)).ok
        res = by_kind("autoscaling/v2", "HorizontalPodAutoscaler")
        assert source.demo.state.get(res, "homelab", hpa["metadata"]["name"]) is None
    finally:
        await source.close()


async def test_unconfirmed_plan_changes_nothing(midwest, actions, audit_path):
    hr = midwest.store.get("HelmRelease", "midwestmtg", "redis")
    result = await actions.run(await actions.plan("suspend", hr), confirmed=False)
    assert result.outcome == "refused" and result.message == "not confirmed"
    assert not server_get(midwest, HR, "midwestmtg", "redis")["spec"].get("suspend")
    assert audit_lines(audit_path)[0]["outcome"] == "refused"
