"""Write kubetriage/scenarios/homelab-node-pressure/: a three-node homelab where one node runs out
of disk and another stops reporting (issue 13, /work/notes/13-incidents.md §9, scenario S4).

control-1 is under DiskPressure: the kubelet evicted two pods and its taint turns the pinned
replacement away. worker-2's kubelet stopped posting status: the sole CoreDNS replica on it is
marked for deletion and not ready, so kube-dns has no ready endpoint. One root per node.
Run: .venv/bin/python scripts/make_homelab_node_pressure.py
"""

from __future__ import annotations

from datetime import UTC, datetime

from incident_kit import DAY, bump, cluster, unschedulable, write
from scenario_objects import Release, container, running, service, terminated, workload

SOURCES = """
Sources (verbatim lines; names, times and pod suffixes substituted where marked):
- control-1 DiskPressure condition "KubeletHasDiskPressure / kubelet has disk pressure":
  canonical/microk8s#29 https://github.com/canonical/microk8s/issues/29; its taint
  node.kubernetes.io/disk-pressure:NoSchedule: kubernetes/kubernetes#93711
  https://github.com/kubernetes/kubernetes/issues/93711
- The eviction message (numbers and container name from the homelab PR Tanguille/cluster#4607
  https://github.com/Tanguille/cluster/pull/4607, in the kubelet's current sentence as in
  cloud-ark/kubeplus#1382 https://github.com/cloud-ark/kubeplus/issues/1382); the second
  evicted pod's line from sustainable-computing-io/susql-operator#140 (numbers verbatim).
- The pinned replacement's FailedScheduling: composed of two verbatim clauses, the taint clause of
  secretflow/kuscia#236 https://github.com/secretflow/kuscia/issues/236 and the node-affinity
  clause of Gordonby/Snippets AKS/flux.md.
- worker-2 "NodeStatusUnknown / Kubelet stopped posting node status.": kubernetes/kubernetes#77981
  https://github.com/kubernetes/kubernetes/issues/77981; its unreachable taints:
  rancher/rancher#29997 https://github.com/rancher/rancher/issues/29997
- TaintManagerEviction "Marking for deletion Pod kube-system/coredns-...": kube-controller-manager's
  format (notes §9), pod name substituted.
"""

RECORDED_AT = datetime(2026, 8, 20, 19, 52, tzinfo=UTC)
NODES = [("control-1", "192.168.10.11"), ("worker-1", "192.168.10.12"),
         ("worker-2", "192.168.10.13")]
EVICTED_1 = ("The node was low on resource: ephemeral-storage. Threshold quantity: 80463020976, "
             "available: 78017988Ki. Container app was using 1148032Ki, request is 0, has larger "
             "consumption of ephemeral-storage.")
EVICTED_2 = ("The node was low on resource: ephemeral-storage. Threshold quantity: 24068434671, "
             "available: 23201836Ki. Container kube-rbac-proxy was using 8Ki, request is 0, has "
             "larger consumption of ephemeral-storage. Container manager was using 106848Ki, "
             "request is 0, has larger consumption of ephemeral-storage.")
TAINTED = ("0/3 nodes are available: 1 node(s) had untolerated taint "
           "{node.kubernetes.io/disk-pressure: }, 2 node(s) didn't match Pod's node "
           "affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful "
           "for scheduling.")
UNKNOWN = "Kubelet stopped posting node status."


def _cond(b, type_, status, reason, message, since):
    return {"lastHeartbeatTime": b.ts(since if status == "Unknown" else 20),
            "lastTransitionTime": b.ts(since), "message": message, "reason": reason,
            "status": status, "type": type_}


def nodes(b):
    cp = b.get("Node", None, "control-1")
    for c in cp["status"]["conditions"]:
        if c["type"] == "DiskPressure":
            c.update(_cond(b, "DiskPressure", "True", "KubeletHasDiskPressure",
                           "kubelet has disk pressure", 12 * 60))
    cp["spec"]["taints"] = [{"effect": "NoSchedule", "key": "node.kubernetes.io/disk-pressure",
                             "timeAdded": b.ts(12 * 60)}]
    w2 = b.get("Node", None, "worker-2")
    w2["status"]["conditions"] = [_cond(b, t, "Unknown", "NodeStatusUnknown", UNKNOWN, 9 * 60)
                                  for t in ("MemoryPressure", "DiskPressure", "PIDPressure",
                                            "Ready")]
    w2["spec"]["taints"] = [
        {"effect": "NoSchedule", "key": "node.kubernetes.io/unreachable",
         "timeAdded": b.ts(9 * 60)},
        {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable",
         "timeAdded": b.ts(9 * 60)}]


def evict(b, pod, message, ago):
    """What the kubelet leaves of an evicted pod: Failed, reason Evicted, its message."""
    pod["status"].update({"phase": "Failed", "reason": "Evicted", "message": message})
    for st in pod["status"]["containerStatuses"]:
        st["ready"], st["started"] = False, False
        st["state"] = {"terminated": {"exitCode": 137, "finishedAt": b.ts(ago),
                                      "reason": "ContainerStatusUnknown",
                                      "startedAt": b.ts(3 * DAY)}}
    for c in pod["status"]["conditions"]:
        if c["type"] in ("Ready", "ContainersReady"):
            c.update({"status": "False", "reason": "PodFailed", "lastTransitionTime": b.ts(ago)})
    pod["status"].pop("podIP", None)
    pod["status"].pop("podIPs", None)
    b.event(pod, "Evicted", message, type_="Warning", first_ago=ago, host="control-1")


def build():
    b = cluster("homelab-node-pressure", RECORDED_AT, NODES, ["media"])
    steps: list[dict] = []
    nodes(b)
    # control-1: fileflows filled the disk; the kubelet evicted it and a nextcloud helper
    rel = Release("fileflows", "media", "fileflows", "1.2.0", "25.08", "homelab-charts")
    app = container("app", "revenz/fileflows:25.08", port=5000, memory="1Gi")
    _, pods = workload(b, "Deployment", "media", "fileflows", release=rel, containers=[app],
                       created=60 * DAY,
                       pods=[{"created": 3 * DAY, "statuses": [running(3 * DAY - 30)],
                              "node": "control-1"},
                             {"created": 11 * 60, "statuses": [running(11 * 60)]}])
    evict(b, pods[0], EVICTED_1, 12 * 60)
    for pod in pods:
        pod["spec"]["nodeSelector"] = {"kubernetes.io/hostname": "control-1"}
    unschedulable(b, pods[1], TAINTED)
    ev = b.event(pods[1], "FailedScheduling", TAINTED, type_="Warning", count=12,
                 first_ago=11 * 60, last_ago=40, component="default-scheduler")
    steps.append(bump(b, ev, 20, 60))
    _, [helper] = workload(b, "Deployment", "default", "nextcloud-exporter", release=None,
                           labels={"app": "nextcloud-exporter"},
                           containers=[container("kube-rbac-proxy",
                                                 "quay.io/brancz/kube-rbac-proxy:v0.18.1"),
                                       container("manager", "ghcr.io/xperimental/"
                                                 "nextcloud-exporter:0.8.0", port=9205)],
                           created=40 * DAY,
                           pods=[{"created": 3 * DAY, "node": "control-1",
                                  "statuses": [running(3 * DAY - 30), running(3 * DAY - 30)]}])
    evict(b, helper, EVICTED_2, 12 * 60 - 4)
    # worker-2: the kubelet stopped reporting; the sole CoreDNS replica is there
    dns = next(o for o in b.objects if o["kind"] == "Pod"
               and o["metadata"]["name"].startswith("coredns-"))
    dns["spec"]["nodeName"] = "worker-2"
    dns["status"]["hostIP"] = dns["status"]["hostIPs"][0]["ip"] = "192.168.10.13"
    dns["metadata"]["deletionTimestamp"] = b.ts(4 * 60)
    dns["metadata"]["deletionGracePeriodSeconds"] = 30
    for c in dns["status"]["conditions"]:
        if c["type"] == "Ready":
            c.update({"status": "False", "lastTransitionTime": b.ts(9 * 60)})
    ep = b.get("Endpoints", "kube-system", "kube-dns")
    subset = ep["subsets"][0]
    subset["notReadyAddresses"] = subset.pop("addresses")
    subset["notReadyAddresses"][0]["nodeName"] = "worker-2"
    b.event(dns, "TaintManagerEviction",
            f"Marking for deletion Pod kube-system/{dns['metadata']['name']}",
            first_ago=4 * 60, component="taint-eviction-controller")
    # healthy noise: worker-1's pods are fine; a backup Job completed there yesterday
    rel = Release("jellyfin", "media", "jellyfin", "2.3.0", "10.10.7", "jellyfin")
    _, pods = workload(b, "Deployment", "media", "jellyfin", release=rel, created=50 * DAY,
                       containers=[container("jellyfin", "jellyfin/jellyfin:10.10.7", port=8096)],
                       pods=[{"created": 5 * DAY, "statuses": [running(5 * DAY - 30)],
                              "node": "worker-1"}])
    service(b, "media", "jellyfin", selector=rel.selector(), release=rel, created=50 * DAY,
            ports=[("http", 8096, "http")], pods=pods)
    from scenario_objects import job
    job(b, "default", "restic-backup-29212340", containers=[container(
        "restic", "restic/restic:0.17.3")], created=DAY,
        status=terminated(DAY - 5, DAY - 65), labels={"app": "restic-backup"})
    return b, steps


def main() -> None:
    b, steps = build()
    write(b, "homelab-node-pressure", "make_homelab_node_pressure.py",
          "issue 13 S4: homelab where node control-1 is under DiskPressure (two pods evicted, "
          "the pinned replacement turned away by its taint) and worker-2 stopped reporting "
          "(the only CoreDNS replica stranded on it): one root per node", SOURCES, steps)


if __name__ == "__main__":
    main()
