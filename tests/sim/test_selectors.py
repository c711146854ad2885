"""Label and field selectors parse and match as the API server's do."""

from __future__ import annotations

import pytest

from kubetriage.sim.selectors import SelectorError, matcher

POD = {"metadata": {"name": "p", "namespace": "web", "labels": {"app": "web", "tier": "front"}},
       "spec": {"nodeName": "n1"}, "status": {"phase": "Running"}}


@pytest.mark.parametrize("selector, matches", [
    ("app=web", True), ("app==web", True), ("app!=web", False), ("app in (api, web)", True),
    ("app notin (web)", False), ("tier", True), ("!tier", False), ("missing!=x", True),
    ("app=web,tier in (back)", False), ("app in (web,api),!missing", True), ("", True),
])
def test_label_selectors(selector, matches):
    match = matcher(selector, None, "Pod")
    assert (match is None or match(POD)) is matches


@pytest.mark.parametrize("selector, matches", [
    ("metadata.name=p", True), ("metadata.namespace!=web", False), ("spec.nodeName=n1", True),
    ("status.phase==Pending", False), ("spec.nodeName=", False),
])
def test_field_selectors(selector, matches):
    assert matcher(None, selector, "Pod")(POD) is matches


def test_event_fields_and_escaped_values():
    event = {"metadata": {"name": "e"}, "involvedObject": {"kind": "Pod", "name": "a,b"}}
    assert matcher(None, r"involvedObject.kind=Pod,involvedObject.name=a\,b", "Event")(event)


@pytest.mark.parametrize("selector, kind, message", [
    ("spec.nodeName=x", "Service", "field label not supported: spec.nodeName"),
    ("nonsense", "Pod", "invalid selector: 'nonsense'; can't understand 'nonsense'"),
])
def test_bad_field_selectors_say_why(selector, kind, message):
    with pytest.raises(SelectorError, match=message):
        matcher(None, selector, kind)


def test_a_bad_label_key_is_an_error():
    with pytest.raises(SelectorError, match="invalid label key"):
        matcher("a b c", None, "Pod")
