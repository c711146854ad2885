"""A delete judged by what the server then shows, on the embedded server playing a node that is
gone (`kubelet_down`: a bound pod deleted gracefully stays Terminating, as on the real server
without a kubelet): the delete is said to be stuck past its grace period, and force delete is its
own confirmed, audited, RBAC-checked action that read-only mode refuses."""

from __future__ import annotations

from kubetriage.actions import READ_ONLY, Actions
from kubetriage.core.resources import by_kind
from kubetriage.sim.faults import Faults
from kubetriage.sim.rbac import Deny, Rbac
from tests.actions.conftest import audit_lines, eventually, open_source

POD = by_kind("v1", "Pod")
NS, NAME = "midwestmtg", "midwestmtg-frontend-bb7d869dd-ww4w8"


async def down(grace: int = 1, **options):
    """midwestmtg with its kubelets down, the pod's grace period cut to `grace` seconds."""
    source = await open_source(faults=Faults(kubelet_down=True), **options)
    source.demo.state.patch_merge(POD, NS, NAME, {"spec": {"terminationGracePeriodSeconds":
                                                           grace}})
    await eventually(lambda: source.store.get("Pod", NS, NAME)["spec"].get(
        "terminationGracePeriodSeconds") == grace)
    return source


async def terminating(source) -> dict:
    return await eventually(lambda: (p if (p := source.store.get("Pod", NS, NAME))
                                     and p["metadata"].get("deletionTimestamp") else None))


async def test_a_delete_left_terminating_is_said_stuck_then_force_deleted(audit_path):
    source = await down()
    try:
        actions = Actions(source)
        pod = source.store.get("Pod", NS, NAME)
        assert {o.action.id: o.reason for o in await actions.offers(pod)}[
            "force-delete-pod"].startswith("not applicable: it is not terminating")
        result = await actions.run(await actions.plan("delete-pod", pod), confirmed=True)
        assert result.ok and result.message == f"Pod {NS}/{NAME} terminating (grace period 1 s)"
        progress: list[str] = []
        outcome = await actions.follow(result, timeout=15, on_progress=progress.append)
        assert outcome.state == "Stuck" and not result.ok and result.outcome == "failed"
        assert result.message == outcome.message
        assert outcome.message.startswith(f"Pod {NS}/{NAME} still terminating after ")
        assert outcome.message.endswith("(grace period 1 s): its node minikube may be gone or "
                                        "its kubelet not answering; force delete?")
        assert progress and progress[0].startswith(f"Pod {NS}/{NAME} terminating: ")
        assert source.demo.state.get(POD, NS, NAME)["metadata"]["deletionGracePeriodSeconds"] == 1

        stuck = await terminating(source)
        offers = {o.action.id: o.reason for o in await actions.offers(stuck)}
        assert offers["force-delete-pod"] is None
        assert offers["delete-pod"].startswith("not applicable: it is already terminating")
        plan = await actions.plan("force-delete-pod", stuck)
        assert plan.refused is None and plan.dry_run == "accepted by the server"
        assert plan.lines()[0].startswith("Warning:   the pod is removed from the API server")
        assert f"  DELETE pods {NS}/{NAME} (gracePeriodSeconds 0: at once, without waiting " \
               "for the kubelet; propagationPolicy Background)" in plan.lines()
        assert plan.command == (f"kubectl --context kubetriage-sim -n {NS} delete pod {NAME} "
                                "--force --grace-period=0")
        assert source.demo.state.get(POD, NS, NAME) is not None, "the dry run deleted nothing"
        forced = await actions.run(plan, confirmed=True)
        assert forced.ok and forced.message == f"Pod {NS}/{NAME} deleted"
        assert source.demo.state.get(POD, NS, NAME) is None
        assert (await actions.follow(forced, timeout=10)).state == "Deleted" and forced.ok
        # the ReplicaSet replaces the pod once it is really gone
        assert await eventually(lambda: [p for p in source.demo.state.list(POD, NS)
                                         if p["metadata"]["name"].startswith(
                                             "midwestmtg-frontend-bb7d869dd-")])
    finally:
        await source.close()
    assert [(a["action"], a["outcome"], a["message"]) for a in audit_lines(audit_path)] == [
        ("delete-pod", "succeeded", f"Pod {NS}/{NAME} terminating (grace period 1 s)"),
        ("force-delete-pod", "succeeded", f"Pod {NS}/{NAME} deleted")]


async def test_within_its_grace_period_a_delete_is_not_judged_yet(audit_path):
    source = await down(grace=30)
    try:
        actions = Actions(source)
        result = await actions.run(await actions.plan("delete-pod", source.store.get(
            "Pod", NS, NAME)), confirmed=True)
        outcome = await actions.follow(result, timeout=0.5)
        assert outcome.state == "TimedOut" and result.ok
        assert outcome.message.startswith(f"Pod {NS}/{NAME} terminating: ")
        assert outcome.message.endswith(" s of its 30 s grace period left")
    finally:
        await source.close()


async def test_a_delete_the_kubelet_finishes_is_deleted(midwest, actions):
    result = await actions.run(await actions.plan("delete-pod", midwest.store.get(
        "Pod", NS, NAME)), confirmed=True)
    assert result.ok and result.message == f"Pod {NS}/{NAME} deleted"
    outcome = await actions.follow(result, timeout=10)
    assert outcome.state == "Deleted" and outcome.message == f"Pod {NS}/{NAME} is gone"


async def test_force_delete_is_refused_read_only_and_by_rbac(audit_path):
    source = await down(rbac=Rbac(deny=[Deny(verbs=("delete",), resources=("pods",),
                                             namespaces=(NS,))]))
    try:
        source.demo.state.terminate(POD, NS, NAME, 1)  # deleted by someone else, stuck
        stuck = await terminating(source)
        before = source.demo.state.get(POD, NS, NAME)["metadata"]["resourceVersion"]
        for actions, reason in ((Actions(source, read_only=True), READ_ONLY),
                                (Actions(source), "RBAC: kubetriage-sim may not delete pods "
                                                  f"{NAME} in namespace {NS}")):
            offer = {o.action.id: o.reason for o in await actions.offers(stuck)}
            assert offer["force-delete-pod"] == reason
            result = await actions.run(await actions.plan("force-delete-pod", stuck),
                                       confirmed=True)
            assert result.outcome == "refused" and result.message == reason
        assert source.demo.state.get(POD, NS, NAME)["metadata"]["resourceVersion"] == before
    finally:
        await source.close()
    assert [a["outcome"] for a in audit_lines(audit_path)] == ["refused", "refused"]
