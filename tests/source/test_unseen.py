"""What the live source could not read reaches the snapshot with the server's words: the logs a
kubelet that is down cannot give, a log RBAC forbids, the kinds a user may not list; a log that
can be read again stops being unseen."""

from __future__ import annotations

from kubetriage.cluster.source import ClusterSource
from kubetriage.diagnosis import diagnose
from kubetriage.sim.faults import Faults
from kubetriage.sim.rbac import Deny, Rbac

SEED = "midwestmtg"
FRONTEND = (SEED, "midwestmtg-frontend-7797b494d9-x48qh", "frontend")


async def test_logs_a_kubelet_that_is_down_cannot_give_are_unseen_until_it_answers():
    async with await ClusterSource.open(demo=SEED, namespaces=[SEED], demo_options={
            "speed": 1e-6, "faults": Faults(kubelet_down=True)}) as source:
        await source.wait_synced(20)
        snap = await source.snapshot()
        why = snap.unseen.log(*FRONTEND, True)
        assert why is not None and why.startswith("500 Internal Server Error: Get \"https://")
        assert why.endswith(":10250: connect: connection refused")
        assert snap.log(*FRONTEND, True) == []  # nothing read stands in for the log
        assert diagnose(snap).cannot_judge.startswith("not one of the 4 logs of containers")

        source.demo.faults.kubelet_down = False  # the node is back
        source._log_errors.clear()  # its answers are not asked again every round: skip the wait
        snap = await source.snapshot()
        assert snap.unseen.logs == {}
        assert any("host not found in upstream" in line for line in snap.log(*FRONTEND, True))
        assert diagnose(snap).cannot_judge is None


async def test_a_log_rbac_forbids_is_unseen_with_the_403():
    rbac = Rbac(deny=[Deny(resources=("pods/log",))])
    async with await ClusterSource.open(demo=SEED, namespaces=[SEED], demo_options={
            "speed": 1e-6, "rbac": rbac}) as source:
        await source.wait_synced(20)
        snap = await source.snapshot()
    assert snap.unseen.log(*FRONTEND, False) == (
        '403 Forbidden: pods "midwestmtg-frontend-7797b494d9-x48qh" is forbidden: User '
        '"kubetriage" cannot get resource "pods/log" in API group "" in the namespace '
        '"midwestmtg"')
    assert snap.unseen.kinds == {}


async def test_kinds_rbac_forbids_in_the_namespace_asked_for_are_unseen():
    rbac = Rbac(deny=[Deny(verbs=("list", "watch"), resources=("secrets", "helmreleases"))])
    async with await ClusterSource.open(demo=SEED, namespaces=[SEED], demo_options={
            "speed": 1e-6, "rbac": rbac}) as source:
        await source.wait_synced(20)
        snap = await source.snapshot()
    assert sorted(snap.unseen.kinds) == [f"HelmRelease in {SEED}", f"Secret in {SEED}"]
    assert snap.unseen.kinds[f"Secret in {SEED}"] == (
        'not allowed: secrets is forbidden: User "kubetriage" cannot list resource "secrets" '
        f'in API group "" in the namespace "{SEED}"')
    report = diagnose(snap, namespace=SEED)
    assert report.unavailable == [f"{key}: {why}" for key, why in sorted(snap.unseen.kinds.items())]
    assert report.cannot_judge is None  # pods, events and logs were read


async def test_kinds_not_listed_yet_are_unseen_for_a_check_that_stops_waiting():
    """check waits 60 s for the lists, then reports what is still unlisted rather than hang."""
    async with await ClusterSource.open(demo=SEED, kinds=("Pod", "Event"), demo_options={
            "speed": 1e-6, "faults": Faults(latency=0.5)}) as source:
        unseen = source.unseen(unsynced=True)  # the lists are still on their way
        assert dict(unseen.kinds) == {"Pod": "not listed yet: no answer",
                                      "Event": "not listed yet: no answer"}
        assert source.unseen().kinds == {}  # the dashboard shows "syncing" for that instead
        await source.wait_synced(20)
        assert source.unseen(unsynced=True).kinds == {}
