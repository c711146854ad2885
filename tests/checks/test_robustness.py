"""Checks never crash on odd objects: missing, null and wrongly typed fields, unknown kinds and
API versions go through every check and the chain builder, which must neither raise nor emit
uncleaned text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubetriage.checks import chains
from kubetriage.checks.registry import CHECKS
from kubetriage.core.snapshot import Snapshot

KINDS = ["Pod", "Event", "HelmRelease", "Kustomization", "Job", "Service", "Endpoints",
         "SealedSecret", "NetworkPolicy", "HorizontalPodAutoscaler", "Deployment", "ReplicaSet",
         "Node", "Secret", "Gadget"]
NAMES = st.sampled_from(["a", "b", "web-1", "x\x1b[31m", "\u202ey"])
scalar = st.one_of(st.none(), st.booleans(), st.integers(-3, 700), st.sampled_from([
    "", "True", "False", "CrashLoopBackOff", "ImagePullBackOff", "CreateContainerConfigError",
    "Unhealthy", "FailedMount", "x509: certificate signed by unknown authority",
    "dependency 'ns/a' is not ready", "pre-upgrade hooks failed", "context deadline exceeded",
    "no key could decrypt secret", 'secret "a" not found', "FailedGetScale", "Synced", "Ready",
    "Egress", "a", "ns", "u1", "Liveness probe failed: HTTP probe failed with statuscode: 429",
    "DependencyNotReady", "Failed", "OOMKilled", "Pending", "Running", "Unschedulable"]))
json_value = st.recursive(scalar, lambda inner: st.one_of(
    st.lists(inner, max_size=3),
    st.dictionaries(st.sampled_from([
        "metadata", "spec", "status", "name", "namespace", "uid", "kind", "labels",
        "annotations", "ownerReferences", "conditions", "containerStatuses", "containers",
        "state", "waiting", "reason", "message", "type", "status", "lastState", "terminated",
        "exitCode", "restartCount", "involvedObject", "count", "dependsOn", "values", "tag",
        "image", "selector", "ports", "port", "ingress", "egress", "from", "to", "podSelector",
        "policyTypes", "scaleTargetRef", "template", "fieldPath", "nodeName", "phase",
        "helm.sh/hook", "initContainerStatuses", "subsets", "addresses"]), inner, max_size=5)),
    max_leaves=25)
k8s_object = st.fixed_dictionaries(
    {"kind": st.sampled_from(KINDS),
     "apiVersion": st.sampled_from(["v1", "apps/v1", "helm.toolkit.fluxcd.io/v2", "x.io/v9"]),
     "metadata": st.one_of(json_value, st.fixed_dictionaries(
         {"name": NAMES, "namespace": st.one_of(st.none(), st.just("ns"), scalar),
          "uid": st.sampled_from(["u1", "u2", None, 3]),
          "ownerReferences": st.one_of(json_value, st.just([{"uid": "u1", "kind": "Job",
                                                              "controller": True}])),
          "annotations": json_value, "labels": json_value}))},
    optional={"spec": json_value, "status": json_value, "involvedObject": json_value})
logs = st.dictionaries(st.tuples(st.just("ns"), NAMES, NAMES, st.booleans()),
                       st.lists(st.sampled_from([
                           'nginx: [emerg] host not found in upstream "b"',
                           "java.net.SocketTimeoutException: connect timed out :7800",
                           "key=ns/a error=no key could decrypt secret", "\x1b]0;x\x07",
                           "exporting traces to otel.ns.svc:4317 UNAVAILABLE"]), max_size=12),
                       max_size=3)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(k8s_object, max_size=8), logs)
def test_checks_and_chains_survive_odd_objects(objects, log_lines):
    snap = Snapshot.from_objects(objects, log_lines)
    findings = [f for check in CHECKS for f in check.run(snap)]
    built = chains.build(snap, findings)
    assert {f.id for f in findings} <= {i for c in built for i in c.links}
    text = "".join(f.model_dump_json() for f in findings)
    assert not any(ch in text for ch in "\x1b\x07\u202e")
