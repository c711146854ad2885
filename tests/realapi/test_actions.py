"""Every dashboard action against the real server, as the dashboard makes it: the access review
(SelfSubjectAccessReview), the server's dry run, the real call, and what the server then shows.
There is no controller-manager, kubelet or Flux here: nothing acts on the change afterwards,
so each test states what the server alone does and what kubetriage tells the user about it."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from kubetriage.actions import Actions
from kubetriage.actions.catalogue import REQUESTED_AT, RESTARTED_AT

BACKEND_HOOK = (("Job", "midwestmtg-backend-migration"),
                ("Pod", "midwestmtg-backend-migration-kwtdz"))
PULLING_POD = (("Deployment", "midwestmtg-frontend"), ("ReplicaSet", "midwestmtg-frontend-bb7d869dd"),
               ("Pod", "midwestmtg-frontend-bb7d869dd-ww4w8"))


async def in_store(source, kind: str, ns: str, name: str, timeout: float = 10.0):
    """The object once the store has it (a scratch namespace is made after the source opened)."""
    deadline = time.monotonic() + timeout
    while (obj := source.store.get(kind, ns, name)) is None:
        if time.monotonic() > deadline:
            pytest.fail(f"{kind} {ns}/{name} not in the store within {timeout:g} s")
        await asyncio.sleep(0.05)
    return obj


async def until(check, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while not (value := check()):
        if time.monotonic() > deadline:
            return value
        await asyncio.sleep(0.05)
    return value


@pytest.fixture
def actions(admin_source, tmp_path) -> Actions:
    return Actions(admin_source, audit_path=tmp_path / "audit.log")


def server_json(kubectl, kind: str, ns: str, name: str) -> dict | None:
    out = kubectl("get", kind, name, "-n", ns, "-o", "json", "--ignore-not-found")
    return json.loads(out) if out.strip() else None


async def planned(actions: Actions, action_id: str, obj: dict):
    """The plan, after checking that access review and dry run passed as the user sees them."""
    offers = {o.action.id: o.reason for o in await actions.offers(obj)}
    assert offers[action_id] is None, offers
    plan = await actions.plan(action_id, obj)
    assert plan.refused is None and plan.dry_run == "accepted by the server", plan.lines()
    return plan


async def test_delete_pod_leaves_it_terminating_and_kubetriage_says_so(
        admin_source, actions, scratch, kubectl):
    ns = scratch(*PULLING_POD)
    name = "midwestmtg-frontend-bb7d869dd-ww4w8"
    pod = await in_store(admin_source, "Pod", ns, name)
    plan = await planned(actions, "delete-pod", pod)
    assert "deletionTimestamp" not in server_json(kubectl, "pod", ns, name)["metadata"], \
        "the dry run deleted nothing"

    result = await actions.run(plan, confirmed=True)
    # accepted, not gone: the server's answer is the pod with its grace period running
    assert result.ok and result.message == f"Pod {ns}/{name} terminating (grace period 30 s)"
    # what the server did: graceful deletion waits for a kubelet that never answers
    after = server_json(kubectl, "pod", ns, name)
    assert after is not None and after["metadata"]["deletionGracePeriodSeconds"] == 30
    assert "Terminating" in kubectl("get", "pod", name, "-n", ns)
    assert await until(lambda: "deletionTimestamp" in
                       (admin_source.store.get("Pod", ns, name) or {}).get("metadata", {}))
    # within its grace period it is not judged yet
    outcome = await actions.follow(result, timeout=0.5)
    assert outcome.state == "TimedOut" and result.ok
    assert outcome.message.startswith(f"Pod {ns}/{name} terminating: ") and \
        "s of its 30 s grace period left" in outcome.message


async def stuck_pod(admin_source, kubectl, tmp_path, ns: str) -> dict:
    """A pod bound to a node, with a 1 s grace period, in a namespace of its own."""
    manifest = {"apiVersion": "v1", "kind": "List", "items": [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}},
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default",
                                                                    "namespace": ns}},
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "stuck", "namespace": ns},
         "spec": {"nodeName": "minikube", "terminationGracePeriodSeconds": 1,
                  "containers": [{"name": "app", "image": "busybox:1.36"}]}}]}
    (tmp_path / f"{ns}.json").write_text(json.dumps(manifest))
    kubectl("apply", "-f", str(tmp_path / f"{ns}.json"))
    return await in_store(admin_source, "Pod", ns, "stuck")


async def test_delete_pod_still_terminating_after_its_grace_period_is_said_so(
        admin_source, actions, kubectl, tmp_path):
    """How the verdict is obtained (run waiting, or follow) is the fixer's choice; what the
    user must read is that the pod is still terminating, with a force delete offered."""
    ns = "stuck-delete"
    pod = await stuck_pod(admin_source, kubectl, tmp_path, ns)
    result = await actions.run(await planned(actions, "delete-pod", pod), confirmed=True)
    outcome = await actions.follow(result, timeout=10)
    told = " ".join([result.message, outcome.message if outcome else ""])
    assert not result.ok, told
    assert "still terminating" in told and "force delete" in told, told
    assert outcome.state == "Stuck" and outcome.message.endswith(
        "(grace period 1 s): its node minikube may be gone or its kubelet not answering; "
        "force delete?")


async def test_force_delete_removes_the_stuck_pod_after_its_own_confirmation(
        admin_source, actions, kubectl, tmp_path):
    """Force delete is its own action: offered only once the pod is terminating, dry run first
    (the pod stays), then gracePeriodSeconds 0 and the server forgets the pod."""
    ns = "force-delete"
    pod = await stuck_pod(admin_source, kubectl, tmp_path, ns)
    offers = {o.action.id: o.reason for o in await actions.offers(pod)}
    assert offers["force-delete-pod"].startswith("not applicable: it is not terminating")
    assert (await actions.run(await planned(actions, "delete-pod", pod), confirmed=True)).ok
    terminating = await until(lambda: (p if (p := admin_source.store.get("Pod", ns, "stuck"))
                                       and p["metadata"].get("deletionTimestamp") else None))
    offers = {o.action.id: o.reason for o in await actions.offers(terminating)}
    assert offers["delete-pod"].startswith("not applicable: it is already terminating")
    plan = await planned(actions, "force-delete-pod", terminating)
    assert plan.lines()[0].startswith("Warning:   the pod is removed from the API server "
                                      "without its kubelet confirming")
    assert any("gracePeriodSeconds 0" in line for line in plan.lines())
    assert server_json(kubectl, "pod", ns, "stuck") is not None, "the dry run deleted nothing"
    result = await actions.run(plan, confirmed=True)
    assert result.ok and result.message == f"Pod {ns}/stuck deleted"
    assert server_json(kubectl, "pod", ns, "stuck") is None
    outcome = await actions.follow(result, timeout=10)
    assert outcome.state == "Deleted" and result.ok


async def test_delete_hook_job_removes_the_job_but_no_garbage_collector_takes_its_pod(
        admin_source, actions, scratch, kubectl):
    ns = scratch(*BACKEND_HOOK)
    job = await in_store(admin_source, "Job", ns, "midwestmtg-backend-migration")
    # the action fits only a failing hook: its pod, found by the ownerReference the loader
    # rewrote to the server's uid, is crash-looping
    await in_store(admin_source, "Pod", ns, "midwestmtg-backend-migration-kwtdz")
    assert [p["metadata"]["name"] for p in admin_source.store.owned_by(job["metadata"]["uid"])] \
        == ["midwestmtg-backend-migration-kwtdz"]
    plan = await planned(actions, "delete-hook-job", job)
    assert server_json(kubectl, "job", ns, "midwestmtg-backend-migration") is not None

    result = await actions.run(plan, confirmed=True)
    assert result.ok and result.message == f"Job {ns}/midwestmtg-backend-migration deleted"
    assert server_json(kubectl, "job", ns, "midwestmtg-backend-migration") is None
    assert await until(lambda: admin_source.store.get(
        "Job", ns, "midwestmtg-backend-migration") is None)
    # background propagation leaves the pod to the garbage collector, a controller-manager's
    # (the embedded server plays one and deletes it)
    pod = server_json(kubectl, "pod", ns, "midwestmtg-backend-migration-kwtdz")
    assert pod is not None and pod["metadata"]["ownerReferences"][0]["uid"] == \
        job["metadata"]["uid"]


async def test_reconcile_is_annotated_and_never_judged_without_a_flux_controller(
        admin_source, actions, scratch, kubectl):
    ns = scratch(("HelmRelease", "midwestmtg-frontend"))
    hr = await in_store(admin_source, "HelmRelease", ns, "midwestmtg-frontend")
    plan = await planned(actions, "reconcile", hr)
    annotations = lambda: server_json(kubectl, "helmrelease", ns, "midwestmtg-frontend")[  # noqa: E731
        "metadata"].get("annotations") or {}
    assert REQUESTED_AT not in annotations(), "the dry run wrote nothing"

    result = await actions.run(plan, confirmed=True)
    assert result.ok and annotations()[REQUESTED_AT] == plan.requested_at
    outcome = await actions.follow(result, timeout=1.5)
    assert outcome.state == "TimedOut" and not outcome.handled
    assert outcome.message == f"waiting for the controller to handle the request at " \
                              f"{plan.requested_at}"


async def test_suspend_then_resume(admin_source, actions, scratch, kubectl):
    ns = scratch(("HelmRelease", "redis"))
    hr = await in_store(admin_source, "HelmRelease", ns, "redis")
    spec = lambda: server_json(kubectl, "helmrelease", ns, "redis")["spec"]  # noqa: E731
    assert (await actions.run(await planned(actions, "suspend", hr), confirmed=True)).ok
    assert spec()["suspend"] is True
    suspended = await until(lambda: (admin_source.store.get("HelmRelease", ns, "redis")
                                     if admin_source.store.get("HelmRelease", ns, "redis")
                                     ["spec"].get("suspend") else None))
    offers = {o.action.id: o.reason for o in await actions.offers(suspended)}
    assert offers["reconcile"] == "not applicable: it is suspended: resume it first"

    plan = await planned(actions, "resume", suspended)
    assert spec()["suspend"] is True, "the dry run resumed nothing"
    result = await actions.run(plan, confirmed=True)
    assert result.ok and spec()["suspend"] is False
    obj = server_json(kubectl, "helmrelease", ns, "redis")
    assert obj["metadata"]["annotations"][REQUESTED_AT] == plan.requested_at
    assert obj["metadata"]["generation"] == 3  # created, suspended, resumed


async def test_rollout_restart_patches_the_pod_template(admin_source, actions, scratch, kubectl):
    ns = scratch(("Deployment", "midwestmtg-frontend"))
    deploy = await in_store(admin_source, "Deployment", ns, "midwestmtg-frontend")
    plan = await planned(actions, "rollout-restart", deploy)
    template = lambda: server_json(kubectl, "deployment", ns, "midwestmtg-frontend")[  # noqa: E731
        "spec"]["template"]["metadata"].get("annotations") or {}
    assert RESTARTED_AT not in template(), "the dry run changed nothing"
    result = await actions.run(plan, confirmed=True)
    stamp = plan.requests[0].body["spec"]["template"]["metadata"]["annotations"][RESTARTED_AT]
    assert result.ok and template()[RESTARTED_AT] == stamp
    # the strategic merge patch kept the template's other fields (a merge patch would too;
    # a JSON patch typo would not)
    after = server_json(kubectl, "deployment", ns, "midwestmtg-frontend")
    assert after["spec"]["template"]["spec"]["containers"][0]["name"] == "frontend"
    assert after["metadata"]["generation"] == 2
