from datetime import UTC, datetime, timedelta

from kubetriage.checks import namespace_stuck
from tests.checks.conftest import run

# kubeshop/kusk-gateway#599's `kubectl describe ns kusk-system`
CONTENT = "Some resources are remaining: staticroutes.gateway.kusk.io has 1 resource instances"
FINALIZERS = ("Some content in the namespace has finalizers remaining: "
              "gateway.kusk.io/finalizer in 1 resource instances")
# the discovery failure an aggregated API that is down leaves on every deleted namespace
DISCOVERY = ("Discovery failed for some groups, 1 failing: unable to retrieve the complete list "
             "of server APIs: metrics.k8s.io/v1beta1: the server is currently unable to handle "
             "the request")


def namespace(name, minutes, **conditions):
    since = (datetime.now(UTC) - timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": name, "uid": f"uid-{name}", "deletionTimestamp": since},
            "spec": {"finalizers": ["kubernetes"]},
            "status": {"phase": "Terminating", "conditions": [
                {"type": t, "status": "True", "message": m} for t, m in conditions.items()]}}


def test_fires_on_finalizers_no_controller_removes_and_never_advises_the_namespaces_own():
    ns = namespace("kusk-system", 90, NamespaceContentRemaining=CONTENT,
                   NamespaceFinalizersRemaining=FINALIZERS)
    [f] = run(namespace_stuck, ns)
    assert f.id == "KT-703/Namespace/-/kusk-system"
    assert f.summary == ("Namespace kusk-system has been Terminating for 90m: finalizer "
                         "gateway.kusk.io/finalizer on 1 staticroutes.gateway.kusk.io is never "
                         "removed: the controller that owns it is gone or failing.")
    assert f.remediations[0].command == "kubectl get staticroutes.gateway.kusk.io -n kusk-system " \
                                        "-o name"
    assert "never the namespace's own" in f.remediations[0].title


def test_a_discovery_failure_is_the_cause_before_anything_left_in_it():
    ns = namespace("monitoring", 30, NamespaceDeletionDiscoveryFailure=DISCOVERY,
                   NamespaceContentRemaining=CONTENT)
    [f] = run(namespace_stuck, ns)
    assert "cannot list every API" in f.summary and "metrics.k8s.io/v1beta1" in f.summary
    assert f.remediations[0].command == "kubectl get apiservices | grep -v True"


def test_silent_while_the_deletion_is_young():
    assert run(namespace_stuck, namespace("kusk-system", 2, NamespaceContentRemaining=CONTENT)) \
        == []
