from kubetriage.checks import quota_refused
from tests.checks.conftest import event, helmrelease, owned, run

EXCEEDED = ('(combined from similar events): Error creating: pods '
            '"allocation-manager-6597bc46dc-2wm8j" is forbidden: exceeded quota: namespace-quota, '
            'requested: limits.cpu=1,limits.memory=2Gi, used: limits.cpu=6,limits.memory=12Gi, '
            'limited: limits.cpu=6,limits.memory=12Gi')
LIMIT = ('Error creating: pods "demo-chat-6b8f9c7d4-x2k4p" is forbidden: maximum memory usage per '
         'Container is 4Gi, but limit is 8Gi')
MUST = ('create Pod fpl-case-service-pr-3308-es-master-0 in StatefulSet '
        'fpl-case-service-pr-3308-es-master failed error: pods '
        '"fpl-case-service-pr-3308-es-master-0" is forbidden: failed quota: fpl-quota: must '
        'specify requests.cpu,requests.memory')
NS = "offender-management"


def replicaset(name, ns=NS, *, wanted=3, have=1, release=None):
    deploy = owned("Deployment", name.rsplit("-", 1)[0], ns, release=release)
    rs = owned("ReplicaSet", name, ns, owner=("Deployment", deploy["metadata"]["name"],
                                               deploy["metadata"]["uid"]),
               spec={"replicas": wanted}, status={"replicas": have})
    return deploy, rs


def test_fires_when_a_quota_is_full_and_links_the_release():
    deploy, rs = replicaset("allocation-manager-6597bc46dc", release="allocation-manager")
    hr = helmrelease("allocation-manager", NS, ready="False", reason="UpgradeFailed")
    [f] = run(quota_refused, deploy, rs, hr, event(rs, "FailedCreate", EXCEEDED, count=124))
    assert f.id == "KT-503/ResourceQuota/offender-management/namespace-quota"
    assert f.summary == ("ResourceQuota offender-management/namespace-quota is full (requested: "
                         "limits.cpu=1,limits.memory=2Gi; used: limits.cpu=6,limits.memory=12Gi; "
                         "limited: limits.cpu=6,limits.memory=12Gi): it refuses the pods of "
                         "Deployment allocation-manager.")
    assert f.evidence[0] == \
        f"ReplicaSet allocation-manager-6597bc46dc: Warning FailedCreate (x124): {EXCEEDED}"
    assert f.remediations[0].command == \
        "kubectl edit resourcequota namespace-quota -n offender-management"
    assert ("HelmRelease", NS, "allocation-manager") in f.facts["breaks"]


def test_fires_when_a_limit_range_refuses_the_container_limit():
    lr = {"apiVersion": "v1", "kind": "LimitRange",
          "metadata": {"name": "mem-limits", "namespace": "ml"}}
    deploy, rs = replicaset("demo-chat-6b8f9c7d4", "ml", wanted=1, have=0)
    [f] = run(quota_refused, lr, deploy, rs, event(rs, "FailedCreate", LIMIT, count=26))
    assert f.id == "KT-503/LimitRange/ml/mem-limits"
    assert "maximum memory usage per Container is 4Gi, but limit is 8Gi" in f.summary


def test_fires_when_the_quota_requires_requests_the_statefulset_lacks():
    sts = owned("StatefulSet", "fpl-case-service-pr-3308-es-master", "fpl",
                spec={"replicas": 1}, status={"replicas": 0})
    [f] = run(quota_refused, sts, event(sts, "FailedCreate", MUST, count=40))
    assert "requires requests.cpu,requests.memory and the pods declare none" in f.summary


def test_silent_once_the_workload_has_its_pods():
    deploy, rs = replicaset("allocation-manager-6597bc46dc", have=3)
    assert run(quota_refused, deploy, rs, event(rs, "FailedCreate", EXCEEDED, count=124)) == []
