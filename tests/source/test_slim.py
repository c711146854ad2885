"""A page of pods or events decoded straight into its kept shape holds exactly what slimming the
whole objects keeps: the store, the checks and the dashboard cannot tell the two paths apart."""

from __future__ import annotations

import orjson
import pytest

from kubetriage.cluster.slim import decode_list, slim
from kubetriage.sim import scenario
from kubetriage.sim.generate import generate_scenario


def clusters():
    yield "generated", generate_scenario(pods=300, events=900, helmreleases=20, seed=3).dump
    for name in scenario.names():
        yield name, scenario.load(name).dump


def page(objs: list[dict], meta: dict) -> bytes:
    # list items carry neither kind nor apiVersion on a real server
    return orjson.dumps({"kind": "PodList", "apiVersion": "v1", "metadata": meta, "items": [
        {k: v for k, v in o.items() if k not in ("kind", "apiVersion")} for o in objs]})


@pytest.mark.parametrize("kind", ["Pod", "Event"])
def test_a_decoded_page_keeps_what_slim_keeps(kind):
    seen = 0
    for name, dump in clusters():
        objs = [o for o in dump.objects if o.get("kind") == kind]
        meta = {"resourceVersion": "42", "continue": "abc", "remainingItemCount": 3}
        items, got_meta = decode_list(page(objs, meta), kind, "v1")
        assert items == [slim({**o, "apiVersion": "v1"}) for o in objs], name
        assert got_meta == meta
        seen += len(objs)
    assert seen >= 500  # the scenarios and the generator hold many, of every status


def test_what_is_dropped_and_what_is_kept_of_a_pod():
    pod = {"metadata": {"name": "web-1", "namespace": "apps", "managedFields": [{"m": 1}],
                        "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}",
                                        "team": "web"}},
           "spec": {"tolerations": [{"key": "x"}], "nodeName": "n1",
                    "containers": [{"name": "web", "image": "nginx", "volumeMounts": [{}],
                                    "terminationMessagePath": "/dev/termination-log"}],
                    "volumes": [{"name": "kube-api-access-x", "projected": {}},
                                {"name": "cfg", "configMap": {"name": "web"}}]},
           "status": {"phase": "Running", "podIPs": [{"ip": "10.0.0.1"}], "conditions": [],
                      "containerStatuses": [{"name": "web", "containerID": "c", "ready": True}]}}
    (kept,), _ = decode_list(page([pod], {}), "Pod", "v1")
    assert kept == {"apiVersion": "v1", "kind": "Pod",
                    "metadata": {"name": "web-1", "namespace": "apps",
                                 "annotations": {"team": "web"}},
                    "spec": {"nodeName": "n1", "containers": [{"name": "web", "image": "nginx"}],
                             "volumes": [{"name": "cfg", "configMap": {"name": "web"}}]},
                    "status": {"phase": "Running",
                               "containerStatuses": [{"name": "web", "ready": True}]}}


def test_what_is_dropped_and_what_is_kept_of_an_event():
    # the object it is about (with that object's uid, which the checks match on), never the
    # event's own uid, which nothing reads
    event = {"metadata": {"name": "web-1.17f0", "namespace": "apps", "uid": "e-1",
                          "resourceVersion": "9", "managedFields": [{}],
                          "creationTimestamp": "2026-12-05T10:00:00Z"},
             "involvedObject": {"kind": "Pod", "namespace": "apps", "name": "web-1",
                                "uid": "p-1", "resourceVersion": "3"},
             "reason": "BackOff", "message": "Back-off restarting failed container",
             "type": "Warning", "count": 7, "lastTimestamp": "2026-12-05T10:05:00Z"}
    (kept,), _ = decode_list(page([event], {}), "Event", "v1")
    assert kept == slim({**event, "kind": "Event"}) == {
        "apiVersion": "v1", "kind": "Event",
        "metadata": {"name": "web-1.17f0", "namespace": "apps", "resourceVersion": "9",
                     "creationTimestamp": "2026-12-05T10:00:00Z"},
        "involvedObject": {"kind": "Pod", "namespace": "apps", "name": "web-1", "uid": "p-1"},
        "reason": "BackOff", "message": "Back-off restarting failed container",
        "type": "Warning", "count": 7, "lastTimestamp": "2026-12-05T10:05:00Z"}


def test_a_page_that_does_not_fit_the_shape_is_slimmed_whole_instead():
    odd = {"metadata": {"name": "odd", "namespace": "apps"}, "spec": {"containers": None},
           "status": "Running"}  # not an object: the typed decoder refuses the page
    assert decode_list(page([odd], {}), "Pod", "v1") is None
    assert slim({**odd, "kind": "Pod"})["status"] == {}
    nulls = {"metadata": {"name": "n", "namespace": "apps"}, "spec": None, "status": None}
    (kept,), _ = decode_list(page([nulls], {}), "Pod", "v1")
    assert kept == slim({**nulls, "kind": "Pod"}) == {
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "n", "namespace": "apps"},
        "spec": {}, "status": {}}


def test_other_kinds_are_decoded_whole():
    assert decode_list(b'{"items": []}', "HelmRelease", "helm.toolkit.fluxcd.io/v2") is None
