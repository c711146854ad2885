"""An object whose name is not a valid Kubernetes name (escapes, invisible characters, slashes)
is never acted on: the dialog would show a cleaned name while the request targets another
object. The action is refused and says why; the dialog itself refuses a name it cannot show."""

from __future__ import annotations

import copy

import pytest

from kubetriage.actions import Actions
from kubetriage.core.names import name_problem
from kubetriage.core.resources import by_kind
from kubetriage.tui.screens.confirm_screen import ConfirmScreen

from .conftest import eventually

POD = by_kind("v1", "Pod")
HOSTILE = "e\x1b]0;PWN\x07x"  # the dialog would show "ex"


async def test_a_pod_with_a_hostile_name_is_never_deleted(midwest, audit_path):
    state = midwest.demo.state
    template = copy.deepcopy(state.list(POD, "midwestmtg")[0])
    for name in (HOSTILE, "ex"):  # the one it would hit, and the one the dialog would name
        pod = copy.deepcopy(template)
        pod["metadata"] = {"name": name, "namespace": "midwestmtg"}
        state.create(pod)
    hostile = await eventually(lambda: midwest.store.get("Pod", "midwestmtg", HOSTILE))
    actions = Actions(midwest)
    plan = await actions.plan("delete-pod", hostile)
    assert plan.refused and "not a valid Kubernetes name" in plan.refused, plan.refused
    offer = next(o for o in await actions.offers(hostile) if o.action.id == "delete-pod")
    assert not offer.available and "not a valid Kubernetes name" in (offer.reason or "")
    result = await actions.run(plan, confirmed=True)
    assert result.outcome == "refused"
    assert state.get(POD, "midwestmtg", HOSTILE) and state.get(POD, "midwestmtg", "ex")


async def test_the_dialog_refuses_a_name_it_would_show_cleaned(midwest):
    pod = midwest.store.list("Pod", "midwestmtg")[0]
    plan = await Actions(midwest).plan("delete-pod", pod)
    assert plan.refused is None and ConfirmScreen.of(plan).refused is None
    plan.target = type(plan.target)(plan.target.kind, plan.target.api_version,
                                    plan.target.namespace, "web\u200bx")
    dialog = ConfirmScreen.of(plan)
    assert dialog.refused and "not a valid Kubernetes name" in dialog.refused


@pytest.mark.parametrize("kind, name, ok", [
    ("Pod", "web-7797b494d9-x48qh", True),
    ("Pod", "web.example.com", True),
    ("Pod", "../../etc/passwd", False),
    ("Pod", "Web", False),
    ("Pod", "a" * 254, False),
    ("Namespace", "web.prod", False),  # a label: no dots
    ("Service", "1web", False),  # DNS-1035: starts with a letter
    ("Service", "web-1", True),
    ("HelmRelease", "midwestmtg-backend", True),
    ("Pod", "web\u200b", False),
], ids=["pod", "pod-dots", "traversal", "upper", "too-long", "ns-dot", "svc-digit", "svc",
        "hr", "zero-width"])
def test_name_rules_per_kind(kind, name, ok):
    assert (name_problem(kind, name) is None) is ok
