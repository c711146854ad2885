"""Write kubetriage/scenarios/cni-sandbox/: a two-node cluster whose worker's network plugin cannot
reach the API server, so every pod scheduled there stays in ContainerCreating (KT-211).

calico-node itself runs on both nodes (the reporter: "my calico pods are running"); on worker-1
the calico CNI plugin fails each sandbox with `error getting ClusterInformation: ... Service
Unavailable`. CoreDNS's second replica, a shop frontend and a worker are held there across two
namespaces; the same workloads' pods on control-1 run. One root: the node's plugin.
Run: .venv/bin/python scripts/make_cni_sandbox.py
"""

from __future__ import annotations

from datetime import UTC, datetime

from incident_kit import bump, cluster, container_creating, write
from scenario_objects import container, running, workload

SOURCES = """
Sources (verbatim lines; sandbox ids and pod names substituted where marked):
- The FailedCreatePodSandBox message (calico plugin, ClusterInformation, Service Unavailable) and
  "my calico pods are running. but other pods like coredns and application pods are stuck with
  containercreating state": yuyicai/update-kube-cert#31
  https://github.com/yuyicai/update-kube-cert/issues/31 (sandbox id kept, one per pod
  substituted).
- SandboxChanged "Pod sandbox changed, it will be killed and re-created.": projectcalico/calico#6716
  https://github.com/projectcalico/calico/issues/6716
"""

RECORDED_AT = datetime(2026, 5, 3, 9, 40, tzinfo=UTC)
NODES = [("control-1", "10.0.0.11"), ("worker-1", "10.0.0.12")]
SANDBOX = ('Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup '
           'network for sandbox "{sandbox}": plugin type="calico" failed (add): error getting '
           'ClusterInformation: Get "https://172.20.0.1:443/apis/crd.projectcalico.org/v1/'
           'clusterinformations/default": Service Unavailable')
CHANGED = "Pod sandbox changed, it will be killed and re-created."
HELD_S = 50 * 60  # since worker-1's plugin lost the API server


def calico(b):
    """calico-node on each node, running, as the reporter saw it."""
    workload(b, "DaemonSet", "kube-system", "calico-node", release=None,
             labels={"k8s-app": "calico-node"}, created=120 * 86400,
             containers=[container("calico-node", "docker.io/calico/node:v3.29.3",
                                   memory="256Mi")],
             pods=[{"created": 30 * 86400, "statuses": [running(30 * 86400 - 20)],
                    "node": node} for node, _ in NODES])


def held(b, pod, n):
    """A pod on worker-1 as the kubelet leaves it: ContainerCreating, the sandbox failing."""
    pod["spec"]["nodeName"] = "worker-1"
    container_creating(pod)
    sandbox = b.uid(f"sandbox/{pod['metadata']['name']}").replace("-", "")
    sandbox = (sandbox * 3)[:64]
    ev = b.event(pod, "FailedCreatePodSandBox", SANDBOX.format(sandbox=sandbox), type_="Warning",
                 count=38 + n, first_ago=HELD_S - 30 * n, last_ago=20 + n, host="worker-1")
    b.event(pod, "SandboxChanged", CHANGED, count=38 + n, first_ago=HELD_S - 30 * n,
            last_ago=21 + n, host="worker-1")
    return ev


def build():
    b = cluster("cni-sandbox", RECORDED_AT, NODES, ["shop"])
    calico(b)
    steps: list[dict] = []
    # CoreDNS scaled to two: the second replica landed on worker-1
    _, dns = workload(b, "Deployment", "kube-system", "coredns-autoscaled", release=None,
                      labels={"k8s-app": "coredns-autoscaled"}, created=HELD_S + 60,
                      containers=[container("coredns", "rancher/mirrored-coredns-coredns:1.12.1",
                                            port=53, port_name="dns", memory="170Mi")],
                      pods=[{"created": HELD_S - 10, "statuses": [running(HELD_S - 20)]}])
    steps.append(bump(b, held(b, dns[0], 0), 20, 30))
    _, web = workload(b, "Deployment", "shop", "storefront", release=None,
                      labels={"app": "storefront"}, created=40 * 86400,
                      containers=[container("web", "nginx:1.27.4", port=80)],
                      pods=[{"created": 3 * 86400, "statuses": [running(3 * 86400 - 20)],
                             "node": "control-1"},
                            {"created": HELD_S - 40, "statuses": [running(HELD_S - 50)]}])
    steps.append(bump(b, held(b, web[1], 1), 25, 30))
    _, worker = workload(b, "Deployment", "shop", "order-worker", release=None,
                         labels={"app": "order-worker"}, created=40 * 86400,
                         containers=[container("worker", "ghcr.io/acme/order-worker:2.4.1")],
                         pods=[{"created": HELD_S - 70, "statuses": [running(HELD_S - 80)]}])
    steps.append(bump(b, held(b, worker[0], 2), 30, 30))
    return b, steps


def main() -> None:
    b, steps = build()
    write(b, "cni-sandbox", "make_cni_sandbox.py",
          "KT-211: worker-1's calico CNI plugin cannot reach the API server (Service "
          "Unavailable): three pods in two namespaces stay in ContainerCreating, one root for the "
          "node", SOURCES, steps)


if __name__ == "__main__":
    main()
