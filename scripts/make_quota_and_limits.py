"""Write kubetriage/scenarios/quota-and-limits/: a platform team's namespaces whose quotas and
limit ranges refuse pods (issue 13, /work/notes/13-incidents.md §8, scenario S3).

There is no pod to look at: the refusals are only in the FailedCreate events of the ReplicaSets
and the StatefulSet, and the workloads are short of replicas; one release times out on it.
Run: .venv/bin/python scripts/make_quota_and_limits.py
"""

from __future__ import annotations

from datetime import UTC, datetime

from incident_kit import (
    DAY,
    bump,
    cluster,
    deployment,
    helm_chart,
    helm_release,
    helm_repository,
    replica_failure,
    write,
)
from scenario_objects import Release, container, running, workload

SOURCES = """
Sources (verbatim lines; names and pod suffixes substituted where marked):
- ResourceQuota offender-management/namespace-quota and ReplicaSet allocation-manager-6597bc46dc
  (FailedCreate x124, "(combined from similar events): Error creating: ... exceeded quota"):
  ministryofjustice/cloud-platform#590 https://github.com/ministryofjustice/cloud-platform/issues/590
- Deployment prometheus-operator (1 wanted, 0 current): ministryofjustice/cloud-platform-environments#174
  https://github.com/ministryofjustice/cloud-platform-environments/issues/174
- HelmRelease offender-management/allocation-manager "Helm upgrade failed ... timeout waiting for:
  [...]": composed from helm-controller's format; no public issue ties a release timeout to a
  quota (notes §16).
- LimitRange ml/mem-limits: harn3ss/open-infra#9 https://github.com/harn3ss/open-infra/issues/9
  (the issue elides the pod name as "demo-chat-..."; a suffix is substituted), the event count
  shape from zalando-incubator/kubernetes-on-aws#278.
- StatefulSet fpl/fpl-case-service-pr-3308-es-master: hmcts/cnp-flux-config#13765
  https://github.com/hmcts/cnp-flux-config/pull/13765
- Deployment condition ReplicaFailure=True FailedCreate: kube-controller-manager's constants.
"""

RECORDED_AT = datetime(2026, 11, 12, 9, 5, tzinfo=UTC)
NODES = [("ip-172-20-41-7", "172.20.41.7"), ("ip-172-20-77-19", "172.20.77.19"),
         ("ip-172-20-102-3", "172.20.102.3")]
NS = "offender-management"
EXCEEDED = ('Error creating: pods "allocation-manager-6597bc46dc-2wm8j" is forbidden: exceeded '
            'quota: namespace-quota, requested: limits.cpu=1,limits.memory=2Gi, used: '
            'limits.cpu=6,limits.memory=12Gi, limited: limits.cpu=6,limits.memory=12Gi')
OPERATOR = ('Error creating: pods "prometheus-operator-d75587d6-w2tz8" is forbidden: exceeded '
            'quota: namespace-quota, requested: limits.cpu=1, used: limits.cpu=5426m, limited: '
            'limits.cpu=6')
LIMIT = ('Error creating: pods "demo-chat-6b8f9c7d4-x2k4p" is forbidden: maximum memory usage per '
         'Container is 4Gi, but limit is 8Gi')
STS = "fpl-case-service-pr-3308-es-master"
MUST = (f'create Pod {STS}-0 in StatefulSet {STS} failed error: pods "{STS}-0" is forbidden: '
        'failed quota: fpl-quota: must specify requests.cpu,requests.memory')


def quota(b, name, ns, hard, used, created=200 * DAY):
    return b.add({"apiVersion": "v1", "kind": "ResourceQuota",
                  "metadata": b.meta("ResourceQuota", name, ns, created),
                  "spec": {"hard": hard}, "status": {"hard": hard, "used": used}})


def limited(cpu, memory, requests=True):
    c = {"limits": {"cpu": cpu, "memory": memory}}
    if requests:
        c["requests"] = {"cpu": "100m", "memory": "256Mi"}
    return c


def offender_management(b, steps):
    quota(b, "namespace-quota", NS, {"limits.cpu": "6", "limits.memory": "12Gi"},
          {"limits.cpu": "6", "limits.memory": "12Gi"})
    rel = Release("allocation-manager", NS, "allocation-manager", "1.4.2", "1.4.2",
                  "moj-helm-charts")
    helm_repository(b, "moj-helm-charts", "https://ministryofjustice.github.io/helm-charts")
    helm_chart(b, f"{NS}-allocation-manager", "flux-system", "allocation-manager", "1.4.2",
               "moj-helm-charts")
    helm_release(b, rel, ready=("False", "UpgradeFailed",
                                f"Helm upgrade failed for release {NS}/allocation-manager with "
                                "chart allocation-manager@1.4.2: timeout waiting for: "
                                f"[Deployment/{NS}/allocation-manager status: 'InProgress']"),
                 failures=3, since=50 * 60)
    app = container("allocation-manager", "ministryofjustice/offender-management-allocation-"
                    "manager:1.4.2", port=3000)
    app["resources"] = limited("1", "2Gi")
    deploy, rs, _ = deployment(b, NS, "allocation-manager", "6597bc46dc", replicas=3,
                               release=rel, containers=[app],
                               pods=[{"created": 6 * DAY, "statuses": [running(6 * DAY - 40)]}])
    replica_failure(b, deploy, EXCEEDED, 6 * DAY)
    ev = b.event(rs, "FailedCreate", "(combined from similar events): " + EXCEEDED,
                 type_="Warning", count=124, first_ago=6 * DAY, last_ago=59 * 60,
                 component="replicaset-controller")
    steps.append(bump(b, ev, 30, 120))
    op = container("prometheus-operator", "quay.io/coreos/prometheus-operator:v0.29.0",
                   port=8080)
    op["resources"] = limited("1", "200Mi")
    deploy, rs, _ = deployment(b, NS, "prometheus-operator", "d75587d6", replicas=1, pods=[],
                               labels={"app": "prometheus-operator"}, containers=[op])
    replica_failure(b, deploy, OPERATOR, 16 * DAY)
    b.event(rs, "FailedCreate", OPERATOR, type_="Warning", count=2087, first_ago=16 * DAY,
            last_ago=4 * 60, component="replicaset-controller")


def ml(b):
    b.add({"apiVersion": "v1", "kind": "LimitRange",
           "metadata": b.meta("LimitRange", "mem-limits", "ml", 90 * DAY),
           "spec": {"limits": [{"default": {"memory": "1Gi"}, "defaultRequest": {
               "memory": "256Mi"}, "max": {"memory": "4Gi"}, "type": "Container"}]}})
    chat = container("demo-chat", "ghcr.io/harn3ss/demo-chat:0.9.1", port=8000)
    chat["resources"] = {"limits": {"memory": "8Gi"}, "requests": {"memory": "4Gi"}}
    deploy, rs, _ = deployment(b, "ml", "demo-chat", "6b8f9c7d4", replicas=1, pods=[],
                               labels={"app": "demo-chat"}, containers=[chat])
    replica_failure(b, deploy, LIMIT, 2 * 3600)
    b.event(rs, "FailedCreate", LIMIT, type_="Warning", count=26, first_ago=2 * 3600,
            last_ago=21, component="replicaset-controller")


def fpl(b):
    quota(b, "fpl-quota", "fpl", {"requests.cpu": "8", "requests.memory": "16Gi",
                                  "limits.cpu": "16", "limits.memory": "32Gi"},
          {"requests.cpu": "2250m", "requests.memory": "5Gi", "limits.cpu": "4",
           "limits.memory": "9Gi"})
    es = container("elasticsearch", "docker.elastic.co/elasticsearch/elasticsearch:7.17.22",
                   port=9200)
    es.pop("resources")
    sts, _ = workload(b, "StatefulSet", "fpl", STS, release=None, labels={"app": STS},
                      containers=[es], pods=[], created=45 * 60)
    sts["spec"]["replicas"] = 1
    b.event(sts, "FailedCreate", MUST, type_="Warning", count=31, first_ago=45 * 60,
            last_ago=39 * 60, component="statefulset-controller")


def build():
    b = cluster("quota-and-limits", RECORDED_AT, NODES, [NS, "ml", "fpl", "tools"],
                kubelet="v1.33.3-eks-8eb9b0c")
    steps: list[dict] = []
    offender_management(b, steps)
    ml(b)
    fpl(b)
    # healthy noise: a namespace whose quota is at 40 % and whose pods all run
    quota(b, "tools-quota", "tools", {"limits.cpu": "10", "limits.memory": "20Gi"},
          {"limits.cpu": "4", "limits.memory": "8Gi"})
    wiki = container("wiki", "ghcr.io/requarks/wiki:2.5.307", port=3000)
    wiki["resources"] = limited("2", "4Gi")
    workload(b, "Deployment", "tools", "wiki", release=None, labels={"app": "wiki"},
             containers=[wiki], created=30 * DAY,
             pods=[{"created": 9 * DAY, "statuses": [running(9 * DAY - 30)]} for _ in range(2)])
    return b, steps


def main() -> None:
    b, steps = build()
    write(b, "quota-and-limits", "make_quota_and_limits.py",
          "issue 13 S3: namespaces whose ResourceQuota is full, whose quota requires requests a "
          "StatefulSet lacks, and whose LimitRange refuses a container limit: refusals only in "
          "FailedCreate events, workloads short of pods, a release timing out", SOURCES, steps)


if __name__ == "__main__":
    main()
