from kubetriage.checks import create_refused
from tests.checks.conftest import event, helmrelease, owned, run

# adyanth/cloudflare-operator#110 (a Deployment's ReplicaSet)
PSA = ('Error creating: pods "cloudflare-operator-controller-manager-6c69d7595-fvqr5" is forbidden: '
       'violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container '
       '"kube-rbac-proxy" must set securityContext.allowPrivilegeEscalation=false), unrestricted '
       'capabilities (containers "kube-rbac-proxy", "manager" must set '
       'securityContext.capabilities.drop=["ALL"]), seccompProfile (pod or containers '
       '"kube-rbac-proxy", "manager" must set securityContext.seccompProfile.type to '
       '"RuntimeDefault" or "Localhost")')
# hyperspike/valkey-operator#260 (a StatefulSet), one line
STS = ('create Pod keyval-0 in StatefulSet keyval failed error: pods "keyval-0" is forbidden: '
       'violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container '
       '"volume-permissions" must set securityContext.allowPrivilegeEscalation=false), runAsUser=0 '
       '(container "volume-permissions" must not set runAsUser=0)')
QUOTA = ('Error creating: pods "a-6597bc46dc-2wm8j" is forbidden: exceeded quota: q, requested: '
         'limits.cpu=1, used: limits.cpu=6, limited: limits.cpu=6')
NS = "cloudflare-operator-system"


def replicaset(ns=NS, *, wanted=1, have=0, release=None, condition=None):
    deploy = owned("Deployment", "cloudflare-operator-controller-manager", ns, release=release)
    status = {"replicas": have, **({"conditions": [condition]} if condition else {})}
    rs = owned("ReplicaSet", "cloudflare-operator-controller-manager-6c69d7595", ns,
               owner=("Deployment", deploy["metadata"]["name"], deploy["metadata"]["uid"]),
               release=release, spec={"replicas": wanted}, status=status)
    return deploy, rs


def test_fires_when_pod_security_refuses_the_pods_and_names_the_rules():
    deploy, rs = replicaset(release="cloudflare-operator")
    hr = helmrelease("cloudflare-operator", NS, ready="False", reason="InstallFailed")
    [f] = run(create_refused, deploy, rs, hr, event(rs, "FailedCreate", PSA, count=12))
    assert f.id == f"KT-504/Deployment/{NS}/cloudflare-operator-controller-manager"
    assert f.summary == (
        f"Deployment {NS}/cloudflare-operator-controller-manager cannot create its pods: the "
        "namespace's Pod Security level restricted:latest refuses them: it breaks "
        "allowPrivilegeEscalation != false, unrestricted capabilities, seccompProfile.")
    [line] = f.evidence  # the API server's words, cut in the middle where long
    assert line.startswith("ReplicaSet cloudflare-operator-controller-manager-6c69d7595: Warning "
                           "FailedCreate (x12): Error creating: pods") and line.endswith(PSA[-40:])
    assert f.remediations[1].command == (f"kubectl label namespace {NS} "
                                         "pod-security.kubernetes.io/enforce=baseline --overwrite")
    assert ("HelmRelease", NS, "cloudflare-operator") in f.facts["breaks"]


def test_reads_the_replica_failure_condition_once_the_events_expired():
    deploy, rs = replicaset(condition={"type": "ReplicaFailure", "status": "True",
                                       "reason": "FailedCreate", "message": PSA})
    [f] = run(create_refused, deploy, rs)
    assert "Pod Security level restricted:latest" in f.summary
    assert f.evidence[0].startswith("ReplicaSet cloudflare-operator-controller-manager-6c69d7595: "
                                    "ReplicaFailure=True FailedCreate: Error creating")


def test_fires_for_a_statefulset_in_its_controllers_words():
    sts = owned("StatefulSet", "keyval", "valkey", spec={"replicas": 3}, status={"replicas": 0})
    [f] = run(create_refused, sts, event(sts, "FailedCreate", STS))
    assert f.summary == ("StatefulSet valkey/keyval cannot create its pods: the namespace's Pod "
                         "Security level restricted:latest refuses them: it breaks "
                         "allowPrivilegeEscalation != false, runAsUser=0.")


def test_silent_on_a_quota_refusal_which_is_kt_503s():
    deploy, rs = replicaset()
    assert run(create_refused, deploy, rs, event(rs, "FailedCreate", QUOTA)) == []


def test_silent_once_the_workload_has_its_pods():
    deploy, rs = replicaset(wanted=1, have=1)
    assert run(create_refused, deploy, rs, event(rs, "FailedCreate", PSA)) == []
