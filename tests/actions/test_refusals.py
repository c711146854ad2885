"""Read-only mode and RBAC denials: every action is refused with the reason a user reads, the
server is left as it was, and the refusal is in the audit log."""

from __future__ import annotations

from kubetriage.actions import ACTIONS, READ_ONLY, Actions
from kubetriage.sim.rbac import Deny, Rbac
from tests.actions.conftest import audit_lines, open_source

# one object per action the midwestmtg scenario offers it on
OBJECTS = {
    "reconcile": ("HelmRelease", "midwestmtg", "redis"),
    "reconcile-with-source": ("HelmRelease", "midwestmtg", "redis"),
    "force": ("HelmRelease", "midwestmtg", "redis"),
    "reset": ("HelmRelease", "midwestmtg", "redis"),
    "suspend": ("HelmRelease", "midwestmtg", "redis"),
    "rollout-restart": ("Deployment", "midwestmtg", "midwestmtg-frontend"),
    "delete-pod": ("Pod", "midwestmtg", "midwestmtg-frontend-bb7d869dd-ww4w8"),
    "delete-hook-job": ("Job", "midwestmtg", "midwestmtg-backend-migration"),
}


def fingerprint(source) -> list:
    state = source.demo.state
    from kubetriage.core.resources import RESOURCES
    return sorted((r.kind, o["metadata"].get("namespace") or "", o["metadata"]["name"],
                   o["metadata"].get("resourceVersion"))
                  for r in RESOURCES if r.preferred and r.kind != "Event"
                  for o in state.list(r))


async def test_read_only_refuses_every_action_with_the_reason(audit_path):
    source = await open_source()
    try:
        actions = Actions(source, read_only=True)
        before = fingerprint(source)
        for action_id, key in OBJECTS.items():
            obj = source.store.get(*key)
            offer = next(o for o in await actions.offers(obj) if o.action.id == action_id)
            assert offer.reason == READ_ONLY
            plan = await actions.plan(action_id, obj)
            assert plan.refused == READ_ONLY and "Refused:   read-only mode" in plan.lines()[-1]
            result = await actions.run(plan, confirmed=True)
            assert result.outcome == "refused" and result.message == READ_ONLY
        assert fingerprint(source) == before
        lines = audit_lines(audit_path)
        assert [line["action"] for line in lines] == list(OBJECTS)
        assert {line["outcome"] for line in lines} == {"refused"}
    finally:
        await source.close()


async def test_rbac_denial_is_shown_as_unavailable_and_refused(audit_path):
    deny = Rbac(deny=[Deny(verbs=("patch", "delete"), namespaces=("midwestmtg",))])
    source = await open_source(rbac=deny)
    try:
        actions = Actions(source)
        before = fingerprint(source)
        for action_id, key in OBJECTS.items():
            obj = source.store.get(*key)
            offer = next(o for o in await actions.offers(obj) if o.action.id == action_id)
            assert offer.reason is not None and offer.reason.startswith(
                "RBAC: kubetriage-sim may not "), (action_id, offer.reason)
            assert "in namespace midwestmtg" in offer.reason
            result = await actions.run(await actions.plan(action_id, obj), confirmed=True)
            assert result.outcome == "refused" and result.message.startswith("RBAC:")
        assert fingerprint(source) == before
        assert len(audit_lines(audit_path)) == len(OBJECTS)
    finally:
        await source.close()


async def test_rbac_denies_only_the_source_of_with_source(audit_path):
    """--with-source patches the chart in flux-system: a denial there refuses the whole action
    while a plain reconcile of the release stays available."""
    deny = Rbac(deny=[Deny(verbs=("patch",), resources=("helmcharts",))])
    source = await open_source(rbac=deny)
    try:
        actions = Actions(source)
        hr = source.store.get("HelmRelease", "midwestmtg", "redis")
        offers = {o.action.id: o.reason for o in await actions.offers(hr)}
        assert offers["reconcile"] is None
        assert offers["reconcile-with-source"] == (
            "RBAC: kubetriage-sim may not patch helmcharts.source.toolkit.fluxcd.io "
            "midwestmtg-redis in namespace flux-system")
    finally:
        await source.close()


def test_every_action_is_covered_here():
    # need a prior state: test_actions, test_stuck_delete
    covered = set(OBJECTS) | {"resume", "delete-orphan-hpa", "force-delete-pod"}
    assert {a.id for a in ACTIONS} == covered
